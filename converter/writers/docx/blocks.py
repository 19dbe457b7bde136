"""The DOCX translator's larger block renderers: tables, figures and pictures, closing parts.

Mixins of DocxTranslator (converter/writers/docx.py): they use its paragraph and run helpers
(_paragraph, _run, _text, _inlines, _anchor) and its state (ids, style, ctx, width, target).
"""
from __future__ import annotations

from pathlib import Path

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, Twips
from docx.text.run import Run
from lxml import etree

from ...errors import InputError
from ...model import child, children, q, tag_of
from ...model.outline import number_text
from ...model.images import resolve_image
from .ooxml import PPR_ORDER, el, put, text_width, twips

CELL_MARGINS = 2 * 5.4  # python-docx's Table Grid: 108 twips left and right


class TablesAndFigures:
    """Tables (Table Grid, header rows, spans, cell alignment), figures, inline pictures."""

    def visit_table(self, node):
        """A Word table in the Table Grid style; header rows repeat on each page."""
        caption = child(node, "caption")
        if caption is not None:
            p = self._paragraph("caption")
            put(p.get_or_add_pPr(), el("w:keepNext"), PPR_ORDER)  # above the table: keep with it
            self._anchor(node)
            self.visit(caption)
        rows = [(r, True) for part in node.iterfind(q("thead")) for r in part.iterfind(q("row"))]
        rows += [(r, False) for part in node.iterfind(q("tbody")) for r in part.iterfind(q("row"))]
        if not rows:
            return
        if self.pending_break:  # a table cannot carry the break itself
            self._paragraph(self.block_style)
        placed, ncols = place_cells([r for r, _ in rows])
        table = self.container.add_table(len(rows), ncols, Twips(twips(self.style.page.text_width)))
        tblpr = table._tbl.tblPr
        tblpr.insert(0, el("w:tblStyle", val="TableGrid"))
        for i, (_, header) in enumerate(rows):
            if header:
                table.rows[i]._tr.get_or_add_trPr().append(el("w:tblHeader"))
        for r, c, rs, cs, _ in placed:
            if rs > 1 or cs > 1:
                table.cell(r, c).merge(table.cell(r + rs - 1, c + cs - 1))
        cells = table._cells
        col_width = self.style.page.text_width / ncols
        old = self.width
        try:
            for r, c, _, cs, cell_el in placed:
                self.width = col_width * cs - CELL_MARGINS
                self._cell(cells[r * ncols + c], cell_el, rows[r][1])
        finally:
            self.width = old
            self.p = self.target = None
        for p in table._tbl.iter(qn("w:p")):  # cells a span covers keep an empty paragraph
            if p.style is None:
                p.get_or_add_pPr().style = self.ids["table"]

    def _cell(self, cell, node: etree._Element, header: bool) -> None:
        p = cell.paragraphs[0]._p
        ppr = p.get_or_add_pPr()
        ppr.style = self.ids["table-header" if header else "table"]
        if node.get("align"):
            put(ppr, el("w:jc", val=node.get("align")), PPR_ORDER)
        self.p = self.target = p
        self._inlines(node)

    def visit_caption(self, node):
        self._inlines(node)

    # the parts of a table are rendered by visit_table (listed for the handled() contract)
    def visit_thead(self, node):
        raise AssertionError("rendered by visit_table")

    visit_tbody = visit_row = visit_cell = visit_thead

    def visit_figure(self, node):
        """The picture in a centred paragraph, its caption under it."""
        caption = child(node, "caption")
        p = self._paragraph("figure")
        self._anchor(node)
        if caption is None:  # the figure style keeps with its caption; without one, nothing to keep
            put(p.get_or_add_pPr(), el("w:keepNext", val=0), PPR_ORDER)
        self._picture(child(node, "image"))
        if caption is not None:
            self._paragraph("caption")
            self.visit(caption)

    def visit_image(self, node):
        """An image inside text: an inline picture; its line may not have an exact pitch."""
        self._picture(node)
        put(self.p.get_or_add_pPr(), el("w:spacing", line=240, lineRule="auto"), PPR_ORDER)

    def _picture(self, node: etree._Element) -> None:
        """Embed the image (relative to the source's folder), scaled to fit, with its alt text."""
        src = node.get("src", "")
        path = self._image_path(src)
        try:
            image = Image.from_file(str(path))
        except UnrecognizedImageError:
            raise InputError(f"image {src}: not a PNG, JPEG, GIF, BMP or TIFF file") from None
        except Exception as e:  # a truncated or damaged file: python-docx's parsers raise anything
            raise InputError(f"image {src}: cannot be read ({e})") from None
        max_w = Pt(max(self.width - (self.block_indent or 0.0), 36))
        max_h = Pt(self.style.page.text_height * 0.9)
        scale = min(1.0, max_w / max(image.width, 1), max_h / max(image.height, 1))
        r = el("w:r")
        self.target.append(r)
        # the run's parent gives the part the picture is related from (the document, or footnotes.xml)
        shape = Run(r, self).add_picture(str(path), width=Emu(int(image.width * scale)),
                                         height=Emu(int(image.height * scale)))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", node.get("alt", ""))
        if node.get("title"):
            doc_pr.set("title", node.get("title"))

    def _image_path(self, src: str) -> Path:
        return resolve_image(src, self.ctx.base_dir)


