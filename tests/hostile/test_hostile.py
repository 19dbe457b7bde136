"""The hostile-input suite: every case of cases.py run as a separate process under memory and time
caps (harness.py), held to the same promises."""
from __future__ import annotations

import os
import subprocess

import pytest

from hostile.cases import all_cases, filesystem_cases
from hostile.harness import can_mount, check, run


def params(cases):
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])
            for c in cases]


def test_there_are_enough_cases():
    assert len(all_cases()) + len(filesystem_cases()) >= 100
    assert len({c.id for c in all_cases() + filesystem_cases()}) == len(all_cases()) + len(filesystem_cases())


@pytest.mark.parametrize("case", params(all_cases()))
def test_hostile(case, tmp_path):
    check(case, tmp_path, run(case, tmp_path))


@pytest.mark.parametrize("case", params(filesystem_cases()))
def test_hostile_file_system(case, tmp_path):
    if not can_mount():
        pytest.skip("needs root and CAP_SYS_ADMIN to mount a small tmpfs (a full or read-only disk)")
    try:
        check(case, tmp_path, run(case, tmp_path))
    finally:
        if os.path.ismount(tmp_path / "out"):
            subprocess.run(["umount", "-l", str(tmp_path / "out")], check=False)
