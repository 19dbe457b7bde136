"""Files of the cache kept between builds (converted fonts, entry points, compiled code …):
where they live, written atomically, and checked when read back.

Apart from ``context``, so that what must run before the build's modules are imported
(``codecache``) can use it without importing them.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
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
