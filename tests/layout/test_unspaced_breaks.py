"""Lao, Khmer and Myanmar line breaking: no spaces between words, so lines break where ICU's
line breaker finds a word boundary (text.segment), never inside a cluster nor before the
punctuation that ends a word (၏ ။ ។); nothing is lost. Real text: articles of the Universal
Declaration of Human Rights (each fixture's header says where from)."""
from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from converter.layout.linebreak import Glyph, break_lines
from converter.text.segment import in_one_run, word_starts
from helpers import FIXTURES

icu = pytest.importorskip("icu4py.breakers")

LANGS = {"lao": "lo", "khmer": "km", "myanmar": "my"}


def fixture(name: str) -> tuple[str, list[str]]:
    """The heading and the paragraphs of a fixture (after its provenance comment)."""
    text = (FIXTURES / "scripts" / f"{name}.md").read_text(encoding="utf-8").split("-->", 1)[1]
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return blocks[0].removeprefix("# "), blocks[1:]


def boundaries(paragraph: str) -> set[int]:
    """Where a line may end inside the paragraph: where the segmenter says a word starts, or
    where the script's run meets punctuation of another script (ຍະ|(ຮູ້: no word goes on there)."""
    edges = {k for k in range(1, len(paragraph)) if not in_one_run(paragraph[k - 1], paragraph[k])}
    return word_starts(paragraph) | edges


@pytest.mark.parametrize("name", LANGS)
def test_word_starts_are_icus_line_breaks_and_never_split_a_cluster(name):
    _, paragraphs = fixture(name)
    for text in paragraphs:
        assert " " not in text
        starts = word_starts(text)
        icu_breaks = {end for _, end in icu.LineBreaker(text, LANGS[name]).segments()} - {len(text)}
        assert len(starts) > 5 and starts <= icu_breaks
        for at in starts:
            assert not unicodedata.category(text[at]).startswith("M")  # never before a mark
            assert text[at - 1] not in "\u1039\u17d2"  # nor after a virama or coeng
            assert text[at] not in "၊။၏។៕៖ៗໆ"  # nor before what ends a word


def glyphs(text: str) -> list[Glyph]:
    return [Glyph(ch, "f", 10.0, 0.0 if unicodedata.category(ch).startswith("M") else 5.0) for ch in text]


@pytest.mark.parametrize("name", LANGS)
@pytest.mark.parametrize("width", [60, 150, 300])
def test_a_long_line_breaks_only_between_words(name, width):
    for text in fixture(name)[1]:
        lines = break_lines(glyphs(text), lambda i: float(width))
        assert "".join(u.text for ln in lines for u in ln.units) == text  # nothing lost
        ends, at = set(), 0
        for ln in lines[:-1]:
            at += len("".join(u.text for u in ln.units))
            ends.add(at)
        assert ends <= boundaries(text), sorted(ends - boundaries(text))
        if sum(g.advance for g in glyphs(text)) > 2 * width:
            assert len(lines) > 2


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("name", LANGS)
def test_the_pdf_breaks_between_words_and_gives_the_text_back(tmp_path, name):
    from converter.pipeline import build

    heading, paragraphs = fixture(name)
    build(FIXTURES / "scripts" / f"{name}.md", tmp_path, ["pdf"])
    out = subprocess.run(["pdftotext", str(tmp_path / f"{name}.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    lines = [ln for ln in out.splitlines() if ln.strip()]
    lines = lines[lines.index(heading) + 1:-1]  # the paragraphs (not the title, heading, folio)
    whole = "".join(paragraphs)
    assert "".join(lines) == whole  # every character, in order
    ends, at = set(), 0  # where a line may end: a word boundary, or a paragraph's end
    for text in paragraphs:
        ends |= {at + b for b in boundaries(text)}
        at += len(text)
        ends.add(at)
    at = 0
    for ln in lines:
        at += len(ln)
        assert at in ends, ln  # each line ends at a word's end
    assert len(lines) >= len(paragraphs) + 3  # the long articles did wrap
