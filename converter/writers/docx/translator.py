"""The DOCX translator: visits the model's elements in order and writes paragraphs, runs and tables.

The packaging around it (styles, page, footers, properties, fonts, zip) is driven by writer.py;
tables, figures and the closing parts are in blocks.py, footnotes in notes.py.
"""
from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, replace

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from ...context import BuildContext
from ...fonts.coverage import INVISIBLE, charset, face_for
from ...fonts.find import FontFace
from ...model import XML_LANG, child, children, tag_of
from ...model.visitor import Visitor
from ...style import ResolvedStyle
from .blocks import Closing, TablesAndFigures
from .notes import Footnotes
from .ooxml import PPR_ORDER, RPR_ORDER, el, is_cjk_lang, put, twips
from .styles import ListNumbering, paragraph_styles

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


class DocxTranslator(TablesAndFigures, Closing, Footnotes, Visitor):
    """Visits the model and appends the matching WordprocessingML to a python-docx Document."""

    def __init__(self, document, style: ResolvedStyle, ctx: BuildContext, ids: dict[str, str], cjk: bool):
        self.document, self.style, self.ctx, self.ids, self.cjk = document, style, ctx, ids, cjk
        self.part = document.part
        self.container = document._body  # where block items go
        self.p = self.target = None  # the current paragraph, and where its runs go (it or a hyperlink)
        self.roles = {ps.key: ps.role for ps in paragraph_styles(style)}
        self.para_role = style.role("body")  # the role of the current paragraph's style
        self.fmt = Fmt()
        self.block_style = "body"  # the style of a <p> here (quote, footnote … change it)
        self.block_indent: float | None = None  # left indent of paragraphs continuing a list item
        self.width = style.page.text_width  # the width pictures may take here
        self.numbering = ListNumbering(document, style.role("list"))
        self.list_level = -1  # Word's numbering level (0–8)
        self.list_depth = -1  # the model's nesting, which may go deeper than Word's nine levels
        self.in_link = False
        self.pending_break = False
        self._init_notes()
        self.bookmarks: dict[str, str] = {}  # model id → Word bookmark name
        self.bookmarks_made = 0
        # the style decides (ResolvedStyle.runin_role): its own run-in role, or the level's heading
        # role, which the Heading-N paragraph style already gives the runs (一、 in 黑体)
        self.runin_styles = ({n: ids[f"runin-{n}"] for n in range(1, 7)}
                             if style.runin_role(1).name == "runin-heading" else {})

    # ----- driving -------------------------------------------------------------------------

    def render(self, doc: etree._Element) -> None:
        """Render the whole document, any page break still pending, then the footnotes."""
        self._name_bookmarks(doc)
        self.visit(doc)
        if self.pending_break:
            self._paragraph(self.block_style)
        self._render_notes()

    def _name_bookmarks(self, doc: etree._Element) -> None:
        """Word bookmark names for every model id: letters, digits and _ only, at most 40 long."""
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
            self.bookmarks[ident] = name

    # ----- paragraphs and runs --------------------------------------------------------------

    def _paragraph(self, key: str):
        """Start a new paragraph of the writer's style ``key`` in the current container."""
        p = self.container.add_paragraph()._p
        ppr = p.get_or_add_pPr()
        ppr.style = self.ids[key]
        self.para_role = self.roles[key]
        if self.pending_break:
            put(ppr, el("w:pageBreakBefore"), PPR_ORDER)
            self.pending_break = False
        if self.block_indent is not None:
            put(ppr, el("w:ind", left=twips(self.block_indent), firstLine=0), PPR_ORDER)
        self.p = self.target = p
        if self.note_mark is not None:  # the first paragraph of a note starts with its mark
            mark, self.note_mark = self.note_mark, None
            mark()
        return p

    def _run(self, text: str, rstyle: str | None = None, fmt: Fmt | None = None, face: FontFace | None = None):
        """Append a run of ``text`` to the current target with the formatting in force
        (``face``: a fallback font for characters the style's own fonts lack)."""
        fmt = fmt or self.fmt
        r = el("w:r")
        rpr = el("w:rPr")
        style_id = rstyle or fmt.rstyle
        if style_id:
            put(rpr, el("w:rStyle", val=style_id), RPR_ORDER)
        fonts = {"hint": "eastAsia"} if self.cjk else {}  # ambiguous marks (“ ” — …) take the
        if face is not None:  # East Asian font in a CJK document, as Word's IME does
            fonts |= {slot: face.family for slot in ("ascii", "hAnsi", "eastAsia", "cs")}
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
        if len(rpr):
            r.append(rpr)
        r.text = text  # python-docx writes \t as w:tab, \n as w:br and keeps spaces
        self.target.append(r)
        return r

    def _text(self, text: str | None) -> None:
        """Model text as runs; newlines and tabs in mixed content are layout: one space."""
        if text:
            text = _LAYOUT_SPACE.sub(" ", text)
            for segment, face in self._by_font(text):
                self._run(segment, face=face)

    def _by_font(self, text: str) -> list[tuple[str, FontFace | None]]:
        """Split text where the paragraph role's fonts lack a character: those characters take
        the style's first fallback font that has them (HanaMin for 𠀀), as in the PDF."""
        own = (charset(self.para_role.fonts.cjk), charset(self.para_role.fonts.latin))
        if all(c in INVISIBLE or ord(c) in own[0] or ord(c) in own[1] for c in text):
            return [(text, None)]
        out: list[tuple[str, FontFace | None]] = []
        for c in text:
            drawn = c in INVISIBLE or ord(c) in own[0] or ord(c) in own[1]
            face = None if drawn else face_for(c, self.style.fallback)
            if out and out[-1][1] == face:
                out[-1] = (out[-1][0] + c, face)
            else:
                out.append((c, face))
        return out

    def _inlines(self, node: etree._Element) -> None:
        """Render an element's mixed content in order."""
        self._text(node.text)
        for c in node:
            self.visit(c)
            self._text(c.tail)

    def _mark(self, name: str) -> None:
        """A (zero-length) bookmark at the current position, the target of internal links."""
        self.bookmarks_made += 1
        self.p.append(el("w:bookmarkStart", id=self.bookmarks_made, name=name))
        self.p.append(el("w:bookmarkEnd", id=self.bookmarks_made))

    def _anchor(self, node: etree._Element) -> None:
        """Bookmark the current paragraph with the element's id, if it has one."""
        ident = node.get("id")
        if ident:
            self._mark(self.bookmarks[ident])

    @contextmanager
    def _styled(self, **changes):
        """Character formatting for the inlines visited inside the block."""
        old, self.fmt = self.fmt, replace(self.fmt, **changes)
        try:
            yield
        finally:
            self.fmt = old

    @contextmanager
    def _block(self, key: str, indent: float | None = None):
        """The paragraph style (and list-continuation indent) of <p> inside the block."""
        old = self.block_style, self.block_indent
        self.block_style, self.block_indent = key, indent
        try:
            yield
        finally:
            self.block_style, self.block_indent = old

    # ----- document parts --------------------------------------------------------------------

    def visit_document(self, node):
        for c in children(node):
            self.visit(c)

    def visit_meta(self, node):
        """Metadata is not text: it went into the core properties."""

    # the children of <meta>, never reached through visit_meta (the handled() contract lists them)
    visit_author = visit_subject = visit_keyword = visit_property = visit_meta

    def visit_docnumber(self, node):
        self._paragraph("docnumber")
        self._inlines(node)

    def visit_title(self, node):
        self._paragraph("title")
        self._inlines(node)

    def visit_subtitle(self, node):
        self._paragraph("subtitle")
        self._inlines(node)

    def visit_addressee(self, node):
        self._paragraph("addressee")
        self._inlines(node)

    def visit_body(self, node):
        for c in children(node):
            self.visit(c)

    # ----- sections ----------------------------------------------------------------------------

    def visit_section(self, node):
        """A Heading-N paragraph, then the flow; a run-in heading hides its paragraph mark."""
        level = min(int(node.get("level", "1")), 6)
        heading = child(node, "heading")
        flow = [c for c in children(node) if tag_of(c) != "heading"]
        runin = node.get("runin") in ("true", "1") and bool(flow) and tag_of(flow[0]) == "p"
        p = self._paragraph(f"heading-{level}")
        self._anchor(node)
        with self._styled(rstyle=self.runin_styles.get(level) if runin else None):
            self.visit(heading)
            words = "".join(p.xpath(".//w:t/text()"))
            if runin and words and not words[-1].isspace() and not is_wide(words[-1]):
                self._run(" ")  # "1. Scope." and "This review …" must not run together
        if runin:
            # Word's style separator: the hidden paragraph mark joins heading and body on one
            # line, while the heading stays a heading (navigation pane, table of contents)
            rpr = el("w:rPr")
            put(rpr, el("w:vanish"), RPR_ORDER)
            put(rpr, el("w:specVanish"), RPR_ORDER)
            put(p.get_or_add_pPr(), rpr, PPR_ORDER)
        for c in flow:
            self.visit(c)

    def visit_heading(self, node):
        """The heading's inlines; a space after Latin numbering the model wrote without one
        ("1." + "Scope"), never in CJK ("一、" "1." + "完善")."""
        self._text(node.text)
        for c in node:
            self.visit(c)
            if tag_of(c) == "number":
                after = c.tail or (c.getnext().text if c.getnext() is not None else None) or ""
                if needs_space(c.text or "", after):
                    self._run(" ")
            self._text(c.tail)

    def visit_number(self, node):
        """Numbering as written (一、 （一） 1.) is text: the first run of its heading."""
        self._text(node.text)

    # ----- blocks ------------------------------------------------------------------------------

    def visit_p(self, node):
        self._paragraph(self.block_style)
        self._inlines(node)

    def visit_quote(self, node):
        with self._block("quote", self.block_indent):
            for c in children(node):
                self.visit(c)

    def visit_codeblock(self, node):
        """One paragraph in the code style; lines are kept with line breaks, spaces as written."""
        self._paragraph("code")
        text = (node.text or "").replace("\r\n", "\n")
        if text.endswith("\n"):
            text = text[:-1]
        for i, line in enumerate(text.split("\n")):
            if i:
                self.target.append(el("w:r"))
                self.target[-1].append(el("w:br"))
            for segment, face in self._by_font(line):
                self._run(segment, fmt=Fmt(), face=face)

    def visit_rule(self, node):
        self._paragraph("rule")  # its style draws a bottom border

    def visit_pagebreak(self, node):
        """The next paragraph starts a page (w:pageBreakBefore: no empty line on the new page)."""
        self.pending_break = True

    def visit_list(self, node):
        ordered = node.get("type") == "ordered"
        start = int(node.get("start")) if node.get("start") else None
        old = self.list_level, self.list_depth
        self.list_depth += 1
        self.list_level = min(self.list_depth, ListNumbering.LEVELS - 1)
        num_id = self.numbering.new(ordered, start, self.list_level)
        try:
            for item in children(node):
                self.visit(item, num_id, ordered)
        finally:
            self.list_level, self.list_depth = old

    def visit_item(self, node, num_id: int = 0, ordered: bool = False):
        """The first paragraph carries the number; later blocks are indented to the item's text."""
        level = self.list_level
        blocks = children(node)
        p = self._paragraph("list-number" if ordered else "list-bullet")
        ppr = p.get_or_add_pPr()
        numpr = ppr.get_or_add_numPr()
        numpr.get_or_add_ilvl().val = level
        numpr.get_or_add_numId().val = num_id
        # deeper than Word's levels, items keep the last level's marker and move on right, up to
        # half the text width (as in the PDF), so that every level stays visible and on the page
        left = min(self.numbering.text_indent(self.list_depth),
                   self.numbering.text_indent(0) + self.style.page.text_width / 2)
        put(ppr, el("w:ind", left=twips(left), hanging=twips(self.numbering.step)), PPR_ORDER)
        if node.get("checked") is not None:  # a task: its box, checked or not
            self._text("☒ " if node.get("checked") in ("true", "1") else "☐ ")
        if blocks and tag_of(blocks[0]) == "p":
            self._inlines(blocks[0])
            blocks = blocks[1:]
        with self._block("list-continue", left):
            for b in blocks:
                self.visit(b)

    def visit_deflist(self, node):
        """Each term a bold paragraph, its definitions indented under it."""
        indent = (self.block_indent or 0.0) + self.numbering.step
        for part in children(node):
            if tag_of(part) == "term":
                self._paragraph(self.block_style)
                with self._styled(bold=True):
                    self._inlines(part)
            else:
                with self._block("list-continue", indent):
                    for b in children(part):
                        self.visit(b)

    visit_term = visit_definition = visit_deflist  # reached only through visit_deflist

    # ----- inlines -----------------------------------------------------------------------------

    def visit_strike(self, node):
        with self._styled(strike=True):
            self._inlines(node)

    def visit_sub(self, node):
        with self._styled(vert="subscript"):
            self._inlines(node)

    def visit_sup(self, node):
        with self._styled(vert="superscript"):
            self._inlines(node)

    def visit_math(self, node):
        """TeX source, set as code (the declared fallback: no formula typesetting)."""
        with self._styled(rstyle=self.ids["inline-code"]):
            self._text(node.text)

    def visit_em(self, node):
        with self._styled(italic=True):
            self._inlines(node)

    def visit_strong(self, node):
        with self._styled(bold=True):
            self._inlines(node)

    def visit_code(self, node):
        with self._styled(rstyle=self.ids["inline-code"]):
            self._text(node.text)

    def visit_lead(self, node):
        """An enumeration lead (一是 二是 …): a run in the Enumeration Lead character style."""
        with self._styled(rstyle=self.ids["lead"]):
            self._text(node.text)

    def visit_br(self, node):
        r = el("w:r")
        r.append(el("w:br"))
        self.target.append(r)

    def visit_link(self, node):
        """A real w:hyperlink: external through a relationship, #id to the element's bookmark."""
        if self.in_link:  # Word cannot nest hyperlinks
            self._inlines(node)
            return
        href = node.get("href", "")
        link = el("w:hyperlink")
        if href.startswith("#"):
            link.set(qn("w:anchor"), self.bookmarks.get(href[1:], href[1:]))
        else:
            link.set(qn("r:id"), self.part.relate_to(href, RT.HYPERLINK, is_external=True))
        link.set(qn("w:history"), "1")
        self.target.append(link)
        outer, self.target, self.in_link = self.target, link, True
        try:
            with self._styled(rstyle=self.ids["link"]):
                if node.text or len(node):
                    self._inlines(node)
                else:  # an empty link still shows where it goes
                    self._text(href)
        finally:
            self.target, self.in_link = outer, False


def needs_space(before: str, after: str) -> bool:
    """True when two Latin-script texts would run together: neither side is CJK or a space."""
    return bool(before and after) and not (before[-1].isspace() or after[0].isspace()
                                           or is_wide(before[-1]) or is_wide(after[0]))


def is_wide(ch: str) -> bool:
    """True for a full-width (CJK) character, after which no space is needed."""
    return unicodedata.east_asian_width(ch) in "WF"


