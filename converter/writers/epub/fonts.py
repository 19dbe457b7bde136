"""Fonts that travel with the book: which face draws each character, subsets, @font-face rules.

A reading system draws a character with the first family of the element's font-family list
whose font has it.  The lists (css.py) name a role's Latin face, its CJK face, then the style's
fallback faces.  For each character of the book fonts.faces decides the face, as for every
output (a wide character tries the CJK face first, any other the Latin face, then the
fallbacks), and this module subsets every face to the characters it was given.  A face earlier in a list never holds a
character decided for a later one unless that face was decided for it elsewhere, so the reader
finds each character in the subset it was put in (or an earlier subset that also has it).

Which role an element takes is read from the style sheet's own rules (``css.font_rules``), with
a selector matcher for the small grammar css.py writes (``tag``, ``tag.class``, descendant and
``>`` combinators, comma lists), plus the browser defaults for ``strong`` and ``em``.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import partial

from lxml import etree

from ... import parallel
from ...fonts.faces import FaceChooser
from ...fonts.find import BOLD, FontFace
from ...fonts.subset import WebFont, subset_cost, web_subset, web_subset_cached
from ...style import ResolvedStyle
from .css import Families, font_rules

FONT_DIR = "fonts"
#: whitespace that needs no glyph (lines and tabs; spaces do need one: they have a width)
_LAYOUT = "\n\r\t"
#: HTML's default styles that change the face: bold and italic elements
_BOLD, _ITALIC = {"strong", "b"}, {"em", "i", "cite", "var", "dfn"}


@dataclass(frozen=True)
class EmbeddedFont:
    """A face embedded in the book: the subset, its package path and its @font-face descriptors."""

    face: FontFace
    font: WebFont
    path: str  # package path, e.g. fonts/NotoSerifCJKSC.woff2
    weight: int  # CSS font-weight
    italic: bool


class FontChoice:
    """Walks content documents as a reader would style them; ``used`` maps face → characters."""

    def __init__(self, style: ResolvedStyle, lang: str):
        self.style = style
        self.chooser = FaceChooser(style.fallback, lang)  # the face per character, as every writer decides
        self.rules = [(_parse(sel), decls) for sel, decls in font_rules(style)]
        #: the rules again by the tag their selectors end with, each with its alternatives
        #: ending in that tag, in the sheet's order: an element is matched only against those
        self.rules_by_tag: dict[str, list[tuple[list, dict]]] = {}
        for alternatives, decls in self.rules:
            for tag in dict.fromkeys(compounds[-1][1] for compounds, _ in alternatives):
                self.rules_by_tag.setdefault(tag, []).append(
                    ([a for a in alternatives if a[0][-1][1] == tag], decls))
        self.used: dict[FontFace, set[str]] = {}
        #: (Latin face, CJK face) → the characters already given a face with them
        self._seen: dict[tuple[FontFace, FontFace], set[str]] = {}

    def add_document(self, root: etree._Element) -> None:
        """Note every character the body of an XHTML document draws."""
        body = next((c for c in root if etree.QName(c).localname == "body"), None)
        if body is not None:
            self._walk(body, None, False, False)

    def _walk(self, el: etree._Element, families: Families | None, bold: bool, italic: bool) -> None:
        name = etree.QName(el).localname
        bold, italic = bold or name in _BOLD, italic or name in _ITALIC
        decls = self._rule_for(el)
        if decls is not None:
            families = decls["font-family"]
            bold = decls["font-weight"] == "bold" if "font-weight" in decls else bold
            italic = decls["font-style"] == "italic" if "font-style" in decls else italic
        self._add(el.text, families, bold, italic)
        if name == "ol":  # the reader draws the item numbers with the list's font
            start = int(el.get("start", "1"))
            self._add("".join(f"{start + i}." for i in range(len(el))), families, bold, italic)
        for c in el:
            if isinstance(c.tag, str):
                self._walk(c, families, bold, italic)
            self._add(c.tail, families, bold, italic)

    def _rule_for(self, el: etree._Element) -> dict | None:
        """The declarations of the most specific matching font rule (the later one on a tie)."""
        best, best_spec = None, (-1, -1)
        for alternatives, decls in self.rules_by_tag.get(etree.QName(el).localname, ()):
            for compounds, spec in alternatives:
                if spec >= best_spec and _matches(el, compounds, len(compounds) - 1):
                    best, best_spec = decls, spec
        return best

    def _add(self, text: str | None, families: Families | None, bold: bool, italic: bool) -> None:
        if not text or families is None:
            return
        role = self.style.variant(families.role, bold=bold, italic=italic)
        latin, cjk = role.fonts.latin, role.fonts.cjk
        seen = self._seen.setdefault((latin, cjk), set())  # decided already: the same face again
        for ch in set(text) - seen:
            seen.add(ch)
            if ch in _LAYOUT:
                continue
            face = self.face_for(ch, latin, cjk)
            if face is not None:  # no face at all: the pipeline has refused or warned already
                self.used.setdefault(face, set()).add(ch)

    def face_for(self, ch: str, latin: FontFace, cjk: FontFace) -> FontFace | None:
        """The face that draws ``ch``: as the PDF decides, wide characters CJK first."""
        return self.chooser.face_for(ch, latin, cjk)


def embed(used: dict[FontFace, set[str]], cache) -> list[EmbeddedFont]:
    """Subset every used face (cached); package names are stable: the face's key."""
    out: list[EmbeddedFont] = []
    names: set[str] = set()
    # the subsets not cached yet, about half of them made by a second process when allowed
    parallel.share((subset_cost(chars), partial(web_subset, face, chars, cache))
                   for face, chars in used.items() if not web_subset_cached(face, chars, cache))
    for face in sorted(used, key=lambda f: (f.family, f.weight, f.italic, f.path, f.index)):
        font = web_subset(face, used[face], cache)
        stem, n = face.key, 1
        while stem + font.extension in names:  # two files of one family and style
            n += 1
            stem = f"{face.key}-{n}"
        names.add(stem + font.extension)
        out.append(EmbeddedFont(face, font, f"{FONT_DIR}/{stem}{font.extension}", css_weight(face.weight), face.italic))
    return out


