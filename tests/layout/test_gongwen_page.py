"""The GB/T 9704-2012 page read back from the PDF (issue 12): faces, the 版头 at the
millimetre, attachment bodies on new pages, the 版记 at the foot of the last page."""
from __future__ import annotations

import pytest

from converter.pipeline import build
from helpers import SOURCES

pdfplumber = pytest.importorskip("pdfplumber")
MM = 72 / 25.4
RED = (0.901961, 0.0, 0.070588)  # #e60012


@pytest.fixture(scope="module")
def notice(tmp_path_factory):
    out = tmp_path_factory.mktemp("notice")
    pdf = build(SOURCES / "gongwen-notice.txt", out, ["pdf"], style="gongwen").outputs[0]
    with pdfplumber.open(pdf) as doc:
        yield doc


def red(color) -> bool:
    return color is not None and len(color) == 3 and all(abs(a - b) < 0.01 for a, b in zip(color, RED))


def test_body_is_fangsong(notice):
    body = [c for c in notice.pages[0].chars if c["text"] == "为"]
    assert body and all("FandolFang" in c["fontname"] for c in body)


def test_mark_top_edge_72_mm_and_red(notice):
    mark = [c for c in notice.pages[0].chars if c["size"] > 30]
    assert "".join(c["text"] for c in mark) == "某市人民政府办公室文件"
    assert min(c["top"] for c in mark) / MM == pytest.approx(72, abs=0.5)
    assert all(red(c["non_stroking_color"]) for c in mark)


def test_red_separator_4_mm_under_the_docnumber_156_mm_long(notice):
    page = notice.pages[0]
    number = [c for c in page.chars if c["text"] in "某政办发〔2024〕15号" and 15 < c["size"] < 17]
    baseline = max(c["top"] + 0.88 * c["size"] for c in number if c["text"] == "〔")
    rules = [ln for ln in page.lines if red(ln["stroking_color"])]
    assert len(rules) == 1
    rule = rules[0]
    assert (rule["top"] - baseline) / MM == pytest.approx(4, abs=0.5)
    assert (rule["x1"] - rule["x0"]) / MM == pytest.approx(156, abs=0.5)
    assert rule["x0"] / MM == pytest.approx(28, abs=0.5)
    title = [c for c in page.chars if c["size"] > 21 and c["size"] < 23]
    assert min(c["top"] for c in title) > rule["top"] + 1.5 * 28.95  # two lines under it


def test_attachment_bodies_start_new_pages(notice):
    starts = []
    for page in notice.pages:
        words = page.extract_words()
        if words and words[0]["text"].startswith("附件") and words[0]["text"][2:3].isdigit():
            starts.append((page.page_number, words[0]))
    assert [w["text"][:3] for _, w in starts] == ["附件1", "附件2"]
    for _, word in starts:
        assert word["x0"] / MM == pytest.approx(28, abs=0.5)  # flush left
        assert word["top"] / MM == pytest.approx(37, abs=1)  # line 1


def test_colophon_at_the_foot_of_the_last_page(notice):
    last = notice.pages[-1]
    rules = sorted(last.lines, key=lambda ln: ln["top"])[-3:]
    assert rules[-1]["top"] / MM == pytest.approx(262, abs=0.5)  # the type area's bottom edge
    assert [round(ln["linewidth"] / MM, 2) for ln in rules] == [0.35, 0.25, 0.35]
    assert all((ln["x1"] - ln["x0"]) / MM == pytest.approx(156, abs=0.5) for ln in rules)
    words = last.extract_words()
    cc = next(w for w in words if w["text"].startswith("抄送"))
    printer = next(w for w in words if w["text"] == "某市人民政府办公室" and w["top"] > rules[1]["top"])
    date = next(w for w in words if w["text"].endswith("印发"))
    char = 14
    assert cc["x0"] - 28 * MM == pytest.approx(char, abs=1)  # 左空一字
    assert printer["x0"] - 28 * MM == pytest.approx(char, abs=1)
    assert (210 - 26) * MM - date["x1"] == pytest.approx(char, abs=1)  # 右空一字
    assert rules[0]["top"] < cc["top"] < rules[1]["top"] < printer["top"] < rules[2]["top"]


@pytest.mark.parametrize("style, top", [("gongwen-order", 37 + 20), ("gongwen-letter", 30)])
def test_special_formats_place_the_mark(tmp_path, style, top):
    """命令 format: the mark 20 mm under the type area's top; 信函 format: 30 mm from the page
    top, and no page number on page 1."""
    src = tmp_path / "notice.txt"
    body = "\n".join("　　现就做好春季防火工作通知如下，请各区人民政府认真贯彻执行，确保安全。" for _ in range(30))
    src.write_text(f"某市人民政府文件\n\n某政发〔2024〕3号\n\n某市人民政府关于做好春季防火工作的通知\n\n"
                   f"各区人民政府：\n\n{body}\n\n某市人民政府\n2024年3月1日\n", encoding="utf-8")
    pdf = build(src, tmp_path / "out", ["pdf"], style=style).outputs[0]
    with pdfplumber.open(pdf) as doc:
        first = doc.pages[0]
        mark = [c for c in first.chars if c["size"] > 30]
        assert min(c["top"] for c in mark) / MM == pytest.approx(top, abs=0.5)
        folio = [c for c in first.chars if c["top"] > 262 * MM]
        assert bool(folio) == (style != "gongwen-letter")
        assert [c for c in doc.pages[1].chars if c["top"] > 262 * MM]  # page 2 is numbered


def test_the_signature_page_of_the_notice_shows_body_text(notice):
    """Issue 12: page 3 held only the 附件说明, the signature and 附注; the last two body lines
    now open it, above the note."""
    page = next(p for p in notice.pages if "某市人民政府办公室" in (p.extract_text() or "")
                and "2024年4月22日" in p.extract_text())
    lines = page.extract_text().splitlines()
    note = next(i for i, ln in enumerate(lines) if ln.replace(" ", "").startswith("附件："))
    assert note >= 2 and "30分钟" in "".join(lines[:note])  # body text of 三、保障措施 above the note
