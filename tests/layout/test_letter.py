"""The 信函 format (GB/T 9704-2012 10.1) read back from the PDF: red double rules 170 mm long —
thick over thin 4 mm under the mark, thin over thick 20 mm above page 1's bottom edge —, 份号 …
flush left and the 文号 flush right 7/8 of a 三号 character under the first rule."""
from __future__ import annotations

import pytest

from converter.pipeline import build
from converter.style import load_style
from helpers import FIXTURES, SOURCES

pdfplumber = pytest.importorskip("pdfplumber")
MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (210 - 26) * MM
PAGE_H = 297 * MM
RED = (0.901961, 0.0, 0.070588)


def red(color) -> bool:
    return isinstance(color, (tuple, list)) and len(color) == 3 and all(abs(a - b) < 0.01 for a, b in zip(color, RED))


@pytest.fixture(scope="module")
def letter(tmp_path_factory):
    out = tmp_path_factory.mktemp("letter")
    pdf = build(FIXTURES / "text" / "gongwen-letter-secret.txt", out, ["pdf"], style="gongwen-letter").outputs[0]
    with pdfplumber.open(pdf) as doc:
        yield [(p.chars, p.lines, p.extract_words()) for p in doc.pages]


def baseline(c) -> float:
    return PAGE_H - c["matrix"][5]


def test_double_rules_on_page_one(letter):
    chars, lines, _ = letter[0]
    rules = sorted((ln for ln in lines if red(ln["stroking_color"])), key=lambda ln: ln["top"])
    assert len(rules) == 4
    for r in rules:
        assert (r["x1"] - r["x0"]) / MM == pytest.approx(170, abs=0.5)
        assert (r["x0"] + r["x1"]) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=0.5 * MM)  # centred
    widths = [round(r["linewidth"] / MM, 2) for r in rules]
    assert widths == [0.8, 0.25, 0.25, 0.8]  # thick over thin; thin over thick
    mark = [c for c in chars if c["size"] > 30]
    assert min(c["top"] for c in mark) / MM == pytest.approx(30, abs=0.5)  # 30 mm from the page top
    mark_bottom = max(c["top"] for c in mark) + mark[0]["size"]
    assert (rules[0]["top"] - rules[0]["linewidth"] / 2 - mark_bottom) / MM == pytest.approx(4, abs=0.5)
    assert (rules[3]["top"] + rules[3]["linewidth"] / 2) / MM == pytest.approx(297 - 20, abs=0.5)
    assert rules[1]["top"] > rules[0]["top"] and rules[3]["top"] - rules[2]["top"] < 2 * MM  # pairs


def test_masthead_elements_under_the_first_rule(letter):
    chars, lines, words = letter[0]
    rules = sorted((ln for ln in lines if red(ln["stroking_color"])), key=lambda ln: ln["top"])
    under = rules[1]["top"] + rules[1]["linewidth"] / 2  # the first double rule's bottom edge
    pitch = load_style("gongwen-letter").role("body").line_pitch
    copy = next(c for c in chars if c["text"] == "0")
    secrecy = next(c for c in chars if c["text"] == "机" and c["top"] < 80 * MM)
    urgency = next(c for c in chars if c["text"] == "特" and c["top"] < 90 * MM)
    number = [c for c in chars if c["text"] in "某政办函〔2024〕21号" and c["x0"] > 100 * MM and baseline(c) == pytest.approx(baseline(copy), abs=0.1)]
    assert copy["x0"] == pytest.approx(LEFT, abs=0.5 * MM) and secrecy["x0"] == pytest.approx(LEFT, abs=0.5 * MM)
    # the first element's top edge 7/8 of a 三号 character (14 pt) under the rule
    assert baseline(copy) - 0.88 * 16 - under == pytest.approx(14, abs=0.5 * MM)
    assert baseline(secrecy) - baseline(copy) == pytest.approx(pitch, abs=0.1)
    assert baseline(urgency) - baseline(secrecy) == pytest.approx(pitch, abs=0.1)
    assert "".join(c["text"] for c in sorted(number, key=lambda c: c["x0"])) == "某政办函〔2024〕21号"
    assert max(c["x1"] for c in number) == pytest.approx(RIGHT, abs=0.5 * MM)  # flush right, on 份号's line
    title = [c for c in chars if 21 < c["size"] < 23]
    # the title two (blank) lines under the last element
    assert min(baseline(c) for c in title) - 0.88 * 22 - (baseline(urgency) - 0.88 * 16) == pytest.approx(3 * pitch, abs=0.5 * MM)


def test_only_page_one_has_the_rules_and_no_number(letter):
    assert len(letter) >= 2
    chars, _, _ = letter[0]
    assert not [c for c in chars if c["top"] > 262 * MM]  # no page number on page 1
    for chars, lines, _ in letter[1:]:
        assert not [ln for ln in lines if red(ln["stroking_color"])]


def test_the_sample_letter(tmp_path):
    """sources/gongwen-letter.txt: no 份号; the 文号 flush right on the first line under the rule."""
    pdf = build(SOURCES / "gongwen-letter.txt", tmp_path, ["pdf"], style="gongwen-letter").outputs[0]
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        rules = sorted((ln for ln in page.lines if red(ln["stroking_color"])), key=lambda ln: ln["top"])
        number = [c for c in page.chars if c["text"] == "号" and c["top"] < 100 * MM]
    assert len(rules) == 4 and number
    assert number[0]["x1"] == pytest.approx(RIGHT, abs=0.5 * MM)
    under = rules[1]["top"] + rules[1]["linewidth"] / 2
    assert baseline(number[0]) - 0.88 * 16 - under == pytest.approx(14, abs=0.5 * MM)


def _colophon_page(pdf):
    with pdfplumber.open(pdf) as doc:
        last = doc.pages[-1]
        return last.lines + last.rects, [c for c in last.chars if c["top"] < 265 * MM], last.extract_text_lines()


@pytest.mark.parametrize("source", ["sample", "printer"])
def test_the_colophon_without_rules_at_the_foot(tmp_path, source):
    """GB/T 9704 10.1: a 信函's 版记 has no rules and stands at the foot of the last page's type
    area — 抄送's line the type area's last (its bottom edge 262 mm from the page top). A 印发
    line the source writes is not dropped (nothing lost): it prints, without its rule."""
    src = SOURCES / "gongwen-letter.txt"
    if source == "printer":
        src = tmp_path / "printer.txt"
        src.write_text((SOURCES / "gongwen-letter.txt").read_text(encoding="utf-8")
                       + "\n某市人民政府办公室　　　　2024年5月20日印发\n", encoding="utf-8")
    pdf = build(src, tmp_path / "out", ["pdf"]).outputs[0]  # the reader names gongwen-letter
    lines, chars, text_lines = _colophon_page(pdf)
    assert lines == []  # no rule on the 版记's page
    cc = next(t for t in text_lines if t["text"].startswith("抄送"))
    pitch = load_style("gongwen-letter").role("body").line_pitch
    last = max(text_lines, key=lambda t: t["bottom"] if t["bottom"] < 265 * MM else 0)
    assert last["bottom"] / MM == pytest.approx(262 - (pitch - 14) / 2 / MM, abs=1.2)  # the em box centred in the last line
    if source == "printer":
        assert "印发" in last["text"] and last["top"] - cc["top"] == pytest.approx(pitch, abs=0.2)
    else:
        assert last is cc
        assert cc["x0"] == pytest.approx(LEFT + 14, abs=0.3 * MM)  # 左空一字 (四号, 14 pt)
