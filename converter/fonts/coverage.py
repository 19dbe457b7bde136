"""Which characters a font draws, and which characters of a text no font draws."""
from __future__ import annotations

from functools import lru_cache

from fontTools.ttLib import TTFont

from .find import FontFace

#: characters that are layout, not ink: they need no glyph
INVISIBLE = frozenset(" \t\n\r\f\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff")


@lru_cache(maxsize=64)
def charset(face: FontFace) -> frozenset[int]:
    """The code points a face maps to glyphs."""
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


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
