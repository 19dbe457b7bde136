"""The DOCX translator's larger block renderers: tables, figures and pictures, closing parts.

Parts of DocxTranslator (translator.py), held by it: each writes through the Output they share
(output.py) and hands the elements inside back to the translator's ``visit``.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Callable, Iterator

from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Emu, Twips
from docx.text.run import Run
from lxml import etree

from ...model import child, children, q, tag_of
from ...model.outline import number_text
from ...model.images import fit, usable_image
from ...layout.signature import signature_places
from ...text.titles import face_measure
from . import rowspool
from .ooxml import PPR_ORDER, RPR_ORDER, el, glyph_scale, put, text_width, twips
from .output import Output

EMU_PER_POINT = 12700  # OOXML's English Metric Units

#: the translator's visit (element, then what its renderer takes)
Visit = Callable[..., object]

CELL_MARGINS = 2 * 5.4  # python-docx's Table Grid: 108 twips left and right


class Tables:
    """Tables (Table Grid, header rows, spans, cell alignment): the translator visits thead/tbody
    → row → cell, and each row's Word row is made, its spans merged and its cells fill their
    places as the row is met (Grid: nothing is kept per row or cell of a table of 100,000 rows
    beside the Word document's own elements, and a long table's finished rows leave the tree for
    the row spool, rowspool.py)."""

    def __init__(self, out: Output, visit: Visit, inlines: Callable[[etree._Element], None]):
        self.out, self.visit, self.inlines = out, visit, inlines

    def table(self, node: etree._Element) -> None:
        """A Word table in the Table Grid style; header rows repeat on each page."""
        out, setup = self.out, self.out.setup
        caption = child(node, "caption")
        if caption is not None:
            p = out.paragraph("caption")
            put(p.get_or_add_pPr(), el("w:keepNext"), PPR_ORDER)  # above the table: keep with it
            out.anchor(node)
            self.visit(caption)
        parts = node.findall(q("thead")) + node.findall(q("tbody"))  # header rows first: Word repeats them
        rows = [r for part in parts for r in part.iterfind(q("row"))]
        if not rows:
            return
        if out.pending_break:  # a table cannot carry the break itself
            out.paragraph(out.block_style)
        ncols = max(max((c + cs for c, _, cs, _ in cells), default=1) for cells in placements(rows))
        width = Twips(twips(setup.style.page.text_width))
        table = out.container.add_table(0, ncols, width)  # its rows are made as they are met
        table._tbl.tblPr.insert(0, el("w:tblStyle", val="TableGrid"))
        # only document.xml is written in pieces: a long table in a note stays in the tree
        long = len(rows) > rowspool.ROWS_IN_TREE and out.container is setup.document._body
        grid = Grid(table, width, setup.style.page.text_width / ncols, rows,
                    setup.spool if long else None, self._finished)
        old, was_in_cell = out.width, out.in_cell
        out.in_cell = True
        try:
            for part in parts:
                self.visit(part, grid)
        finally:
            out.width, out.in_cell = old, was_in_cell
            out.p = out.target = None
        grid.close()

    def _finished(self, rows) -> None:
        """Cells a span covers keep an empty paragraph: it takes the table style."""
        for p in rows.iter(qn("w:p")):
            if p.style is None:
                p.get_or_add_pPr().style = self.out.setup.ids["table"]

    def rows(self, node: etree._Element, grid: "Grid", header: bool) -> None:
        """The rows of a thead (header rows, repeated on each page: ``header``) or a tbody."""
        for row in node.iterfind(q("row")):
            self.visit(row, grid, header)

    def row(self, node: etree._Element, grid: "Grid", header: bool) -> None:
        grid.next_row()
        if header:
            grid.tr.get_or_add_trPr().append(el("w:tblHeader"))
        for cell in node.iterfind(q("cell")):
            self.visit(cell, grid, header)

    def cell(self, node: etree._Element, grid: "Grid", header: bool) -> None:
        """The cell's inlines in the first paragraph of its place in the grid."""
        out = self.out
        tc, cs = grid.place[node]
        out.width = grid.col_width * cs - CELL_MARGINS
        p = tc.find(qn("w:p"))
        ppr = p.get_or_add_pPr()
        ppr.style = out.setup.ids["table-header" if header else "table"]
        if node.get("align"):
            put(ppr, el("w:jc", val=node.get("align")), PPR_ORDER)
        out.p = out.target = p
        self.inlines(node)


