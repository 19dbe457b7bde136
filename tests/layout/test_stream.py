"""Pages stream: each is painted as soon as it is laid out and then dropped, a long paragraph is
broken a window at a time and a long table a row at a time — so a build's memory does not grow
with the document. Checked on real builds (the PDF painted, read back with pdftotext), counting
the live objects while pages are painted; no timing."""
from __future__ import annotations

import gc
import re
import shutil
import subprocess
import weakref
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter import pipeline
from converter.context import BuildContext
from converter.layout import lay_out, paginate
from converter.layout.blocks import Para, Span
from converter.layout.fontbook import FontBook
from converter.layout.linebreak import Glyph
from converter.layout.pages import anchor_names
from converter.layout.paginate import Layout
from converter.pipeline import read, style_for
from converter.style import load_style
from converter.writers.pdf import PdfWriter
from helpers import FIXTURES, SOURCES, nonspace, sample_sources

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
SENTENCE = "市政府各部门认真贯彻落实“放管服”改革要求，2021年共办理事项1,032件，同比增长15.2%；"


class Probe:
    """A page sink that checks, at every page, that no page painted before is alive, and
    counts the live glyph objects (every ``every`` pages: walking the heap is slow)."""

    def __init__(self, every: int = 0):
        self.every = every
        self.earlier: list[weakref.ref] = []
        self.alive_before: list[int] = []
        self.glyphs: list[int] = []
        self.paras: list[int] = []  # live Para blocks (paragraphs, table cells), as glyphs are counted
        self.closed = None

    def __call__(self, faces):
        return self

    def page(self, page) -> None:
        self.alive_before.append(sum(1 for ref in self.earlier if ref() is not None))
        self.earlier.append(weakref.ref(page))
        if self.every and len(self.earlier) % self.every == 1:
            kinds = [type(o) for o in gc.get_objects()]
            self.glyphs.append(kinds.count(Glyph))
            self.paras.append(kinds.count(Para))

    def close(self, pagination) -> None:
        self.closed = pagination


def paint(src: Path, tmp_path: Path, every: int = 0) -> tuple[Probe, object, Path]:
    """Lay ``src`` out into a real PDF and the probe; the probe, the summary and the PDF."""
    doc = read(src)
    style = style_for(doc, None)
    ctx = BuildContext(name=str(src), base_dir=src.parent, source_date=datetime(2024, 1, 1, tzinfo=timezone.utc))
    pdf = tmp_path / (src.stem + ".pdf")
    probe = Probe(every)
    pagination = lay_out(doc, style, src.parent, [PdfWriter().page_sink(doc, style, pdf, ctx), probe])
    return probe, pagination, pdf


