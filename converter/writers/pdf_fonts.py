"""Fonts for the PDF: which face draws each character, registered with reportlab, and widths."""
from __future__ import annotations

import hashlib
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from ..fonts.coverage import charset
from ..fonts.subset import is_truetype, pdf_subset
from ..fonts.find import FontFace
from ..style import ResolvedStyle, Role
from .linebreak import is_wide

def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, but with characters beyond U+FFFF as UTF-16 surrogate pairs.

    reportlab writes ``<%04X>``, which for CJK Extension B (𠀀 U+20000) gives five hex digits
    that PDF readers misread: the glyph is drawn but the text layer loses or garbles it.
    """
    def utf16(cp: int) -> str:
        return chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", "<< /Registry (%s)" % fontname, "/Ordering (%s)" % fontname,
        "/Supplement 0", ">> def", "/CMapName /%s def" % fontname, "/CMapType 2 def",
        "1 begincodespacerange", "<00> <%02X>" % (len(subset) - 1), "endcodespacerange",
        "%d beginbfchar" % len(subset),
    ] + ["<%02X> <%s>" % (i, utf16(v)) for i, v in enumerate(subset)] + [
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


ttfonts.makeToUnicodeCMap = _to_unicode_cmap

#: reportlab's font registry is process-wide: remember what this process registered
_registered: dict[tuple[str, int], str] = {}


class FontBook:
    """Chooses a face per character (role's CJK or Latin face, then the style's fallbacks),
    prepares each used face for embedding, and measures glyphs."""

    def __init__(self, style: ResolvedStyle, cache: Path, wide_quotes: bool):
        self.style = style
        self.cache = cache
        self.wide_quotes = wide_quotes  # in Chinese text “ ” ‘ ’ — … are full-width marks
        self.used: dict[FontFace, set[str]] = {}
        self.names: dict[FontFace, str] = {}
        self._face_memo: dict[tuple[str, FontFace, FontFace], FontFace] = {}
        self._widths: dict[tuple[str, str], float] = {}

    def wide(self, ch: str) -> bool:
        """Whether a character takes the CJK slot and the em grid."""
        if ch in "“”‘’—…·":
            return self.wide_quotes
        return is_wide(ch)

    def face_for(self, ch: str, role: Role) -> FontFace:
        key = (ch, role.fonts.cjk, role.fonts.latin)
        face = self._face_memo.get(key)
        if face is None:
            primary, other = ((role.fonts.cjk, role.fonts.latin) if self.wide(ch)
                              else (role.fonts.latin, role.fonts.cjk))
            face = primary
            for candidate in (primary, other, *self.style.fallback):
                if ord(ch) in charset(candidate):
                    face = candidate
                    break
            self._face_memo[key] = face
        return face

    def collect(self, text: str, role: Role) -> None:
        """Note the characters a role will draw (before register())."""
        for ch in set(text):
            if ch not in "\n\r":
                self.used.setdefault(self.face_for(ch, role), set()).add(ch)

    def register(self) -> None:
        """Register every used face with reportlab (CFF faces as cached TrueType subsets)."""
        for face, chars in sorted(self.used.items(), key=lambda kv: (kv[0].path, kv[0].index, kv[0].weight)):
            path, index = pdf_subset(face, chars | {" "}, self.cache)
            if is_truetype(face):
                name = face.key
            else:  # a subset: its own name, so two documents in one process do not clash
                name = face.key + "-" + hashlib.sha1(str(path).encode()).hexdigest()[:8]
            if (str(path), index) not in _registered:
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
                _registered[(str(path), index)] = name
            self.names[face] = _registered[(str(path), index)]

    def font_name(self, ch: str, role: Role) -> str:
        return self.names[self.face_for(ch, role)]

    def width(self, ch: str, font: str, size: float) -> float:
        w = self._widths.get((font, ch))
        if w is None:
            w = self._widths[(font, ch)] = pdfmetrics.stringWidth(ch, font, 1000)
        return w * size / 1000

    def any_font(self) -> str:
        """A registered font name (reportlab's initial font, so no Helvetica is referenced)."""
        body = self.face_for("一" if self.wide_quotes else "a", self.style.role("body"))
        return self.names.get(body) or next(iter(self.names.values()))
