"""markdown-it's parse read a block at a time (readers/markdown/stream.py): the same block tokens,
and no more of them held than the block being read."""
from __future__ import annotations

import gc

import pytest

from converter import model
from converter.errors import collecting
from converter.readers.markdown import blocks, parse_markdown, tables
from converter.readers.markdown.parser import make_parser
from converter.readers.markdown.stream import top_level_blocks
from helpers import FIXTURES, SOURCES, markdown_read_peak

DOCUMENTS = sorted([*SOURCES.glob("*.md"), *FIXTURES.rglob("*.md")])


def block_shape(tokens) -> list:
    return [(t.type, t.tag, t.nesting, t.map, t.level, t.content, t.markup, t.info, dict(t.attrs), dict(t.meta),
             t.block, t.hidden) for t in tokens]


@pytest.mark.parametrize("src", DOCUMENTS, ids=lambda p: p.name)
def test_the_blocks_are_markdown_its_own(src):
    """One top-level block at a time, the block tokens markdown-it's block parser gives (a long
    table's rows made when read: test_tables.py)."""
    from markdown_it.rules_core import StateCore

    text = src.read_text(encoding="utf-8")
    md = make_parser(True)
    state = StateCore(text, md, {})
    md.core.ruler.getRules("")[0](state)  # normalize
    expected: list = []
    md.block.parse(state.src, md, {}, expected)
    got = list(tables.expanded(t for block in top_level_blocks(md, text, {}) for t in block))
    assert block_shape(got) == block_shape(expected)


def _live_tokens() -> int:
    from markdown_it.token import Token

    return sum(1 for o in gc.get_objects() if type(o) is Token)


#: paragraphs read between two counts (walking the heap is slow, more so late in a long test run)
EVERY = 40


def _counting_paragraphs(monkeypatch) -> dict[int, int]:
    """The number of markdown-it tokens alive when the reader reads its paragraphs: paragraph
    number → tokens alive, every EVERY paragraphs (and the last count: paragraphs read)."""
    seen: dict[int, int] = {}
    read = [0]
    paragraph = blocks.BlockBuilder.paragraph

    def counted(self, *args):
        if read[0] % EVERY == 0:
            seen[read[0]] = _live_tokens()
        read[0] += 1
        seen["read"] = read[0]
        return paragraph(self, *args)

    monkeypatch.setattr(blocks.BlockBuilder, "paragraph", counted)
    return seen


def test_the_reader_holds_the_tokens_of_one_block(monkeypatch):
    """3,000 paragraphs and a list of 300 items: the tokens alive at any paragraph are those of
    its own block (the list's, at most), never the document's (18,000 and more)."""
    text = "# Title\n\n" + "".join(f"Paragraph *{i}* with **marks** and `code`.\n\n" for i in range(3000))
    text += "".join(f"- item {i}\n" for i in range(300))
    seen = _counting_paragraphs(monkeypatch)
    parse_markdown(text, FIXTURES)
    assert seen.pop("read") == 3300
    assert max(seen.values()) < 300 * 5 + 50  # the list's own tokens (5 an item)
    assert len(seen) > 70 and max(n for i, n in seen.items() if i < 3000) < 50


def test_with_definitions_only_one_paragraph_s_inline_tokens_are_held(monkeypatch):
    """A reference or footnote definition may come after what refers to it: every block is then
    tokenized first, but a paragraph's inline tokens are still made only when it is read."""
    text = "".join(f"Paragraph *{i}* with [a link][r] and **marks**.\n\n" for i in range(2000))
    text += "[r]: http://example.org/\n"
    seen = _counting_paragraphs(monkeypatch)
    doc = parse_markdown(text, FIXTURES)
    assert seen.pop("read") == 2000 and len(seen) == 2000 // EVERY
    assert len(doc.findall(".//" + model.q("link"))) == 2000
    assert max(seen.values()) <= 2000 * 3 + 50  # block tokens only: open, inline, close a paragraph


def test_an_unused_note_is_read_once_and_its_warnings_said_once():
    text = "A [bad link](javascript:x) and a note[^a].\n\n[^a]: Said.\n\n[^b]: Never referred to.\n"
    with collecting() as said:
        doc = parse_markdown(text, FIXTURES)
    notes = [model.plain_text(n).strip() for n in doc.iter(model.q("footnote"))]
    assert notes == ["Said.", "Never referred to."]
    assert [d.message for d in said if "link" in d.message] == [
        "link to 'javascript:x': only http, https, mailto and tel addresses, relative ones and #ids are "
        "followed; printed as text"]


def test_a_note_referred_to_inside_another_unused_one_is_not_unused():
    text = "Body.\n\n[^a]: A refers to [^b].\n\n[^b]: B.\n"
    doc = parse_markdown(text, FIXTURES)
    notes = doc.findall(".//" + model.q("footnote"))  # b only inside a, not at the end as well
    assert [model.plain_text(n).strip() for n in notes] == ["A refers to B..", "B."]
    assert notes[1].getparent().getparent() is notes[0]


@pytest.mark.parametrize("shape", ["paragraphs", "one paragraph", "one line"])
def test_200_kb_of_emphasis_read_in_bounded_memory(shape):
    """200 kB of ``*a* **b** `` (40,000 marks): markdown-it's tokens of the whole were 60 MB and
    more, and the syntax tree as much again; read a block (a piece of a long paragraph) at a
    time, a few MB."""
    line = "*a* **b** " * 10
    sep = {"paragraphs": "\n\n", "one paragraph": "\n", "one line": ""}[shape]
    got = markdown_read_peak(sep.join([line.strip()] * 2000) + "\n")
    assert got["elements"] > 40_000
    assert got["peak_mb"] < 16, got