def pdf_text(pdf: Path) -> str:
    """The PDF's text, without the page numbers (— 12 —) that stand between two pages' text."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"—\s*\d+\s*—", "", text)


@needs_poppler
def test_no_page_is_held_once_it_is_painted(tmp_path):
    src = tmp_path / "many.md"
    src.write_text("# Many\n\n" + "\n\n".join(f"## Part {i}\n\n" + SENTENCE * 6 for i in range(120)) + "\n",
                   encoding="utf-8")
    probe, pagination, pdf = paint(src, tmp_path)
    assert pagination.count == len(probe.earlier) > 20
    assert pagination.pages == []  # the summary holds no page
    assert set(probe.alive_before) == {0}  # when a page is painted, every earlier one is gone
    assert probe.closed is pagination
    text = nonspace(pdf_text(pdf))
    assert text.count(nonspace(SENTENCE)) == 6 * 120


@needs_poppler
def test_a_huge_paragraph_is_made_of_glyphs_a_window_at_a_time(tmp_path):
    body = (SENTENCE * (200_000 // len(SENTENCE) + 1))[:200_000]
    src = tmp_path / "huge.txt"
    src.write_text("一段很长的文字\n\n" + body + "\n", encoding="utf-8")
    probe, pagination, pdf = paint(src, tmp_path, every=10)
    assert pagination.count > 250 and set(probe.alive_before) == {0}
    # glyph objects for a window and a page, never for the paragraph (200,000 of them)
    assert len(probe.glyphs) > 20 and max(probe.glyphs) < 12_000
    assert nonspace(body) in nonspace(pdf_text(pdf))  # every character, in order
    # the page starts the EPUB marks run through the paragraph
    starts = [pos for _, pos in pagination.starts]
    assert starts == sorted(starts) and len(starts) == pagination.count


@needs_poppler
def test_a_long_table_is_laid_out_a_row_at_a_time(tmp_path):
    rows = 5_000
    src = tmp_path / "rows.md"
    src.write_text("# Rows\n\n| Item | Amount | Line |\n| --- | --- | --- |\n"
                   + "".join(f"| item {i} | {i * 3} | line {i % 97} |\n" for i in range(rows)), encoding="utf-8")
    probe, pagination, pdf = paint(src, tmp_path, every=10)
    assert pagination.count > 50 and set(probe.alive_before) == {0}
    assert max(probe.glyphs) < 5_000  # the table has some 100,000 characters
    text = pdf_text(pdf)
    pages = text.split("\f")[: pagination.count]
    assert all("Item" in page and "Amount" in page for page in pages[1:])  # the header on every page
    found = nonspace(text)
    missing = [i for i in range(rows) if nonspace(f"item {i}{i * 3}line {i % 97}") not in found]
    assert missing == []


@needs_poppler
def test_the_layout_holds_the_blocks_of_the_page_it_fills_not_the_document(tmp_path, monkeypatch):
    """Blocks are made from the model as the layout reads them (a long table's rows too) and
    dropped once placed: at every page painted, the live paragraphs are a page's worth, not
    the document's 3,000 paragraphs and 6,000 table cells (a document of more than KEEP_PARAS
    paragraphs: a shorter one keeps those of the survey, made once)."""
    import converter.layout

    monkeypatch.setattr(converter.layout, "KEEP_PARAS", 1_000)
    paras, rows = 3_000, 3_000
    src = tmp_path / "blocks.md"
    src.write_text("# Blocks\n\n" + "".join(f"Paragraph {i} of the report.\n\n" for i in range(paras))
                   + "| Item | Amount |\n| --- | --- |\n" + "".join(f"| item {i} | {i * 3} |\n" for i in range(rows)),
                   encoding="utf-8")
    gc.collect()  # what earlier tests left in reference cycles is not this build's to count
    probe, pagination, pdf = paint(src, tmp_path, every=5)
    assert pagination.count > 100 and len(probe.paras) > 20
    assert max(probe.paras) < 300  # (the document has 3,000 + 6,000 + 2)
    found = nonspace(pdf_text(pdf))
    assert all(nonspace(f"Paragraph {i} of the report.") in found for i in range(0, paras, 97))
    assert all(nonspace(f"item {i}{i * 3}") in found for i in range(0, rows, 89))


def test_a_build_paints_pages_as_they_are_laid_out(tmp_path):
    """Through the pipeline: PDF and page images from one layout, the EPUB reading the summary."""
    result = pipeline.build(SOURCES / "gongwen-report.txt", tmp_path, ["pdf", "png", "epub"])
    assert result.pages == {"pdf": 4, "png": 4}
    assert sorted(p.name for p in result.outputs if p.suffix == ".png") == [f"gongwen-report-{n}.png"
                                                                          for n in range(1, 5)]
    assert not list(tmp_path.glob(".*.part"))


def _layout_sources() -> list[Path]:
    found = sample_sources() + sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".md", ".xml", ".txt"))
    return [p for p in found if p.is_file()]


def test_links_go_to_the_places_the_layout_said_it_would_place():
    """Internal links are kept or dropped from the blocks (before any page): every place the
    blocks promise is on the pages, and a link to a place on the pages is never dropped."""
    from converter.layout import _place, plan

    checked = 0
    for src in _layout_sources():
        try:
            doc = read(src)
            style = style_for(doc, None, src)
        except Exception:  # fixtures of bad input: not this test's business
            continue
        p = plan(doc, style, src.parent)
        pagination = _place(p, style, keep=True)  # the plan's own blocks (a heading without an id is keyed by its place in the document)
        placed = anchor_names(pagination.pages)
        linked = {s.link[1:] for s in _spans(p.blocks()) if s.link and s.link.startswith("#")}
        assert pagination.unplaced == frozenset(), src
        assert p.destinations <= placed, src
        assert (placed & linked) <= p.destinations, src
        checked += 1
    assert checked > 30


def _spans(blocks):
    """The spans of the paragraphs of a stream of blocks (table cells, signatures, 版记 lines too)."""
    from converter.layout.blocks import ColophonBlock, SignatureBlock, TableBlock

    for b in blocks:
        paras = ([b] if isinstance(b, Para) else b.issuers + [b.date] * (b.date is not None)
                 if isinstance(b, SignatureBlock) else [c for row in b.rows for c in row]
                 if isinstance(b, TableBlock) else [p for g in b.groups for i in g for p in (i if isinstance(i, tuple) else (i,))]
                 if isinstance(b, ColophonBlock) else [])
        for para in paras:
            yield from para.spans


# --- the windows give the lines of the whole ----------------------------------------------

PIECES = ["中华人民共和国", "，", "。", "“引号”", "（括号）", "2024年", "15.2%", " ", "word ", "——", "……",
          "、", "https://example.org/a/very/long/address/" + "x" * 70, "Latin words in a row ", "１２３", "ab", "\t"]


def _lines(layout: Layout, para: Para, windowed: bool, monkeypatch) -> list:
    if windowed:
        monkeypatch.setattr(paginate, "WINDOW", 96)
        stream, _, _ = layout.line_stream(para)
        lines = list(stream)
    else:
        monkeypatch.setattr(paginate, "WINDOW", 10**9)
        lines = layout.para_lines(para)[0]
    return [(line.last, line.end, [(round(x, 6), g.ch, g.offset) for x, g in line.placed]) for line in lines]


@settings(max_examples=25, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=60, max_size=160),
       style_name=st.sampled_from(["gongwen", "report"]), balanced=st.booleans(), breaks=st.booleans())
def test_a_paragraph_broken_in_windows_has_the_lines_of_the_whole(pieces, style_name, balanced, breaks):
    style = load_style(style_name)
    role = style.role("body" if not balanced else "title")
    text = "".join(pieces) * 3  # more than twice the window
    spans = [Span(text[:40], role, offset=0), Span(text[40:], role, offset=len(nonspace(text[:40])), link="#a")]
    if breaks:  # a forced line break in the middle
        spans[1:1] = [Span("\n", role)]
    fonts = FontBook(style, "zh")
    fonts.collect(text, role)
    para = Para(spans, role, balanced=balanced)
    with pytest.MonkeyPatch.context() as mp:
        whole = _lines(Layout(style, fonts), para, False, mp)
        windowed = _lines(Layout(style, fonts), para, True, mp)
    assert windowed == whole
