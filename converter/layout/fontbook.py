"""The layout's fonts: which face draws each character (fonts.faces), what each face must
draw, and glyph advances (fonts.metrics)."""
from __future__ import annotations

from ..fonts.coverage import charset
from ..fonts.faces import FaceChooser
from ..fonts.find import FontFace
from ..fonts.metrics import widths
from ..style import ResolvedStyle, Role
from .shaping import Shaper


class FontBook:
    """Faces per character for one document, the characters each face draws, and widths."""

    def __init__(self, style: ResolvedStyle, lang: str):
        self.style = style
        self.chooser = FaceChooser(style.fallback, lang)
        self.wide_quotes = self.chooser.cjk_text  # in Chinese text “ ” ‘ ’ — … are full-width marks
        self.lang = lang
        self.shaper = Shaper()  # HarfBuzz, for complex scripts and right-to-left text
        self.used: dict[FontFace, set[str]] = {}
        #: per role's fonts, by identity (each entry holds its Fonts, so no other takes its id), char → face
        self._faces: dict[int, tuple[object, dict[str, FontFace]]] = {}
        #: per role's fonts, by identity as _faces: the characters collect() has noted
        self._collected: dict[int, tuple[object, set[str]]] = {}

    def wide(self, ch: str) -> bool:
        """Whether a character takes the CJK slot and the em grid."""
        return self.chooser.wide(ch)

    def face_for(self, ch: str, role: Role) -> FontFace:
        faces = self._faces.setdefault(id(role.fonts), (role.fonts, {}))[1]
        face = faces.get(ch)
        if face is None:
            face = faces[ch] = self.chooser.drawing_face(ch, role.fonts.latin, role.fonts.cjk)
        return face

    def has(self, face: FontFace, ch: str) -> bool:
        """Whether ``face`` draws ``ch``."""
        return ord(ch) in charset(face)

    def collect(self, text: str, role: Role) -> None:
        """Note the characters a role will draw."""
        # each character once per role's fonts (a document's spans repeat the same few hundred)
        held = self._collected.get(id(role.fonts))
        if held is None:
            held = self._collected[id(role.fonts)] = (role.fonts, set("\n\r"))
        new = set(text).difference(held[1])
        if not new:
            return
        held[1].update(new)
        for ch in new:
            self.used.setdefault(self.face_for(ch, role), set()).add(ch)

    def width(self, ch: str, face: FontFace, size: float) -> float:
        """The advance of ``ch`` at ``size`` points (the layout's arithmetic: w × size / 1000)."""
        return widths(face)[ch] * size / 1000

    def body_face(self) -> FontFace:
        return self.face_for("一" if self.wide_quotes else "a", self.style.role("body"))
