"""A second core for a build of one document: work done meanwhile in a forked child process.

Two kinds of work go there, each one that the build's own process can always do instead:
- ``share``: work whose only effect is files in the cache (font subsets). A build on an empty
  cache makes the PDF's subsets one face after the other (the seed: 1.9 s of 3.3 s, FandolFang
  alone 1.0 s); each is a cache file written atomically, the same bytes whichever process makes
  it, so the costliest half is made by a child while this process makes the rest, and the
  caller's own loop then finds them all cached.
- ``Forked``: a function whose result comes back through a pipe (the writers that need no pages,
  run while this process lays the pages out, after making the fonts the pages will want: see
  pipeline.Early). While such a child runs, ``share`` forks no other.
A child that fails, is stopped or cannot be started changes nothing: the caller does the work
itself, and says what is wrong as it would have. A child never outlives the build.

Not used by the workers of a folder build (they already take every core) nor under ``-j 1``:
the batch allows it for one document at a time (``allowing``); a child never forks again.
"""
from __future__ import annotations

import os
import pickle
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from . import signals

_allowed = False
#: the Forked children of this process not waited for yet: while one of them runs, share forks
#: no other (it makes what both would: pipeline.Early)
_running: set[int] = set()


@contextmanager
def allowing(allowed: bool) -> Iterator[None]:
    """Within the block, work may take a second core when ``allowed`` (and the machine has one)."""
    global _allowed
    before, _allowed = _allowed, allowed and _cores() >= 2
    try:
        yield
    finally:
        _allowed = before


def allowed() -> bool:
    """Whether work may take a second core now."""
    return _allowed


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Stop(BaseException):
    """Raised in a child by SIGTERM or SIGINT: the cache and output writes in progress remove
    their temporary files on the way out."""


#: the signals that stop a build, and its child
_STOPPING = (signal.SIGINT, signal.SIGTERM)


def _stop(signum, frame) -> None:
    if signals.deferred(signum, frame):  # inside a finalizer, an exception would be swallowed
        return
    raise _Stop(signum)


def _spawn(child: Callable[[], None]) -> int | None:
    """Fork a process that runs ``child()`` and exits (status 0 when it returned, 1 when it
    raised or was stopped), never returning into the caller's code; its pid, or None when no
    process can be started (a process or memory limit).

    The stopping signals are blocked across the fork: one that landed in the child before it
    had its own handlers would run the build's, whose exception would unwind the build's code
    (its clean-up, its messages) in the child. A thread of the parent (a progress bar) does not
    exist in the child; the child writes nothing to the terminal, so no lock it held matters."""
    global _allowed
    if not hasattr(os, "fork"):
        return None
    parent = os.getpid()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        return None
    if pid:
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a signal that came meanwhile: now
        except BaseException:
            terminate(pid)
            raise
        return pid
    code = 1
    try:
        _allowed = False  # the child is the second core: it never forks again
        for sig in _STOPPING:
            signal.signal(sig, _stop)
        _die_with(parent)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        child()
        code = 0
    except BaseException:
        pass
    finally:
        os._exit(code)  # not the parent's exit handlers, nor its buffered output


def _die_with(parent: int) -> None:
    """In a child: SIGTERM when the build's process dies, even killed (Linux's
    PR_SET_PDEATHSIG), so that no child outlives it; stopped now if it is gone already."""
    try:
        import ctypes  # (3 ms, in the child only)

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the build stops its child itself, unless it is killed
    if os.getppid() != parent:
        raise _Stop(signal.SIGTERM)


def share(jobs: Iterable[tuple[float, Callable[[], object]]]) -> None:
    """Run jobs (estimated cost, work) whose only effect is files in the cache: about half of
    the cost in a forked child, the rest here, then wait for the child. Nothing is run when
    sharing is not allowed or would not pay (fewer than two jobs): the caller does the work.
    ``jobs`` is only read when sharing is allowed: a generator spares every other build the
    look at which files are cached.

    Files written whole by both sides (a face's store of converted outlines) keep the last
    one's: what the other added is made again by a later build, the same bytes."""
    if not _allowed or any(_alive(pid) for pid in _running):
        return  # (a second child beside a running one would take turns with it on the same cores)
    jobs = list(jobs)
    if len(jobs) < 2:
        return
    mine: list[Callable[[], object]] = []
    theirs: list[Callable[[], object]] = []
    load = [0.0, 0.0]  # the costliest first, each to the less loaded side (longest processing time first)
    for cost, work in sorted(jobs, key=lambda j: -j[0]):
        side = 0 if load[0] <= load[1] else 1
        load[side] += cost
        (theirs if side == 0 else mine).append(work)
    pid = _spawn(lambda: _run_all(theirs))
    if pid is None:
        return
    try:
        _run_all(mine)
    except BaseException:  # stopped (Ctrl-C, SIGTERM): no work outlives the build
        terminate(pid)
        raise
    _reap(pid)


def _run_all(jobs: list[Callable[[], object]]) -> None:
    for work in jobs:
        try:
            work()
        except Exception:  # the caller's own call makes it again and reports what is wrong
            pass


class Forked:
    """``work()`` run in a forked child from now on; ``result()`` waits for what it returned.

    None from ``result()`` means the caller does the work itself: the child could not be
    started, failed (its exception is not carried over: the caller's own call raises it with
    everything it says), or was stopped."""

    def __init__(self, work: Callable[[], Any]):
        self._pid: int | None = None
        try:
            read, write = os.pipe()
        except OSError:  # no file descriptor to spare: the caller does the work
            return

        def child() -> None:
            os.close(read)
            data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)

        pid = _spawn(child)
        os.close(write)
        if pid is None:
            os.close(read)
            return
        self._pid, self._read = pid, read
        _running.add(pid)

    def result(self) -> Any:
        """What ``work()`` returned, once the child has ended; None if it did not return."""
        if self._pid is None:
            return None
        pid, self._pid = self._pid, None
        _running.discard(pid)
        try:
            with os.fdopen(self._read, "rb") as pipe:
                data = pipe.read()
            status = _reap(pid)
        except BaseException:
            terminate(pid)
            raise
        if status != 0 or not data:
            return None
        return pickle.loads(data)

    def stop(self) -> None:
        """Stop the child if it is still running (the build is being stopped or has failed)."""
        if self._pid is not None:
            pid, self._pid = self._pid, None
            _running.discard(pid)
            os.close(self._read)
            terminate(pid)


def _alive(pid: int) -> bool:
    """Whether a child still runs (one that has ended stays to be waited for: WNOWAIT)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        return False
    except (AttributeError, OSError):  # no waitid: taken as running
        return True


def _reap(pid: int) -> int:
    """Wait for a child to end; waitpid's status (0: it exited with status 0). Stopped
    meanwhile, this process stops the child first."""
    try:
        _, status = os.waitpid(pid, 0)
        return status
    except ChildProcessError:
        return -1
    except BaseException:
        terminate(pid)
        raise


def terminate(pid: int) -> None:
    """Stop a child (it removes the temporary files it is writing) and wait for it; one that
    has not stopped within a second is killed."""
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
