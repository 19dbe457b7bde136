"""Thai line breaking (issue 13): no spaces between words, so lines break between the words
PyThaiNLP's segmenter finds (text.segment), never inside a word nor between a letter and its
marks; nothing is lost."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from converter.layout.linebreak import Glyph, break_lines, make_units
from converter.text.segment import _thai_words, word_starts
from helpers import FIXTURES

SOURCE = FIXTURES / "scripts" / "thai.md"
PARAGRAPH = SOURCE.read_text(encoding="utf-8").split("\n\n", 1)[1].strip()


def glyphs(text: str) -> list[Glyph]:
    return [Glyph(ch, "f", 10.0, 0.0 if ch in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c" else 5.0)
            for ch in text]


def test_word_starts_are_the_segmenters_word_boundaries():
    text = "ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรค"
    words = _thai_words(text)
    assert "".join(words) == text and len(words) > 4
    bounds = {sum(len(w) for w in words[:k]) for k in range(1, len(words))}
    assert word_starts(text) == bounds


def test_no_thai_no_segmenter():
    assert word_starts("Latin words, 中文字, and digits 1234") == set()


def test_each_thai_word_is_a_unit():
    text = "การตัดบรรทัดจึงต้องอาศัยพจนานุกรม"
    units = make_units(glyphs(text))
    assert [u.text for u in units] == list(_thai_words(text))


@pytest.mark.parametrize("width", [60, 110, 170, 240])
def test_a_long_thai_paragraph_breaks_only_between_words(width):
    lines = break_lines(glyphs(PARAGRAPH), lambda i: float(width))
    text = "".join(u.text for ln in lines for u in ln.units)
    assert text.replace(" ", "") == PARAGRAPH.replace(" ", "")  # nothing lost
    breaks, at = set(), 0
    for ln in lines[:-1]:
        at += len("".join(u.text for u in ln.units).replace(" ", ""))
        breaks.add(at)
    offsets = _offsets_without_spaces(PARAGRAPH)
    assert len(lines) > 3
    assert breaks <= offsets, sorted(breaks - offsets)
    for ln in lines:  # no line overflows its measure
        assert sum(u.width for u in ln.units) <= width + 0.01


def _offsets_without_spaces(text: str) -> set[int]:
    """The places between two words of text, counted in characters that are not spaces."""
    out, at = set(), 0
    for chunk in text.split():
        for w in _thai_words(chunk):
            at += len(w)
            out.add(at)
    return out


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_breaks_between_words_and_gives_the_text_back(tmp_path):
    from converter.pipeline import build

    build(SOURCE, tmp_path, ["pdf"])
    text = subprocess.run(["pdftotext", str(tmp_path / "thai.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [ln for ln in text.splitlines() if ln.strip()][1:-1]  # the paragraph (not title, folio)
    assert len(lines) >= 3
    assert "".join(lines).replace(" ", "") == PARAGRAPH.replace(" ", "")
    offsets = _offsets_without_spaces(PARAGRAPH)
    at = 0
    for ln in lines[:-1]:
        at += len(ln.replace(" ", ""))
        assert at in offsets, ln  # each line ends at a word's end


def test_a_thai_line_with_one_space_is_not_stretched_open():
    """Justified, a short Thai line would put all its slack into its one space: it is set
    ragged instead; a Latin line of the same shape is still justified."""
    from converter.layout.linebreak import Line, make_units, set_line

    for text, justified in (("การตัดบรรทัด จึงต้องอาศัย", False), ("justified lines stretch", True)):
        line = Line(make_units(glyphs(text)))
        set_line(line, 400.0, "justify")
        assert (abs(line.end - 400.0) < 0.01) is justified, text
