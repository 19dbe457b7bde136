"""签发人 on the 文号's line, joint issuance and the signature's page in the DOCX (GB/T 9704
7.2.3–7.2.5, 7.3.5), read back from LibreOffice's PDF with only the embedded fonts."""
from __future__ import annotations

import pytest

import office
from converter.pipeline import build
from converter.style import load_style
from helpers import FIXTURES, SOURCES

pdfplumber = pytest.importorskip("pdfplumber")
MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (210 - 26) * MM
RED = (0.90196, 0.0, 0.07059)
SOURCES_ = {"gongwen-full": FIXTURES / "text" / "gongwen-full.txt",
            "gongwen-joint-signers": FIXTURES / "text" / "gongwen-joint-signers.txt",
            "gongwen-notice": SOURCES / "gongwen-notice.txt"}


def red(color) -> bool:
    return isinstance(color, (tuple, list)) and len(color) == 3 and all(abs(a - b) < 0.01 for a, b in zip(color, RED))


@pytest.fixture(scope="module")
def office_pdfs(tmp_path_factory):
    out = tmp_path_factory.mktemp("masthead")
    docs, ours = [], {}
    for name, src in SOURCES_.items():
        result = build(src, out / name, ["docx", "pdf"], style="gongwen")
        docx, pdf = sorted(result.outputs, key=lambda p: p.suffix)
        docs.append(docx)
        ours[name] = pdf
    pdfs = office.to_pdf(docs, out / "lo", hide_fonts=True)
    return {d.stem: (pdfs[d], ours[d.stem]) for d in docs}


def rows_of(page, size=(15, 17)) -> list[list[dict]]:
    """The characters of each baseline, left to right, top to bottom."""
    rows: dict[float, list[dict]] = {}
    for c in page.chars:
        if size[0] < c["size"] < size[1]:
            rows.setdefault(round(c["matrix"][5]), []).append(c)
    return [sorted(cs, key=lambda c: c["x0"]) for _, cs in sorted(rows.items(), key=lambda kv: -kv[0])]


def text(row) -> str:
    return "".join(c["text"] for c in row)


@pytest.mark.parametrize("name, number, lines", [
    ("gongwen-full", "某财发〔2024〕18号", ["签发人：王建国　李红"]),
    ("gongwen-joint-signers", "某发改交通〔2024〕112号", ["签发人：张三　李四", "王五"]),
])
def test_signers_on_the_docnumber_line_in_libreoffice(office_pdfs, name, number, lines):
    lo, _ = office_pdfs[name]
    char = load_style("gongwen").grid.char_pitch
    with pdfplumber.open(lo) as doc:
        page = doc.pages[0]
        rows = rows_of(page)
        rules = [r for r in page.lines if red(r["stroking_color"])]
    found = [r for r in rows if any(text(r).replace(" ", "").endswith(ln) for ln in lines)]
    assert len(found) == len(lines)
    last = found[-1]
    assert text(last).replace(" ", "").startswith(number)  # the 文号 on the last names' line
    assert last[0]["x0"] - LEFT == pytest.approx(char, abs=0.5 * MM)  # 居左空一字
    assert RIGHT - found[0][-1]["x1"] == pytest.approx(char, abs=0.5 * MM)  # 居右空一字
    label = [c for c in found[0] if c["text"] in "签发人："]
    names = [c for r in found for c in r if c["x0"] > label[-1]["x1"] - 0.1 and c["text"].strip()]
    assert all("FandolFang" in c["fontname"] for c in label) and all("FandolKai" in c["fontname"] for c in names)
    if len(found) > 1:  # later names under the first
        first = next(c for c in found[0] if c["x0"] > label[-1]["x1"] - 0.1)
        second = next(c for c in found[1] if c["text"] == lines[1][0])
        assert second["x0"] == pytest.approx(first["x0"], abs=0.5 * MM)
    # the baseline where the text is drawn (its matrix): LibreOffice writes the font's ascent
    # otherwise than ASCENT, so its top + 0.88 em is 0.7 mm above the baseline
    baseline = page.height - next(c for c in last if c["text"] == "〔")["matrix"][5]
    assert rules and (rules[0]["top"] - baseline) / MM == pytest.approx(4, abs=0.5)
    assert (rules[0]["x1"] - rules[0]["x0"]) / MM == pytest.approx(156, abs=0.6)


def test_joint_mark_in_libreoffice(office_pdfs):
    lo, ours = office_pdfs["gongwen-joint-signers"]
    with pdfplumber.open(lo) as doc:
        mark = [c for c in doc.pages[0].chars if c["size"] > 30]
        count = len(doc.pages)
    assert all(red(c["non_stroking_color"]) for c in mark)
    assert min(c["top"] for c in mark) / MM == pytest.approx(72, abs=1)
    word = [c for c in mark if c["text"] in "文件"]
    rows: dict[int, list[dict]] = {}
    for c in mark:
        if c not in word:
            rows.setdefault(round(c["top"]), []).append(c)
    stack = [sorted(cs, key=lambda c: c["x0"]) for _, cs in sorted(rows.items())]
    assert [text(r) for r in stack] == ["某省发展和改革委员会", "某省财政厅", "某省交通运输厅"]
    assert all(r[0]["x0"] == pytest.approx(stack[0][0]["x0"], abs=0.5 * MM) for r in stack)  # spread to one width
    assert all(r[-1]["x1"] == pytest.approx(stack[0][-1]["x1"], abs=0.5 * MM) for r in stack)
    middle = (stack[0][0]["top"] + stack[-1][0]["bottom"]) / 2
    assert (word[0]["top"] + word[0]["bottom"]) / 2 == pytest.approx(middle, abs=1 * MM)
    assert stack[0][0]["x0"] >= LEFT - 0.5 * MM and max(c["x1"] for c in word) <= RIGHT + 0.5 * MM
    assert count == office.page_count(ours)