class Closing:
    """附件 (attachment note), signature, date and remarks."""

    def visit_closing(self, node):
        for c in children(node):
            self.visit(c)

    def visit_attachments(self, node):
        """附件：1. name — later items under the first number, names (wrapped lines too) aligned.

        Positions come from tab stops, so they do not depend on exact glyph widths: the number
        column starts after the label, the names one number's width further.
        """
        role = self.style.role("attachment")
        items = node.findall(q("attachment"))
        label = child(node, "label")
        face = role.fonts.latin
        start = role.left_indent + max(role.first_line_indent, 0.0)
        numbers_at = start
        if label is not None:
            numbers_at += text_width((label.text or "").strip(), role.size, self.cjk, face)
        widest = max((text_width(number_text(i), role.size, self.cjk, face) for i in items), default=0.0)
        names_at = numbers_at + widest + (role.size * 0.1 if widest else 0.0)
        for i, item in enumerate(items):
            p = self._paragraph("attachment" if i == 0 else "attachment-cont")
            ppr = p.get_or_add_pPr()
            tabs = el("w:tabs")
            for pos in sorted({numbers_at, names_at}):
                tabs.append(el("w:tab", val="left", pos=twips(pos)))
            put(ppr, tabs, PPR_ORDER)
            if i < len(items) - 1:  # the attachment note is not split across pages
                put(ppr, el("w:keepNext"), PPR_ORDER)
            first_at = start if i == 0 else numbers_at
            put(ppr, el("w:ind", left=twips(names_at), hanging=twips(names_at - first_at)), PPR_ORDER)
            if i == 0 and label is not None:
                self.visit(label)
                if numbers_at > start:
                    self._tab()
            self.visit(item)

    def visit_label(self, node):
        self._text((node.text or "").strip())

    def visit_attachment(self, node):
        self._text(node.text)
        for c in node:
            self.visit(c)
            tail = c.tail
            if tag_of(c) == "number":
                self._tab()
                tail = (tail or "").lstrip()
            self._text(tail)

    def _tab(self) -> None:
        r = el("w:r")
        r.append(el("w:tab"))
        self.target.append(r)

    def visit_signature(self, node):
        """Issuers, then the date: kept together on one page."""
        parts = children(node)
        for i, c in enumerate(parts):
            self.visit(c)
            ppr = self.p.get_or_add_pPr()
            if i and tag_of(c) == "issuer":  # the blank line goes above the first issuer only
                put(ppr, el("w:spacing", before=0), PPR_ORDER)
            if i < len(parts) - 1:
                put(ppr, el("w:keepNext"), PPR_ORDER)

    def visit_issuer(self, node):
        self._paragraph("signature")
        self._text(node.text)

    def visit_date(self, node):
        self._paragraph("date")
        self._text(node.text)

    def visit_remark(self, node):
        self._paragraph("remark")
        self._inlines(node)


def place_cells(rows: list[etree._Element]) -> tuple[list[tuple[int, int, int, int, etree._Element]], int]:
    """Grid positions of the cells: (row, column, rowspan, colspan, cell), and the column count.

    Cells skip the positions that row spans from above still occupy; spans are clipped to the table.
    """
    taken: set[tuple[int, int]] = set()
    placed = []
    ncols = 1
    for r, row in enumerate(rows):
        c = 0
        for cell in row.iterfind(q("cell")):
            while (r, c) in taken:
                c += 1
            rs = min(int(cell.get("rowspan", "1")), len(rows) - r)
            cs = int(cell.get("colspan", "1"))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            placed.append((r, c, rs, cs, cell))
            c += cs
        ncols = max([ncols] + [col + 1 for row_i, col in taken if row_i == r])
    return placed, ncols
