"""The layout stage on its own: pages as plain data, no output library involved."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from converter import model
from converter.fonts.metrics import widths
from converter.layout import lay_out
from converter.model.outline import heading_label
from converter.pipeline import read, style_for
from helpers import ROOT, SOURCES, nonspace

LAYOUT = ROOT / "converter" / "layout"
OUTPUT_LIBRARIES = ("reportlab", "docx", "ebooklib")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_module_of_the_layout_imports_an_output_library():
    for path in sorted(LAYOUT.rglob("*.py")):
        bad = {m for m in imported_modules(path) if m.split(".")[0] in OUTPUT_LIBRARIES}
        assert not bad, (path.name, bad)


def test_laying_out_loads_no_output_library_at_all():
    """Not even through the modules the layout imports (style, fonts, model)."""
    code = (
        "import sys; from pathlib import Path\n"
        "from converter.pipeline import read, style_for\n"
        "from converter.layout import lay_out\n"
        f"src = Path({str(SOURCES / 'gongwen-report.txt')!r})\n"
        "doc = read(src); p = lay_out(doc, style_for(doc, None), src.parent)\n"
        "assert p.count > 1\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {OUTPUT_LIBRARIES!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def report():
    src = SOURCES / "gongwen-report.txt"
    doc = read(src)
    return doc, style_for(doc, None), lay_out(doc, style_for(doc, None), src.parent)


def test_the_pages_hold_the_whole_text_in_order(report):
    doc, _, pagination = report
    drawn = "".join(r.text for p in pagination.pages for line in p.lines[:-1] for r in line.runs)
    assert nonspace(drawn) == nonspace(model.plain_text(doc))


def test_pages_carry_size_number_and_a_folio_outside(report):
    _, style, pagination = report
    assert [p.number for p in pagination.pages] == list(range(1, pagination.count + 1))
    for p in pagination.pages:
        assert (p.width, p.height) == (style.page.width, style.page.height)
        folio = p.lines[-1]
        assert nonspace("".join(r.text for r in folio.runs)) == f"—{p.number}—"
        x = folio.runs[0].x
        assert (x > p.width / 2) == (p.number % 2 == 1)  # odd pages right, even pages left


def test_gongwen_pages_are_22_lines_on_the_grid(report):
    _, style, pagination = report
    full = pagination.pages[1]  # a page of body text (the first has the title)
    baselines = sorted({round(line.runs[0].baseline, 2) for line in full.lines[:-1]}, reverse=True)
    assert len(baselines) == 22
    assert all(a - b == pytest.approx(style.grid.line_pitch, abs=0.02) for a, b in zip(baselines, baselines[1:]))


def test_every_page_but_the_first_says_where_it_starts(report):
    doc, _, pagination = report
    ink = nonspace(model.plain_text(doc))
    assert [n for n, _ in pagination.starts] == [p.number for p in pagination.pages]
    for (n, offset), page in zip(pagination.starts, pagination.pages):
        first = nonspace("".join(r.text for r in page.lines[0].runs))
        assert first.startswith(ink[offset:offset + 3]), n


def test_bookmarks_are_the_headings_in_order(report):
    doc, _, pagination = report
    titles = [b.title for p in pagination.pages for b in p.bookmarks]
    assert titles == [heading_label(h) for h in doc.iter(model.q("heading"))]


def test_faces_list_every_character_drawn(report):
    _, _, pagination = report
    for p in pagination.pages:
        for r in p.runs():
            assert set(r.text) <= pagination.faces[r.face], r.text


def test_widths_from_fonttools_are_reportlab_s(report, tmp_path):
    """The layout measures with fontTools what the PDF viewer advances with reportlab's
    widths: the same numbers to the last bit, or a PDF line would drift."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfbase import pdfmetrics

    from converter.fonts.subset import pdf_subset

    _, _, pagination = report
    for n, (face, chars) in enumerate(sorted(pagination.faces.items(), key=lambda kv: kv[0].path)):
        path, index = pdf_subset(face, set(chars) | {" "}, tmp_path)
        name = f"widthcheck{n}-{face.key}"
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        for ch in sorted(chars | {" ", "\u00a0"}):
            assert widths(face)[ch] == stringWidth(ch, name, 1000), (face.family, ch)


def test_every_internal_link_goes_to_an_anchor_of_the_pages(tmp_path):
    src = tmp_path / "l.md"
    src.write_text("# T\n\n## A\n\nSee [a](#a), [b](#missing) and a note.[^n]\n\n[^n]: Note.\n", encoding="utf-8")
    doc = read(src)
    pagination = lay_out(doc, style_for(doc, None), tmp_path)
    targets = [link.target for p in pagination.pages for link in p.links]
    assert "#a" in targets and "#missing" not in targets and "#fn-1" in targets
    assert {t[1:] for t in targets if t.startswith("#")} <= pagination.anchor_names()
