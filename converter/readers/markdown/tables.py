"""A long top-level table's rows, tokenized a slice at a time by markdown-it's own table rule.

markdown-it's GFM table rule makes the tokens of a whole table at once — per row ``tr_open``,
three tokens a cell, ``tr_close``: 1.1 million tokens (430 MB) for 100,000 rows of three cells,
all alive until the table is in the model. Here, at the top level (``stream.top_level_blocks``),
the rule is asked for the table's head and at most SLICE_ROWS + 1 body rows (its ``endLine``
set after them). A table that ends before that is all there, as before. A longer one becomes its
head (``table_open`` … ``tbody_open``), one ``table_rows`` token and its closing tokens
(``LongTable``); ``expanded`` puts the body rows in place of the ``table_rows`` token when the
reader comes to it, the rows already made, then SLICE_ROWS more at a time: the rule run on the
source lines of the slice with the two lines before them read as the table's header and
delimiter rows (the line offsets markdown-it keeps for them are swapped for the header's while it
runs, ``_header_before``), only the body rows of its tokens kept. Each row's tokens are made from
its own line, the column count and the alignments alone, and carry their own line numbers
(``map``): they are the tokens of the whole table.

Where the table ends is markdown-it's, found the same way slice by slice: the rule's checks on a
row (a blank line, less indent, an indented code line, a line that starts one of the blocks that
end a table — tried in markdown-it's "silent" mode, which for each of this parser's block rules
looks at that line only) do not depend on where the slice ends. The one check that looks back is the cap on the cells markdown-it fills
in for rows shorter than the header (65,536 for a table, ``MAX_AUTOCOMPLETED_CELLS``: more
cells in a row count back down), counted from the table's start, and by markdown-it in each
slice from the slice's start; so each row's count is known here too (``_filled_in``), and a slice
ends where the table's count passes the cap (the table ends there) or the slice's would (the next
slice goes on).

When every block must be tokenized before the first is read (a text with definitions in it,
stream.py), a long table's end is needed before its rows are read: markdown-it's rule is then run
on the whole table with a ``push`` that makes no tokens (``_dry_run``), and the rows are made
when they are read, as above.

Tables inside lists, quotes, notes or definitions are tokenized by markdown-it with their
container, at once, as before: only top-level tables are sliced. Which lines are a table and
what its tokens are is markdown-it's; this decides only how many rows it is asked for at a time.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token

#: a top-level table of more body rows than this is tokenized this many rows at a time
SLICE_ROWS = 1_000

#: the token that stands for a long table's body rows until they are read (see ``expanded``)
ROWS = "table_rows"

# StateBlock's per-line arrays (offsets of a line's start, text and end, its indents)
_LINE_ARRAYS = ("bMarks", "eMarks", "tShift", "sCount", "bsCount")


def table_block(rule, state: StateBlock, line: int, end: int) -> bool | LongTable:
    """markdown-it's table ``rule`` run at ``line`` as a top-level block rule: False when no
    table starts there; True when one does, its tokens pushed to ``state.tokens`` and
    ``state.line`` the line after it; a LongTable when it is long, its head, ``table_rows`` token
    and closing tokens pushed, the line after it given by ``LongTable.end``."""
    limit = min(end, line + 2 + SLICE_ROWS + 1)
    tokens = state.tokens
    first = len(tokens)
    if not rule(state, line, limit, False):
        return False
    if state.line < limit or limit == end:  # all of the table
        return True
    body = next(k for k in range(first, len(tokens)) if tokens[k].type == "tbody_open")
    columns = sum(1 for k in range(first, body) if tokens[k].type == "th_open")
    if columns > _max_filled_in():  # a slice could not take even one row (no real table is this wide)
        del tokens[first:]
        state.line = line
        return rule(state, line, end, False)
    table = LongTable(rule, state, line, columns, rows=tokens[body + 1:-2], next_line=state.line)
    from markdown_it.token import Token

    tokens[body + 1:-2] = [Token(ROWS, "", 0, level=tokens[body].level + 1, block=True, meta={"rows": table})]
    table.spans = [tokens[first].map, tokens[body].map]  # table_open's and tbody_open's
    return table


def expanded(tokens: Iterable[Token]) -> Iterator[Token]:
    """The tokens, each ``table_rows`` token replaced by the rows it stands for (tokenized as
    they are read)."""
    for tok in tokens:
        if tok.type == ROWS:
            yield from tok.meta.pop("rows").rows()
        else:
            yield tok


class LongTable:
    """The body rows of a long table, tokenized a slice at a time when they are read."""

    def __init__(self, rule, state: StateBlock, head: int, columns: int, rows: list[Token], next_line: int):
        self.rule, self.state, self.head, self.columns = rule, state, head, columns
        self.first_rows = rows  # the rows made with the head, from the table's first body row
        self.next_line = next_line  # the line of the row after them
        self.spans: list[list[int]] = []  # the maps that say where the table ends
        self._end: int | None = None

    def end(self) -> int:
        """The line after the table: found when its rows were read; else by markdown-it's table
        rule run on the whole table with no token made (the rows already made are let go of,
        and made again when read)."""
        if self._end is None:
            self.first_rows, self.next_line = [], self.head + 2
            self._ended(_dry_run(self.rule, self.state, self.head, self.state.lineMax))
        return self._end

    def rows(self) -> Iterator[Token]:
        """The tokens of the body rows, in order."""
        first, self.first_rows = self.first_rows, []
        at, filled = self.next_line, self._filled_in(self.head + 2, self.next_line)
        yield from first
        del first
        cap, end = _max_filled_in(), self.state.lineMax
        while at < end:
            limit, goes_on = self._slice_end(at, filled, min(at + SLICE_ROWS, end), cap)
            if limit == at:  # the row there passes the cap: the table ends before it
                break
            tokens, stop = self._slice(at, limit)
            yield from tokens
            del tokens
            filled += self._filled_in(at, stop)
            at = stop
            if stop < limit or not goes_on:
                break
        self._ended(at)

    def _ended(self, line: int) -> None:
        if self._end is not None and self._end != line:  # the dry run said otherwise
            raise RuntimeError(f"a table's end read in slices (line {line + 1}) is not markdown-it's "
                               f"(line {self._end + 1})")
        self._end = line
        for span in self.spans:
            span[1] = line

    def _slice(self, at: int, limit: int) -> tuple[list[Token], int]:
        """The tokens of the body rows on lines ``at`` to ``limit`` (or fewer, where the table
        ends), by the table rule run there with the header and delimiter rows before them; and
        the line after the last."""
        state = self.state
        with _header_before(state, self.head, at), _own_tokens(state) as tokens:
            self.rule(state, at - 2, limit, False)
            stop = state.line
        if stop == at:  # the table ended with the slice before
            return [], at
        body = next(k for k, t in enumerate(tokens) if t.type == "tbody_open")
        return tokens[body + 1:-2], stop  # less tbody_close, table_close

    def _slice_end(self, at: int, filled: int, limit: int, cap: int) -> tuple[int, bool]:
        """Where the slice from line ``at`` ends at the latest (the rows filled in so far:
        ``filled``), and whether the table may go on after it: the first row at which the
        table's count of filled-in cells passes the cap ends the table, the one at which the
        slice's count would pass it ends the slice only."""
        if max(filled, 0) + (limit - at) * self.columns <= cap:  # no count can pass it (the usual)
            return limit, True
        own = 0
        for row in range(at, limit):
            own += self._missing(row)
            if filled + own > cap:
                return row, False
            if own > cap:
                return row, True
        return limit, True

    def _filled_in(self, start: int, stop: int) -> int:
        """The cells markdown-it counts as filled in for the rows on lines ``start`` to ``stop``."""
        if stop <= start:
            return 0
        state = self.state
        lines = state.src[state.bMarks[start]:state.eMarks[stop - 1]]
        return (stop - start) * self.columns - cells_in_rows(lines, stop - start)

    def _missing(self, line: int) -> int:
        """The header's column count less the cells of the row on the line, as the table rule
        counts them (negative for a row of more cells)."""
        from markdown_it.common.utils import mdTrim
        from markdown_it.rules_block.table import getLine

        return self.columns - cell_count(mdTrim(getLine(self.state, line)))


