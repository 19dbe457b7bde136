"""Word tables: rows of cells, merged cells as spans (w:gridSpan → colspan, w:vMerge → rowspan).

Rows marked as repeating headers (w:tblHeader) at the top become the table's head. A cell's
paragraphs become one cell's inline content, joined by line breaks; a table nested in a cell is
kept as its text, cells separated by a space and rows by line breaks (the model has no nested
tables), so no character of it is lost.
"""
from __future__ import annotations

from lxml import etree

from ...model import new
from .content import Block
from .ooxml import W, attr, local, to_int, wfind


def read_table(tbl: etree._Element, reader) -> etree._Element:
    """The model <table> of a w:tbl."""
    table = new("table")
    rows = [tr for tr in _rows(tbl)]
    grid: list[list[tuple[int, etree._Element | None]]] = []  # per row: (start column, model cell)
    origins: dict[int, etree._Element] = {}  # column → the cell a vertical merge continues
    head_rows = 0
    for k, tr in enumerate(rows):
        trpr = wfind(tr, "trPr")
        if head_rows == k and trpr is not None and wfind(trpr, "tblHeader") is not None:
            head_rows += 1
        col = _grid_before(trpr)
        cells: list[tuple[int, etree._Element | None]] = []
        for tc in _cells(tr):
            tcpr = wfind(tc, "tcPr")
            span = to_int(attr(wfind(tcpr, "gridSpan"), "val"), 1, 1, 1000) if wfind(tcpr, "gridSpan") is not None else 1
            vmerge = wfind(tcpr, "vMerge")
            continues = vmerge is not None and (attr(vmerge, "val") or "continue") == "continue"
            if continues and col in origins:
                origin = origins[col]
                origin.set("rowspan", str(int(origin.get("rowspan", "1")) + 1))
                if _has_text(tc):  # text in a merged-away cell is still shown by no one, but kept
                    new("br", parent=origin)
                    _cell_content(tc, origin, reader)
                cells.append((col, None))
            else:
                cell = new("cell")
                if span > 1:
                    cell.set("colspan", str(span))
                _cell_content(tc, cell, reader)
                if vmerge is not None:
                    origins[col] = cell
                else:
                    origins.pop(col, None)
                cells.append((col, cell))
            col += span
        grid.append(cells)
    head = new("thead") if head_rows and head_rows < len(rows) else None
    body = new("tbody")
    for k, cells in enumerate(grid):
        present = [c for _, c in cells if c is not None]
        if not present:
            continue
        row = new("row", parent=head if head is not None and k < head_rows else body)
        for c in present:
            row.append(c)
    if head is not None and len(head):
        table.append(head)
    table.append(body)
    return table


def _rows(tbl: etree._Element):
    for el in tbl:
        name = local(el)
        if name == "tr":
            yield el
        elif name in ("sdt", "customXml", "ins"):  # rows inside content controls
            content = wfind(el, "sdtContent") if name == "sdt" else el
            if content is not None:
                yield from (r for r in content if local(r) == "tr")


def _cells(tr: etree._Element):
    for el in tr:
        name = local(el)
        if name == "tc":
            yield el
        elif name in ("sdt", "customXml"):
            content = wfind(el, "sdtContent") if name == "sdt" else el
            if content is not None:
                yield from (c for c in content if local(c) == "tc")


def _grid_before(trpr) -> int:
    gb = wfind(trpr, "gridBefore")
    return to_int(attr(gb, "val"), 0, 0, 1000) if gb is not None else 0


def _has_text(tc) -> bool:
    return any((t.text or "").strip() for t in tc.iter(W + "t"))


def _cell_content(tc: etree._Element, cell: etree._Element, reader) -> None:
    items = reader.blocks(tc)
    paras = []
    for item in items:
        if isinstance(item, Block) and local(item.element) == "table":
            paras.append(item)
        elif not isinstance(item, Block):
            paras.append(item)
        elif local(item.element) == "figure":  # a picture alone in a cell: inline in the cell
            paras.append(item)
    first_para = next((p for p in paras if not isinstance(p, Block)), None)
    if first_para is not None and first_para.align:
        cell.set("align", first_para.align)
    started = False
    for item in paras:
        if not isinstance(item, Block) and item.is_empty():
            continue
        if started:
            new("br", parent=cell)
        if isinstance(item, Block) and local(item.element) == "table":
            _nested_table_text(item.element, cell)
        elif isinstance(item, Block):
            image = item.element.find("{*}image")
            if image is not None:
                cell.append(image)
        else:
            reader.inline_into(cell, [item])
        started = True


def _nested_table_text(table: etree._Element, cell: etree._Element) -> None:
    """A nested table's cells as text of the outer cell: rows on lines, cells apart by a space."""
    from ... import model

    for k, row in enumerate(table.iter("{*}row")):
        if k:
            new("br", parent=cell)
        for j, c in enumerate(row):
            if j:
                model.append_text(cell, " ")
            model.append_text(cell, c.text or "")
            for child in c:
                cell.append(child)
