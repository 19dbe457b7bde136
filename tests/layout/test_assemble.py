"""Set lines → glyph runs and strike-through rules: line_parts (the fast way every line of a
document takes) gives exactly what text_line and strike_rules give glyph by glyph, on the
lines of real documents — justified CJK, squeezed punctuation, links, anchors, struck-out
text, mixed scripts, shaped and right-to-left text."""
from __future__ import annotations

from pathlib import Path

import pytest

from converter.layout import plan
from converter.layout.assemble import line_parts, strike_rules, text_line
from converter.layout.paginate import Layout
from converter.pipeline import read, style_for
from helpers import FIXTURES, SEED, sample_sources

SOURCES = [*sample_sources(), *(FIXTURES / "markdown" / name for name in ("extensions.md", "pandoc-style.md",
                                                                          "mixed-scripts.md")),
           FIXTURES / "scripts" / "scripts.md", FIXTURES / "scripts" / "thai.md", *([SEED] if SEED.is_file() else [])]
SOURCES = [p for p in SOURCES if p.suffix in (".txt", ".md", ".xml")]


def lines_of(src: Path):
    """Every set line of the document's pages, with its left end (the frames' placed lines)."""
    doc = read(src)
    style = style_for(doc, None, src)
    p = plan(doc, style, src.parent)
    found = []
    layout = Layout(style, p.fonts, on_page=lambda frame: found.extend((pl.x, pl.line) for pl in frame.lines))
    layout.run(p.blocks())
    return found


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.name)
def test_line_parts_are_text_line_and_strike_rules(src):
    for x, line in lines_of(src):
        assert line_parts(x, 700.5, line) == (text_line(x, 700.5, line), strike_rules(x, 700.5, line))


def test_the_documents_have_the_lines_the_fast_way_must_get_right():
    """The sources above hold every case line_parts tells apart (so the test above sees them)."""
    seen = dict.fromkeys(("runs of several faces", "runs split at a change of spacing", "struck out", "links",
                          "shaped"), 0)
    for src in SOURCES:
        for x, line in lines_of(src):
            runs = text_line(x, 0.0, line).runs
            seen["runs of several faces"] += len({r.face for r in runs}) > 1
            seen["runs split at a change of spacing"] += any(
                (a.face, a.size, a.color, a.link) == (b.face, b.size, b.color, b.link) and b.anchor is None
                and a.spacing != b.spacing for a, b in zip(runs, runs[1:]))
            seen["struck out"] += bool(strike_rules(x, 0.0, line))
            seen["links"] += any(r.link for r in runs)
            seen["shaped"] += any(g.shaped is not None or g.level for _, g in line.placed)
    assert all(seen.values()), seen
