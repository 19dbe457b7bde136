"""The GB/T 9704 parts in the DOCX, read back from LibreOffice's PDF (embedded fonts only):
the mark at 72 mm and red, the red separator 4 mm under the 文号, attachment bodies on new
pages, the 版记 rules; the page count equals our PDF's."""
from __future__ import annotations

import pytest

import office
from converter.pipeline import build
from helpers import SOURCES, colophon_notice

pdfplumber = pytest.importorskip("pdfplumber")
MM = 72 / 25.4
RED = (0.90196, 0.0, 0.07059)


def red(color) -> bool:
    return color is not None and len(color) == 3 and all(abs(a - b) < 0.01 for a, b in zip(color, RED))


@pytest.fixture(scope="module")
def notice(tmp_path_factory):
    out = tmp_path_factory.mktemp("notice")
    result = build(SOURCES / "gongwen-notice.txt", out, ["docx", "pdf"], style="gongwen")
    docx, ours = sorted(result.outputs, key=lambda p: p.suffix)
    pdf = office.to_pdf([docx], out / "lo", hide_fonts=True)[docx]
    with pdfplumber.open(pdf) as doc:
        yield doc, office.page_count(ours)


def test_masthead_in_libreoffice(notice):
    doc, _ = notice
    page = doc.pages[0]
    mark = [c for c in page.chars if c["size"] > 30]
    assert "".join(c["text"] for c in mark) == "某市人民政府办公室文件"
    assert min(c["top"] for c in mark) / MM == pytest.approx(72, abs=1)
    assert all(red(c["non_stroking_color"]) for c in mark)
    number = next(c for c in page.chars if c["text"] == "〔")
    # the baseline where the text is drawn (its matrix): LibreOffice writes the font's ascent
    # otherwise than ASCENT, so its top + 0.88 em is 0.7 mm above the baseline
    baseline = page.height - number["matrix"][5]
    rules = [r for r in page.lines if red(r["stroking_color"])]
    assert rules
    assert (rules[0]["top"] - baseline) / MM == pytest.approx(4, abs=0.5)
    assert (rules[0]["x1"] - rules[0]["x0"]) / MM == pytest.approx(156, abs=0.6)


def test_attachments_on_new_pages_and_page_count(notice):
    doc, ours = notice
    # LibreOffice spaces 附件 from its digit: first lines without spaces
    firsts = [p.extract_text().splitlines()[0].replace(" ", "") for p in doc.pages if p.extract_text()]
    assert [w for w in firsts if w.startswith("附件") and w[2:3].isdigit()] == ["附件1", "附件2"]
    assert len(doc.pages) == ours


def test_colophon_rules(notice):
    doc, _ = notice
    widths = sorted({round(r["linewidth"] / MM, 2) for r in doc.pages[-1].lines})
    assert widths == [0.26, 0.35]  # 0.25 mm is 6 eighths of a point (0.26 mm) in Word's unit


def _numbers_and_colophon(pdf):
    """Per page: whether it prints a number; and the 版记's last rule (mm from the top)."""
    with pdfplumber.open(pdf) as doc:
        numbers = [bool("".join(c["text"] for c in p.chars if c["top"] > 265 * MM).strip()) for p in doc.pages]
        last = doc.pages[-1]
        rule = max((ln["top"] for ln in last.lines), default=0) / MM
        has_cc = "抄送" in last.extract_text().replace(" ", "")
    return numbers, rule, has_cc


@pytest.mark.parametrize("lines", [10, 16, 37])
def test_colophon_page_in_libreoffice(tmp_path, lines):
    """The DOCX through LibreOffice: the 版记 at the foot of the last page (its last rule at
    262 mm), the same pages as our PDF, and no number on the same pages (37 lines: a blank page
    before the 版记, neither numbered)."""
    src = tmp_path / f"n{lines}.txt"
    src.write_text(colophon_notice(lines), encoding="utf-8")
    result = build(src, tmp_path / "out", ["docx", "pdf"], style="gongwen")
    docx, ours = sorted(result.outputs, key=lambda p: p.suffix)
    lo = office.to_pdf([docx], tmp_path / "lo", hide_fonts=True)[docx]
    (our_numbers, our_rule, _), (lo_numbers, lo_rule, lo_cc) = _numbers_and_colophon(ours), _numbers_and_colophon(lo)
    assert lo_numbers == our_numbers
    assert lo_cc and lo_rule == pytest.approx(262, abs=1) and our_rule == pytest.approx(262, abs=0.5)
    if lines == 37:
        assert our_numbers == [True, True, False, False]


def test_minutes_attendance_in_libreoffice(tmp_path):
    """The 纪要's 出席 / 请假 / 列席 in the DOCX through LibreOffice: 左空二字, the label in
    FandolHei, the names in FandolFang, wrapped names under the first name; pages as our PDF."""
    result = build(SOURCES / "gongwen-minutes.txt", tmp_path / "out", ["docx", "pdf"])
    docx, ours = sorted(result.outputs, key=lambda p: p.suffix)
    lo = office.to_pdf([docx], tmp_path / "lo", hide_fonts=True)[docx]
    assert office.page_count(lo) == office.page_count(ours)
    with pdfplumber.open(lo) as doc:
        chars = [c for p in doc.pages for c in p.chars]
    rows: dict[tuple, list] = {}
    for c in chars:
        rows.setdefault((c["page_number"], round(c["bottom"])), []).append(c)
    lines = [sorted(r, key=lambda c: c["x0"]) for _, r in sorted(rows.items())]
    text = ["".join(c["text"] for c in r).replace(" ", "") for r in lines]
    starts = [k for k, t in enumerate(text) if t[:3] in ("出席：", "请假：", "列席：")]
    assert [text[k][:3] for k in starts] == ["出席：", "请假：", "列席："]
    left, char = 28 * MM, 15.79
    for k in starts:
        assert lines[k][0]["x0"] == pytest.approx(left + 2 * char, abs=1.5)
        assert all("FandolHei" in c["fontname"] for c in lines[k][:3])
        assert all("FandolFang" in c["fontname"] for c in lines[k][3:] if c["text"].strip() and not c["text"].isdigit())
    assert lines[starts[0] + 1][0]["x0"] == pytest.approx(left + 5 * char, abs=1.5)  # 出席's names wrap
