"""Title line breaks (issue 12, GB/T 9704 7.3.1): only between words, lines of balanced length
in a trapezoid or diamond, and the same lines in every output."""
from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from lxml import etree

from converter.model import child
from converter.pipeline import build, read
from converter.style import load_style
from converter.text.titles import face_measure, lines_of_title, title_lines, words
from helpers import FIXTURES, ROOT, SEED, sample_sources

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def chinese_titles() -> list[str]:
    """Every Chinese title the tests and samples have: the seed, sources/, the text fixtures,
    the real documents and some long titles of State Council notices."""
    out = []
    paths = ([SEED] if SEED.is_file() else []) + sample_sources() + sorted((FIXTURES / "text").glob("*.txt"))
    paths += sorted((ROOT / "tests" / "readers" / "real").rglob("*.txt"))
    for path in paths:
        title = child(read(path), "title")
        if title is not None and title.text and re.search(r"[\u4e00-\u9fff]", title.text):
            out.append(title.text.strip())
    return out + [
        "国务院办公厅关于印发《全国深化“放管服”改革着力培育和激发市场主体活力电视电话会议重点任务分工方案》的通知",
        "关于加快我区基础配套设施建设的实施意见",
        "某市人民政府关于2023年度政务服务工作情况的报告",
    ]


@pytest.fixture(scope="module")
def measure():
    style = load_style("gongwen")
    role = style.role("title")
    return face_measure(role.fonts, role.size), style.page.text_width


def word_boundaries(text: str) -> set[int]:
    import rjieba

    cuts, at = set(), 0
    for w in rjieba.cut(text):
        at += len(w)
        cuts.add(at)
    return cuts


def test_titles_break_only_between_words(measure):
    fn, width = measure
    titles = chinese_titles()
    assert len(titles) >= 10
    split = []
    for title in titles:
        lines = title_lines(title, fn, width)
        assert "".join(lines) == title
        assert all(fn(line) <= width + 0.01 for line in lines)
        at = 0
        for line in lines[:-1]:
            at += len(line)
            if at not in word_boundaries(title):
                split.append((title, lines))
    assert split == []


def test_lines_are_balanced_never_an_hourglass(measure):
    fn, width = measure
    for title in chinese_titles():
        lines = title_lines(title, fn, width)
        widths = [fn(line) for line in lines]
        if len(lines) == 1:
            assert widths[0] <= width
            continue
        # the fewest lines that hold it, and no line much shorter than the others
        assert sum(widths) > width * (len(lines) - 1) * 0.5
        assert min(widths) >= max(widths) * 0.4, lines
        for a, b, c in zip(widths, widths[1:], widths[2:]):
            assert not (b < a and b < c), lines


def test_the_seeds_title_keeps_its_year_whole(measure):
    fn, width = measure
    lines = title_lines("乌鲁木齐市人民政府2021年度法治政府建设情况报告", fn, width)
    assert lines == ["乌鲁木齐市人民政府2021年度", "法治政府建设情况报告"]


def test_glue_keeps_punctuation_numbers_and_particles_with_their_words():
    pieces = words("关于印发《2024年度“放管服”改革方案》的通知")
    assert "".join(pieces) == "关于印发《2024年度“放管服”改革方案》的通知"
    assert not any(p[0] in "》”的" for p in pieces)  # never starts a piece
    assert not any(p[-1] in "《“" for p in pieces)   # never ends one
    assert not any(p[-1].isdigit() for p in pieces)


def test_pdf_docx_and_epub_print_the_same_lines(tmp_path):
    src = tmp_path / "notice.txt"
    title = "国务院办公厅关于印发《全国深化“放管服”改革着力培育和激发市场主体活力电视电话会议重点任务分工方案》的通知"
    src.write_text(f"{title}\n\n各省、自治区、直辖市人民政府：\n\n　　现将方案印发给你们，请认真贯彻执行。\n", encoding="utf-8")
    result = build(src, tmp_path / "out", ["docx", "epub", "pdf"], style="gongwen")
    expected = lines_of_title(child(read(src), "title"), load_style("gongwen"))
    assert expected and len(expected) == 3
    docx, epub, pdf = sorted(result.outputs, key=lambda p: p.suffix)
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.splitlines()[:3] == expected
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    para = next(p for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Title")
    lines, current = [], ""
    for node in para.iter(f"{W}t", f"{W}br"):
        if node.tag == f"{W}br":
            lines.append(current)
            current = ""
        else:
            current += node.text
    assert lines + [current] == expected
    with zipfile.ZipFile(epub) as z:
        doc = next(etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.endswith(".xhtml") and "nav" not in n)
    h1 = next(doc.iter(f"{XHTML}h1"))
    parts = [h1.text] + [br.tail for br in h1.iter(f"{XHTML}br")]
    assert parts == expected


def test_words_come_from_the_segmenter_or_its_kept_answer(tmp_path, monkeypatch):
    """rjieba's words are kept on disk: a second process (here: a second call) gets the same
    pieces without loading its dictionary; a damaged kept answer is asked again."""
    import rjieba

    from converter.text import titles

    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path))
    text = "某市人民政府关于2023年度政务服务工作情况的报告"
    first = words(text)
    [kept] = (tmp_path / "words").iterdir()
    assert "".join(first) == text
    monkeypatch.setattr(rjieba, "cut", lambda _: pytest.fail("the kept words were not used"))
    assert words(text) == first
    kept.write_text('["某市"]', encoding="utf-8")  # not the text: not believed
    monkeypatch.undo()
    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path))
    assert titles._segmented(text) == list(rjieba.cut(text))


def test_a_paragraph_in_the_titles_place_is_broken_line_after_line(measure):
    """A first line of thousands of characters (a source without line breaks) is no title to
    balance: no way of cutting it into six lines or fewer is tried (each way is; for a title),
    its lines are filled one after the other, between words, each within the measure."""
    fn, width = measure
    text = "市政府各部门认真贯彻落实“放管服”改革要求，2021年共办理事项1,032件，同比增长15.2%；" * 150
    lines = title_lines(text, fn, width)
    assert "".join(lines) == text and len(lines) > 100
    assert all(fn(line) <= width + 0.01 for line in lines)
    # filled: the next line's first piece (a word with the marks glued to it) would not have fitted
    pieces, k = words(text), 0
    for line in lines[:-1]:
        taken = ""
        while len(taken) < len(line):
            taken, k = taken + pieces[k], k + 1
        assert taken == line  # broken between pieces
        assert fn(line + pieces[k]) > width + 0.01


def test_a_long_title_of_many_words_is_balanced_in_bounded_time(measure, monkeypatch):
    """A first line of five or six lines' length has too many ways to be cut to try each
    (120 characters took 25 s): the evenest cut is found by dynamic programming — the fewest
    lines, each within the measure, between words, and the same lines as trying every cut
    where that cut has no hourglass."""
    from converter.text import titles

    fn, width = measure
    text = ("关于进一步加强和改进新时代市场监管执法工作推动营商环境持续优化"
            "促进经济社会高质量发展的实施意见及配套措施的通知")
    pieces = words(text)
    lines = title_lines(text, fn, width)
    assert "".join(lines) == text and len(lines) >= 3
    assert all(fn(line) <= width + 0.01 for line in lines)
    cuts, at = set(), 0
    for p in pieces:
        at += len(p)
        cuts.add(at)
    assert all(sum(len(x) for x in lines[:k]) in cuts for k in range(1, len(lines)))
    monkeypatch.setattr(titles, "EXHAUSTIVE_SPLITS", 0)  # every title through the programme
    assert title_lines(text, fn, width) == lines
