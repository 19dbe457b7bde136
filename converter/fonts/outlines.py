"""TrueType outlines converted from a CFF face, kept on disk glyph by glyph.

Converting cubic (CFF) outlines to quadratic (TrueType) ones, which the PDF's reportlab needs, is
most of the cost of a PDF subset (FandolFang, the seed's 494 characters: 0.3 s of 0.5 s). A
glyph's conversion depends only on the face and the glyph, so each glyph is converted once per
face and kept here; an edited document's next PDF subset converts only the glyphs it adds.

The file is a plain list of (glyph name, compiled glyf data) records and the sha256 of them,
rewritten whole (and atomically) when a build adds glyphs; a file that is unreadable, cut short
or altered counts as empty (its glyphs are converted again).
"""
from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

from ..cachefiles import read_checked_cache_file, write_checked_cache_file
from .find import FontFace

VERSION = "2"  # 2: a sha256 after the records
_RECORD = struct.Struct("<HI")  # name length, data length


def path_for(face: FontFace, cache: Path, converter: str) -> Path:
    """The outline file of a face; ``converter`` names how the outlines were made (the
    approximation error, the cache version), so another way never reads them."""
    st = os.stat(face.path)
    key = hashlib.sha256("\0".join([VERSION, converter, face.path, str(face.index), str(st.st_size),
                                     str(st.st_mtime_ns)]).encode()).hexdigest()[:24]
    return cache / "outlines" / f"{face.key}-{key}.bin"


def load(path: Path) -> dict[str, bytes]:
    """Glyph name → compiled glyf data; empty when the file is missing or damaged."""
    body = read_checked_cache_file(path)
    if body is None:
        return {}
    out: dict[str, bytes] = {}
    at = 0
    while at + _RECORD.size <= len(body):
        name_len, data_len = _RECORD.unpack_from(body, at)
        at += _RECORD.size
        end = at + name_len + data_len
        if end > len(body):
            return {}
        out[body[at:at + name_len].decode("utf-8", "replace")] = body[at + name_len:end]
        at = end
    return out


def save(path: Path, outlines: dict[str, bytes]) -> None:
    """Write every outline (atomically: a parallel build reads the old file or the new one);
    a cache that cannot be written only costs time."""
    parts = []
    for name in sorted(outlines):
        encoded = name.encode("utf-8")
        parts += [_RECORD.pack(len(encoded), len(outlines[name])), encoded, outlines[name]]
    body = b"".join(parts)
    write_checked_cache_file(path, body)
