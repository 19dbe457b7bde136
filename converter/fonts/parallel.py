"""Font work that fills the cache, shared with a second process when a build may take a core.

A build of one document on an empty cache spends most of its time making the PDF's subsets, one
face after the other (the seed: 1.9 s of 3.3 s, FandolFang alone 1.0 s). Each subset is a cache
file written atomically, the same bytes whichever process makes it; so the costliest share of
them is made by a forked child while this process makes the rest, and the caller's own loop
then finds every one cached. What the child does only ever fills the cache: if it fails or is
stopped, the caller's loop makes the subset itself and says what is wrong, as without it.

Not used by the workers of a folder build (they already take every core) nor under ``-j 1``:
the batch allows it for one document at a time (``allowing``).
"""
from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_allowed = False


@contextmanager
def allowing(allowed: bool) -> Iterator[None]:
    """Within the block, font work may take a second core when ``allowed`` (and the machine has one)."""
    global _allowed
    before, _allowed = _allowed, allowed and _cores() >= 2
    try:
        yield
    finally:
        _allowed = before


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Stop(BaseException):
    """Raised in the child by SIGTERM or SIGINT: the cache writes in progress remove their
    temporary files on the way out."""


def _stop(signum, frame) -> None:
    raise _Stop(signum)


def share(jobs: list[tuple[float, Callable[[], object]]]) -> None:
    """Run jobs (estimated cost, work) whose only effect is files in the cache: about half of
    the cost in a forked child, the rest here, then wait for the child. Nothing is run when
    sharing is not allowed or would not pay (fewer than two jobs): the caller does the work."""
    if not _allowed or len(jobs) < 2 or not hasattr(os, "fork"):
        return
    mine: list[Callable[[], object]] = []
    theirs: list[Callable[[], object]] = []
    load = [0.0, 0.0]  # the costliest first, each to the less loaded side (longest processing time first)
    for cost, work in sorted(jobs, key=lambda j: -j[0]):
        side = 0 if load[0] <= load[1] else 1
        load[side] += cost
        (theirs if side == 0 else mine).append(work)
    try:
        pid = os.fork()
    except OSError:  # no process to spare (a process or memory limit): the caller does the work
        return
    if pid == 0:  # the child: its work, then out, without the parent's exit handlers or buffers
        code = 1
        try:
            signal.signal(signal.SIGTERM, _stop)
            signal.signal(signal.SIGINT, _stop)
            _run_all(theirs)
            code = 0
        finally:
            os._exit(code)
    try:
        _run_all(mine)
    except BaseException:  # stopped (Ctrl-C, SIGTERM): no font work outlives the build
        _terminate(pid)
        raise
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    except BaseException:
        _terminate(pid)
        raise


def _run_all(jobs: list[Callable[[], object]]) -> None:
    for work in jobs:
        try:
            work()
        except Exception:  # the caller's own call makes it again and reports what is wrong
            pass


def _terminate(pid: int) -> None:
    """Stop the child (it removes the temporary files it is writing) and wait for it; one
    that has not stopped within a second is killed."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 1.0
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return
        time.sleep(0.005)
