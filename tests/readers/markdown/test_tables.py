"""A long top-level table tokenized a slice of rows at a time (readers/markdown/tables.py): the
tokens and the model of the whole table, and no more of its tokens held than a slice's."""
from __future__ import annotations

import gc
import random

import pytest
from lxml import etree

from converter import model
from converter.errors import collecting
from converter.readers.markdown import parse_markdown, stream, tables
from converter.readers.markdown.parser import make_parser
from converter.readers.markdown.stream import top_level_blocks
from helpers import FIXTURES, SOURCES, markdown_read_peak

DOCUMENTS = sorted([*SOURCES.glob("*.md"), *FIXTURES.rglob("*.md")])

#: cell contents: inline markup, pipes escaped or in code spans, notes, references, math, HTML
CELLS = ["*em*", "**strong**", "`a|b`", r"escaped \| pipe", r"`x \| y`", "[^n]", "[a link][r]",
         "[inline](http://example.org/p)", "plain", "", "$x^2$", "~~gone~~", "<b>html</b>", "a\\\\",
         "^[inline note]", "中文", "[bad](javascript:alert(1))", "H~2~O", "x^2^", "'quoted' \"text\"",
         "--", "..."]
HEAD = "| Left | Centre | Right | None |\n|:-----|:------:|------:|------|\n"
AFTER = "\nAfter the table.\n\n[^n]: A note *with* markup.\n\n[r]: http://example.org/ref \"R\"\n"


def table(rows: int, seed: int = 1, head: str = HEAD, indent: str = "") -> str:
    """A table of ``rows`` body rows of one to six cells (the header has four), random cells."""
    rng = random.Random(seed)
    lines = []
    for i in range(rows):
        cells = [f"{rng.choice(CELLS)} {i}" for _ in range(rng.choice([1, 2, 3, 4, 4, 4, 5, 6]))]
        edge = rng.choice(["|", "", "|"])
        lines.append(edge + " " + " | ".join(cells) + " " + ("|" if edge or len(cells) == 1 else ""))
    return "".join(indent + line + "\n" for line in (head.splitlines() + lines))


def block_shape(tokens) -> list:
    return [(t.type, t.tag, t.nesting, t.map, t.level, t.content, t.markup, t.info, dict(t.attrs), dict(t.meta),
             t.block, t.hidden) for t in tokens]


def markdown_its(text: str) -> list:
    """The block tokens markdown-it's own block parser gives for the whole text."""
    from markdown_it.rules_core import StateCore

    md = make_parser(True)
    state = StateCore(text, md, {})
    md.core.ruler.getRules("")[0](state)  # normalize
    found: list = []
    md.block.parse(state.src, md, {}, found)
    return block_shape(found)


#: how the reader takes the blocks: each read as it comes (no definitions in the text), or every
#: block tokenized before any is read (a definition may follow what refers to it)
MODES = ["as they come", "all first"]


def ours(text: str, mode: str = "as they come") -> list:
    """Our block tokens, the rows of long tables made when read."""
    blocks = top_level_blocks(make_parser(True), text, {})
    if mode == "all first":
        blocks = list(blocks)
    return block_shape(tables.expanded(t for block in blocks for t in block))


