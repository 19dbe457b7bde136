"""The 纪要 page read back from the PDF (GB/T 9704 10.3): the mark (…纪要) red in the heavy Song
at 72 mm; 出席 / 请假 / 列席 one blank line under the body, 左空二字, the label in 黑体
(FandolHei) with its colon, the names in 仿宋 (FandolFang), wrapped names aligned after the
colon; each label on a line of its own."""
from __future__ import annotations

import pytest

from converter.pipeline import build
from helpers import SOURCES

pdfplumber = pytest.importorskip("pdfplumber")
MM = 72 / 25.4
CHAR = 15.79  # the grid's character pitch (28 to a 156 mm line)
RED = (0.901961, 0.0, 0.070588)


@pytest.fixture(scope="module")
def minutes(tmp_path_factory):
    pdf = build(SOURCES / "gongwen-minutes.txt", tmp_path_factory.mktemp("minutes"), ["pdf"]).outputs[0]
    with pdfplumber.open(pdf) as doc:
        yield doc


def rows(page):
    out: dict[int, list] = {}
    for c in page.chars:
        out.setdefault(round(c["bottom"]), []).append(c)
    return [sorted(r, key=lambda c: c["x0"]) for _, r in sorted(out.items())]


def test_the_mark(minutes):
    mark = [c for c in minutes.pages[0].chars if c["size"] > 30]
    assert "".join(c["text"] for c in mark) == "某市人民政府常务会议纪要"
    assert min(c["top"] for c in mark) / MM == pytest.approx(72, abs=0.5)
    assert all("NotoSerifCJKsc-Black" in c["fontname"] for c in mark)
    assert all(all(abs(a - b) < 0.01 for a, b in zip(c["non_stroking_color"], RED)) for c in mark)


def test_attendance_lines(minutes):
    lines = [r for page in minutes.pages for r in rows(page)]
    text = ["".join(c["text"] for c in r) for r in lines]
    starts = [k for k, t in enumerate(text) if t[:3] in ("出席：", "请假：", "列席：")]
    assert [text[k][:3] for k in starts] == ["出席：", "请假：", "列席："]
    left = 28 * MM
    for k in starts:
        label, names = lines[k][:3], lines[k][3:]
        assert label[0]["x0"] == pytest.approx(left + 2 * CHAR, abs=0.5)  # 左空二字
        assert all("FandolHei" in c["fontname"] for c in label)
        assert all("FandolFang" in c["fontname"] for c in names if c["text"].strip())
    first, body_end = starts[0], starts[0] - 1
    pitch = lines[first][0]["bottom"] - lines[body_end][0]["bottom"]
    assert pitch == pytest.approx(2 * 28.95, abs=0.5)  # one blank line under the body
    # 出席 wraps (eight names) and 列席 wraps twice: wrapped lines start under the first name
    wrapped = [k for k in range(starts[0], starts[-1] + 4) if k not in starts and text[k] and "抄送" not in text[k]][:3]
    assert wrapped
    for k in wrapped:
        assert lines[k][0]["x0"] == pytest.approx(left + 5 * CHAR, abs=0.5)