class Grid:
    """A Word table made for a model table, one model row at a time, in order (``next_row``):
    the row's Word row (and those its row spans reach), and the place of each of its cells.

    With a row ``spool``, finished rows leave the tree for it ROWS_IN_TREE at a time (at a row
    no span crosses: python-docx finds merged cells from the rows above them), and the rest
    when the table is done (``close``). ``finished`` is called with each row, or with the
    whole table, once nothing will change it."""

    def __init__(self, table, width, col_width: float, rows: list[etree._Element],
                 spool: rowspool.RowSpool | None, finished: Callable[[etree._Element], None]):
        self.table, self.col_width = table, col_width
        self._rows = enumerate(placements(rows))
        self._count = len(rows)
        # each Word row a copy of the one python-docx makes (add_table's w:tr, empty cells)
        self._new_row = CT_Tbl.new_tbl(1, table._tbl.col_count, width).tr_lst[0]
        self._window: list = []  # the Word rows in the tree: model rows self._first, self._first + 1 …
        self._first = 0
        self._reach = -1  # the last row the row spans met so far reach
        self.spool, self.finished = spool, finished
        self._placeholder = None  # where the rows written out were, in the tree
        self.tr = None  # the Word row of the model row being filled
        #: the model row's cells → (the w:tc at its first grid column, its column span)
        self.place: dict[etree._Element, tuple[object, int]] = {}

    def next_row(self) -> None:
        """Start the next model row: its spans merged (into rows not filled yet), its cells placed."""
        r, cells = next(self._rows)
        if self.spool is not None and r - self._first >= rowspool.ROWS_IN_TREE and self._reach < r:
            self._write_out(r - self._first)
        end = r + 1  # the rows this one's spans reach, and itself
        for _, rs, _, _ in cells:
            if rs > 1 and r + rs > end:
                end = r + rs
        self._make_rows(end)
        self._reach = max(self._reach, end - 1)
        at = r - self._first  # the row's index among the table's rows in the tree
        for c, rs, cs, _ in cells:
            if rs > 1 or cs > 1:
                self.table.cell(at, c).merge(self.table.cell(at + rs - 1, c + cs - 1))
        self.tr = self._window[at]
        starts, col = {}, 0
        for tc in self.tr.iterchildren(qn("w:tc")):
            starts[col] = tc
            col += tc.grid_span
        self.place = {cell: (starts[c], cs) for c, _, cs, cell in cells}

    def close(self) -> None:
        """The table is done: its rows finished (and written out, with a spool)."""
        if self.spool is None:
            self.finished(self.table._tbl)
        else:
            self._write_out(len(self._window))
        self.tr, self.place = None, {}

    def _make_rows(self, end: int) -> None:
        """Word rows for the model rows up to ``end`` (not included)."""
        tbl = self.table._tbl
        while self._first + len(self._window) < min(end, self._count):
            tr = deepcopy(self._new_row)
            tbl.append(tr)
            self._window.append(tr)

    def _write_out(self, n: int) -> None:
        """The first ``n`` rows in the tree, finished, out to the spool."""
        rows, self._window = self._window[:n], self._window[n:]
        if not rows:
            return
        self._first += n
        for tr in rows:
            self.finished(tr)
        if self._placeholder is None:
            self._placeholder = self.spool.placeholder()
            rows[0].addprevious(self._placeholder)
        self.spool.write(self._placeholder, rows)


