"""Which font draws which characters in a WordprocessingML package, read back from its XML.

The embedding step needs, for every font family and face (regular, bold, italic, bold italic),
the characters the document draws with it. It is computed from the finished parts — styles,
document, headers and footers, footnotes, numbering, theme — the way a word processor resolves run
properties, so that it holds whatever produced them (our style sheet or a reference document).

Characters go to every font slot of their run (ascii, hAnsi, eastAsia, cs): Word and
LibreOffice assign ambiguous characters (“ ” — … digits) to slots by different rules, and a
glyph missing from the embedded subset of the font actually chosen would show as a box.
"""
from __future__ import annotations

import string
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import ns
from lxml import etree

#: python-docx's qn, each name worked out once (the reading asks some 20 a run)
qn = lru_cache(maxsize=None)(ns.qn)

SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
#: theme font reference suffix → the a:fontScheme child that holds it
THEME_SLOTS = {"Ascii": "latin", "HAnsi": "latin", "EastAsia": "ea", "Bidi": "cs"}
#: the a:font script a CJK document's East Asian theme font comes from when a:ea is empty
THEME_SCRIPTS = {"zh-cn": "Hans", "zh-sg": "Hans", "zh": "Hans", "zh-tw": "Hant", "zh-hk": "Hant",
                 "ja": "Jpan", "ko": "Hang"}
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
#: characters a number of each format can show (field results and list numbers are not in w:t)
NUMBER_CHARS = {
    "decimal": string.digits, "decimalZero": string.digits,
    "lowerLetter": string.ascii_lowercase, "upperLetter": string.ascii_uppercase,
    "lowerRoman": "ivxlcdm", "upperRoman": "IVXLCDM",
}
FALSE = ("0", "false", "off")
#: run content that shows a note's number, which is not in w:t (Word numbers the notes)
NOTE_MARKS = tuple(qn(f"w:{tag}") for tag in ("footnoteReference", "footnoteRef", "endnoteReference", "endnoteRef"))
#: characters that are never drawn with a glyph (w:t holds no tabs or breaks, but fields may)
CONTROL = frozenset("\t\n\r\f")


@dataclass(frozen=True)
class Face:
    """A font as a run asks for it: the family name in w:rFonts, bold, italic."""

    family: str
    bold: bool
    italic: bool


class _Props:
    """The run properties that choose a font, merged level over level."""

    def __init__(self, fonts: dict[str, str] | None = None, bold: bool | None = None, italic: bool | None = None):
        self.fonts = dict(fonts or {})  # slot → family name
        self.bold, self.italic = bold, italic

    def over(self, other: "_Props") -> "_Props":
        """These properties with ``other``'s (a more specific level) on top."""
        return _Props(self.fonts | other.fonts,
                      self.bold if other.bold is None else other.bold,
                      self.italic if other.italic is None else other.italic)


