"""Worker processes: every build runs in one, under a memory cap and a time limit.

Why processes and not threads: a hostile document (huge, deeply nested, a font-heavy page) can
take all of a CPU or all of its memory; in its own process it is killed when its time is up, and
the server and the other users' builds go on. The workers stay alive between builds, so the
second build of a document finds the styles, the fonts and the subsets already loaded (the
"warm worker" the page's live preview relies on).

A small pool of our own instead of concurrent.futures: ProcessPoolExecutor cannot kill the one
task that overran (it can only break the whole pool), and it has no channel for the progress
events the page shows while a build runs.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable

from . import build
from .limits import cap_memory

#: a tiny document in each script, built once when a worker starts: loads the writers, the
#: styles and the fonts, so that a user's first preview does not pay for them
_WARM_UP = {
    "warm-zh.txt": "关于做好工作的报告\n\n各单位：\n\n一、总体情况。现将有关情况报告如下：一是完善制度，二是压实责任。\n\n某市人民政府\n2024年3月15日\n",
    "warm-en.md": "# Annual report\n\nThe *first* paragraph, with **bold** text.\n\n## Results\n\n- one\n- two\n",
}


class WorkerLost(Exception):
    """The worker process died or overran its time, and was replaced."""


def _worker_main(requests: Connection, replies: Connection, memory_bytes: int, warm_dir: str) -> None:
    """The loop inside a worker process: receive a task, run it, send events and the result."""
    cap_memory(memory_bytes)
    if warm_dir:
        _warm_up(Path(warm_dir))
    while True:
        try:
            kind, task = requests.recv()
        except (EOFError, KeyboardInterrupt):
            return

        def emit(event: str, payload: object) -> None:
            replies.send(("event", event, payload))

        try:
            result = build.run(task, emit) if kind == "build" else build.inspect_only(task)
            replies.send(("done", result))
        except build.BuildFailed as e:
            replies.send(("failed", e.payload))
        except MemoryError:  # outside the build's own handling (sending a large result …)
            replies.send(("failed", {"message": build.NO_MEMORY, "line": None}))


def _warm_up(parent: Path) -> None:
    """Build the small documents inside ``parent`` (the server's own temporary folder, removed
    with it even when this process is killed half-way)."""
    import converter

    with tempfile.TemporaryDirectory(prefix="warm-", dir=parent) as tmp:
        for name, text in _WARM_UP.items():
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            try:
                converter.convert(path, Path(tmp) / "out")
            except Exception:  # warming is an optimisation: a failure here only costs time later
                traceback.print_exc(file=sys.stderr)


class Worker:
    """One worker process and its pipes (used by one build at a time).

    The worker is its own program (``python -m converter.serve.workers``), not a multiprocessing
    child: a child would re-import whatever main module started the server (a script, pytest),
    and a forked server would hand its event loop and sockets to every build.
    """

    def __init__(self, memory_bytes: int, warm_dir: Path | None):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "converter.serve.workers", str(to_child_r), str(from_child_w),
             str(memory_bytes), str(warm_dir or "")],
            pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL, close_fds=True,
            start_new_session=True)  # its own process group: stop() ends the pdftoppm it started too
        os.close(to_child_r)
        os.close(from_child_w)
        self._send = Connection(to_child_w, readable=False)
        self._recv = Connection(from_child_r, writable=False)

    def call(self, kind: str, task: build.Task, on_event: Callable[[str, object], None], seconds: float):
        """Run a task to its end (blocking: call it from a thread); raise BuildFailed for a failed
        document, WorkerLost when the process died or overran ``seconds``."""
        self._send.send((kind, task))
        deadline = _now() + seconds
        while True:
            left = deadline - _now()
            try:
                if left <= 0 or not self._recv.poll(left):
                    raise WorkerLost(f"the build took longer than this server allows ({seconds:g} s)")
                message = self._recv.recv()
            except (EOFError, OSError):
                raise WorkerLost("the build stopped unexpectedly (it may have needed more memory than allowed)") from None
            if message[0] == "event":
                on_event(message[1], message[2])
            elif message[0] == "done":
                return message[1]
            else:
                raise build.BuildFailed(message[1])

    def stop(self) -> None:
        """Kill the process and what it started (a build that overran is not asked politely)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(5)
        self._send.close()
        self._recv.close()


def _now() -> float:
    return time.monotonic()


class WorkerPool:
    """A fixed number of workers; a build waits for a free one."""

    def __init__(self, size: int, memory_bytes: int, build_seconds: float, warm_dir: Path | None = None):
        """``warm_dir``: where workers build their warm-up documents when they start (None: no
        warm-up)."""
        self.memory_bytes = memory_bytes
        self.build_seconds = build_seconds
        self.warm_dir = warm_dir
        self._workers = [Worker(memory_bytes, warm_dir) for _ in range(size)]
        self._idle: asyncio.Queue[Worker] | None = None

    def _queue(self) -> asyncio.Queue:
        if self._idle is None:  # made in the server's event loop, on first use
            self._idle = asyncio.Queue()
            for w in self._workers:
                self._idle.put_nowait(w)
        return self._idle

    async def run(self, kind: str, task: build.Task, on_event: Callable[[str, object], None],
                  wanted: Callable[[], bool] = lambda: True):
        """Run a task in the next free worker; events are delivered in the event loop. ``wanted``
        is asked once a worker is free: a job its user gave up meanwhile is not built (None)."""
        loop = asyncio.get_running_loop()
        idle = self._queue()
        worker = await idle.get()
        if not wanted():
            idle.put_nowait(worker)
            return None

        def deliver(event: str, payload: object) -> None:
            loop.call_soon_threadsafe(on_event, event, payload)

        try:
            return await asyncio.to_thread(worker.call, kind, task, deliver, self.build_seconds)
        except WorkerLost:
            worker = await asyncio.to_thread(self._replace, worker)
            raise
        finally:
            idle.put_nowait(worker)

    def _replace(self, worker: Worker) -> Worker:
        worker.stop()
        fresh = Worker(self.memory_bytes, self.warm_dir)
        self._workers[self._workers.index(worker)] = fresh
        return fresh

    def close(self) -> None:
        for w in self._workers:
            w.stop()


__all__ = ["WorkerPool", "Worker", "WorkerLost"]


if __name__ == "__main__":  # python -m converter.serve.workers IN_FD OUT_FD MEMORY_BYTES WARM_DIR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    _worker_main(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False),
                 int(sys.argv[3]), sys.argv[4])