class Pictures:
    """Figures and inline pictures: the image file embedded, scaled to fit, with its alt text."""

    def __init__(self, out: Output, visit: Visit):
        self.out, self.visit = out, visit

    def figure(self, node: etree._Element) -> None:
        """The picture in a centred paragraph, its caption under it."""
        out = self.out
        caption = child(node, "caption")
        p = out.paragraph("figure")
        out.anchor(node)
        if caption is None:  # the figure style keeps with its caption; without one, nothing to keep
            put(p.get_or_add_pPr(), el("w:keepNext", val=0), PPR_ORDER)
        self.picture(child(node, "image"))
        if caption is not None:
            out.paragraph("caption")
            self.visit(caption)

    def inline(self, node: etree._Element) -> None:
        """An image inside text: an inline picture; its line may not have an exact pitch."""
        self.picture(node)
        put(self.out.p.get_or_add_pPr(), el("w:spacing", line=240, lineRule="auto"), PPR_ORDER)

    def picture(self, node: etree._Element) -> None:
        """Embed the image (relative to the source's folder), scaled to fit, with its alt text."""
        out, setup = self.out, self.out.setup
        src = node.get("src", "")
        info = usable_image(src, setup.ctx.base_dir, setup.ctx.cache)
        if info is None:  # missing, remote or unreadable: its alt text in a frame (the build warned)
            self.frame(node.get("alt") or src)
            return
        path = info.pixel_file  # Word takes pixels: a GIF's first frame, an SVG's raster
        # at its printed size, within the measure (the image rule of every output)
        width, height = fit(info.size, max(out.width - (out.block_indent or 0.0), 36),
                            setup.style.page.text_height * 0.9)
        r = el("w:r")
        out.target.append(r)
        # the run's parent gives the part the picture is related from (the document, or footnotes.xml)
        shape = Run(r, out).add_picture(str(path), width=Emu(int(width * EMU_PER_POINT)),
                                        height=Emu(int(height * EMU_PER_POINT)))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", node.get("alt", ""))
        if node.get("title"):
            doc_pr.set("title", node.get("title"))


    def frame(self, text: str) -> None:
        """A picture that cannot be shown: its alt text in a bordered run."""
        r = self.out.run(text)
        rpr = r.find(qn("w:rPr"))
        if rpr is None:
            rpr = el("w:rPr")
            r.insert(0, rpr)
        put(rpr, el("w:bdr", val="single", sz=4, space=1, color="auto"), RPR_ORDER)


