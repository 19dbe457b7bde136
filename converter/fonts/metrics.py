"""Advance widths of a face's characters, read with fontTools.

Widths are in thousandths of an em, computed as reportlab computes them from the same tables
(hmtx advance × 1000 / unitsPerEm, unscaled when unitsPerEm is 1000; a character the face
lacks takes the missing glyph's width; a no-break space takes the space's), so that text laid
out here and drawn by reportlab advances exactly as measured. The table is kept on disk: a CJK
face maps 30,000–60,000 characters, and decoding its cmap costs 0.1–0.2 s per process.
"""
from __future__ import annotations

import hashlib
import os
from array import array
from dataclasses import dataclass
from functools import lru_cache

from fontTools.ttLib import TTFont

from ..context import cache_dir
from .find import FontFace

CACHE_VERSION = "1"


@dataclass(frozen=True)
class Widths:
    """One face's advance widths, in thousandths of an em."""

    by_code: dict[int, float]
    missing: float  # the width of the missing glyph (.notdef)

    def __getitem__(self, ch: str) -> float:
        return self.by_code.get(ord(ch), self.missing)


@lru_cache(maxsize=64)
def widths(face: FontFace) -> Widths:
    """The face's advance widths (from the disk cache when the face file has not changed)."""
    st = os.stat(face.path)
    key = hashlib.sha256(f"{CACHE_VERSION}\0{face.path}\0{face.index}\0{st.st_size}\0{st.st_mtime_ns}"
                         .encode()).hexdigest()[:24]
    cached = cache_dir() / "metrics" / f"{face.key}-{key}.bin"
    try:
        return _decode(cached.read_bytes())
    except (OSError, ValueError, IndexError):
        pass
    codes, units, upem, missing = _read(face)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(cached.name + f".{os.getpid()}.part")
        tmp.write_bytes(_encode(codes, units, upem, missing))
        os.replace(tmp, cached)  # atomic: a parallel build never reads half a file
    except OSError:
        pass  # a read-only cache only costs time
    return _widths(codes, units, upem, missing)


def advance(face: FontFace, ch: str, size: float) -> float:
    """The natural advance of one character at ``size`` points (what a PDF viewer advances
    before character spacing), computed as reportlab's stringWidth does."""
    return 0.001 * size * widths(face)[ch]


def _read(face: FontFace) -> tuple[array, array, int, int]:
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        upem = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        cmap = font.getBestCmap() or {}
        codes = array("I", sorted(cmap))
        units = array("I", (hmtx[cmap[cp]][0] for cp in codes))
        missing = hmtx[font.getGlyphOrder()[0]][0]
    return codes, units, upem, missing


def _widths(codes: array, units: array, upem: int, missing: int) -> Widths:
    if upem == 1000:  # reportlab keeps the integers
        by_code: dict[int, float] = dict(zip(codes, units))
    else:
        factor = 1000 / upem  # reportlab: x * (1000 / unitsPerEm), in this order
        by_code = {cp: u * factor for cp, u in zip(codes, units)}
        missing = missing * factor
    # reportlab gives a no-break space the width of the space (and the other way round)
    if 0x20 in by_code:
        by_code[0xA0] = by_code[0x20]
    elif 0xA0 in by_code:
        by_code[0x20] = by_code[0xA0]
    return Widths(by_code, missing)


def _encode(codes: array, units: array, upem: int, missing: int) -> bytes:
    head = array("I", [upem, missing, len(codes)])
    return head.tobytes() + codes.tobytes() + units.tobytes()


def _decode(data: bytes) -> Widths:
    head = array("I")
    head.frombytes(data[:12])
    upem, missing, n = head
    body = array("I")
    body.frombytes(data[12:])
    if len(body) != 2 * n:
        raise ValueError("truncated metrics cache")
    return _widths(body[:n], body[n:], upem, missing)
