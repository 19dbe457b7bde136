"""The rest of a GB/T 9704 document in the DOCX: record, 版头, byline, attachment bodies,
enclosed documents and 版记, each a paragraph in a named style made from its role.

On the GB/T 9704 page (the distances are the layout's, layout/blocks.py): the mark's top edge
35 mm under the type area's top, the red rule 4 mm under the 文号 (a bottom border of its
paragraph, as wide as the type area), attachment bodies on new pages (label on line 1, title on
line 3), the 版记 at the foot of its page between its rules (colophon.py).
"""
from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ...layout.blocks import SEPARATOR_BELOW, SEPARATOR_THICKNESS
from ...layout.front import MOVED_END, MOVED_LABEL, addressee_in_colophon, moved_addressee
from ...model import child, children, q, tag_of
from . import masthead
from .ooxml import EIGHTHS, PPR_ORDER, el, line_twips, put, twips
from .colophon import Colophon
from .output import Output

PBDR_ORDER = ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar")

Visit = Callable[..., object]


def q_w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


class Parts:
    """Renders the parts of an official document beyond title, body and closing."""

    def __init__(self, out: Output, visit: Visit, inlines: Callable[[etree._Element], None]):
        self.out, self.visit, self.inlines = out, visit, inlines
        #: the document's 主送 when it moves to the 版记 (layout.front), until it is written there
        self.moved: etree._Element | None = None

    def move_addressee(self, doc: etree._Element) -> None:
        """Decide, as the layout does (layout.front), whether the 主送 moves to the 版记."""
        if addressee_in_colophon(doc, self.out.setup.style):
            self.moved = moved_addressee(child(doc, "addressee"))

    def moves(self, node: etree._Element) -> bool:
        """Whether this 主送 is the one written in the 版记 instead of under the title."""
        return self.moved is not None and node.getparent() is node.getroottree().getroot()

    def moved_colophon(self) -> None:
        """A 版记 of its own for a moved 主送 when the document has none."""
        if self.moved is not None:
            moved, self.moved = self.moved, None
            Colophon(self.out, self.colophon_part).write([[moved]])

    def _moved_line(self, moved: etree._Element) -> None:
        """主送：names。 — as 抄送 (左右各空一字, wrapped names after the colon)."""
        self.out.paragraph("colophon")
        self.out.text(MOVED_LABEL)
        self.inlines(moved)
        self.out.text(MOVED_END)
        self._hang(len(MOVED_LABEL))

    def record(self, node: etree._Element) -> None:
        """A web page's record: one paragraph per field, label and value as written."""
        for fld in node.iterfind(q("field")):
            self.field(fld)

    def field(self, node: etree._Element) -> None:
        self.out.paragraph("record")
        for part in children(node):
            self.out.text(part.text)

    def line(self, node: etree._Element, key: str) -> None:
        """A part that is one line of text: 份号, 密级和保密期限, 紧急程度."""
        self.out.paragraph(key)
        self.out.text(node.text)

    def mark(self, node: etree._Element) -> None:
        """发文机关标志: one paragraph per issuing body, 文件 after the last as written; the
        first one's top edge 35 mm under the type area's top."""
        lead = node.text if node.text and node.text.strip() else None
        above = self._lines_so_far()
        if len(node.findall(q("issuer"))) > 1:  # joint issuance (masthead.joint_mark)
            masthead.joint_mark(self.out, node, above)
            return
        for k, issuer in enumerate(node.iterfind(q("issuer"))):
            self.out.paragraph("mark")
            if k == 0:
                self._at_top(above)
            self.out.text(lead)
            lead = None
            self.out.text(issuer.text)
            if issuer.tail and issuer.tail.strip():
                self.out.text(issuer.tail)

    def signers(self, node: etree._Element) -> None:
        """签发人：names on the 文号's line (masthead.signers)."""
        masthead.signers(self.out, node, self.inlines)

    def byline(self, node: etree._Element) -> None:
        """（民政部　一九九七年一月二十八日）: the words as written, issuer and date inside."""
        self.out.paragraph("byline")
        self.out.text(node.text)
        for c in node:
            self.out.text(c.text)
            self.out.text(c.tail)

    def annex(self, node: etree._Element) -> None:
        """An attachment body on a new page: its label (bookmarked) on line 1, its title on
        line 3, then its content."""
        pitch = self.out.setup.style.role("body").line_pitch
        for c in children(node):
            if tag_of(c) == "label":
                self.out.paragraph("annex-label")
                ppr = self.out.p.get_or_add_pPr()
                put(ppr, el("w:pageBreakBefore"), PPR_ORDER)
                put(ppr, el("w:spacing", before=0), PPR_ORDER)
                self.out.anchor(node)
                self.out.text(c.text)
            elif tag_of(c) == "title":
                self.visit(c)
                put(self.out.p.get_or_add_pPr(), el("w:spacing", before=twips(pitch)), PPR_ORDER)
            else:
                self.visit(c)

    def separator(self, p) -> None:
        """The red rule under the 文号: a bottom border SEPARATOR_BELOW under its baseline; the
        title's baseline where the layout puts it (layout.paginate.place_separator: its line's
        top two lines under the rule, the baseline ASCENT em under that)."""
        style = self.out.setup.style
        width = round(SEPARATOR_THICKNESS * EIGHTHS)
        # the 文号's exact line ends under_baseline under its baseline; a bottom border is drawn
        # `space` under the line's bottom, and the space after follows the border (ECMA-376
        # 17.3.1.7 and 17.3.1.33: spacing lies outside the borders)
        under = masthead.under_baseline(style.role("docnumber"))
        space = max(0, round(SEPARATOR_BELOW - under - width / EIGHTHS / 2))  # its middle SEPARATOR_BELOW under
        after = masthead.room_to_title(style, under + space + width / EIGHTHS)
        ppr = p.get_or_add_pPr()
        border = el("w:pBdr")
        border.append(el("w:bottom", val="single", sz=width, space=space,
                         color=style.role("mark").color.lstrip("#").upper()))
        put(ppr, border, PPR_ORDER)
        put(ppr, el("w:spacing", after=max(0, twips(after))), PPR_ORDER)

    def _lines_so_far(self) -> int:
        """Paragraphs written so far (the 份号, 密级 and 紧急 lines above the mark)."""
        return len(self.out.container._element.findall(q_w("p")))

    def _at_top(self, lines_above: int) -> None:
        """Space before the mark's paragraph: its top edge the mark role's space-before under the
        type area's top (35 mm)."""
        style = self.out.setup.style
        pitch, size = style.role("body").line_pitch, style.role("mark").size
        top = style.role("mark").space_before
        height = 1.2 * size
        # the characters' top edge sits (height - size) / 2 under the exact line's top, less what
        # LibreOffice 7.4 was measured to lift a 36 pt Black face (1.6 mm, 0.128 em)
        before = top - lines_above * pitch - (height - size) / 2 + 0.128 * size
        # the 文号's baseline as deep as the layout's: the mark's line pitch and space after
        # under the layout's line top (this line's is `lifted` under it)
        lifted = 0.128 * size - (height - size) / 2
        after = (style.role("mark").line_pitch + style.role("mark").space_after - lifted - height
                 - masthead.baseline_drop(style.role("docnumber")))
        ppr = self.out.p.get_or_add_pPr()
        put(ppr, el("w:spacing", before=max(0, twips(before)), after=max(0, twips(after)),
                    line=line_twips(height), lineRule="exact"), PPR_ORDER)

    def enclosure(self, node: etree._Element) -> None:
        """An enclosed document: its parts as a document's, bookmarked at its first."""
        for k, c in enumerate(children(node)):
            self.visit(c)
            if k == 0:
                self.out.anchor(node)

    def colophon(self, node: etree._Element) -> None:
        """版记: 主送, 抄送 (wrapped names after the colon), 印发, at the foot of its page
        (writers/docx/colophon.py); a 主送 moved here (layout.front) on the line above 抄送,
        in its row: no rule between them (GB/T 9704 7.4.2)."""
        groups = [[c] for c in children(node)]
        if self.moved is not None:
            moved, self.moved = self.moved, None
            cc = next((g for g in groups if tag_of(g[0]) == "cc"), None)
            if cc is not None:
                cc.insert(0, moved)
            else:
                groups.insert(0, [moved])
        Colophon(self.out, self.colophon_part).write(groups)

    def colophon_part(self, c: etree._Element) -> None:
        """One part of the 版记 (a moved 主送, 抄送 or 印发) as a paragraph where the writer stands."""
        if tag_of(c) == "addressee":
            self._moved_line(c)
        elif tag_of(c) == "printer":
            self.printer(c)
        else:
            self.out.paragraph("colophon")
            self.inlines(c)
            self._hang_after_colon(c)

    def printer(self, node: etree._Element) -> None:
        """印发机关 one character in from the left, 印发日期 one character in from the right."""
        self.out.paragraph("colophon")
        role = self.out.setup.style.role("colophon")
        ppr = self.out.p.get_or_add_pPr()
        tabs = el("w:tabs")
        tabs.append(el("w:tab", val="right", pos=twips(self.out.width - role.size)))
        put(ppr, tabs, PPR_ORDER)
        put(ppr, el("w:ind", left=twips(role.size), right=0, firstLine=0, firstLineChars=0), PPR_ORDER)
        issuer, date = child(node, "issuer"), child(node, "date")
        if issuer is not None:
            self.out.text(issuer.text)
        if date is not None:
            self.out.empty_run("w:tab")
            self.out.text(date.text)

    def _hang_after_colon(self, node) -> None:
        """抄送：names — 左右各空一字, wrapped names under the first name (after the colon)."""
        text = "".join(node.itertext())
        colon = next((i for i, ch in enumerate(text) if ch in "：:"), -1)
        self._hang(colon + 1 if 0 <= colon < 8 else 0)

    def _hang(self, label_chars: int) -> None:
        """左右各空一字, the lines after the first under the character after the label."""
        role = self.out.setup.style.role("colophon")
        label = role.size * label_chars
        put(self.out.p.get_or_add_pPr(), el("w:ind", left=twips(role.size + label), right=twips(role.size),
                                             hanging=twips(label)), PPR_ORDER)

