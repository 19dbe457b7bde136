"""The PDF read back with real tools: pdftotext, pdffonts, pdfinfo, pdfplumber."""
from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from converter.model.outline import outline
from converter.pipeline import build, read
from converter.layout.linebreak import CLOSING_HALF, NO_END, NO_START
from helpers import FIXTURES, missing_in_order, sample_sources, source_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
MM = 72 / 25.4


def pdf_of(src: Path, out: Path, style: str | None = None) -> Path:
    return build(src, out, ["pdf"], style).outputs[0]


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory):
    from helpers import SEED

    if not SEED.is_file():
        pytest.skip("corpus seed absent")
    import os

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    return SEED, pdf_of(SEED, tmp_path_factory.mktemp("seedpdf"))


def body_lines(pdf: Path) -> list[list[tuple[int, str, float, float, float]]]:
    """Per page, the text lines poppler finds: (page, text, left, right, top) in points.

    Poppler, not pdfminer: pdfminer drops the character spacing (Tc) after the last glyph of
    each string, so it misplaces justified text. A squeezed closing mark (，。、) has its ink in
    the left half of its em box, so the right edge is taken there.
    """
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True))
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    pages = []
    for n, page in enumerate(root.iterfind(".//h:page", ns), start=1):
        lines = []
        for line in page.iterfind(".//h:line", ns):
            text = "".join(w.text or "" for w in line.iterfind("h:word", ns))
            x0, x1 = float(line.get("xMin")), float(line.get("xMax"))
            y0, y1 = float(line.get("yMin")), float(line.get("yMax"))
            if text and text[-1] in CLOSING_HALF:
                x1 -= (y1 - y0) / 2
            lines.append((n, text, x0, x1, y0))
        pages.append(sorted(lines, key=lambda ln: ln[4]))
    return pages


def baselines(pdf: Path) -> list[list[str]]:
    """Per page, the text of each baseline (pdfplumber), top to bottom."""
    out = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            rows: dict[float, list] = {}
            for ch in page.chars:
                rows.setdefault(round(ch["matrix"][5], 1), []).append(ch)
            out.append(["".join(c["text"] for c in sorted(rows[y], key=lambda c: c["x0"]))
                        for y in sorted(rows, reverse=True)])
    return out


def test_seed_text_comes_back_exactly(seed_pdf):
    src, pdf = seed_pdf
    assert missing_in_order(src.read_text(encoding="utf-8"), pdftotext(pdf)) is None


@pytest.mark.parametrize("src", sample_sources(), ids=lambda p: p.name)
def test_sample_text_comes_back(src, tmp_path):
    pdf = pdf_of(src, tmp_path)
    assert missing_in_order(source_text(src), pdftotext(pdf)) is None


def test_every_font_is_embedded_and_no_base14_font(seed_pdf):
    _, pdf = seed_pdf
    fonts = pdffonts(pdf)
    assert fonts
    for row in fonts:
        assert row[-5] == "yes", row  # emb
        assert "Helvetica" not in row[0] and "Times" not in row[0]
    assert any("NotoSerifCJK" in row[0] for row in fonts)  # the CFF face, converted


def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_mark(seed_pdf):
    _, pdf = seed_pdf
    # lines by baseline (poppler splits a line where squeezed marks overlap, as in ）》)
    for page in baselines(pdf):
        for text in page[:-1]:  # the last is the page number — N —
            text = text.strip()
            assert text[0] not in NO_START, text
            assert text[-1] not in NO_END, text


def test_gongwen_grid_28_characters_and_22_lines(seed_pdf):
    _, pdf = seed_pdf
    pages = body_lines(pdf)
    # full lines of Chinese (from margin to margin, no digits or Latin) hold 28 characters;
    # one more only where squeezing punctuation (，。》 …) made room for it
    full = [t for page in pages for _, t, x0, x1, _ in page
            if abs(x0 - 28 * MM) < 1 and abs(x1 - (210 - 26) * MM) < 1 and not re.search(r"[0-9A-Za-z—]", t)]
    assert len(full) > 30
    assert Counter(len(t) for t in full).most_common(1)[0][0] == 28
    for t in full:  # fewer when kinsoku pushed a character down (the line is then justified)
        assert len(t) <= 28 or (len(t) == 29 and set(t) & CLOSING_HALF), t
    # a full page (not the last) holds 22 text lines plus its page number
    assert len(baselines(pdf)[1]) == 22 + 1


