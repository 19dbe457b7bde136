"""The DOCX translator: visits the model's elements in order and writes paragraphs, runs and tables.

The packaging around it (styles, page, footers, properties, fonts, zip) is driven by writer.py.
The translator holds its parts — tables, pictures and the closing parts (blocks.py), footnotes
(notes.py) — and the one Output they all write through (output.py): the state they share is
declared there, not set on each other.
"""
from __future__ import annotations


from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from ...context import BuildContext
from ...model import child, children, tag_of
from ...model.outline import ends_title, title_block
from ...model.visitor import Visitor
from ...style import ResolvedStyle
from ...text.highlight import lines as highlight_lines
from ...text.scripts import is_east_asian_wide as is_wide  # a full-width character: no space after it
from ...text.titles import lines_of_title
from .blocks import Closing, Pictures, Tables
from .notes import Footnotes
from .ooxml import PPR_ORDER, RPR_ORDER, el, put, run_in_frame, twips
from .masthead import letterhead
from .parts import Parts
from .rowspool import RowSpool
from .attendance import attendance
from .output import DocumentSetup, Fmt, Output, name_bookmarks
from .styles import ListNumbering

#: <meta> and its children are not text: the packaging writes them into the core properties
META = ("meta", "author", "subject", "keyword", "property")


def colour(r, color: str) -> None:
    """Give a run its own colour (w:color in its properties)."""
    rpr = r.find(qn("w:rPr"))
    if rpr is None:
        rpr = el("w:rPr")
        r.insert(0, rpr)
    put(rpr, el("w:color", val=color.lstrip("#").upper()), RPR_ORDER)


