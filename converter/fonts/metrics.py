"""Advance widths of a face's characters, read with fontTools.

Widths are in thousandths of an em, computed as reportlab computes them from the same tables
(hmtx advance × 1000 / unitsPerEm, unscaled when unitsPerEm is 1000; a character the face
lacks takes the missing glyph's width; a no-break space takes the space's), so that text laid
out here and drawn by reportlab advances exactly as measured. The table is kept on disk: a CJK
face maps 30,000–60,000 characters, and decoding its cmap costs 0.1–0.2 s per process.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

from ..cachefiles import cache_dir, exclusive, read_checked_cache_file, write_checked_cache_file
from .coverage import best_cmap, name_by_index
from .find import FontFace

CACHE_VERSION = "2"


class Widths:
    """One face's advance widths, in thousandths of an em, looked up as characters are asked
    for (a CJK face maps tens of thousands of characters; a document uses a few hundred)."""

    def __init__(self, codes: array, units: array, upem: int, missing: int):
        self._codes, self._units, self._upem = codes, units, upem
        self.missing = self._scale(missing)
        self._memo: dict[str, float] = {}

    def _scale(self, units: int) -> float:
        # reportlab keeps the integers when unitsPerEm is 1000, else x * (1000 / unitsPerEm)
        return units if self._upem == 1000 else units * (1000 / self._upem)

    def _raw(self, cp: int) -> int | None:
        """The advance of code point ``cp`` in font units, None where the face lacks it."""
        i = bisect_left(self._codes, cp)
        return self._units[i] if i < len(self._codes) and self._codes[i] == cp else None

    def _lookup(self, cp: int) -> float | None:
        units = self._raw(cp)
        return None if units is None else self._scale(units)

    @property
    def upem(self) -> int:
        """The face's units per em."""
        return self._upem

    def units(self, ch: str) -> int | None:
        """The advance of ``ch`` in font units (hmtx), None where the face lacks it."""
        return self._raw(ord(ch))

    def em(self, ch: str) -> float | None:
        """The advance of ``ch`` in ems (hmtx / unitsPerEm), None where the face lacks it."""
        units = self._raw(ord(ch))
        return None if units is None else units / self._upem

    def __getitem__(self, ch: str) -> float:
        w = self._memo.get(ch)
        if w is None:
            cp = ord(ch)
            if cp in (0x20, 0xA0):  # reportlab: a no-break space has the space's width (and back)
                w = self._lookup(0x20)
                w = self._lookup(0xA0) if w is None else w
            else:
                w = self._lookup(cp)
            w = self._memo[ch] = self.missing if w is None else w
        return w


@lru_cache(maxsize=64)
def widths(face: FontFace) -> Widths:
    """The face's advance widths (from the disk cache when the face file has not changed)."""
    cached = cache_dir() / "metrics" / f"{face.key}-{face.file_key(CACHE_VERSION)}.bin"
    got = _kept(cached)
    if got is not None:
        return got
    # one process at a time reads a face's widths: the build's second process (converter.parallel)
    # may be reading them for the layout meanwhile
    with exclusive(cache_dir() / "locks" / f"{cached.name}.lock"):
        got = _kept(cached)
        if got is None:
            codes, units, upem, missing = _read(face)
            write_checked_cache_file(cached, _encode(codes, units, upem, missing))
            got = _widths(codes, units, upem, missing)
    return got


def _kept(cached: Path) -> Widths | None:
    """The widths kept on disk; None when missing or damaged."""
    data = read_checked_cache_file(cached)
    if data is not None:
        try:
            return _decode(data)
        except (ValueError, IndexError):
            pass
    return None


def advance(face: FontFace, ch: str, size: float) -> float:
    """The natural advance of one character at ``size`` points (what a PDF viewer advances
    before character spacing), computed as reportlab's stringWidth does."""
    return 0.001 * size * widths(face)[ch]


def _read(face: FontFace) -> tuple[array, array, int, int]:
    from fontTools.ttLib import TTFont  # only when the widths are not kept on disk

    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        name_by_index(font)  # as best_cmap's glyph names are
        upem = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        cmap = best_cmap(face)
        codes = array("I", sorted(cmap))
        units = array("I", (hmtx[cmap[cp]][0] for cp in codes))
        missing = hmtx[font.getGlyphOrder()[0]][0]
    return codes, units, upem, missing


def _widths(codes: array, units: array, upem: int, missing: int) -> Widths:
    return Widths(codes, units, upem, missing)


def _encode(codes: array, units: array, upem: int, missing: int) -> bytes:
    """The widths as 32-bit numbers (kept with their sha256: a damaged file is read again)."""
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
