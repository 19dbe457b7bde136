"""Zip packaging shared by the DOCX and EPUB writers: fixed timestamps and entry order.

The writers hand over their members (name, bytes) and the zip is written once, with
``zipfile``: fonts that are compressed already (WOFF2, WOFF) are stored, since deflating
them again costs time and gains nothing (pictures are deflated: a PNG or a JPEG can still lose
a few per cent, 5 % for a fixture's PNG), and large members are
deflated once and the result kept in the cache (``CACHE_DIR`` under the build's cache folder),
keyed by their sha256: a font subset or a styles part that an earlier build deflated is
copied in as it was. The bytes are those zipfile writes at level 9 either way.

A member may also come in ``Pieces`` (bytes, and ranges of an open file): it is written in
chunks and never held whole — the DOCX's document.xml of a 100,000-row table, whose rows wait
in a temporary file (docx/rowspool.py). Deflating in chunks gives the same stream as deflating
at once (zlib without flushes), so the bytes are the same as if it had been one bytes object.
"""
from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ..cachefiles import write_cache_file

#: members whose data is compressed already, as well as deflate could: stored (WOFF2 is Brotli,
#: WOFF zlib per table; deflating the seed's WOFF2 fonts made them 0.03 % larger)
ALREADY_COMPRESSED = (".woff2", ".woff")
#: members at least this large are deflated once and kept deflated in the cache
CACHED_FROM = 32 * 1024
#: the cache's folder for deflated members
CACHE_DIR = "deflated"
LEVEL = 9
#: how much of a member in pieces is read, hashed or deflated at a time
CHUNK = 1 << 20


@dataclass
class Pieces:
    """A member's bytes in pieces, in order: bytes, or (open binary file, offset, length)
    ranges of a file; read as often as needed (hashed, then written), never joined."""

    parts: list[bytes | tuple[BinaryIO, int, int]]

    def __len__(self) -> int:
        return sum(len(p) if isinstance(p, bytes) else p[2] for p in self.parts)

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The bytes, at most CHUNK at a time."""
        for part in self.parts:
            if isinstance(part, bytes):
                view = memoryview(part)  # slices of it are not copies
                for at in range(0, len(part), CHUNK):
                    yield view[at:at + CHUNK]
                continue
            file, offset, left = part
            file.seek(offset)
            while left > 0:
                chunk = file.read(min(CHUNK, left))
                if not chunk:
                    raise OSError(f"a temporary file ended {left} bytes early")
                left -= len(chunk)
                yield chunk


Member = bytes | str | Pieces


def write_zip(path: Path, members: Iterable[tuple[str, Member]], when: datetime, first: tuple[str, ...] = (),
              stored: tuple[str, ...] = (), cache: Path | None = None) -> None:
    """Write ``members`` to a zip at ``path`` whose bytes depend only on the members.

    Entries get the timestamp ``when`` (zip cannot say anything before 1980 or after 2107), names in ``first``
    come first in that order and the rest keep their order; names in ``stored`` and members
    that are compressed already (ALREADY_COMPRESSED) are not compressed (the EPUB ``mimetype``
    entry must be first and stored). ``cache``: the folder where deflated large members are kept.
    A member in ``Pieces`` is written a chunk at a time, with the bytes it would have whole.
    """
    entries = [(name, data.encode("utf-8") if isinstance(data, str) else data) for name, data in members]
    rank = {name: i for i, name in enumerate(first)}
    entries.sort(key=lambda e: rank.get(e[0], len(rank)))  # stable: the rest keep their order
    stamp = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    stamp = min(stamp, (2107, 12, 31, 23, 59, 58))  # nor anything after 2107
    tmp = path.with_name(path.name + ".rezip")
    try:
        with zipfile.ZipFile(tmp, "w") as zout:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=stamp)
                keep = name in stored or name.lower().endswith(ALREADY_COMPRESSED)
                info.compress_type = zipfile.ZIP_STORED if keep else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                if isinstance(data, Pieces):
                    _write_pieces(zout, info, data, None if keep or len(data) < CACHED_FROM else cache)
                elif keep or len(data) < CACHED_FROM or cache is None:
                    zout.writestr(info, data, compresslevel=None if keep else LEVEL)
                else:
                    info.file_size = len(data)
                    _write_deflated(zout, info, [data], deflated(data, cache))
        tmp.replace(path)
    except BaseException:  # an error, Ctrl-C or SIGTERM: no .part.rezip file left behind
        tmp.unlink(missing_ok=True)
        raise


def rezip(path: Path, when: datetime, first: tuple[str, ...] = (), stored: tuple[str, ...] = (),
          cache: Path | None = None) -> None:
    """Rewrite a zip in place so that its bytes depend only on its contents (see write_zip)."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    write_zip(path, entries, when, first, stored, cache)