def font_face_rules(fonts: list[EmbeddedFont], css_path: str) -> str:
    """One @font-face rule per embedded face; urls relative to the style sheet."""
    formats = {".woff2": "woff2", ".otf": "opentype", ".ttf": "truetype"}
    rules = []
    for f in fonts:
        url = posixpath.relpath(f.path, posixpath.dirname(css_path) or ".")
        rules.append(
            "@font-face {\n"
            f'  font-family: "{f.face.family}";\n'
            f"  font-weight: {f.weight};\n"
            f"  font-style: {'italic' if f.italic else 'normal'};\n"
            f'  src: url("{url}") format("{formats[f.font.extension]}");\n'
            "}\n"
        )
    return "\n".join(rules)


def css_weight(fc_weight: int) -> int:
    """fontconfig's weight scale (80 regular, 200 bold) → CSS's (400, 700)."""
    scale = [(0, 100), (40, 200), (50, 300), (80, 400), (100, 500), (180, 600), (BOLD, 700), (205, 800), (210, 900)]
    return min(scale, key=lambda p: abs(p[0] - fc_weight))[1]


# --- the selectors css.py writes ------------------------------------------------------------

Compound = tuple[str, str, str | None]  # (combinator to the left: "", " " or ">", tag, class)


def _parse(selector: str) -> list[tuple[list[Compound], tuple[int, int]]]:
    """A comma list of selectors → [(compounds left to right, specificity (classes, tags))]."""
    out = []
    for alternative in selector.split(","):
        compounds: list[Compound] = []
        combinator = ""
        for token in alternative.split():
            if token == ">":
                combinator = ">"
                continue
            tag, _, cls = token.partition(".")
            if not tag.isalnum() or (cls and not cls.replace("-", "").isalnum()):
                raise ValueError(f"css.py wrote a selector this matcher does not know: {selector!r}")
            compounds.append((combinator if compounds else "", tag, cls or None))
            combinator = " "
        spec = (sum(1 for c in compounds if c[2]), sum(1 for c in compounds if c[1]))
        out.append((compounds, spec))
    return out


def _matches(el: etree._Element, compounds: list[Compound], i: int) -> bool:
    combinator, tag, cls = compounds[i]
    if etree.QName(el).localname != tag or (cls and cls not in (el.get("class") or "").split()):
        return False
    if i == 0:
        return True
    parent = el.getparent()
    if combinator == ">":
        return parent is not None and _matches(parent, compounds, i - 1)
    while parent is not None:
        if _matches(parent, compounds, i - 1):
            return True
        parent = parent.getparent()
    return False