#: what follows a table → the rows of it that are still rows of the table (markdown-it's say)
ENDINGS = {
    "blank line": ("\nA paragraph.\n", 0),
    "quote": ("> A quote.\n", 0),
    "list": ("- An item.\n", 0),
    "heading": ("# A heading\n", 0),
    "fence": ("```\ncode | not a row\n```\n", 0),
    "html": ("<div>\nraw | html\n</div>\n", 0),
    "rule": ("***\n", 0),
    "lines with no pipe": ("no pipe here\nmore\n", 2),
    "indented code": ("    code | four spaces in\n", 0),
    "a definition-like line": (": not a definition | at the top level\n", 1),
    "end of text": ("", 0),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("ending", ENDINGS, ids=str)
def test_sliced_tables_are_markdown_its_tokens(monkeypatch, ending, mode):
    """Slices of 7 rows give the block tokens markdown-it gives the whole text (the same rows,
    cells, alignments, line numbers), whatever ends the table, wherever in a slice it ends."""
    after, more_rows = ENDINGS[ending]
    monkeypatch.setattr(tables, "SLICE_ROWS", 7)
    for rows in [*range(5, 24), 500]:
        text = "# Title\n\n" + table(rows) + after + AFTER
        expected = markdown_its(text)
        assert ours(text, mode) == expected, rows
        assert sum(1 for t in expected if t[0] == "tr_open") == rows + 1 + more_rows


def test_two_long_tables_one_after_the_other(monkeypatch):
    """A table right after another (a line that is no table row ends the first: here the next
    one's header), both long."""
    text = table(40, seed=1) + "Not a row\n" + table(30, seed=2) + "\n" + table(25, seed=3)
    monkeypatch.setattr(tables, "SLICE_ROWS", 4)
    for mode in MODES:
        assert ours(text, mode) == markdown_its(text)


@pytest.mark.parametrize("shape", ["short rows reach the cap", "long rows before short ones"])
def test_the_cap_on_filled_in_cells_ends_the_table_where_markdown_it_does(monkeypatch, shape):
    """markdown-it ends a table when it has filled in 65,536 missing cells, counted from the
    table's start (rows with more cells than the header count down): a slice counts from its own
    start, and the table still ends where the whole table's count says."""
    head = "|" + "|".join(f"h{i}" for i in range(100)) + "|\n|" + "|".join("-" * 3 for _ in range(100)) + "|\n"
    short = "".join(f"| row {i} |\n" for i in range(1_500))
    wide = "".join("|" + "|".join(f"c{i}" for i in range(300)) + "|\n" for _ in range(300))
    text = head + (short if shape == "short rows reach the cap" else wide + short) + "\nEnd.\n"
    expected = markdown_its(text)
    for rows in (50, 299, 1_000):
        monkeypatch.setattr(tables, "SLICE_ROWS", rows)
        for mode in MODES:
            assert ours(text, mode) == expected, (rows, mode)
    assert 600 < sum(1 for t in expected if t[0] == "tr_open") < 1_500 + 300  # the cap ended it


def test_cells_are_counted_as_markdown_it_splits_a_row():
    """The cell count the cap is reckoned with is markdown-it's (its escapedSplit, less the empty
    first and last cells), on every text of up to 7 characters of pipes, backslashes, spaces and
    letters."""
    from itertools import product

    from markdown_it.common.utils import mdTrim
    from markdown_it.rules_block.table import escapedSplit

    for size in range(1, 8):
        for chars in product("|\\ a", repeat=size):
            text = mdTrim("".join(chars))
            if not text:
                continue
            columns = escapedSplit(text)
            if columns and columns[0] == "":
                columns.pop(0)
            if columns and columns[-1] == "":
                columns.pop()
            assert tables.cell_count(text) == len(columns), text


def test_the_cells_of_many_rows_are_counted_at_once_as_row_by_row():
    """The cells of a slice's rows counted over their text at once are the sum of each row's
    (pipes escaped or not, first or last, white space of every kind around them)."""
    from markdown_it.common.utils import mdTrim

    rng = random.Random(5)
    pieces = ["|", "|", "\\", "\\|", "a", " ", "\t", "\u3000", "\u2002", "\x0b", "`", "||"]
    for _ in range(300):
        rows = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(rng.randint(1, 30))]
        rows = [row for row in rows if mdTrim(row)] or ["a"]
        indented = [" " * rng.randint(0, 3) + row for row in rows]
        assert tables.cells_in_rows("\n".join(indented), len(rows)) == sum(
            tables.cell_count(mdTrim(row)) for row in indented), rows


def _model(text: str) -> tuple[bytes, list, list]:
    """The model's XML, every element's source line, and the diagnostics said."""
    with collecting() as said:
        doc = parse_markdown(text, FIXTURES)
    return (etree.tostring(doc, encoding="utf-8"), [(el.tag, el.sourceline) for el in doc.iter()],
            [(d.level, d.message, d.line) for d in said])


@pytest.mark.parametrize("definitions", [True, False], ids=["definitions after it", "no definitions"])
def test_a_long_table_s_model_is_the_same_sliced_or_not(monkeypatch, definitions):
    """Several thousand rows of inline markup, escaped pipes, code spans with pipes, ragged
    rows, alignment, footnote and link references defined after the table: the same model, the
    same source lines, the same warnings (file:line), sliced (13 rows at a time) or not."""
    text = "# Title\n\nBefore.\n\n" + table(3_000, seed=7) + (AFTER if definitions else "\nAfter.\n")
    assert stream.can_define(text) is definitions
    whole = _model(text)
    monkeypatch.setattr(tables, "SLICE_ROWS", 13)
    sliced = _model(text)
    assert sliced == whole
    xml, lines, said = sliced
    doc = etree.fromstring(xml)
    rows = doc.findall(".//" + model.q("tbody") + "/" + model.q("row"))
    assert len(rows) == 3_000
    assert [c.get("align") for c in doc.find(".//" + model.q("thead")).iter(model.q("cell"))] == [
        "left", "center", "right", None]
    assert any(line and line > 3_000 for tag, line in lines if tag == model.q("row"))
    assert any("javascript" in message for _, message, _ in said)
    if definitions:
        assert doc.find(".//" + model.q("footnote")) is not None
        assert doc.find(f".//{model.q('link')}[@href='http://example.org/ref']") is not None