def cell_count(text: str) -> int:
    """The cells of a table row's text (trimmed) as markdown-it's table rule finds them (its
    ``escapedSplit``, a loop over the characters: here the string's own count): a cell ends at
    each pipe not right after a backslash, and an empty first and last cell (a pipe at the
    text's start or end) are no cells."""
    cells = 1 + text.count("|") - text.count("\\|")
    cells -= text.startswith("|")
    cells -= text.endswith("|") and not text.endswith("\\|") and cells > 0
    return cells


def cells_in_rows(lines: str, rows: int) -> int:
    """The cells of ``rows`` table rows, the text of their lines (``cell_count`` of each, counted
    over the whole text at once)."""
    first, last = _empty_edge_cells()
    return (rows + lines.count("|") - lines.count("\\|")
            - sum(1 for _ in first.finditer(lines)) - sum(1 for _ in last.finditer(lines)))


@cache
def _empty_edge_cells() -> tuple[re.Pattern, re.Pattern]:
    """What finds a row's empty first and last cell, as cell_count tells them: a pipe first or
    last on its line, markdown-it's white space trimmed (compiled when first needed: the
    reader's modules import no markdown-it until it parses)."""
    from markdown_it.common.utils import MD_TRIM_CHARS

    trim = "[" + re.escape(MD_TRIM_CHARS) + "]*"
    return re.compile("^" + trim + r"\|", re.MULTILINE), re.compile(r"(?<!\\)\|" + trim + "$", re.MULTILINE)


def _max_filled_in() -> int:
    """The cap on the cells markdown-it's table rule fills in for a table's short rows."""
    from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS

    return MAX_AUTOCOMPLETED_CELLS


def _dry_run(rule, state: StateBlock, line: int, end: int) -> int:
    """The line after the table starting at ``line``, found by markdown-it's table rule with no
    token made."""
    from markdown_it.token import Token

    scratch = Token("", "", 0)
    saved = state.line
    state.push = lambda *args: scratch  # the rule sets the fields of each token it pushes
    try:
        if not rule(state, line, end, False):
            raise RuntimeError(f"no table at line {line + 1} where there was one")
        return state.line
    finally:
        del state.push
        state.line = saved


@contextmanager
def _own_tokens(state: StateBlock) -> Iterator[list[Token]]:
    """A list the rule pushes its tokens to, with the state's tokens and line kept aside."""
    tokens, line = state.tokens, state.line
    state.tokens = mine = []
    try:
        yield mine
    finally:
        state.tokens, state.line = tokens, line


@contextmanager
def _header_before(state: StateBlock, head: int, at: int) -> Iterator[None]:
    """Lines ``at - 2`` and ``at - 1`` read as the table's header and delimiter rows (lines
    ``head`` and ``head + 1``: the same source text, at its own offsets)."""
    saved = {name: getattr(state, name)[at - 2:at] for name in _LINE_ARRAYS}
    for name in _LINE_ARRAYS:
        values = getattr(state, name)
        values[at - 2:at] = values[head:head + 2]
    try:
        yield
    finally:
        for name, values in saved.items():
            getattr(state, name)[at - 2:at] = values
