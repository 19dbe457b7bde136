"""Which characters a font draws, and which characters of a text no font draws."""
from __future__ import annotations

from functools import lru_cache

from ..cachefiles import cache_dir, read_checked_cache_file, write_checked_cache_file
from .find import FontFace

#: characters that are layout, not ink: they need no glyph
INVISIBLE = frozenset(" \t\n\r\f\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff")


class Coverage:
    """The code points a face maps to glyphs, as a bitmap (bit ``cp`` set: the face has it):
    read from the cache as it is, where a frozenset of a CJK face's 45,000 code points takes
    4 ms to build, in every process that asks."""

    __slots__ = ("bits",)

    def __init__(self, bits: bytes):
        self.bits = bits

    @classmethod
    def of(cls, codes) -> Coverage:
        """The coverage of these code points."""
        codes = list(codes)
        bits = bytearray((max(codes) >> 3) + 1 if codes else 0)
        for cp in codes:
            bits[cp >> 3] |= 1 << (cp & 7)
        return cls(bytes(bits))

    def __contains__(self, cp: int) -> bool:
        byte = cp >> 3
        return byte < len(self.bits) and bool(self.bits[byte] >> (cp & 7) & 1)


@lru_cache(maxsize=64)
def charset(face: FontFace) -> Coverage:
    """The code points a face maps to glyphs (kept on disk: decoding a CJK cmap costs 0.1–0.2 s)."""
    # the bitmap, then its sha256: a file cut short or altered is decoded again, never taken
    # for a face's coverage
    cached = cache_dir() / "cmaps" / f"{face.key}-{face.file_key()}-3.bits"
    data = read_checked_cache_file(cached)
    if data is not None:
        return Coverage(data)
    coverage = Coverage.of(best_cmap(face))
    write_checked_cache_file(cached, coverage.bits)
    return coverage

@lru_cache(maxsize=4)
def best_cmap(face: FontFace) -> dict[int, str]:
    """The face's character map (code point → glyph, named by its index: ``name_by_index``),
    decoded once a process for both
    caches that need it on a first build (this module's and fonts.metrics'): a CJK face's
    takes 0.1 s to decode. Four are kept: a Noto CJK map holds 45,000 entries."""
    from fontTools.ttLib import TTFont  # 8 ms of imports, only when the cmap is not kept on disk

    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        name_by_index(font)
        return font.getBestCmap() or {}


def name_by_index(font) -> None:
    """Name a font's glyphs by their index (``gid12``) before its tables are read: the map and
    the widths need no other name, and a CFF face's own names come from its CFF table, read
    whole for them (Noto Serif CJK's 23 MB) and parsed (half the cost of reading its map)."""
    font.setGlyphOrder([f"gid{i}" for i in range(font["maxp"].numGlyphs)])


def face_for(ch: str, faces: list[FontFace] | tuple[FontFace, ...]) -> FontFace | None:
    """The first face in order that draws a character."""
    cp = ord(ch)
    for face in faces:
        if cp in charset(face):
            return face
    return None


def missing(chars: set[str], faces: list[FontFace]) -> list[str]:
    """Characters (sorted) that none of the faces draw; faces are consulted only as needed."""
    left = {c for c in chars if c not in INVISIBLE}
    for face in faces:
        if not left:
            break
        cs = charset(face)
        left = {c for c in left if ord(c) not in cs}
    return sorted(left)
