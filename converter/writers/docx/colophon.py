"""The 版记 in the DOCX: at the foot of the page the layout put it on, as in the PDF.

A floating table (w:tblpPr), one row per part (主送, 抄送, 印发), the rules its borders (first and
last 0.35 mm, those between 0.25 mm; a 信函's has none, GB/T 9704 10.1), its last rule on the
type area's bottom edge: the table
stands ``rows × line pitch`` above it, measured from the top margin, its left edge at the page's
left margin. Word positions it so; LibreOffice 7.4 honours it too — it drops a framed
paragraph's borders (and the frame with them, the construction tried before), and it keeps a
floating table anchored to the page on both axes in the page's bottom-left quarter in the text
flow (writerfilter's FloatingTableConversion heuristics), so the table's vertical anchor is
the margin and its horizontal one the page. An empty paragraph after it is its anchor (Word
wants a paragraph after a table).

Where the layout moved the 版记 to a page of its own (printed double-sided, it stands on an
even page), a page break comes before it; after a blank page, the text's section ends with its
last paragraph and a new section, whose footers are empty, holds the blank page and the 版记
page: neither prints a number (GB/T 9704 §7.5).
"""
from __future__ import annotations

import copy
import math

from docx.oxml.ns import qn
from docx.shared import Twips
from lxml import etree

from ...layout.blocks import COLOPHON_INNER, COLOPHON_OUTER, colophon_ruled
from ...layout.front import MOVED_LABEL
from ...model import tag_of
from .ooxml import EIGHTHS, PPR_ORDER, RPR_ORDER, el, line_twips, put, twips

#: an empty paragraph that only carries a break or an anchor: 1 pt high
TINY = 20


class Colophon:
    """Writes the 版记 ``node`` with ``parts`` (which writes each part's paragraph)."""

    def __init__(self, out, write_part):
        self.out, self.write_part = out, write_part
        setup = out.setup
        self.style = setup.style
        pagination = setup.ctx.pagination
        self.place = pagination.colophon if pagination is not None else None
        self.body = out.container._element

    def write(self, groups: list[list[etree._Element]]) -> None:
        """The 版记 as one row per group of parts (a moved 主送 shares 抄送's row: no rule
        between them), each part written by ``write_part``."""
        rows = self.place.rows if self.place is not None and len(self.place.rows) == len(groups) else \
            tuple(sum(self._estimated_lines(c) for c in group) for group in groups)
        self._page_before()
        table = self._table(rows)
        container = self.out.container
        try:
            for group, row, lines in zip(groups, table.rows, rows):
                cell = row.cells[0]
                self.out.container = cell
                for part in group:
                    self.write_part(part)
                cell._tc.remove(cell._tc.findall(qn("w:p"))[0])  # the empty paragraph a new cell has
                trpr = row._tr.get_or_add_trPr()
                trpr.append(el("w:trHeight", val=lines * line_twips(self.pitch), hRule="exact"))
        finally:
            self.out.container = container
        self._tiny()  # the table's anchor

    @property
    def pitch(self) -> float:
        return self.style.role("body").line_pitch

    # ----- the page it stands on ----------------------------------------------------------

    def _page_before(self) -> None:
        if self.place is None or not self.place.own_page:
            return
        if self.place.blank_before:
            self._end_text_section()
            self._tiny()  # the blank page
        put(self._tiny().get_or_add_pPr(), el("w:pageBreakBefore"), PPR_ORDER)

    def _tiny(self):
        """An empty paragraph 1 pt high (a page break's or the table's anchor)."""
        p = self.out.container.add_paragraph()._p
        ppr = p.get_or_add_pPr()
        put(ppr, el("w:spacing", before=0, after=0, line=TINY, lineRule="exact"), PPR_ORDER)
        rpr = el("w:rPr")
        put(rpr, el("w:sz", val=2), RPR_ORDER)
        ppr.append(rpr)
        return p

    def _end_text_section(self) -> None:
        """The text's section ends with its last paragraph; the document's last section (the
        blank page and the 版记 page) gets footers of its own, empty."""
        last = self.body.findall(qn("w:p"))
        last = last[-1] if last and self.body.index(last[-1]) == len(self.body) - 2 else self._tiny()
        final = self.body.find(qn("w:sectPr"))
        last.get_or_add_pPr().append(copy.deepcopy(final))  # sectPr is a pPr's last child
        for ref in final.findall(qn("w:footerReference")) + final.findall(qn("w:titlePg")):
            final.remove(ref)
        section = self.out.setup.document.sections[-1]
        section.footer.is_linked_to_previous = False
        section.even_page_footer.is_linked_to_previous = False

    # ----- the table ------------------------------------------------------------------------

    def _table(self, rows: tuple[int, ...]):
        page = self.style.page
        width = page.text_width
        even = self.place is not None and self.place.page % 2 == 0
        left = page.margin_outside if (page.mirror and even) else page.margin_inside
        height = sum(rows) * line_twips(self.pitch)
        table = self.out.container.add_table(len(rows), 1, Twips(twips(width)))
        tbl = table._tbl
        tblpr = tbl.tblPr
        for old in list(tblpr):
            tblpr.remove(old)
        tblpr.append(el("w:tblpPr", leftFromText=0, rightFromText=0, topFromText=0, bottomFromText=0,
                        vertAnchor="margin", horzAnchor="page", tblpX=twips(left),
                        tblpY=twips(page.text_height) - height))
        tblpr.append(el("w:tblW", w=twips(width), type="dxa"))
        tblpr.append(el("w:tblInd", w=0, type="dxa"))
        tblpr.append(self._borders())
        tblpr.append(el("w:tblLayout", type="fixed"))
        margins = el("w:tblCellMar")
        for side in ("w:top", "w:left", "w:bottom", "w:right"):
            margins.append(el(side, w=0, type="dxa"))
        tblpr.append(margins)
        tblpr.append(el("w:tblLook", val="0000"))
        return table  # python-docx gave the grid column and the cell (w:tcW) the width

    def _borders(self):
        """The rules: first and last 0.35 mm, those between 0.25 mm; none for a 信函 (its 版记
        without rules, layout.blocks.colophon_ruled) — said as nil borders, so that no table
        style a reader applies draws any."""
        borders = el("w:tblBorders")
        ruled = colophon_ruled(self.style)
        for side, thick in (("w:top", COLOPHON_OUTER), ("w:bottom", COLOPHON_OUTER), ("w:insideH", COLOPHON_INNER)):
            if ruled:
                borders.append(el(side, val="single", sz=round(thick * EIGHTHS), space=0, color="000000"))
            else:
                borders.append(el(side, val="nil"))
        return borders

    def _estimated_lines(self, part) -> int:
        """Lines of a part when no layout says (a DOCX written without pages): its characters
        at the 版记's size in the width between its indents."""
        if tag_of(part) == "printer":
            return 1
        label = MOVED_LABEL if tag_of(part) == "addressee" else ""
        role = self.style.role("colophon")
        chars = len(label) + len("".join("".join(part.itertext()).split()))
        per_line = max(1, int((self.style.page.text_width - 2 * role.size) // role.size))
        return max(1, math.ceil(chars / per_line))