class RunFonts:
    """Resolves the fonts of runs from styles.xml, numbering.xml and the theme of a document."""

    def __init__(self, document, lang: str = "und"):
        self.document = document
        self.theme = _theme_fonts(document, lang)
        root = document.styles.element
        self.styles = {s.get(qn("w:styleId")): s for s in root.iterfind(qn("w:style"))}
        rpr = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self.defaults = self._props(rpr)
        self.default_para = next((sid for sid, s in self.styles.items()
                                  if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")),
                                 None)
        self._chains: dict[str, _Props] = {}
        #: (paragraph style id, a run's w:rPr as XML) → the faces of each way of reading the run
        self._faces: dict[tuple, list[list[Face]]] = {}

    def used(self) -> dict[Face, set[str]]:
        """Every face the document's text asks for, with the characters drawn with it."""
        out: dict[Face, set[str]] = defaultdict(set)
        for part in self._text_parts():
            self.add(part, out)
        return dict(out)

    def add(self, root, out: dict[Face, set[str]]) -> None:
        """The characters of the paragraphs under ``root`` (a part, or rows that are about to
        leave the document's tree: rowspool.py), added to ``out`` face by face."""
        for p in root.iter(qn("w:p")):
            self._paragraph(p, out)

    # ----- reading the parts -------------------------------------------------------------------

    def _text_parts(self):
        """The XML roots that hold text: the document, its headers, footers and notes."""
        main = self.document.part
        yield main.element
        kinds = (RT.HEADER, RT.FOOTER, RT.FOOTNOTES, RT.ENDNOTES, RT.COMMENTS)
        for rel in sorted(main.rels.values(), key=lambda r: r.rId):
            if rel.reltype in kinds and not rel.is_external:
                part = rel.target_part
                yield part.element if hasattr(part, "element") else etree.fromstring(part.blob)

    def _paragraph(self, p, out: dict[Face, set[str]]) -> None:
        ppr = p.find(qn("w:pPr"))
        pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
        para_id = pstyle.get(qn("w:val")) if pstyle is not None else self.default_para
        para = self.defaults.over(self._chain(para_id))
        fields = "".join(t.text or "" for t in p.iter(qn("w:instrText")))
        page_field = any(word in fields.upper() for word in ("PAGE", "NUMPAGES", "SECTIONPAGES"))
        for r in p.iter(qn("w:r")):
            if r.getparent() is not p and _paragraph_of(r) is not p:
                continue  # a run of a paragraph nested in this one (a text box) is seen with its own
            text = "".join(t.text or "" for t in r.iter(qn("w:t")))
            if page_field and r.find(qn("w:instrText")) is None:
                text += string.digits  # the field result is computed when the document is shown
            if any(r.find(tag) is not None for tag in NOTE_MARKS):
                text += string.digits  # so is a note's number, in the text and in the note
            # a run's fonts follow from its paragraph's style and its own w:rPr: worked out once
            # for each such pair (a document has a few dozen, and tens of thousands of runs)
            rpr = r.find(qn("w:rPr"))
            key = (para_id, None if rpr is None else etree.tostring(rpr))
            faces = self._faces.get(key)
            if faces is None:
                faces = self._faces[key] = [_faces_of(props) for props in self._run(r, para)]
            for props_faces in faces:
                _add_chars(props_faces, text, out)
        number = self._number(ppr, para)
        if number:
            _add_chars(_faces_of(number[0]), number[1], out)

    def _run(self, r, para: _Props) -> list[_Props]:
        """The run's font properties; two sets where Word and LibreOffice resolve them apart."""
        rpr = r.find(qn("w:rPr"))
        rstyle = rpr.find(qn("w:rStyle")) if rpr is not None else None
        char = self._chain(rstyle.get(qn("w:val"))) if rstyle is not None else _Props()
        direct = self._props(rpr)
        out = []
        # bold and italic are toggles (ECMA-376 §17.7.3): Word flips the paragraph style's value
        # where the character style sets it too; LibreOffice takes the character style's
        for toggles in (True, False):
            merged = para.over(_Props(char.fonts))
            merged.bold = _toggle(para.bold, char.bold, toggles)
            merged.italic = _toggle(para.italic, char.italic, toggles)
            merged = merged.over(direct)
            if not out or (merged.bold, merged.italic) != (out[0].bold, out[0].italic):
                out.append(merged)
        return out

    def _number(self, ppr, para: _Props) -> tuple[_Props, str] | None:
        """The list number of a paragraph: its font properties and the characters it can show."""
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None or numpr.find(qn("w:numId")) is None:
            return None
        num_id = numpr.find(qn("w:numId")).get(qn("w:val"))
        ilvl_el = numpr.find(qn("w:ilvl"))
        ilvl = ilvl_el.get(qn("w:val")) if ilvl_el is not None else "0"
        try:
            numbering = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return None
        num = numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{num_id}']")
        if num is None:
            return None
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        lvl = numbering.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']"
                             f"/{qn('w:lvl')}[@{qn('w:ilvl')}='{ilvl}']")
        if lvl is None:
            return None
        fmt = lvl.find(qn("w:numFmt"))
        text = lvl.find(qn("w:lvlText"))
        chars = NUMBER_CHARS.get(fmt.get(qn("w:val")) if fmt is not None else "decimal", "")
        literal = text.get(qn("w:val"), "") if text is not None else ""
        for n in range(1, 10):
            literal = literal.replace(f"%{n}", "")
        return para.over(self._props(lvl.find(qn("w:rPr")))), chars + literal

    # ----- styles and properties ---------------------------------------------------------------

    def _chain(self, style_id: str | None, seen: tuple[str, ...] = ()) -> _Props:
        """A style's properties over those of the styles it is based on."""
        if style_id is None or style_id not in self.styles or style_id in seen:
            return _Props()
        if style_id not in self._chains:
            s = self.styles[style_id]
            based = s.find(qn("w:basedOn"))
            parent = self._chain(based.get(qn("w:val")), (*seen, style_id)) if based is not None else _Props()
            self._chains[style_id] = parent.over(self._props(s.find(qn("w:rPr"))))
        return self._chains[style_id]

    def _props(self, rpr) -> _Props:
        """The font choice an w:rPr makes by itself (theme references resolved)."""
        if rpr is None:
            return _Props()
        fonts: dict[str, str] = {}
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is not None:
            for slot in SLOTS:
                theme = rfonts.get(qn(f"w:{slot}Theme" if slot != "cs" else "w:cstheme"))
                name = self.theme.get(theme) if theme else rfonts.get(qn(f"w:{slot}"))
                if name:
                    fonts[slot] = name
        return _Props(fonts, _on(rpr.find(qn("w:b"))), _on(rpr.find(qn("w:i"))))