@pytest.mark.parametrize("src", DOCUMENTS, ids=lambda p: p.name)
def test_the_samples_read_alike_with_every_table_sliced_a_row_at_a_time(monkeypatch, src):
    """Every table of the samples and fixtures of more than one row, one row a slice: the same
    model, source lines and warnings."""
    text = src.read_text(encoding="utf-8-sig")
    whole = _model(text)
    monkeypatch.setattr(tables, "SLICE_ROWS", 1)
    assert _model(text) == whole


@pytest.mark.parametrize("container", ["> ", "- ", "1. "])
def test_a_long_table_in_a_list_or_quote_is_read_whole(monkeypatch, container):
    """Only top-level tables are sliced: one inside a quote or a list item is markdown-it's,
    tokenized with its container, and all there."""
    indent = "> " if container == "> " else " " * len(container)
    body = table(400, seed=3, indent=indent)
    text = "Intro.\n\n" + container + body[len(indent):] + "\nAfter.\n"
    expected = markdown_its(text)
    monkeypatch.setattr(tables, "SLICE_ROWS", 7)
    assert ours(text) == expected
    doc = parse_markdown(text, FIXTURES)
    outer = doc.find(".//" + model.q("quote" if container == "> " else "item"))
    rows = outer.findall(".//" + model.q("tbody") + "/" + model.q("row"))
    assert len(rows) == 400
    assert rows[-1].sourceline == 404 and model.plain_text(rows[-1]).split()[-1] == "399"


def _live_tokens() -> int:
    from markdown_it.token import Token

    return sum(1 for o in gc.get_objects() if type(o) is Token)


def _counting_cells(monkeypatch, every: int) -> dict[int, int]:
    """Cell number → markdown-it tokens alive when the reader parses that cell, every ``every``
    cells (walking the heap is slow, more so late in a long test run)."""
    seen: dict[int, int] = {}
    read = [0]
    children = stream.Inlines.children

    def counted(self, inline, before=None):
        if read[0] % every == 0:
            seen[read[0]] = _live_tokens()
        read[0] += 1
        return children(self, inline, before)

    monkeypatch.setattr(stream.Inlines, "children", counted)
    return seen


@pytest.mark.parametrize("definitions", [False, True], ids=["no definitions", "definitions after it"])
def test_a_long_table_holds_one_slice_of_tokens(monkeypatch, definitions):
    """6,000 rows of three cells (66,000 tokens for the whole table), slices of 200 rows: the
    tokens alive whenever a cell is read are at most a slice's (2,200) and a few — also when a
    definition after the table makes every block be tokenized before any is read."""
    text = "| a | b | c |\n|---|---|---|\n" + "".join(f"| *{i}* | **{i}** | `{i}` |\n" for i in range(6_000))
    text += "\n[r]: http://example.org/\n" if definitions else ""
    monkeypatch.setattr(tables, "SLICE_ROWS", 200)
    seen = _counting_cells(monkeypatch, every=450)  # every 150 rows
    doc = parse_markdown(text, FIXTURES)
    assert len(doc.findall(".//" + model.q("row"))) == 6_001
    assert len(seen) == 6_001 * 3 // 450 + 1
    assert max(seen.values()) < 200 * 11 + 100, seen


def test_100_000_cells_read_in_bounded_memory():
    """20,000 rows of five cells at the default slice (markdown-it's tokens of the whole table
    were 90 MB of Python objects): a few MB."""
    text = "| a | b | c | d | e |\n|---|---|---|---|---|\n" + "".join(
        f"| {i} | *x* | y | `z` | w |\n" for i in range(20_000))
    got = markdown_read_peak(text)
    assert got["elements"] > 120_000
    assert got["peak_mb"] < 16, got
