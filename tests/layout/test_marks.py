"""Marks of general documents on the pages (issue 13): struck-out text has a line through it,
sub- and superscripts are small and below or above the baseline, a task's box is its marker,
a formula of its own is centred."""
from __future__ import annotations

from converter.layout import lay_out
from converter.pipeline import read, style_for


def _pages(tmp_path, text: str):
    src = tmp_path / "marks.md"
    src.write_text(text, encoding="utf-8")
    doc = read(src)
    return lay_out(doc, style_for(doc, None), tmp_path).pages


def _runs(pages):
    return [run for page in pages for line in page.lines for run in line.runs]


def test_strike_sub_and_sup(tmp_path):
    pages = _pages(tmp_path, "# T\n\nkeep ~~gone words~~ H~2~O m^3^\n")
    runs = _runs(pages)
    gone = next(r for r in runs if "gone" in r.text)
    body = next(r for r in runs if r.text.startswith("keep"))
    rules = [r for page in pages for r in page.rules if r.y1 == r.y2 and r.y1 > gone.baseline]
    (strike,) = [r for r in rules if r.y1 < gone.baseline + gone.size]
    assert strike.x1 == gone.xs[0] and strike.x2 > gone.xs[-1]  # through the words, end to end
    sub = next(r for r in runs if r.text == "2")
    sup = next(r for r in runs if r.text == "3")
    assert sub.size < body.size and sub.rise < 0 and sup.size < body.size and sup.rise > 0


def test_task_boxes_are_the_markers_and_display_math_is_centred(tmp_path):
    pages = _pages(tmp_path, "# T\n\n- [ ] open\n- [x] done\n\n$$\nx^2\n$$\n")
    texts = ["".join(r.text for r in line.runs) for page in pages for line in page.lines]
    assert any(t.startswith("☐") and "open" in t for t in texts)
    assert any(t.startswith("☒") and "done" in t for t in texts)
    assert not any("•" in t for t in texts)
    formula = next(r for r in _runs(pages) if r.text == "x^2")
    page = pages[0]
    middle = formula.xs[0] + (formula.xs[-1] - formula.xs[0]) / 2
    assert abs(middle - page.width / 2) < 40  # centred on the text area (margins are mirrored)
