"""A 主送 too long for page 1 to show body text moves to the 版记 (GB/T 9704-2012 7.3.1, 7.4.2):
one decision (layout.front) that the PDF, the DOCX and the EPUB follow, read back from each."""
from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from converter.check import check, failed
from converter.layout.front import addressee_in_colophon
from converter.pipeline import build, read
from converter.style import load_style
from helpers import FIXTURES, SOURCES

pdfplumber = pytest.importorskip("pdfplumber")
docx = pytest.importorskip("docx")
MM = 72 / 25.4
LONG = FIXTURES / "text" / "gongwen-long-addressee.txt"
XHTML = "{http://www.w3.org/1999/xhtml}"
CHAR = 14  # 四号


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("long")
    outputs = build(LONG, out, ["pdf", "docx", "epub", "xml"], style="gongwen").outputs
    return {p.suffix: p for p in outputs}


def test_one_decision_of_model_and_style():
    style = load_style("gongwen")
    assert addressee_in_colophon(read(LONG), style)
    assert not addressee_in_colophon(read(SOURCES / "gongwen-notice.txt"), style)  # a short 主送 stays
    assert not addressee_in_colophon(read(LONG), load_style("report"))  # not a GB/T 9704 page


def test_pdf_page_one_shows_body_text_and_the_colophon_holds_the_addressee(built):
    with pdfplumber.open(built[".pdf"]) as pdf:
        first = pdf.pages[0].extract_text()
        assert "各区（县）人民政府" not in first and "为深入贯彻落实" in first
        last = pdf.pages[-1]
        words = last.extract_words()
        rules = sorted(last.lines, key=lambda ln: ln["top"])
    moved = next(w for w in words if w["text"].startswith("主送："))
    cc = next(w for w in words if w["text"].startswith("抄送："))
    assert moved["x0"] - 28 * MM == pytest.approx(CHAR, abs=0.5 * MM)  # 左空一字
    assert moved["top"] < cc["top"]  # on the lines above 抄送
    # wrapped names under the first name, after 主送：
    wrapped = [w for w in words if moved["top"] < w["top"] < cc["top"] - 1]
    assert wrapped and all(w["x0"] - 28 * MM == pytest.approx(4 * CHAR, abs=0.5 * MM) for w in wrapped)
    assert any(w["text"].endswith("各有关单位。") for w in wrapped)  # its colon became 。
    # 版记 rules: one above 主送, none between 主送 and 抄送, one between 抄送 and 印发, the last
    assert [round(r["linewidth"] / MM, 2) for r in rules] == [0.35, 0.25, 0.35]
    assert rules[0]["top"] < moved["top"] and cc["top"] < rules[1]["top"]
    assert rules[-1]["top"] / MM == pytest.approx(262, abs=0.5)


def test_docx_and_epub_follow_the_same_decision(built):
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(built[".docx"]))
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    # the 版记 is a floating table (writers/docx/colophon.py): its paragraphs are in its cells
    paragraphs = [Paragraph(p, document._body) for p in document.element.body.iter(f"{ns}p")]
    styles = [(p.style.name, p.text) for p in paragraphs if p.text.strip()]
    assert not any(name == "Addressee" for name, _ in styles)
    colophon = [(n, t) for n, t in styles if n == "Colophon"]
    assert colophon[0][1].startswith("主送：各区（县）人民政府") and colophon[0][1].endswith("各有关单位。")
    assert colophon[1][1].startswith("抄送：")
    moved, cc = (next(p for p in paragraphs if p.text.startswith(w)) for w in ("主送：", "抄送："))
    # no rule between 主送 and 抄送: one row (cell) of the table, whose rules are between rows
    assert moved._p.getparent() is cc._p.getparent() and moved._p.getparent().tag == f"{ns}tc"
    assert cc._p.find(f"{ns}pPr/{ns}pBdr") is None
    with zipfile.ZipFile(built[".epub"]) as z:
        docs = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.endswith(".xhtml")]
    assert not [p for d in docs for p in d.iter(f"{XHTML}p") if p.get("class") == "addressee"]
    box = next(d for doc in docs for d in doc.iter(f"{XHTML}div") if d.get("class") == "colophon")
    assert "".join(box[0].itertext()).startswith("主送：各区（县）人民政府") and box[0].get("class") == "colophon"


def test_check_accepts_the_moved_addressee(built):
    """Nothing lost: the text check of every output allows the 主送 in the 版记 (fidelity)."""
    results = check([built[".pdf"].parent])
    assert not failed(results), [r for r in results if r.status == "failed"]


def test_a_document_without_colophon_gets_one_for_the_addressee(tmp_path):
    src = tmp_path / "plain.txt"
    src.write_text("\n".join(line for line in LONG.read_text(encoding="utf-8").splitlines()
                             if not line.startswith(("抄送", "某市人民政府办公室　"))) + "\n", encoding="utf-8")
    outputs = build(src, tmp_path / "out", ["pdf", "docx", "epub"], style="gongwen").outputs
    pdf = next(p for p in outputs if p.suffix == ".pdf")
    with pdfplumber.open(pdf) as doc:
        last = doc.pages[-1]
        words = last.extract_words()
        rules = sorted(last.lines, key=lambda ln: ln["top"])
    moved = next(w for w in words if w["text"].startswith("主送："))
    assert [round(r["linewidth"] / MM, 2) for r in rules] == [0.35, 0.35]
    assert rules[0]["top"] < moved["top"] < rules[1]["top"]
    assert not failed(check([pdf.parent]))
