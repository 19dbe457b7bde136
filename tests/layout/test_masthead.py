"""The 版头 of a joint issuance with 签发人 (GB/T 9704-2012 7.2.3–7.2.5), read back from the PDF:
the issuers stacked and 文件 centred on them, the 文号 and 签发人 on one line."""
from __future__ import annotations

import pytest

from converter.pipeline import build
from converter.style import load_style
from helpers import FIXTURES

pdfplumber = pytest.importorskip("pdfplumber")
MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (210 - 26) * MM  # the type area's edges
RED = (0.901961, 0.0, 0.070588)  # #e60012
TWO = FIXTURES / "text" / "gongwen-full.txt"  # 2 issuers, 2 signers
THREE = FIXTURES / "text" / "gongwen-joint-signers.txt"  # 3 issuers, 3 signers


def first_page(tmp_path, source):
    pdf = build(source, tmp_path, ["pdf"], style="gongwen").outputs[0]
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        return page.chars, page.lines


def runs(chars, text: str, size=(15, 17)) -> list[list[dict]]:
    """The characters of each occurrence of ``text`` on one baseline, in order."""
    found, line = [], {}
    for c in chars:
        if size[0] < c["size"] < size[1]:
            line.setdefault(round(c["matrix"][5], 1), []).append(c)  # by baseline
    for top, cs in sorted(line.items()):
        s = "".join(c["text"] for c in sorted(cs, key=lambda c: c["x0"]))
        at = s.find(text)
        if at >= 0:
            found.append(sorted(cs, key=lambda c: c["x0"])[at:at + len(text)])
    return found


@pytest.mark.parametrize("source, number, rows", [
    (TWO, "某财发〔2024〕18号", [["王建国", "李红"]]),
    (THREE, "某发改交通〔2024〕112号", [["张三", "李四"], ["王五"]]),
])
def test_signers_on_the_docnumber_line(tmp_path, source, number, rows):
    chars, lines = first_page(tmp_path, source)
    char = load_style("gongwen").grid.char_pitch
    num = runs(chars, number)[0]
    label = runs(chars, "签发人：")[0]
    assert num[0]["x0"] - LEFT == pytest.approx(char, abs=0.5 * MM)  # 文号 居左空一字
    name_rows = [[runs(chars, n)[0] for n in row] for row in rows]
    last_of_first = name_rows[0][-1]
    assert RIGHT - last_of_first[-1]["x1"] == pytest.approx(char, abs=0.5 * MM)  # 签发人 居右空一字
    assert label[0]["matrix"][5] == pytest.approx(name_rows[0][0][0]["matrix"][5], abs=0.1)
    for row in name_rows[1:]:  # later lines under the first name
        assert row[0][0]["x0"] == pytest.approx(name_rows[0][0][0]["x0"], abs=0.5 * MM)
        assert row[0][0]["top"] > name_rows[0][0][0]["top"] + 20
    assert num[0]["matrix"][5] == pytest.approx(name_rows[-1][0][0]["matrix"][5], abs=0.1)  # the last names' line
    assert all("FandolFang" in c["fontname"] for c in label + num if ord(c["text"]) > 0x2E80)  # 仿宋 (digits: Latin)
    assert all("FandolKai" in c["fontname"] for row in name_rows for name in row for c in name)
    red = [ln for ln in lines if ln["stroking_color"] and all(abs(a - b) < 0.01 for a, b in zip(ln["stroking_color"], RED))]
    baseline = next(c for c in num if c["text"] == "〔")
    baseline = baseline["top"] + 0.88 * baseline["size"]
    assert len(red) == 1 and (red[0]["top"] - baseline) / MM == pytest.approx(4, abs=0.5)


@pytest.mark.parametrize("source, issuers", [(TWO, ["某市财政局", "某市审计局"]),
                                             (THREE, ["某省发展和改革委员会", "某省财政厅", "某省交通运输厅"])])
def test_joint_issuers_stacked_with_the_word_file_centred_on_them(tmp_path, source, issuers):
    chars, _ = first_page(tmp_path, source)
    mark = [c for c in chars if c["size"] > 23]  # larger than the 二号 title
    assert all(c["non_stroking_color"] and all(abs(a - b) < 0.01 for a, b in zip(c["non_stroking_color"], RED))
               for c in mark)
    word = sorted((c for c in mark if c["text"] in "文件"), key=lambda c: c["x0"])  # no issuer here has them
    assert "".join(c["text"] for c in word) == "文件"
    rows: dict[float, list[dict]] = {}
    for c in mark:
        if c not in word:
            rows.setdefault(round(c["top"], 1), []).append(c)
    tops = sorted(rows)
    stack = [sorted(rows[t], key=lambda c: c["x0"]) for t in tops]
    assert ["".join(c["text"] for c in row) for row in stack] == issuers  # the lead one first
    assert min(tops) / MM == pytest.approx(72, abs=0.5)  # the top edge 72 mm from the page top
    x0, x1 = stack[0][0]["x0"], stack[0][-1]["x1"]
    assert all(row[0]["x0"] == pytest.approx(x0, abs=0.5 * MM) and row[-1]["x1"] == pytest.approx(x1, abs=0.5 * MM)
               for row in stack)  # every name spread over the longest one's width
    assert word[0]["x0"] > x1  # 文件 to the right of the names
    middle = (stack[0][0]["top"] + stack[-1][0]["bottom"]) / 2
    assert (word[0]["top"] + word[0]["bottom"]) / 2 == pytest.approx(middle, abs=0.5 * MM)  # centred on the stack
    right = max(c["x1"] for c in word)
    assert x0 >= LEFT - 0.1 and right <= RIGHT + 0.1  # within the type area (set smaller if need be)
    assert (x0 + right) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=0.5 * MM)  # the whole mark centred
