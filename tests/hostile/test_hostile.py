"""The hostile-input suite: every case of cases.py run as a separate process under memory and time
caps (harness.py), held to the same promises. The cases run a few at a time (they are separate
processes anyway); each test then checks its own."""
from __future__ import annotations

import os
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from hostile.cases import all_cases, filesystem_cases
from hostile.harness import can_mount, check, run

#: cases running at once: processes wait on the disk too, and each is capped in memory
AT_ONCE = 3


def params(cases):
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])
            for c in cases]


@pytest.fixture(scope="session")
def outcomes(request, tmp_path_factory):
    """Case id → a Future of (its folder, its finished process), for the cases collected."""
    wanted = {item.callspec.params["case"].id for item in request.session.items
              if getattr(item, "originalname", "") == "test_hostile"}
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        futures: dict[str, Future] = {}
        for case in all_cases():
            if case.id in wanted:
                folder = tmp_path_factory.mktemp("hostile")
                futures[case.id] = pool.submit(lambda c=case, f=folder: (f, run(c, f)))
        yield futures


def test_there_are_enough_cases():
    cases = all_cases() + filesystem_cases()
    assert len(cases) >= 100
    assert len({c.id for c in cases}) == len(cases)


@pytest.mark.parametrize("case", params(all_cases()))
def test_hostile(case, outcomes):
    folder, result = outcomes[case.id].result()
    check(case, folder, result)


@pytest.mark.parametrize("case", params(filesystem_cases()))
def test_hostile_file_system(case, tmp_path):
    if not can_mount():
        pytest.skip("needs root and CAP_SYS_ADMIN to mount a small tmpfs (a full or read-only disk)")
    try:
        check(case, tmp_path, run(case, tmp_path))
    finally:
        if os.path.ismount(tmp_path / "out"):
            subprocess.run(["umount", "-l", str(tmp_path / "out")], check=False)
