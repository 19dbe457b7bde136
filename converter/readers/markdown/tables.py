"""A long top-level table's rows, tokenized a slice at a time by markdown-it's own table rule.

markdown-it's GFM table rule makes the tokens of a whole table at once — per row ``tr_open``,
three tokens a cell, ``tr_close``: 1.1 million tokens (430 MB) for 100,000 rows of three cells,
all alive until the table is in the model. Here, at the top level (``stream.top_level_blocks``):

- The rule is first run with a ``push`` that makes no tokens (``_dry_run``): markdown-it itself
  says whether a table starts at the line and where it ends — after every row it takes, with
  every check it makes (the blocks that end a table, a blank line, the cap on the cells it fills
  in for short rows, which counts over the whole table).
- A table of at most SLICE_ROWS body rows is then tokenized as before, at once.
- A longer one becomes its head (``table_open``, the header row, ``tbody_open``), one
  ``table_rows`` token, and its closing tokens; ``expanded`` puts the body rows in place of the
  ``table_rows`` token when the reader comes to it, SLICE_ROWS at a time (``_rows``): the rule is
  run on the source lines of the slice with the two lines before them read as the table's header
  and delimiter rows (the line offsets markdown-it keeps for them are swapped for the header's
  while it runs, ``_header_before``), and only the body rows of its tokens are kept. Each row's
  tokens are made from its own line, the column count and the alignments alone, and carry their
  own line numbers (``map``), so they are the tokens the whole table would have had.

The table rule's checks on a row look at that row's line only (the ending blocks are tried in
markdown-it's "silent" mode), so a slice that ends early can only end the table where the whole
table ends; the one check that looks back — the cap on filled-in cells, which markdown-it counts
from the table's start and a slice from its own — can only end a slice sooner (when earlier rows
had more cells than the header), and the next slice starts where it stopped.

Tables inside lists, quotes, notes or definitions are tokenized by markdown-it with their
container, at once, as before: only top-level tables are sliced. Which rows are a table is
markdown-it's; this decides only how many of them it is asked to tokenize at a time.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


def table_block(rule, state: StateBlock, line: int, end: int) -> bool:
    """Run markdown-it's table ``rule`` at ``line`` as a top-level block rule: whether a table
    starts there. If it does, its tokens are pushed to ``state.tokens`` (a long table's as head,
    ``table_rows`` token and closing tokens) and ``state.line`` is the line after it."""
    table_end = _dry_run(rule, state, line, end)
    if table_end is None:
        return False
    state.line = line
    if table_end - (line + 2) <= SLICE_ROWS:
        return rule(state, line, end, False)
    head, closing = _head(rule, state, line)
    # a long table's tokens say where the whole table ends, as markdown-it's would
    head[0].map[1] = head[-1].map[1] = table_end  # table_open, tbody_open
    from markdown_it.token import Token

    rows = Token(ROWS, "", 0, map=[line + 2, table_end], level=head[-1].level + 1, block=True,
                 meta={"rows": _rows(rule, state, line, line + 2, table_end)})
    state.tokens.extend([*head, rows, *closing])
    state.line = table_end
    return True


def expanded(tokens: Iterable[Token]) -> Iterator[Token]:
    """The tokens, each ``table_rows`` token replaced by the rows it stands for (tokenized as
    they are read)."""
    for tok in tokens:
        if tok.type == ROWS:
            yield from tok.meta.pop("rows")
        else:
            yield tok


def _dry_run(rule, state: StateBlock, line: int, end: int) -> int | None:
    """The line after the table starting at ``line`` (None: no table starts there), found by
    markdown-it's table rule with no token made."""
    from markdown_it.token import Token

    scratch = Token("", "", 0)
    state.push = lambda *args: scratch  # the rule sets the fields of each token it pushes
    try:
        if not rule(state, line, end, False):
            return None
        return state.line
    finally:
        del state.push


def _head(rule, state: StateBlock, line: int) -> tuple[list[Token], list[Token]]:
    """The tokens of the table's head (up to ``tbody_open``) and its two closing tokens, from the
    rule run on the header, the delimiter row and the first body row (whose tokens are let go
    of: the rows are made by ``_rows``)."""
    with _own_tokens(state) as tokens:
        rule(state, line, line + 3, False)
    body = next(k for k, t in enumerate(tokens) if t.type == "tbody_open")
    return tokens[:body + 1], tokens[-2:]


def _rows(rule, state: StateBlock, head: int, start: int, end: int) -> Iterator[Token]:
    """The tokens of the body rows on lines ``start`` to ``end`` of the table whose header row is
    on line ``head``, SLICE_ROWS rows at a time."""
    at = start
    while at < end:
        with _header_before(state, head, at), _own_tokens(state) as tokens:
            rule(state, at - 2, min(at + SLICE_ROWS, end), False)
            stop = state.line
        if stop <= at:  # the slice's first row is always one (see the module's docstring)
            raise RuntimeError(f"the table rule took no row at line {at + 1}")
        body = next(k for k, t in enumerate(tokens) if t.type == "tbody_open")
        del tokens[-2:]  # tbody_close, table_close
        del tokens[:body + 1]
        tokens.reverse()
        while tokens:  # each row handed out let go of
            yield tokens.pop()
        at = stop


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