class DocxTranslator(Visitor):
    """Visits the model and appends the matching WordprocessingML to a python-docx Document."""

    rendered_elsewhere = {**{name: "converter.writers.docx.package:core_properties" for name in META},
                          "attendees": "visit_attendance"}

    def __init__(self, document, style: ResolvedStyle, ctx: BuildContext, ids: dict[str, str], cjk: bool,
                 spool: RowSpool | None = None):
        """``spool``: where long tables' finished rows go (rowspool.py); None keeps them all."""
        self.setup = DocumentSetup(document, style, ctx, ids, cjk, spool=spool)
        self.out = out = Output(self.setup)
        self.tables = Tables(out, self.visit, self._inlines)
        self.pictures = Pictures(out, self.visit)
        self.closing = Closing(out, self.visit)
        self.notes = Footnotes(out, self.visit)
        self.parts = Parts(out, self.visit, self._inlines)
        self.numbering = ListNumbering(document, style.role("list"))
        self.list_level = -1  # Word's numbering level (0–8)
        self.list_depth = -1  # the model's nesting, which may go deeper than Word's nine levels
        self.in_link = False
        # the style decides (ResolvedStyle.runin_role): its own run-in role, or the level's heading
        # role, which the Heading-N paragraph style already gives the runs (一、 in 黑体)
        self.runin_styles = ({n: ids[f"runin-{n}"] for n in range(1, 7)}
                             if style.runin_role(1).name == "runin-heading" else {})

    # ----- driving -------------------------------------------------------------------------

    def render(self, doc: etree._Element) -> None:
        """Render the whole document, any page break still pending, then the footnotes."""
        self.setup.bookmarks.update(name_bookmarks(doc))
        self.parts.move_addressee(doc)
        self.visit(doc)
        self.parts.moved_colophon()  # a moved 主送 when no 版记 took it
        if self.out.pending_break:
            self.out.paragraph(self.out.block_style)
        self.notes.render()

    def _inlines(self, node: etree._Element) -> None:
        """Render an element's mixed content in order."""
        self.out.text(node.text)
        for c in node:
            self.visit(c)
            self.out.text(c.tail)

    # ----- document parts --------------------------------------------------------------------

    def visit_document(self, node):
        for c in children(node):
            if tag_of(c) != "meta":  # rendered_elsewhere
                self.visit(c)

    def visit_docnumber(self, node):
        self.out.paragraph("docnumber")
        self._inlines(node)

    def visit_title(self, node):
        """One Title paragraph; a long title in the lines every output breaks it into
        (text/titles.py), joined by explicit line breaks."""
        self.out.paragraph("title")
        self.out.anchor(node)  # a title made of `# Title` keeps its id: links may go to it
        lines = lines_of_title(node, self.setup.style)
        if lines is None:
            self._inlines(node)
        else:
            for i, line in enumerate(lines):
                if i:
                    self.out.empty_run("w:br")
                self.out.text(line)
        self._title_block(node)

    def visit_subtitle(self, node):
        self.out.paragraph("subtitle")
        self._inlines(node)
        self._title_block(node)

    def _title_block(self, node) -> None:
        """The front matter's authors and date under the title (model.outline.title_block)."""
        if ends_title(node):
            for line in title_block(node.getroottree().getroot()).lines:
                self.out.paragraph("byline")
                self.out.text(line)

    def visit_addressee(self, node):
        if self.parts.moves(node):
            return  # written in the 版记 (parts.colophon)
        self.out.paragraph("addressee")
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
        p = self.out.paragraph(f"heading-{level}")
        self.out.anchor(node)
        with self.out.styled(rstyle=self.runin_styles.get(level) if runin else None):
            self.visit(heading)
            words = "".join(p.xpath(".//w:t/text()"))
            if runin and words and not words[-1].isspace() and not is_wide(words[-1]):
                self.out.run(" ")  # "1. Scope." and "This review …" must not run together
        if runin and self._fits_one_line(words, level):
            run_in_frame(p, self.out.para_role)
            self.out.runin_follows = True  # the body's first line continues after the frame
        for c in flow:
            self.visit(c)

    def _fits_one_line(self, words: str, level: int) -> bool:
        """Whether a run-in heading leaves room on its line for the body (a framed heading is
        one line tall; a longer one stands on its own line)."""
        role = self.out.setup.style.role(f"heading-{level}")
        width = sum(role.size if is_wide(ch) else role.size / 2 for ch in words)
        room = self.out.width - role.left_indent - role.first_line_indent - role.right_indent
        return width + 2 * role.size <= room

    def visit_heading(self, node):
        """The heading's inlines; a space after Latin numbering the model wrote without one
        ("1." + "Scope"), never in CJK ("一、" "1." + "完善")."""
        self.out.text(node.text)
        for c in node:
            self.visit(c)
            if tag_of(c) == "number":
                after = c.tail or (c.getnext().text if c.getnext() is not None else None) or ""
                if needs_space(c.text or "", after):
                    self.out.run(" ")
            self.out.text(c.tail)

    def visit_number(self, node):
        """Numbering as written (一、 （一） 1.) is text: the first run of its heading."""
        self.out.text(node.text)

    # ----- blocks ------------------------------------------------------------------------------

    def visit_p(self, node):
        self.out.paragraph(self.out.block_style)
        self._inlines(node)

    def visit_quote(self, node):
        """Quote paragraphs; a quote inside a quote one step further in (up to half the text
        width), so that nesting shows as the source has it."""
        indent = self.out.block_indent
        if any(tag_of(a) == "quote" for a in node.iterancestors()):
            quote = self.setup.style.role("quote")
            base = quote.left_indent if indent is None else indent
            indent = min(base + 2 * quote.size, quote.left_indent + self.setup.style.page.text_width / 2)
        with self.out.block("quote", indent):
            for c in children(node):
                self.visit(c)

    def visit_codeblock(self, node):
        """One paragraph in the code style; lines are kept with line breaks, spaces as written;
        a language's tokens in the colours of the code role's highlight style (text.highlight)."""
        self.out.paragraph("code")
        text = (node.text or "").replace("\r\n", "\n")
        if text.endswith("\n"):
            text = text[:-1]
        highlight = self.setup.style.role("code").highlight
        for i, line in enumerate(highlight_lines(text, node.get("lang"), highlight)):
            if i:
                self.out.empty_run("w:br")
            for piece in line:
                for segment, face in self.out.by_font(piece.text):
                    r = self.out.run(segment, fmt=Fmt(bold=piece.bold, italic=piece.italic), face=face)
                    if piece.color:
                        colour(r, piece.color)

    def visit_rule(self, node):
        self.out.paragraph("rule")  # its style draws a bottom border

    def visit_pagebreak(self, node):
        """The next paragraph starts a page (w:pageBreakBefore: no empty line on the new page)."""
        self.out.pending_break = True

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
        p = self.out.paragraph("list-number" if ordered else "list-bullet")
        ppr = p.get_or_add_pPr()
        numpr = ppr.get_or_add_numPr()
        numpr.get_or_add_ilvl().val = level
        numpr.get_or_add_numId().val = num_id
        # deeper than Word's levels, items keep the last level's marker and move on right, up to
        # half the text width (as in the PDF), so that every level stays visible and on the page
        left = min(self.numbering.text_indent(self.list_depth),
                   self.numbering.text_indent(0) + self.setup.style.page.text_width / 2)
        put(ppr, el("w:ind", left=twips(left), hanging=twips(self.numbering.step)), PPR_ORDER)
        if node.get("checked") is not None:  # a task: its box, checked or not
            self.out.text("☒ " if node.get("checked") in ("true", "1") else "☐ ")
        if blocks and tag_of(blocks[0]) == "p":
            self._inlines(blocks[0])
            blocks = blocks[1:]
        elif blocks and tag_of(blocks[0]) == "section":  # an item that starts with a heading:
            section = blocks[0]  # the numbered paragraph is that heading (as pandoc's DOCX has it)
            ppr.style = self.setup.ids[f"heading-{min(int(section.get('level', '1')), 6)}"]
            self.out.anchor(section)
            self.visit(child(section, "heading"))
            blocks = [c for c in children(section) if tag_of(c) != "heading"] + blocks[1:]
        with self.out.block("list-continue", left):
            for b in blocks:
                self.visit(b)

    def visit_deflist(self, node):
        """Each term a bold paragraph, its definitions indented under it."""
        indent = (self.out.block_indent or 0.0) + self.numbering.step
        for part in children(node):
            self.visit(part, indent)

    def visit_term(self, node, indent: float = 0.0):
        self.out.paragraph(self.out.block_style)
        with self.out.styled(bold=True):
            self._inlines(node)

    def visit_definition(self, node, indent: float = 0.0):
        with self.out.block("list-continue", indent):
            for b in children(node):
                self.visit(b)

    # ----- tables, pictures, closing parts (blocks.py) and footnotes (notes.py) ----------------

    def visit_table(self, node):
        self.tables.table(node)

    def visit_thead(self, node, grid):
        self.tables.rows(node, grid, header=True)

    def visit_tbody(self, node, grid):
        self.tables.rows(node, grid, header=False)

    def visit_row(self, node, grid, header: bool):
        self.tables.row(node, grid, header)

    def visit_cell(self, node, grid, header: bool):
        self.tables.cell(node, grid, header)

    def visit_caption(self, node):
        self._inlines(node)

    def visit_figure(self, node):
        self.pictures.figure(node)

    def visit_image(self, node):
        self.pictures.inline(node)

    def visit_closing(self, node):
        for c in children(node):
            self.visit(c)

    def visit_attachments(self, node):
        self.closing.attachments(node)

    def visit_label(self, node):
        self.closing.label(node)

    def visit_attachment(self, node):
        self.closing.attachment(node)

    def visit_signature(self, node):
        self.closing.signature(node)

    def visit_issuer(self, node):
        self.closing.line(node, "signature")

    def visit_date(self, node):
        self.closing.line(node, "date")

    def visit_remark(self, node):
        self.out.paragraph("remark")
        self._inlines(node)

    def visit_footnote(self, node):
        self.notes.reference(node)

    # ----- the rest of a GB/T 9704 document (parts.py) -----------------------------------------

    def visit_record(self, node):
        self.parts.record(node)

    def visit_field(self, node):
        self.parts.field(node)

    def visit_value(self, node):
        self.out.text(node.text)

    def visit_masthead(self, node):
        """版头; under a mark the 文号 carries the red separator (parts.separator); with 签发人,
        the 文号 is written on the 签发人's last line (parts.signers)."""
        if self.setup.style.letter and child(node, "mark") is not None:
            letterhead(self.out, node, self.visit, self._inlines)  # the 信函's (GB/T 9704 10.1)
            return
        signers = child(node, "signers")
        for c in children(node):
            if signers is not None and tag_of(c) == "docnumber":
                continue
            self.visit(c)
        if child(node, "mark") is not None and self.out.p is not None:
            self.parts.separator(self.out.p)

    def visit_copy_number(self, node):
        self.parts.line(node, "masthead")

    def visit_secrecy(self, node):
        self.parts.line(node, "masthead")

    def visit_urgency(self, node):
        self.parts.line(node, "masthead")

    def visit_mark(self, node):
        self.parts.mark(node)

    def visit_signers(self, node):
        self.parts.signers(node)

    def visit_signer(self, node):
        self.out.text(node.text)

    def visit_byline(self, node):
        self.parts.byline(node)

    def visit_annex(self, node):
        self.parts.annex(node)

    def visit_enclosure(self, node):
        self.parts.enclosure(node)

    def visit_attendance(self, node):
        attendance(self.out, node, self._inlines)

    def visit_colophon(self, node):
        self.parts.colophon(node)

    def visit_cc(self, node):
        self.out.paragraph("colophon")
        self._inlines(node)

    def visit_printer(self, node):
        self.parts.printer(node)

    # ----- inlines -----------------------------------------------------------------------------

    def visit_em(self, node):
        with self.out.styled(italic=True):
            self._inlines(node)

    def visit_strong(self, node):
        with self.out.styled(bold=True):
            self._inlines(node)

    def visit_code(self, node):
        with self.out.styled(rstyle=self.setup.ids["inline-code"]):
            self.out.text(node.text)

    def visit_lead(self, node):
        """An enumeration lead (一是 二是 …): a run in the Enumeration Lead character style."""
        with self.out.styled(rstyle=self.setup.ids["lead"]):
            self.out.text(node.text)

    def visit_br(self, node):
        self.out.empty_run("w:br")

    def visit_strike(self, node):
        with self.out.styled(strike=True):
            self._inlines(node)

    def visit_sub(self, node):
        with self.out.styled(vert="subscript"):
            self._inlines(node)

    def visit_sup(self, node):
        with self.out.styled(vert="superscript"):
            self._inlines(node)

    def visit_math(self, node):
        """TeX source, set as code (the declared fallback: no formula typesetting)."""
        with self.out.styled(rstyle=self.setup.ids["inline-code"]):
            self.out.text(node.text)

    def visit_link(self, node):
        """A real w:hyperlink: external through a relationship, #id to the element's bookmark."""
        if self.in_link:  # Word cannot nest hyperlinks
            self._inlines(node)
            return
        href = node.get("href", "")
        link = el("w:hyperlink")
        if href.startswith("#"):
            link.set(qn("w:anchor"), self.setup.bookmarks.get(href[1:], href[1:]))
        else:
            link.set(qn("r:id"), self.out.part.relate_to(href, RT.HYPERLINK, is_external=True))
        if node.get("title"):  # shown when the pointer rests on the link
            link.set(qn("w:tooltip"), node.get("title"))
        link.set(qn("w:history"), "1")
        self.out.target.append(link)
        outer, self.out.target, self.in_link = self.out.target, link, True
        try:
            with self.out.styled(rstyle=self.setup.ids["link"]):
                if node.text or len(node):
                    self._inlines(node)
                else:  # an empty link still shows where it goes
                    self.out.text(href)
        finally:
            self.out.target, self.in_link = outer, False


def needs_space(before: str, after: str) -> bool:
    """True when two Latin-script texts would run together: neither side is CJK or a space."""
    return bool(before and after) and not (before[-1].isspace() or after[0].isspace()
                                           or is_wide(before[-1]) or is_wide(after[0]))


