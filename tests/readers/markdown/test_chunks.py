"""A long paragraph parsed in pieces (readers/markdown/chunks.py) gives the tokens of the whole."""
from __future__ import annotations

import random

import pytest
from lxml import etree

from converter.errors import collecting
from converter.readers.markdown import chunks, parse_markdown
from converter.readers.markdown.parser import make_parser
from converter.readers.markdown.stream import Inlines, top_level_blocks
from helpers import FIXTURES

#: pieces of markup whose constructs reach across spaces and line ends, or do not
ATOMS = ["*a*", "**b**", "_c_", "`code`", "[x](http://a.b/c)", "[ref]", "[^1]", "^[note *n*]", "<b>bold</b>",
         "<i>", "</i>", "word", "wörd", "中文", "字", " ", " ", " ", "\n", "\n", "  \n", "\\\n", "'q'", '"dq"',
         "don't", "--", "...", "x_y", "a * b", "$x$", "$", "5", "~s~", "^p^", "~~del~~", "<!-- c -->",
         "<http://a.b>", "&amp;", "\\*", "(p)", "[a]", "[a](\nhttp://n)", "*", "_", "`", "[", "<", '"', "'",
         "(", "![i](p.png)", "<code>", "</code>", "[link *em*](#z)", "\\", "**"]
DEFS = "[ref]: http://ref.example/ \"R\"\n\n[a]: /a\n\n[^1]: Note one.\n"


def soups(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    found = []
    for _ in range(n):
        text = "".join(rng.choice(ATOMS) for _ in range(rng.randint(5, 120))).strip()
        if text:
            found.append(text)
    return found


def inlines(smart: bool) -> Inlines:
    """A parser whose definitions (references, a footnote) are known, as the reader's are."""
    md = make_parser(smart)
    env: dict = {}
    for _ in top_level_blocks(md, DEFS, env):
        pass
    return Inlines(md, env, smart)


def shape(tokens) -> list:
    """What the reader reads of tokens: the footnote numbers, not how many times a note was
    referred to (``subId``); text that follows text as one text, as the reader appends it."""
    found: list = []
    for t in tokens:
        if t.type == "text" and found and found[-1][0] == "text":
            found[-1] = ("text", found[-1][1] + t.content)
        elif t.type == "text":
            found.append(("text", t.content))
        else:
            meta = {k: v for k, v in t.meta.items() if k != "subId"}
            found.append((t.type, t.tag, t.nesting, t.content, t.markup, t.info, dict(t.attrs), meta,
                          shape(t.children) if t.children else None))
    return found


@pytest.mark.parametrize("smart", [True, False])
@pytest.mark.parametrize("chunk", [1, 4, 16])
def test_pieces_give_the_tokens_of_the_whole_paragraph(smart, chunk):
    for text in soups(seed=chunk, n=200):
        whole = inlines(smart)
        expected = shape(whole._parse(text, None, None))
        pieced = inlines(smart)
        got = shape(chunks.pieces(text, lambda t: pieced._parse(t, None, None), pieced._undo, smart, chunk))
        assert got == expected, text
        # a piece that was not taken left no footnote referred to nor numbered
        assert notes(pieced) == notes(whole), text


def notes(parser: Inlines) -> tuple:
    found = parser.env.get("footnotes", {})
    return found.get("refs"), {n: (e.get("label"), e.get("content")) for n, e in found.get("list", {}).items()}


@pytest.mark.parametrize("text", [
    "$x$ a b 5",            # the math rule reads a text's last character before a first $
    "a $x$ b $y$ c\\",
    "[a](\nhttp://n) b c",  # a shortcut reference, then an inline link's address on the next line
    "`a b` `c\nd` e f",     # a code span across a line end
    '"a b" "c\nd" e',       # smart quotes paired across a line end
    "*a\nb* **c d** e",
    "[^1] [x\ny](http://a) z",
])
def test_cuts_that_would_change_the_tokens_are_not_taken(text):
    whole = inlines(True)
    pieced = inlines(True)
    got = shape(chunks.pieces(text, lambda t: pieced._parse(t, None, None), pieced._undo, True, 1))
    assert got == shape(whole._parse(text, None, None))


def test_a_long_paragraph_of_emphasis_is_parsed_a_piece_at_a_time():
    text = "*a* **b** " * 20_000  # 200 kB, one paragraph
    parser = inlines(True)
    sizes = []

    def parse(piece):
        tokens = parser._parse(piece, None, None)
        sizes.append(len(tokens))
        return tokens

    tokens = shape(chunks.pieces(text.strip(), parse, parser._undo, True))
    assert len(sizes) > 5 and max(sizes) <= chunks.CHUNK_CHARS  # pieces of about CHUNK_CHARS characters
    assert tokens == shape(parser._parse(text.strip(), None, None))


@pytest.mark.parametrize("src", sorted((FIXTURES / "markdown").glob("*.md")), ids=lambda p: p.name)
def test_documents_read_alike_in_pieces(src, monkeypatch):
    """Every paragraph cut at every space it may be cut at: the same model."""
    text = src.read_text(encoding="utf-8")
    with collecting() as said:
        whole = etree.tostring(parse_markdown(text, src.parent))
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 1)
    with collecting() as said_in_pieces:
        assert etree.tostring(parse_markdown(text, src.parent)) == whole
    assert said_in_pieces == said


def test_generated_documents_read_alike_in_pieces(monkeypatch):
    docs = ["\n\n".join(soups(seed, 4)) + "\n\n" + DEFS for seed in range(40)]
    with collecting() as said:
        whole = [etree.tostring(parse_markdown(d, FIXTURES)) for d in docs]
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 3)
    with collecting() as said_in_pieces:
        assert [etree.tostring(parse_markdown(d, FIXTURES)) for d in docs] == whole
    assert said_in_pieces == said