def test_the_signature_page_shows_body_text_in_libreoffice(office_pdfs):
    lo, ours = office_pdfs["gongwen-notice"]
    with pdfplumber.open(lo) as doc:
        page = next(p for p in doc.pages if "2024年4月22日" in (p.extract_text() or "").replace(" ", ""))
        lines = [ln.replace(" ", "") for ln in page.extract_text().splitlines()]
        count = len(doc.pages)
    note = next(i for i, ln in enumerate(lines) if ln.startswith("附件："))
    assert note >= 1 and "30分钟" in "".join(lines[:note])  # body text above the note
    assert count == office.page_count(ours)


def test_letter_in_libreoffice(tmp_path):
    """信函 (GB/T 9704 10.1): the mark 30 mm from the page top, the double rules 170 mm long
    (thick over thin under the mark, thin over thick 20 mm above page 1's bottom edge, page 1
    only), 份号 flush left and the 文号 flush right on one line under the first rule — where our
    PDF has them."""
    result = build(FIXTURES / "text" / "gongwen-letter-secret.txt", tmp_path, ["docx", "pdf"], style="gongwen-letter")
    docx, ours = sorted(result.outputs, key=lambda p: p.suffix)
    lo = office.to_pdf([docx], tmp_path / "lo", hide_fonts=True)[docx]
    found = {}
    for name, pdf in (("lo", lo), ("ours", ours)):
        with pdfplumber.open(pdf) as doc:
            page = doc.pages[0]
            rules = sorted((r for r in page.lines if red(r["stroking_color"])), key=lambda r: r["top"])
            mark = [c for c in page.chars if c["size"] > 30]
            rows = rows_of(page)
            later = [r for p in doc.pages[1:] for r in p.lines if red(r["stroking_color"])]
            found[name] = (rules, mark, rows, later, len(doc.pages))
    rules, mark, rows, later, count = found["lo"]
    assert min(c["top"] for c in mark) / MM == pytest.approx(30, abs=0.5)
    assert len(rules) == 4 and not later and count == found["ours"][4]
    for r in rules:
        assert (r["x1"] - r["x0"]) / MM == pytest.approx(170, abs=0.5)
    # thick over thin, thin over thick (0.8 mm is 18 eighths of a point in Word's unit: 0.79)
    assert [round(r["linewidth"] / MM, 2) for r in rules] == [0.79, 0.26, 0.26, 0.79]
    for ours_rule, lo_rule in zip(found["ours"][0], rules):
        assert lo_rule["top"] == pytest.approx(ours_rule["top"], abs=0.5 * MM)
    first = next(r for r in rows if text(r).startswith("000021"))
    number = [c for c in first if c["x0"] > 100 * MM]
    assert first[0]["x0"] == pytest.approx(LEFT, abs=0.5 * MM)  # 份号 flush left
    assert text(number).replace(" ", "") == "某政办函〔2024〕21号" and number[-1]["x1"] == pytest.approx(RIGHT, abs=0.5 * MM)
    ours_first = next(r for r in found["ours"][2] if text(r).startswith("000021"))
    assert first[0]["matrix"][5] == pytest.approx(ours_first[0]["matrix"][5], abs=0.5 * MM)  # baselines


@pytest.mark.parametrize("printer", [False, True])
def test_letter_colophon_in_libreoffice(tmp_path, printer):
    """A 信函's 版记 (GB/T 9704 10.1) in the DOCX through LibreOffice: no rule on its page, 抄送
    at the foot of the type area where our PDF has it (a 印发 line the source writes stays, on
    the last line, without its rule); the sample is read as a 信函 without naming the style."""
    src = SOURCES / "gongwen-letter.txt"
    if printer:
        src = tmp_path / "printer.txt"
        src.write_text((SOURCES / "gongwen-letter.txt").read_text(encoding="utf-8")
                       + "\n某市人民政府办公室　　　　2024年5月20日印发\n", encoding="utf-8")
    result = build(src, tmp_path / "out", ["docx", "pdf"])
    docx, ours = sorted(result.outputs, key=lambda p: p.suffix)
    lo = office.to_pdf([docx], tmp_path / "lo", hide_fonts=True)[docx]
    found = {}
    for name, pdf in (("lo", lo), ("ours", ours)):
        with pdfplumber.open(pdf) as doc:
            last = doc.pages[-1]
            rows = [r for r in rows_of(last, (13, 15)) if r[0]["top"] < 265 * MM]  # 四号
            found[name] = (last.lines + last.rects, rows, len(doc.pages))
    (lines, rows, count), (_, our_rows, our_count) = found["lo"], found["ours"]
    assert lines == [] and count == our_count
    cc = next(r for r in rows if text(r).replace(" ", "").startswith("抄送"))
    our_cc = next(r for r in our_rows if text(r).startswith("抄送"))
    # the same line: LibreOffice sets the text in the table's exact-height row 1.2–1.6 mm lower
    # than our PDF, in the ruled 版记 of gongwen as here (measured on this sample in both styles)
    assert cc[0]["matrix"][5] == pytest.approx(our_cc[0]["matrix"][5], abs=2 * MM)
    assert cc[0]["x0"] == pytest.approx(LEFT + 14, abs=0.5 * MM)  # 左空一字
    assert (rows[-1] is cc) != printer
    if printer:
        assert text(rows[-1]).replace(" ", "").endswith("印发")
    assert max(c["bottom"] for c in rows[-1]) / MM == pytest.approx(262, abs=2.5)  # the type area's foot