class Closing:
    """附件 (attachment note), signature, date and remarks."""

    def __init__(self, out: Output, visit: Visit):
        self.out, self.visit = out, visit

    def attachments(self, node: etree._Element) -> None:
        """附件：1. name — later items under the first number, names (wrapped lines too) aligned.

        Positions come from tab stops, so they do not depend on exact glyph widths: the number
        column starts after the label, the names one number's width further.
        """
        out, setup = self.out, self.out.setup
        role = setup.style.role("attachment")
        items = node.findall(q("attachment"))
        label = child(node, "label")
        face = role.fonts.latin
        start = role.left_indent + max(role.first_line_indent, 0.0)
        numbers_at = start
        if label is not None:
            numbers_at += text_width((label.text or "").strip(), role.size, setup.cjk, face)
        widest = max((text_width(number_text(i), role.size, setup.cjk, face) for i in items), default=0.0)
        names_at = numbers_at + widest + (role.size * 0.1 if widest else 0.0)
        previous = out.p
        if previous is not None and child(node.getparent(), "signature") is not None:
            # GB/T 9704 7.3.5: the note is no body text; the signature's page shows some
            put(previous.get_or_add_pPr(), el("w:keepNext"), PPR_ORDER)
        for i, item in enumerate(items):
            p = out.paragraph("attachment" if i == 0 else "attachment-cont")
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
                    out.empty_run("w:tab")
            self.visit(item)

    def label(self, node: etree._Element) -> None:
        self.out.text((node.text or "").strip())

    def attachment(self, node: etree._Element) -> None:
        out = self.out
        out.text(node.text)
        for c in node:
            self.visit(c)
            tail = c.tail
            if tag_of(c) == "number":
                out.empty_run("w:tab")
                tail = (tail or "").lstrip()
            out.text(tail)

    def signature(self, node: etree._Element) -> None:
        """Issuers, then the date, where GB/T 9704 §7.3.5 puts them (layout/signature.py: the
        same rule as the PDF), kept together on one page and with the paragraph before them."""
        previous = self.out.p
        if previous is not None:  # the signature never stands alone on a page
            put(previous.get_or_add_pPr(), el("w:keepNext"), PPR_ORDER)
        parts = children(node)
        rights = self._places(parts)
        for i, c in enumerate(parts):
            self.visit(c)
            ppr = self.out.p.get_or_add_pPr()
            if i and tag_of(c) == "issuer":  # the blank line goes above the first issuer only
                put(ppr, el("w:spacing", before=0), PPR_ORDER)
            if i < len(parts) - 1:
                put(ppr, el("w:keepNext"), PPR_ORDER)
            if rights[i] is None:
                continue
            right, width = rights[i]
            char = self._char()
            if tag_of(c) == "date":
                # set from the left: its first character two characters right of the issuer's
                # (LibreOffice widens digit runs by its CJK–Latin spacing; the start still holds)
                left = self.out.width - right - width
                put(ppr, el("w:ind", left=twips(left), leftChars=round(left / char * 100), right=0, rightChars=0),
                    PPR_ORDER)
                put(ppr, el("w:jc", val="left"), PPR_ORDER)
            else:
                put(ppr, el("w:ind", right=twips(right), rightChars=round(right / char * 100)), PPR_ORDER)

    def _char(self) -> float:
        """One character of the signature as the DOCX sets it (narrowed on the document grid)."""
        setup = self.out.setup
        role = setup.style.role("signature")
        grid = setup.style.grid
        on_grid = grid is not None and abs(role.size - setup.style.role("body").size) < 0.01
        return role.size * (glyph_scale(grid.char_pitch, role.size) if on_grid else 100) / 100

    def _places(self, parts: list[etree._Element]) -> list[tuple[float, float] | None]:
        """The right indent and width of each issuer and date line (None: the style's own)."""
        style = self.out.setup.style
        scale = self._char() / style.role("signature").size
        measures = {k: face_measure(style.role(k).fonts, style.role(k).size) for k in ("signature", "date")}
        issuers = [measures["signature"]((c.text or "").strip()) * scale for c in parts if tag_of(c) == "issuer"]
        dates = [measures["date"]((c.text or "").strip()) * scale for c in parts if tag_of(c) == "date"]
        places = signature_places(issuers, dates[0] if dates else None, self._char(), seal=style.seal)
        out, k = [], 0
        for c in parts:
            if tag_of(c) == "issuer":
                out.append((places.issuers[k], issuers[k]))
                k += 1
            elif tag_of(c) == "date":
                out.append((places.date, dates[0]))
            else:
                out.append(None)
        return out

    def line(self, node: etree._Element, key: str) -> None:
        """A paragraph of style ``key`` holding the element's text (an issuer, the date)."""
        self.out.paragraph(key)
        self.out.text(node.text)


def place_cells(rows: list[etree._Element]) -> tuple[list[tuple[int, int, int, int, etree._Element]], int]:
    """Grid positions of the cells: (row, column, rowspan, colspan, cell), and the column count
    (placements, held)."""
    placed = []
    ncols = 1
    for r, cells in enumerate(placements(rows)):
        for c, rs, cs, cell in cells:
            placed.append((r, c, rs, cs, cell))
            ncols = max(ncols, c + cs)  # every position taken is left of some cell's end
    return placed, ncols


def placements(rows: list[etree._Element]) -> Iterator[list[tuple[int, int, int, etree._Element]]]:
    """Each row's cells' grid positions, a row at a time: (column, rowspan, colspan, cell).

    Cells skip the positions that row spans from above still occupy; spans are clipped to the
    table. Only the rows below that spans reach are remembered.
    """
    taken: dict[int, set[int]] = {}  # row → the columns spans from above (and the row's own cells) take
    for r, row in enumerate(rows):
        here = taken.pop(r, set())
        out = []
        c = 0
        for cell in row.iterfind(q("cell")):
            while c in here:
                c += 1
            rs = min(int(cell.get("rowspan", "1")), len(rows) - r)
            cs = int(cell.get("colspan", "1"))
            for dr in range(rs):
                (here if dr == 0 else taken.setdefault(r + dr, set())).update(range(c, c + cs))
            out.append((c, rs, cs, cell))
            c += cs
        yield out
