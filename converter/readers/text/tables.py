"""Tables in plain text: tab-separated rows, columns aligned with runs of spaces, pipe tables.

Pipe tables are the one place the text reader drops characters: their pipes and the rule
under the header are markup (as in Markdown), not words.

A table needs at least two rows. Inside one, a line of a single cell between rows (often a
numbered group title: 一、知识产权保护方面（共5项）) is a row spanning the table, not a heading.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ... import model
from ...model import new
from .lines import Line

_SPACES = re.compile(r"(?: {2,}|\u3000{2,}|[ \u3000]*\t[ \u3000\t]*|[ \u3000]{3,})")
_PIPE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
#: space-aligned rows need this many columns (two columns of names and titles are a list)
MIN_ALIGNED_COLUMNS = 3
#: a header cell is short and holds no figures
HEADER_CELL = 12


@dataclass
class Table:
    """A table found at lines[start:end]. Its element is made when first asked for: the
    reader finds a table twice (before and after the headings above it are known) and keeps
    one, so a table of 100,000 rows is not built twice over (95 MB of model each)."""

    start: int  # index of the first line
    end: int  # index after the last line
    make: Callable[[], etree._Element]
    _element: etree._Element | None = None

    @property
    def element(self) -> etree._Element:
        if self._element is None:
            self._element = self.make()
        return self._element


def tab_cells(line: Line) -> list[str] | None:
    """Tab-separated cells, empty ones included (a row whose last cells are blank)."""
    text = line.cells or line.text
    return [c.strip() for c in text.split("\t")] if "\t" in text else None


def aligned_cells(line: Line) -> list[str] | None:
    cells = [c for c in _SPACES.split(line.text) if c]
    return cells if len(cells) >= MIN_ALIGNED_COLUMNS else None


def pipe_cells(line: Line) -> list[str] | None:
    text = line.text
    if not (text.startswith("|") and text.endswith("|") and len(text) > 2):
        return None
    return [c.strip() for c in text[1:-1].split("|")]


def find_table(lines: list[Line], i: int, is_heading: Callable[[str], bool] = lambda text: False) -> Table | None:
    """The table starting at lines[i], if one does. ``is_heading(text)``: a line that goes on
    the document's own numbering (三、 after 二、) ends the table rather than spanning it."""
    for cells_of in (pipe_cells, tab_cells, aligned_cells):
        first = cells_of(lines[i])
        if first is None or sum(1 for c in first if c) < 2:  # a table opens with two cells of text
            continue
        rows: list[tuple[Line, list[str] | None]] = []  # None: a spanning row (or a pipe rule)
        j = i
        while j < len(lines):
            cells = cells_of(lines[j])
            if cells is not None and cells_of is aligned_cells and rows and len(cells) != _columns(rows):
                break  # aligned columns keep their count; tabs and pipes may leave cells out
            if cells is None:
                # a single-cell line between two rows of the same table spans it (two in a row:
                # a group whose rows were left out, then the next group)
                if (cells_of is pipe_cells or not rows or lines[j].blank_before or is_heading(lines[j].text)
                        or not _row_follows(lines, j, cells_of)):
                    break
            rows.append((lines[j], cells))
            j += 1
        if sum(1 for _, c in rows if c is not None) >= 2:
            pipe = cells_of is pipe_cells
            return Table(i, j, lambda rows=rows, pipe=pipe: _build(rows, pipe))
    return None


#: single-cell lines that may stand between two rows of a table
SPANNING_RUN = 2


def _row_follows(lines: list[Line], j: int, cells_of) -> bool:
    """A row of the table comes within SPANNING_RUN lines after lines[j]."""
    for k in range(j + 1, min(j + 1 + SPANNING_RUN, len(lines))):
        if lines[k].blank_before:
            return False
        if cells_of(lines[k]) is not None:
            return True
    return False


def _columns(rows) -> int:
    return max(len(c) for _, c in rows if c is not None)


def _build(rows: list[tuple[Line, list[str] | None]], pipe: bool) -> etree._Element:
    table = new("table")
    model.set_line(table, rows[0][0].number)
    columns = _columns(rows)
    head_rows = 0
    if pipe and any(_PIPE_RULE.match(line.text) for line, _ in rows):
        head_rows = next(k for k, (line, _) in enumerate(rows) if _PIPE_RULE.match(line.text))
    elif rows[0][1] is not None and _reads_as_header(rows[0][1], rows[1:]):
        head_rows = 1
    thead = new("thead", parent=table) if head_rows else None
    tbody = new("tbody", parent=table)
    for k, (line, cells) in enumerate(rows):
        if pipe and _PIPE_RULE.match(line.text):
            continue  # the rule under a pipe table's header is markup, as the pipes are
        row = new("row", parent=thead if k < head_rows else tbody)
        model.set_line(row, line.number)
        if cells is None:  # a line spanning the table
            new("cell", line.text, row, colspan=str(columns) if columns > 1 else None)
            continue
        for cell in cells:
            new("cell", cell, row)
    return table


def _reads_as_header(first: list[str], rest) -> bool:
    """The first row is a header when its cells are short labels without figures and some
    later row has a figure (序号 名称 数量 / 1 … 12)."""
    if not all(first) or any(len(c) > HEADER_CELL or re.search(r"\d", c) for c in first):
        return False
    return any(cells is not None and any(re.search(r"\d", c) for c in cells) for _, cells in rest)


# --- tables flattened one cell per line ---------------------------------------------------------
#: what a table's caption ends with (…统计表, …汇总表, …名册)
CAPTION_ENDS = ("表", "名册")
#: a flattened table has at least this many cells, each a short line
FLAT_CELLS = 8
FLAT_CELL = 20


def is_caption(text: str) -> bool:
    """A line naming a table: short, no sentence mark, ending with 表 or 名册."""
    bare = "".join(text.split()).rstrip("）)")
    return len(text) <= 40 and text[-1:] not in "。；;，,：:" and bare.endswith(CAPTION_ENDS)


def _is_cell(line: Line) -> bool:
    text = line.text
    return len(text) <= FLAT_CELL and text[-1:] not in "。；;" and "\t" not in text


def find_flattened(lines: list[Line], i: int, titled: bool = False) -> Table | None:
    """A table pasted one cell per line (what copying some web tables gives): a caption that
    names a table (or, ``titled``, an attachment whose title does), then at least FLAT_CELLS
    short lines. Its columns are unknown, so each cell is a row of its own."""
    start = i if titled else i + 1
    if not titled and not (i < len(lines) and is_caption(lines[i].text)):
        return None
    j = start
    while j < len(lines) and _is_cell(lines[j]):
        j += 1
    if j - start < FLAT_CELLS:
        return None
    table = new("table")
    model.set_line(table, lines[i].number)
    if not titled:
        model.set_line(new("caption", lines[i].text, table), lines[i].number)
    tbody = new("tbody", parent=table)
    for line in lines[start:j]:
        row = new("row", parent=tbody)
        model.set_line(row, line.number)
        new("cell", line.text, row)
    return Table(i, j, lambda: table)