def test_gongwen_margins(seed_pdf):
    _, pdf = seed_pdf
    pages = body_lines(pdf)
    text_lines = [ln for ln in pages[1][:-1]]  # page 2, without the page number
    left = min(x0 for *_, x0, _, _ in text_lines)
    right = max(x1 for *_, _, x1, _ in text_lines)
    assert left / MM == pytest.approx(28, abs=1)
    assert (210 - right / MM) == pytest.approx(26, abs=1)
    top = min(ln[4] for ln in text_lines)
    assert top / MM == pytest.approx(37, abs=1)


def test_page_numbers_outside_one_character_in(seed_pdf):
    _, pdf = seed_pdf
    pages = body_lines(pdf)
    assert len(pages) >= 2
    for lines in pages:
        n, text, x0, x1, top = lines[-1]
        assert text.replace(" ", "") == f"—{n}—"
        if n % 2:
            assert (210 - 26) * MM - x1 == pytest.approx(14, abs=1.5)  # odd: right, one character in
        else:
            assert x0 - 28 * MM == pytest.approx(14, abs=1.5)  # even: left, one character in
        assert top / MM == pytest.approx(37 + 225 + 7, abs=1.5)


def test_bookmarks_equal_the_headings(seed_pdf):
    src, pdf = seed_pdf
    expected = [s["number"] + s["heading"] for s in outline(read(src))["sections"]]
    with pdfplumber.open(pdf) as doc:
        titles = [o[1] for o in doc.doc.get_outlines()]
    assert titles == expected


def test_metadata(seed_pdf):
    src, pdf = seed_pdf
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "乌鲁木齐市人民政府2021年度法治政府建设情况报告" in info
    assert "2023" in info  # CreationDate from SOURCE_DATE_EPOCH=1700000000 (Nov 2023)
    with pdfplumber.open(pdf) as doc:
        assert doc.doc.catalog["Lang"].decode() == "zh-CN"


def test_rebuild_is_byte_identical_and_uses_the_font_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path / "cache"))
    src = FIXTURES / "cli" / "small.txt"
    a = pdf_of(src, tmp_path / "a").read_bytes()
    cached = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").rglob("*.ttf")}
    assert cached  # Noto Serif CJK was converted once
    b = pdf_of(src, tmp_path / "b").read_bytes()
    assert a == b
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").rglob("*.ttf")} == cached


def test_rare_characters_come_from_fallback_fonts(tmp_path):
    src = tmp_path / "rare.txt"
    src.write_text("生僻字报告\n\n气温零下20℃，生僻字𠀀和𪚥，千分之三‰，罗马数字Ⅲ。\n", encoding="utf-8")
    pdf = pdf_of(src, tmp_path)
    text = pdftotext(pdf)
    for ch in "℃𠀀𪚥‰Ⅲ":
        assert ch in text
    assert any("HanaMin" in row[0] for row in pdffonts(pdf))


def test_english_report_uses_the_report_style(tmp_path):
    src = tmp_path / "en.txt"
    src.write_text("Annual Review\n\n1. Scope. This review covers the year. It was a good year "
                   "with 1,032 cases and a rise of 6.8% over 2022.\n", encoding="utf-8")
    pdf = pdf_of(src, tmp_path)
    assert missing_in_order(src.read_text(), pdftotext(pdf)) is None
    with pdfplumber.open(pdf) as doc:
        assert doc.doc.catalog["Lang"].decode() == "en"
        assert doc.pages[0].width == pytest.approx(210 * MM, abs=0.5)


def test_page_starts_say_where_each_printed_page_begins(seed, tmp_path):
    """The layout tells other writers (the EPUB's print page list) at which source character
    each page the PDF prints starts."""
    from converter import model
    from converter.layout import lay_out
    from converter.pipeline import style_for

    doc = read(seed)
    result = build(seed, tmp_path, ["pdf"])
    starts = lay_out(doc, style_for(doc, None), seed.parent).starts
    assert [n for n, _ in starts] == list(range(1, result.pages["pdf"] + 1))
    assert starts[0][1] == 0 and all(a[1] < b[1] for a, b in zip(starts, starts[1:]))
    ink = "".join(model.plain_text(doc).split())
    with pdfplumber.open(result.outputs[0]) as pdf:
        for (n, offset), page in zip(starts, pdf.pages):
            first = "".join((page.extract_text() or "").split())
            assert first.startswith(ink[offset:offset + 5]), (n, ink[offset:offset + 5], first[:5])


