"""The survey a second process makes the painters' fonts from (layout.faces_of, pipeline.Early):
the same faces and characters the layout opens its painters with, found without breaking the
titles into lines."""
from __future__ import annotations

import pytest

from converter.layout import faces_of, lay_out
from converter.pipeline import read, style_for
from converter.text import titles
from helpers import FIXTURES, SEED, SOURCES

#: the samples, the seed, and a 公文 whose 主送 moves to the 版记 (with its label, 主送：, whose 主
#: the document has nowhere else)
SAMPLES = (sorted(p for p in SOURCES.iterdir() if p.suffix in (".txt", ".md")) + [SEED]
           + [FIXTURES / "text" / "gongwen-long-addressee.txt"])


@pytest.mark.parametrize("src", SAMPLES, ids=lambda p: p.name)
def test_the_survey_finds_the_faces_and_characters_the_painters_are_opened_with(src):
    if not src.is_file():
        pytest.skip(f"{src} is absent")
    doc = read(src)
    style = style_for(doc, None, src)
    assert faces_of(doc, style, src.parent) == lay_out(doc, style, src.parent).faces


def test_the_survey_breaks_no_title_into_lines(monkeypatch):
    """A 公文's long title, and a 主送 whose place in the 版记 would add no character (the layout
    decides it by laying page 1 out, titles broken): surveyed without the word segmenter, whose
    dictionary takes 0.15 s to load."""
    src = SOURCES / "gongwen-notice.txt"
    doc = read(src)
    style = style_for(doc, None, src)
    broken = []
    titles._title_lines_in.cache_clear()  # (the lines the tests above had broken)
    monkeypatch.setattr(titles, "words", lambda text: broken.append(text) or [text])
    faces = faces_of(doc, style, src.parent)
    assert broken == [] and faces
    lay_out(doc, style, src.parent)
    assert broken, "the layout itself breaks the title between words"
