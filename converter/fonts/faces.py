"""Which face draws each character: one rule for the layout (PDF, PNG), the EPUB and the DOCX.

A role names a Latin and a CJK face; the style adds fallback faces. A character that is wide
in the document's text (text.scripts.is_wide_in) tries the CJK face first, any other the
Latin face first; then the other one, then the fallbacks in order. The first face whose
character map has the character draws it.
"""
from __future__ import annotations

from .coverage import charset
from .find import BOLD, FontFace
from ..text.scripts import is_cjk_language, is_wide_in

_UNKNOWN = object()  # not decided yet (None is a decision: no face has the character)
#: the outline stroke of a synthetic bold, in ems: each stem grows by this much (half on each
#: side), about what Word and LibreOffice add when they embolden a face that has no bold
SYNTHETIC_BOLD_STROKE = 0.03


def synthetic_bold(face: FontFace, bold: bool, allowed: bool) -> bool:
    """Whether text asked in bold is emboldened when drawn with ``face``: bold was asked, the
    style allows it (``synthetic-bold``), and the face found is not a bold one (FandolFang has
    only a regular member; fontconfig gave the nearest weight)."""
    return bold and allowed and face.weight < BOLD and not face.styled_bold


class FaceChooser:
    """The face for each (character, Latin face, CJK face), remembered for one build."""

    def __init__(self, fallback: tuple[FontFace, ...] | list[FontFace], lang: str):
        self.fallback = tuple(fallback)
        self.cjk_text = is_cjk_language(lang)
        self._memo: dict[tuple[str, FontFace, FontFace], FontFace | None] = {}

    def wide(self, ch: str) -> bool:
        """Whether the character takes the CJK slot and the em grid in this document."""
        return is_wide_in(ch, self.cjk_text)

    def order(self, ch: str, latin: FontFace, cjk: FontFace) -> tuple[FontFace, FontFace]:
        """The role's two faces in the order they are tried for ``ch``."""
        return (cjk, latin) if self.wide(ch) else (latin, cjk)

    def face_for(self, ch: str, latin: FontFace, cjk: FontFace) -> FontFace | None:
        """The first face that has ``ch``, or None when none has it."""
        key = (ch, latin, cjk)
        face = self._memo.get(key, _UNKNOWN)
        if face is _UNKNOWN:
            cp = ord(ch)
            face = self._memo[key] = next((f for f in (*self.order(ch, latin, cjk), *self.fallback)
                                           if cp in charset(f)), None)
        return face

    def drawing_face(self, ch: str, latin: FontFace, cjk: FontFace) -> FontFace:
        """The face that draws ``ch``: when no face has it, the one tried first (which draws its
        missing-glyph box; the build has warned under --allow-missing-glyphs or refused)."""
        return self.face_for(ch, latin, cjk) or self.order(ch, latin, cjk)[0]
