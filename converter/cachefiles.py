"""Files of the cache kept between builds (converted fonts, entry points, compiled code …):
where they live, written atomically, and checked when read back.

Apart from ``context``, so that what must run before the build's modules are imported
(``codecache``) can use it without importing them.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def cache_dir() -> Path:
    """Where converted fonts and other reusable work are kept between builds."""
    base = os.environ.get("CONVERTER_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "converter")
    return Path(base)


def write_cache_file(path: Path, data: bytes) -> None:
    """Write one file of the cache atomically: a parallel build reads the old file or the new
    one, never half of one. A cache that cannot be written only costs time, so failing to
    write it is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Held while this process makes a cache file another process would make the same (``lock``:
    a file of its own, fcntl.flock: released when its holder ends, even killed; the output
    folder's lock, outdir.locked, is the same call, but fails the build where this one gives
    way). Where no lock can be taken, the work is done unguarded: at worst twice."""
    import fcntl

    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_checked_cache_file(path: Path, data: bytes) -> None:
    """Write a cache file as ``data`` followed by its sha256 (see read_checked_cache_file)."""
    write_cache_file(path, data + hashlib.sha256(data).digest())


def read_checked_cache_file(path: Path) -> bytes | None:
    """The data of a file write_checked_cache_file wrote, or None when it is missing, cut short
    or altered: a damaged cache file is made again, never taken for other data."""
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    data, digest = stored[:-32], stored[-32:]
    return data if len(stored) >= 32 and hashlib.sha256(data).digest() == digest else None


#: the variable that caps the cache's size, in megabytes (0: no cap)
LIMIT_VARIABLE = "CONVERTER_CACHE_MAX_MB"
#: the cap when the variable is not set
DEFAULT_LIMIT_MB = 1024
#: pruning takes the cache down to this share of the cap, so that it does not run at every build
PRUNE_TO = 0.8
#: the least time between two looks at the cache's size (seconds)
PRUNE_EVERY = 24 * 3600
#: the file whose time says when the cache's size was last looked at
PRUNE_STAMP = ".pruned"
#: a temporary file younger than this may be one another build is writing: never removed
WRITING = 3600


def cache_limit() -> int | None:
    """The cache's cap in bytes (None: no cap), from CONVERTER_CACHE_MAX_MB."""
    return _limit_setting()[0]


def check_cache_limit() -> str | None:
    """Why CONVERTER_CACHE_MAX_MB cannot be read (None when it can, or is unset)."""
    return _limit_setting()[1]


def _limit_setting() -> tuple[int | None, str | None]:
    """CONVERTER_CACHE_MAX_MB read: the cap in bytes (None: no cap), and what is wrong with the
    variable (None: nothing; else the default cap applies)."""
    raw = os.environ.get(LIMIT_VARIABLE, "").strip()
    problem = None
    try:
        mb = float(raw) if raw else DEFAULT_LIMIT_MB
    except ValueError:
        mb = DEFAULT_LIMIT_MB
        problem = f"{LIMIT_VARIABLE}={raw!r} is not a number of megabytes: the cache is capped at {DEFAULT_LIMIT_MB} MB"
    return (None if mb <= 0 else int(mb * 1024 * 1024)), problem


def prune_if_due(now: float | None = None) -> list[Path]:
    """Keep the cache under its cap: at most once a day, when it holds more than the cap, its
    least recently used files go until it holds PRUNE_TO of it. The files removed.

    Every key of the cache names what it was made from (code version, fonts, characters), so
    files of old code versions and edited documents are never used again and would pile up:
    a day of development left 460 MB, 295 MB of it DOCX skeletons of dead code versions. A
    removed file is made again when a build needs it (time, never a wrong output); one another
    build is reading stays readable (an open file outlives its name)."""
    limit = cache_limit()
    root = cache_dir()
    stamp = root / PRUNE_STAMP
    now = time.time() if now is None else now
    try:
        if limit is None or now - stamp.stat().st_mtime < PRUNE_EVERY:
            return []
    except FileNotFoundError:
        pass
    except OSError:
        return []
    try:
        root.mkdir(parents=True, exist_ok=True)
        stamp.touch()
        os.utime(stamp, (now, now))
    except OSError:
        return []
    return prune(root, limit, now)


def prune(root: Path, limit: int, now: float) -> list[Path]:
    """Remove the least recently used files under ``root`` (last use: the later of the file's
    access and modification times; most file systems note an access once a day) until what
    is left holds at most PRUNE_TO × ``limit`` bytes, when it holds more than ``limit``."""
    files = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.stat(path, follow_symlinks=False)
            except OSError:
                continue
            if name == PRUNE_STAMP or (name.endswith(".part") and now - st.st_mtime < WRITING):
                continue
            files.append((max(st.st_atime, st.st_mtime), st.st_size, path))
    total = sum(size for _, size, _ in files)
    removed: list[Path] = []
    if total <= limit:
        return removed
    for _, size, path in sorted(files):
        if total <= limit * PRUNE_TO:
            break
        try:
            os.unlink(path)
        except OSError:
            continue
        total -= size
        removed.append(Path(path))
    return removed
