"""Table spans capped by the table's real size, once, so that every writer sees the same grid.

A cell's ``colspan`` and ``rowspan`` are the reader's (or the XML author's) word, and a writer
that takes them as they are makes a grid that large: ``colspan="1000000"`` on a one-cell table
ran the DOCX writer past 180 s and 2.7 GB. The real size of a table is what its cells fill:

- a row span reaches at most the table's last row;
- a column the grid has but no cell starts in holds nothing of its own, so a column span counts
  only the columns some cell starts in (a table whose every column starts a cell, as every
  table a reader makes, keeps its spans as they are).

A span that changes is a warning naming its line. Cells are placed as the writers place them
(HTML's table model, the DOCX writer's place_cells): left to right, skipping the positions row
spans from above still cover, header rows first.
"""
from __future__ import annotations

from bisect import bisect_left

from lxml import etree

from ..errors import warn
from ..model import line_of, q


def cap_table_spans(doc: etree._Element) -> None:
    """Cap every table's spans to its real size (see the module's docstring)."""
    for table in doc.iter(q("table")):
        rows = [r for part in (*table.iterfind(q("thead")), *table.iterfind(q("tbody")))
                for r in part.iterfind(q("row"))]
        if any(cell.get("colspan") or cell.get("rowspan") for row in rows for cell in row.iterfind(q("cell"))):
            _cap(rows)


def _cap(rows: list[etree._Element]) -> None:
    placed = _place(rows)
    starts = sorted({column for _, column, _, _ in placed})
    for cell, column, colspan, rowspan in placed:
        columns = bisect_left(starts, column + colspan) - bisect_left(starts, column)
        _set(cell, "colspan", colspan, columns)
        _set(cell, "rowspan", int(cell.get("rowspan", "1")), rowspan)


def _place(rows: list[etree._Element]) -> list[tuple[etree._Element, int, int, int]]:
    """(cell, its first column, its colspan as written, its rowspan within the table) for every
    cell; the positions covered from above are kept as column intervals, so a span of a million
    columns costs no more than one of two."""
    placed = []
    above: list[tuple[int, int, int]] = []  # (first column, end column, rows still covered)
    for r, row in enumerate(rows):
        covered = sorted((start, end) for start, end, _ in above)
        column, k = 0, 0
        below: list[tuple[int, int, int]] = []
        for cell in row.iterfind(q("cell")):
            while k < len(covered) and covered[k][0] <= column:  # skip what row spans cover
                column = max(column, covered[k][1])
                k += 1
            colspan = int(cell.get("colspan", "1"))
            rowspan = min(int(cell.get("rowspan", "1")), len(rows) - r)
            placed.append((cell, column, colspan, rowspan))
            if rowspan > 1:
                below.append((column, column + colspan, rowspan - 1))
            column += colspan
        above = [(s, e, left - 1) for s, e, left in above if left > 1] + below
    return placed


def _set(cell: etree._Element, name: str, written: int, capped: int) -> None:
    if capped == written:
        return
    warn(f"table cell {name}=\"{written}\" is more than the table holds: it spans {capped} "
         f"{'column' if name == 'colspan' else 'row'}{'s' if capped != 1 else ''}", line_of(cell))
    if capped > 1:
        cell.set(name, str(capped))
    else:
        del cell.attrib[name]


#: after links (200): spans are the table's own business, nothing refers to them
cap_table_spans.priority = 300