def _faces_of(props: _Props) -> list[Face]:
    """The faces run properties ask for: one a family in their font slots."""
    return [Face(family, bool(props.bold), bool(props.italic)) for family in set(props.fonts.values())]


def _add_chars(faces: list[Face], text: str, out: dict[Face, set[str]]) -> None:
    chars = set(text) - CONTROL  # spaces too: their glyphs give their widths
    if not chars:
        return
    for face in faces:
        out[face] |= chars


def _on(el) -> bool | None:
    """A w:b / w:i element's value: None when absent."""
    if el is None:
        return None
    return el.get(qn("w:val"), "1").lower() not in FALSE


def _toggle(para: bool | None, char: bool | None, toggles: bool = True) -> bool | None:
    if char is None:
        return para
    if para is None or not toggles:
        return char
    return para != char


def _paragraph_of(r):
    p = r.getparent()
    while p is not None and p.tag != qn("w:p"):
        p = p.getparent()
    return p


def _theme_fonts(document, lang: str) -> dict[str, str]:
    """Theme font references (majorHAnsi, minorEastAsia …) → family names, from the theme part."""
    try:
        theme = document.part.part_related_by(RT.THEME)
    except KeyError:
        return {}
    root = etree.fromstring(theme.blob)
    script = THEME_SCRIPTS.get(lang.lower(), THEME_SCRIPTS.get(lang.split("-")[0].lower()))
    out = {}
    for kind in ("major", "minor"):
        scheme = root.find(f".//{{{A_NS}}}fontScheme/{{{A_NS}}}{kind}Font")
        if scheme is None:
            continue
        for suffix, tag in THEME_SLOTS.items():
            el = scheme.find(f"{{{A_NS}}}{tag}")
            name = el.get("typeface") if el is not None else ""
            if not name and tag == "ea" and script:
                by_script = scheme.find(f"{{{A_NS}}}font[@script='{script}']")
                name = by_script.get("typeface") if by_script is not None else ""
            if name:
                out[f"{kind}{suffix}"] = name
    return out
