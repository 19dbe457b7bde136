"""Font work shared with a forked process (fonts.parallel): a build of one document on an empty
cache makes about half of its subsets in a second process, with the same bytes as one process;
the child only ever fills the cache, and never outlives the build."""
from __future__ import annotations

import os
import time
from functools import partial

import pytest

from converter.batch import build_folder
from converter import parallel
from helpers import SOURCES

pytestmark = pytest.mark.skipif(parallel._cores() < 2, reason="one core: font work is never shared")


def _note_pid(folder, name: str) -> None:
    (folder / name).write_text(str(os.getpid()), encoding="ascii")


def test_about_half_the_work_runs_in_a_second_process(tmp_path):
    jobs = [(cost, partial(_note_pid, tmp_path, name)) for cost, name in ((3.0, "big"), (1.0, "a"), (1.0, "b"), (1.0, "c"))]
    with parallel.allowing(True):
        parallel.share(jobs)
    pids = {p.name: int(p.read_text()) for p in tmp_path.iterdir()}
    assert set(pids) == {"big", "a", "b", "c"}
    assert pids["big"] != os.getpid()  # the costliest went to the child …
    assert {pids["a"], pids["b"], pids["c"]} == {os.getpid()}  # … and the rest, as costly, stayed here


def test_nothing_runs_unless_allowed_or_worth_it(tmp_path):
    two = [(1.0, partial(_note_pid, tmp_path, "a")), (1.0, partial(_note_pid, tmp_path, "b"))]
    parallel.share(two)  # not allowed: the caller does the work itself
    with parallel.allowing(False):
        parallel.share(two)
    with parallel.allowing(True):
        parallel.share(two[:1])  # one job: nothing to share
    assert list(tmp_path.iterdir()) == []


def _fail() -> None:
    raise ValueError("a face that cannot be read")


def test_a_failing_job_is_left_to_the_caller(tmp_path):
    jobs = [(2.0, _fail), (1.0, _fail), (1.0, partial(_note_pid, tmp_path, "done"))]
    with parallel.allowing(True):
        parallel.share(jobs)  # no exception: the caller's own call says what is wrong
    assert (tmp_path / "done").exists()


def _sleep_after_noting(folder, seconds: float) -> None:
    _note_pid(folder, "child")
    time.sleep(seconds)


def _interrupted(folder) -> None:
    deadline = time.monotonic() + 10
    while not (folder / "child").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    raise KeyboardInterrupt


def test_a_stopped_build_stops_the_child_too(tmp_path):
    jobs = [(5.0, partial(_sleep_after_noting, tmp_path, 60)), (1.0, partial(_interrupted, tmp_path))]
    start = time.monotonic()
    with parallel.allowing(True), pytest.raises(KeyboardInterrupt):
        parallel.share(jobs)
    assert time.monotonic() - start < 5, "the child was stopped, not waited for"
    pid = int((tmp_path / "child").read_text())
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped already: no zombie, no process left
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def _counting_forks(monkeypatch) -> list[str]:
    """What each fork of this process is for: "fonts" (share) or "writers" (pipeline.Early)."""
    forks: list[str] = []
    sharing: list[bool] = []
    real_fork, real_share = os.fork, parallel.share

    def share(jobs) -> None:
        sharing.append(True)
        try:
            real_share(jobs)
        finally:
            sharing.pop()

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append("fonts" if sharing else "writers")
        return pid

    monkeypatch.setattr(parallel, "share", share)
    monkeypatch.setattr(parallel.os, "fork", fork)
    return forks


def test_one_document_on_an_empty_cache_gives_the_same_bytes_with_a_second_process(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "report.txt").write_bytes((SOURCES / "gongwen-report.txt").read_bytes())
    outputs = {}
    for jobs in (1, 2):
        monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path / f"cache-{jobs}"))  # empty
        forks = _counting_forks(monkeypatch)
        result = build_folder([src], tmp_path / f"out-{jobs}", "pdf,docx,epub", jobs=jobs)
        assert result.ok
        # -j 1 takes one core; one document with -j 2 forks a second process first, which makes
        # the PDF's fonts ahead (pipeline.Early) before it writes the DOCX (the EPUB's may be
        # shared once it has ended)
        assert forks == [] if jobs == 1 else forks[0] == "writers" and set(forks) <= {"writers", "fonts"}
        outputs[jobs] = {p.name: p.read_bytes() for p in (tmp_path / f"out-{jobs}").iterdir() if p.suffix in (".pdf", ".docx", ".epub")}
    assert set(outputs[1]) == {"report.pdf", "report.docx", "report.epub"}
    assert outputs[1] == outputs[2]
    # every subset the child made is in the cache: the next build makes none
    cache = tmp_path / "cache-2"
    subsets = {p: p.stat().st_mtime_ns for folder in ("fonts", "subsets", "webfonts") for p in (cache / folder).iterdir()}
    assert subsets
    assert build_folder([src], tmp_path / "out-2", "pdf,docx,epub", jobs=2, force=True).ok
    assert {p: p.stat().st_mtime_ns for folder in ("fonts", "subsets", "webfonts") for p in (cache / folder).iterdir()} == subsets


def test_no_process_to_spare_leaves_the_work_to_the_caller(tmp_path, monkeypatch):
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")  # what fork says under RLIMIT_NPROC

    monkeypatch.setattr(parallel.os, "fork", no_fork)
    two = [(1.0, partial(_note_pid, tmp_path, "a")), (1.0, partial(_note_pid, tmp_path, "b"))]
    with parallel.allowing(True):
        parallel.share(two)
    assert list(tmp_path.iterdir()) == []


def test_the_jobs_are_not_even_listed_unless_sharing_is_allowed():
    def jobs():
        raise AssertionError("a build that may not share looked at which subsets are cached")
        yield

    parallel.share(jobs())
    with parallel.allowing(False):
        parallel.share(jobs())


def _wait_for(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_nothing_is_shared_while_another_child_runs(tmp_path):
    """A Forked child (pipeline.Early's) makes what share would: no third process beside it;
    once it has ended (not yet waited for), share forks again."""
    two = [(1.0, partial(_note_pid, tmp_path, "a")), (1.0, partial(_note_pid, tmp_path, "b"))]
    with parallel.allowing(True):
        child = parallel.Forked(partial(_wait_for, 1.0))
        parallel.share(two)
        assert list(tmp_path.iterdir()) == []  # nothing run: the caller's own loop makes them
        deadline = time.monotonic() + 10
        while parallel._alive(child._pid):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        parallel.share(two)
        assert len({int(p.read_text()) for p in tmp_path.iterdir()}) == 2  # one of them in a child
        assert child.result() not in (None, os.getpid())  # its result is still there to be had
