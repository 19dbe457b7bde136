"""An output folder shared safely: one build at a time, and no half-written file left behind.

Builds into the same folder take ``DIR/.converter.lock`` with ``flock``; a second build waits
until the first is done, so neither overwrites the other's files or manifest. The lock goes
with the process: a build that is killed releases it. Outputs are written as hidden
``.NAME.XXXX.part`` files and renamed when complete (see the pipeline); a killed build may leave
such temporary files, which the next build removes while it holds the lock.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError, printable

LOCK_NAME = ".converter.lock"
#: the temporary files a build writes: outputs being written, and a zip being made deterministic
TEMP_PATTERNS = (".*.part", ".*.part.rezip")


@contextmanager
def locked(out_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock (creating the folder); ``on_wait`` is called once if another
    build holds it and this one has to wait."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock (the file stays: removing it would race with waiters)


def remove_stale_temps(folders: Iterable[Path]) -> list[Path]:
    """Delete temporary files an interrupted build left in these folders (call while holding
    the lock). Only the folders a build writes to are looked at, never a whole tree: ``-o .``
    must not walk a repository."""
    removed = []
    for folder in sorted(set(folders)):
        if folder.is_dir():
            for path in sorted(p for pattern in TEMP_PATTERNS for p in folder.glob(pattern)):
                if path.is_file():
                    path.unlink(missing_ok=True)
                    removed.append(path)
    return removed


def check_output(out_dir: str | Path, inputs: Iterable[str | Path]) -> Path:
    """The output folder asked for, or a UsageError saying why it cannot be one: an empty name
    (which would write into the current folder), a path that is or runs through a file, or an
    input folder itself (its outputs would be read back as sources next time)."""
    if not str(out_dir).strip():
        raise UsageError("-o needs a folder name (got an empty one)")
    out = Path(out_dir)
    for part in (out, *out.parents):
        if part.exists() or part.is_symlink():
            if not part.is_dir():
                where = "" if part == out else f" ({printable(str(part))} is a file)"
                raise UsageError(f"{printable(str(out))}: not a folder{where}")
            break
    for raw in inputs:
        if Path(raw).is_dir() and Path(raw).resolve() == out.resolve():
            raise UsageError(f"-o {printable(str(out))} is the source folder {printable(str(raw))}: outputs would "
                             f"be read back as sources; choose another folder")
    return out