def deflated(data: bytes, cache: Path) -> bytes:
    """``data`` deflated (raw, at LEVEL, as zipfile does it), from the cache when an earlier
    build kept it (checked by inflating it: a damaged cache file must not damage an output,
    and inflating costs a tenth of deflating)."""
    kept = cache / CACHE_DIR / f"{hashlib.sha256(data).hexdigest()}.deflate"
    try:
        raw = kept.read_bytes()
        if _inflates_to(raw, data):
            return raw
    except OSError:
        pass
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    raw = compressor.compress(data) + compressor.flush()
    write_cache_file(kept, raw)
    return raw


def _inflates_to(raw: bytes, data: bytes) -> bool:
    """Whether a kept deflate stream gives back exactly ``data``."""
    try:
        return zlib.decompress(raw, -15) == data
    except zlib.error:
        return False


class _Replay:
    """Stands in for zipfile's compressor: the member's data comes out deflated already."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def compress(self, data: bytes) -> bytes:
        return b""

    def flush(self) -> bytes:
        return self.raw


def _write_deflated(zout: zipfile.ZipFile, info: zipfile.ZipInfo, chunks: Iterable[bytes], raw: bytes) -> None:
    """Write a member whose deflated form is known, as ``zout.writestr(info, data,
    compresslevel=LEVEL)`` would write it (zipfile computes the CRC and sizes from the data's
    ``chunks`` and writes ``raw`` in place of compressing). zipfile has no public way to take
    compressed data, hence its writer's ``_compressor``; without one it compresses, as writestr
    does. ``info.file_size`` is set by the caller, as writestr sets it before the header."""
    info._compresslevel = LEVEL
    with zout.open(info, mode="w") as dest:
        if getattr(dest, "_compressor", None) is not None:
            dest._compressor = _Replay(raw)
        for chunk in chunks:
            dest.write(chunk)


class _Kept:
    """Stands in for zipfile's compressor and keeps what it gives (to be cached)."""

    def __init__(self, compressor):
        self.compressor, self.out = compressor, []

    def compress(self, data: bytes) -> bytes:
        raw = self.compressor.compress(data)
        self.out.append(raw)
        return raw

    def flush(self) -> bytes:
        raw = self.compressor.flush()
        self.out.append(raw)
        return raw


def _write_pieces(zout: zipfile.ZipFile, info: zipfile.ZipInfo, pieces: Pieces, cache: Path | None) -> None:
    """Write a member in pieces, chunk by chunk, as writestr would write it whole: stored or
    deflated at LEVEL (the sizes set before the header is written, as writestr does); with
    ``cache``, deflated from the cache or deflated and kept there (the deflated form is the
    only thing held whole: the cache needs it, and it is a small part of the data)."""
    info.file_size = len(pieces)
    if info.compress_type == zipfile.ZIP_DEFLATED:
        info._compresslevel = LEVEL
    if cache is None:
        with zout.open(info, mode="w") as dest:
            for chunk in pieces.chunks():
                dest.write(chunk)
        return
    digest = hashlib.sha256()
    for chunk in pieces.chunks():
        digest.update(chunk)
    kept = cache / CACHE_DIR / f"{digest.hexdigest()}.deflate"
    try:
        raw = kept.read_bytes()
        if _inflates_to_chunks(raw, pieces.chunks()):
            _write_deflated(zout, info, pieces.chunks(), raw)
            return
    except OSError:
        pass
    with zout.open(info, mode="w") as dest:
        tee = None
        if getattr(dest, "_compressor", None) is not None:
            tee = dest._compressor = _Kept(dest._compressor)
        for chunk in pieces.chunks():
            dest.write(chunk)
    if tee is not None:
        write_cache_file(kept, b"".join(tee.out))


def _inflates_to_chunks(raw: bytes, chunks: Iterable[bytes]) -> bool:
    """Whether a kept deflate stream gives back exactly the data of ``chunks``, inflated a
    chunk at a time (never the whole data at once)."""
    inflater = zlib.decompressobj(-15)
    pending = raw
    try:
        for chunk in chunks:
            got = b""
            while len(got) < len(chunk):
                more = inflater.decompress(pending, len(chunk) - len(got))
                pending = inflater.unconsumed_tail
                if not more:
                    return False  # the kept stream ends early
                got += more
            if got != chunk:
                return False
        return inflater.decompress(pending) == b"" and inflater.eof and not inflater.unused_data
    except zlib.error:
        return False
