"""Where the DOCX translator writes, and how: the state its parts (translator.py, blocks.py,
notes.py) share, declared in one object instead of attributes they set on each other.

``DocumentSetup`` holds what is fixed for the whole document (the Word document, the style, the
style ids). ``Output`` is the current position — the container blocks go into, the paragraph and the
element runs go into, the part relationships are made from — with the formatting in force and
the helpers that write paragraphs, runs and bookmarks there.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field, replace
from typing import Callable

from docx.oxml.ns import qn
from lxml import etree

from ...context import BuildContext
from ...fonts.coverage import INVISIBLE, charset
from ...fonts.faces import FaceChooser
from ...fonts.find import FontFace
from ...style import ResolvedStyle, Role
from .ooxml import PPR_ORDER, RPR_ORDER, el, put, twips
from .rowspool import RowSpool
from .runfonts import SLOTS
from .styles import paragraph_styles

SECT_PR = qn("w:sectPr")
STYLE, STYLE_ID, RPR, RFONTS = qn("w:style"), qn("w:styleId"), qn("w:rPr"), qn("w:rFonts")
XML_SPACE = qn("xml:space")

#: whitespace that is layout in the model's mixed content, not a line break in the output
_LAYOUT_SPACE = re.compile(r"[ \t\r\n]*[\t\r\n][ \t\r\n]*")


@dataclass(frozen=True)
class Fmt:
    """The character formatting in force while visiting inlines."""

    bold: bool = False
    italic: bool = False
    rstyle: str | None = None  # a character style id
    strike: bool = False
    vert: str | None = None  # "superscript" | "subscript"


@dataclass
class DocumentSetup:
    """What every part of the translator reads and none changes while rendering."""

    document: object  # the python-docx Document
    style: ResolvedStyle
    ctx: BuildContext
    ids: dict[str, str]  # our style key → the Word style id
    cjk: bool
    roles: dict[str, Role] = field(default_factory=dict)  # style key → its role
    bookmarks: dict[str, str] = field(default_factory=dict)  # model id → Word bookmark name
    #: where long tables' finished rows go (rowspool.py); None: every row stays in the tree
    spool: RowSpool | None = None

    def __post_init__(self) -> None:
        if not self.roles:
            self.roles = {ps.key: ps.role for ps in paragraph_styles(self.style)}
        #: the face that draws each character (fonts.faces, as for every output)
        self.faces = FaceChooser(self.style.fallback, "zh" if self.cjk else "und")
        self._style_fonts: dict[str, dict[str, str]] = {}

    def style_fonts(self, style_id: str) -> dict[str, str]:
        """The w:rFonts slots (ascii, hAnsi, eastAsia, cs) a character style sets, as the
        styles part holds them ({} for a style that names no font)."""
        if style_id not in self._style_fonts:
            fonts = next((s.find(f"{RPR}/{RFONTS}") for s in self.document.styles.element.iterchildren(STYLE)
                          if s.get(STYLE_ID) == style_id), None)
            self._style_fonts[style_id] = {} if fonts is None else {
                slot: fonts.get(qn(f"w:{slot}")) for slot in SLOTS if fonts.get(qn(f"w:{slot}"))}
        return self._style_fonts[style_id]


class Output:
    """The current writing position and formatting, and the helpers that write there."""

    def __init__(self, setup: DocumentSetup):
        self.setup = setup
        self.part = setup.document.part  # relationships (links, pictures) are made from it
        self.container = setup.document._body  # where block items go
        self.p = self.target = None  # the current paragraph, and where its runs go (it or a hyperlink)
        self.para_role = setup.style.role("body")  # the role of the current paragraph's style
        self.fmt = Fmt()
        self.in_cell = False  # writing a table cell's content (see _properties)
        self.block_style = "body"  # the style of a <p> here (quote, footnote … change it)
        self.block_indent: float | None = None  # left indent of paragraphs continuing a list item
        self.width = setup.style.page.text_width  # the width pictures may take here
        self.pending_break = False  # a page break waits for the next paragraph
        self.runin_follows = False  # the next paragraph continues a run-in heading's line
        #: when set, writes the mark that starts the next paragraph (a footnote's number)
        self.note_mark: Callable[[], None] | None = None
        self.bookmarks_made = 0
        #: a run's w:rPr by what decides it (Output.run)
        self._run_properties: dict[tuple, object] = {}

    # ----- paragraphs and runs ---------------------------------------------------------------

    def paragraph(self, key: str):
        """Start a new paragraph of the writer's style ``key`` in the current container."""
        p = self._new_paragraph()
        style_id = self.setup.ids[key]
        if len(p) == 0 and style_id is not None:  # a new w:p: its w:pPr and w:pStyle made as python-docx
            ppr = el("w:pPr")  # would, without looking for each one's place among 30 kinds of sibling
            ppr.append(el("w:pStyle", val=style_id))
            p.append(ppr)
        else:
            ppr = p.get_or_add_pPr()
            ppr.style = style_id
        self.para_role = self.setup.roles[key]
        if self.pending_break:
            put(ppr, el("w:pageBreakBefore"), PPR_ORDER)
            self.pending_break = False
        if self.block_indent is not None:
            put(ppr, el("w:ind", left=twips(self.block_indent), firstLine=0), PPR_ORDER)
        elif self.runin_follows:  # its heading's frame (run_in_frame) stands in the indent
            put(ppr, el("w:ind", firstLineChars=0, firstLine=0), PPR_ORDER)
        self.runin_follows = False
        self.p = self.target = p
        if self.note_mark is not None:  # the first paragraph of a note starts with its mark
            mark, self.note_mark = self.note_mark, None
            mark()
        return p

    def _new_paragraph(self):
        """A new w:p at the end of the current container. In the document's body python-docx
        looks for the w:sectPr among all the body's children for each new paragraph (10,000 →
        40,000 paragraphs took 1.4 → 9.8 s); the body's w:sectPr is its last child, so the
        paragraph goes just before it (lxml finds the last child at once)."""
        body = self.setup.document._body
        if self.container is body:
            try:
                last = body._element[-1]
            except IndexError:
                last = None
            if last is not None and last.tag == SECT_PR:
                p = el("w:p")
                last.addprevious(p)
                return p
        return self.container.add_paragraph()._p

    def run(self, text: str, rstyle: str | None = None, fmt: Fmt | None = None, face: FontFace | None = None):
        """Append a run of ``text`` to the current target with the formatting in force
        (``face``: a fallback font for characters the style's own fonts lack)."""
        fmt = fmt or self.fmt
        r = el("w:r")
        style_id = rstyle or fmt.rstyle
        # the properties follow from these alone: made once, copied for each run (lxml copies a
        # small tree at once; making it is a dozen elements looked up and placed)
        key = (style_id, face.family if face is not None else None, fmt.bold, fmt.italic, fmt.strike, fmt.vert,
               self.in_cell)
        if key not in self._run_properties:
            self._run_properties[key] = self._properties(style_id, fmt, face)
        rpr = self._run_properties[key]
        if rpr is not None:
            r.append(deepcopy(rpr))
        if "\t" in text or "\n" in text or "\r" in text:
            r.text = text  # python-docx writes \t as w:tab, \n as w:br and keeps spaces
        elif text:  # the w:t python-docx would write, without its walk through every character
            t = el("w:t")
            t.text = text
            if len(text.strip()) < len(text):
                t.set(XML_SPACE, "preserve")
            r.append(t)
        self.target.append(r)
        return r

    def _properties(self, style_id: str | None, fmt: Fmt, face: FontFace | None):
        """A run's w:rPr for its character style, formatting and fallback face (None: empty)."""
        rpr = el("w:rPr")
        if style_id:
            put(rpr, el("w:rStyle", val=style_id), RPR_ORDER)
        fonts = {"hint": "eastAsia"} if self.setup.cjk else {}  # ambiguous marks (“ ” — …) take the
        if face is not None:  # East Asian font in a CJK document, as Word's IME does
            fonts |= {slot: face.family for slot in SLOTS}
        elif style_id and self.in_cell:
            # LibreOffice gives a table's cells the fonts of its table style (the document
            # defaults, through Table Normal) as direct formatting, which beats a character
            # style: inline code in a cell came out in the body's Latin face, and as that face's
            # embedded subset lacks the letters, blank. The run repeats its style's fonts.
            fonts = self.setup.style_fonts(style_id) | fonts
        if fonts:
            put(rpr, el("w:rFonts", **fonts), RPR_ORDER)
        if fmt.bold:
            put(rpr, el("w:b"), RPR_ORDER)
            put(rpr, el("w:bCs"), RPR_ORDER)
        if fmt.italic:
            put(rpr, el("w:i"), RPR_ORDER)
            put(rpr, el("w:iCs"), RPR_ORDER)
        if fmt.strike:
            put(rpr, el("w:strike"), RPR_ORDER)
        if fmt.vert:
            put(rpr, el("w:vertAlign", val=fmt.vert), RPR_ORDER)
        return rpr if len(rpr) else None

    def text(self, text: str | None) -> None:
        """Model text as runs; newlines and tabs in mixed content are layout: one space."""
        if text:
            text = _LAYOUT_SPACE.sub(" ", text)
            for segment, face in self.by_font(text):
                self.run(segment, face=face)

    def by_font(self, text: str) -> list[tuple[str, FontFace | None]]:
        """Split text where the paragraph role's fonts lack a character: those characters take
        the style's first fallback font that has them (HanaMin for 𠀀), as in the PDF."""
        latin, cjk = self.para_role.fonts.latin, self.para_role.fonts.cjk
        cjk_has, latin_has = charset(cjk), charset(latin)
        lacking = {cp for cp in map(ord, text) if cp not in cjk_has and cp not in latin_has}
        if all(chr(c) in INVISIBLE for c in lacking):
            return [(text, None)]
        out: list[tuple[str, FontFace | None]] = []
        for c in text:
            face = None if c in INVISIBLE else self.setup.faces.face_for(c, latin, cjk)  # fonts.faces: every writer's rule
            face = None if face in (latin, cjk) else face  # the role's own: Word picks the slot
            if out and out[-1][1] == face:
                out[-1] = (out[-1][0] + c, face)
            else:
                out.append((c, face))
        return out

    def empty_run(self, child: str) -> None:
        """A run holding only ``child`` (``w:tab``, ``w:br``)."""
        r = el("w:r")
        r.append(el(child))
        self.target.append(r)

    # ----- bookmarks -------------------------------------------------------------------------

    def mark(self, name: str) -> None:
        """A (zero-length) bookmark at the current position, the target of internal links."""
        self.bookmarks_made += 1
        self.p.append(el("w:bookmarkStart", id=self.bookmarks_made, name=name))
        self.p.append(el("w:bookmarkEnd", id=self.bookmarks_made))

    def anchor(self, node: etree._Element) -> None:
        """Bookmark the current paragraph with the element's id, if it has one."""
        ident = node.get("id")
        if ident:
            self.mark(self.setup.bookmarks[ident])

    # ----- scopes ----------------------------------------------------------------------------

    @contextmanager
    def styled(self, **changes):
        """Character formatting for the inlines visited inside the block."""
        old, self.fmt = self.fmt, replace(self.fmt, **changes)
        try:
            yield
        finally:
            self.fmt = old

    @contextmanager
    def block(self, key: str, indent: float | None = None):
        """The paragraph style (and list-continuation indent) of <p> inside the block."""
        old = self.block_style, self.block_indent
        self.block_style, self.block_indent = key, indent
        try:
            yield
        finally:
            self.block_style, self.block_indent = old


def name_bookmarks(doc: etree._Element) -> dict[str, str]:
    """Word bookmark names for every model id: letters, digits and _ only, at most 40 long."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for node in doc.iter():
        ident = node.get("id") if isinstance(node.tag, str) else None
        if not ident:
            continue
        name = re.sub(r"[^0-9A-Za-z_]", "_", ident)
        name = (name if name[:1].isalpha() else "b" + name)[:40]
        base, n = name, 1
        while name in used:
            n += 1
            name = f"{base[:36]}_{n}"
        used.add(name)
        names[ident] = name
    return names