def own_line_headings(src: Path) -> set[str]:
    doc = read(src)
    from converter import model
    from converter.model.outline import heading_label

    return {heading_label(s.find(model.q("heading"))).replace(" ", "")
            for s in doc.iter(model.q("section")) if s.get("runin") == "false"}


@pytest.mark.parametrize("src", sample_sources(), ids=lambda p: p.name)
def test_samples_kinsoku_bookmarks_and_page_numbers(src, tmp_path):
    pdf = pdf_of(src, tmp_path)
    pages = baselines(pdf)
    # the style the source names (a 信函's: no number on page 1, GB/T 9704 10.1) or the default
    from converter.style import load_style

    named = read(src).get("style")
    numbered_first = named is None or load_style(named).page.number.first_page
    for n, page in enumerate(pages, start=1):
        *body, number = page if n > 1 or numbered_first else (*page, "—1—")
        assert number.replace(" ", "").strip("—") == str(n)
        for text in body:
            text = text.strip()
            assert text[0] not in NO_START and text[-1] not in NO_END, text
    # bookmarks: one per heading, nested as the sections are; attachment bodies and enclosed
    # documents after them, their own headings under them
    from converter.model.outline import navigation

    doc = read(src)
    expected = []

    def walk(entries, depth):
        for entry in entries:
            expected.append((depth, entry.label))
            walk(entry.entries, depth + 1)

    walk(navigation(doc), 1)
    with pdfplumber.open(pdf) as d:
        got = [(level, title) for level, title, *_ in d.doc.get_outlines()]
    assert got == expected
    assert max(level for level, _ in got) >= 2  # the samples nest headings


def test_an_own_line_heading_never_ends_a_page(tmp_path):
    # own-line headings after paragraphs of every length land at every position on the page
    parts = ["标题测试报告"]
    for k in range(1, 30):
        parts.append(f"{_cn(k)}、第{k}节")
        parts.append("正文" * (7 * (k % 9) + 3) + "。")
    src = tmp_path / "headings.txt"
    src.write_text("\n".join(parts) + "\n", encoding="utf-8")
    pdf = pdf_of(src, tmp_path)
    heads = own_line_headings(src)
    pages = baselines(pdf)
    assert len(pages) > 3
    ends = [page[-2].replace(" ", "") for page in pages[:-1]]  # the line above the page number
    assert not set(ends) & heads
    assert sum(1 for page in pages for line in page if line.replace(" ", "") in heads) == len(heads)


def _cn(n: int) -> str:
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")


def test_long_titles_are_balanced_and_centred(tmp_path):
    src = tmp_path / "title.txt"
    src.write_text("某市人民政府办公室关于进一步加强和改进全市政务服务工作推进一网通办的实施意见\n\n正文。\n",
                   encoding="utf-8")
    pdf = pdf_of(src, tmp_path)
    lines = body_lines(pdf)[0][:2]
    widths = [x1 - x0 for _, _, x0, x1, _ in lines]
    assert abs(widths[0] - widths[1]) <= 2 * 22 + 1  # within a character or two of each other
    for _, _, x0, x1, _ in lines:
        assert (x0 + x1) / 2 == pytest.approx((28 + 156 / 2) * MM, abs=2)


def test_mirrored_margins_for_duplex(tmp_path):
    style = tmp_path / "duplex.toml"
    style.write_text('extends = "gongwen"\nname = "duplex"\n[page]\nmirror = true\n', encoding="utf-8")
    src = tmp_path / "long.txt"
    src.write_text("双面印刷\n\n" + ("正文内容" * 7 + "。\n") * 60, encoding="utf-8")
    pdf = build(src, tmp_path, ["pdf"], str(style)).outputs[0]
    pages = body_lines(pdf)
    left_odd = min(ln[2] for ln in pages[0][:-1])
    left_even = min(ln[2] for ln in pages[1][:-1])
    assert left_odd / MM == pytest.approx(28, abs=1)   # binding edge on the left of odd pages
    assert left_even / MM == pytest.approx(26, abs=1)  # and on the right of even pages


def test_a_character_only_another_role_s_font_has_is_still_drawn(tmp_path):
    """The glyph check accepts what any face of the style draws; every role must then draw it
    (鿫 and 𰜩 are in Noto Sans CJK, gongwen's 黑体, not in its body faces)."""
    src = tmp_path / "rare.txt"
    src.write_text("标题\n\n正文含有鿫字和𰜩字。\n", encoding="utf-8")
    pdf = pdf_of(src, tmp_path)
    assert "鿫" in pdftotext(pdf) and "𰜩" in pdftotext(pdf)
