"""Where a text extractor reads each glyph of a shaped cluster (layout.reading): read in the
order of their origins — and right-to-left text reversed, as poppler does — a cluster's
characters come back in logical order, marks after their letters."""
from __future__ import annotations

import pytest

from converter.fonts.find import first_installed
from converter.layout.reading import hairs_of, mark_origin, rtl_cluster
from converter.layout.shaping import Shaper, ShapedGlyph

SIZE = 12.0


def shaped(text: str, face, rtl: bool):
    per_char = Shaper().shape(text, face, SIZE, rtl, "")
    return per_char[0]  # one cluster: its glyphs on its first character


@pytest.mark.parametrize("family, cluster", [
    ("Noto Naskh Arabic", "رَّ"),         # ra, fatha, shadda: one glyph for the two marks
    ("Noto Naskh Arabic", "للَّٰهِ"),      # the lam-lam-heh ligature with its marks
    ("Noto Serif Hebrew", "בְּ"),          # bet with dagesh drawn as one glyph, sheva
    ("Noto Serif Hebrew", "שִׁ"),          # shin with shin dot drawn as one, hiriq
])
def test_a_right_to_left_cluster_reads_back_in_logical_order(family, cluster):
    face = first_installed([family])
    if face is None:
        pytest.skip(f"{family} not installed")
    glyphs = shaped(cluster, face, rtl=True)
    placed = rtl_cluster(cluster, glyphs, 100.0, face, SIZE)
    assert placed is not None
    assert all(len(g[4]) == 1 for g in placed)  # one character per glyph
    by_place = sorted(placed, key=lambda g: g[1])
    assert "".join(g[4] for g in reversed(by_place)) == cluster  # what poppler makes of it
    drawn = [g for g in placed if g[0] != -1]
    assert sorted(g[0] for g in drawn) == sorted(s.gid for s in glyphs)  # every glyph drawn once


def test_marks_sharing_a_pen_keep_their_order():
    base, a, b = ShapedGlyph(1, 6.0, units=500), ShapedGlyph(2, 0.0, ox=-300, upem=1000), ShapedGlyph(3, 0.0, ox=-250, oy=400, upem=1000)
    assert hairs_of([base, a, b]) == [0, 2, 1]
    first, second = mark_origin(a, 106.0, SIZE, "\u0e31", 2), mark_origin(b, 106.0, SIZE, "\u0e48", 1)
    assert first[1] < second[1] < 106.0  # read in the order drawn, both before the next letter
    # drawn where HarfBuzz put them: the origin plus the glyph's own offset
    for (gid, x, dy, _, _, offset), s in ((first, a), (second, b)):
        assert dy == 0.0 and abs(x + offset[0] * SIZE / 1000 - (106.0 + s.ox * SIZE / 1000)) < 1e-9
        assert offset[1] == s.oy
