"""The GB/T 9704 parts in the EPUB, styled from the same numbers as the print (issue 12): the red
separator under the 文号, attachment bodies from a new page, the 版记 between rules."""
from __future__ import annotations

import zipfile

from lxml import etree

from converter.pipeline import build
from helpers import SOURCES, colophon_notice

XHTML = "{http://www.w3.org/1999/xhtml}"


def test_masthead_separator_annex_pages_and_colophon_rules(tmp_path):
    epub = build(SOURCES / "gongwen-notice.txt", tmp_path, ["epub"], style="gongwen").outputs[0]
    with zipfile.ZipFile(epub) as z:
        css = next(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
        docs = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.endswith(".xhtml")]
    masthead = next(d for doc in docs for d in doc.iter(f"{XHTML}div") if d.get("class") == "masthead")
    assert masthead[-1].tag == f"{XHTML}hr" and masthead[-1].get("class") == "separator"
    assert "hr.separator {\n  border: none;\n  border-top: 0.5mm solid #e60012;" in css
    assert "section.annex {\n  page-break-before: always;\n  break-before: page;" in css
    assert "div.colophon {\n  border-top: 0.35mm solid;\n  border-bottom: 0.35mm solid;" in css
    assert "p.printer {\n  border-top: 0.25mm solid;" in css


def test_every_title_prints_its_own_words(tmp_path):
    """The document's title breaks into its lines; an attachment body's title is its own."""
    epub = build(SOURCES / "gongwen-notice.txt", tmp_path, ["epub", "pdf"], style="gongwen").outputs
    book = next(p for p in epub if p.suffix == ".epub")
    with zipfile.ZipFile(book) as z:
        docs = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.endswith(".xhtml")]
    titles = ["".join(h1.itertext()) for d in docs for h1 in d.iter(f"{XHTML}h1") if h1.get("class") == "title"]
    assert titles == ["某市人民政府办公室关于做好2024年防汛抗旱工作的通知", "2024年全市防汛抗旱重点工作任务分工表",
                      "某市防汛抗旱指挥部成员单位联系表"]


def test_minutes_attendance(tmp_path):
    """The 纪要's 出席 / 请假 / 列席: a paragraph each, the label in its own span set in the 黑体
    (FandolHei, embedded), wrapped names under the first name (a hanging indent of the
    label's three characters after the two of 左空二字)."""
    out = build(SOURCES / "gongwen-minutes.txt", tmp_path, ["epub", "pdf"]).outputs
    epub = next(p for p in out if p.suffix == ".epub")
    with zipfile.ZipFile(epub) as z:
        css = next(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
        docs = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.endswith(".xhtml")]
        fonts = [n for n in z.namelist() if "FandolHei" in n]
    paras = [p for d in docs for p in d.iter(f"{XHTML}p") if p.get("class") == "attendance"]
    assert ["".join(p.itertext())[:3] for p in paras] == ["出席：", "请假：", "列席："]
    assert all(p[0].get("class") == "attendance-label" and p[0].text == "".join(p.itertext())[:3] for p in paras)
    assert 'span.attendance-label {\n  font-family: "FandolHei"' in css
    assert "text-indent: -3em;" in css and "margin-left: 5em;" in css and fonts


def test_print_page_list_with_a_blank_page_before_the_colophon(tmp_path):
    """37 lines: the print has a blank page 3 and the 版记 on page 4 (layout/test_colophon_page):
    the EPUB's page list names pages 1, 2 and 4 — the blank page starts no text."""
    src = tmp_path / "n37.txt"
    src.write_text(colophon_notice(37), encoding="utf-8")
    out = build(src, tmp_path / "out", ["epub", "pdf"]).outputs
    epub = next(p for p in out if p.suffix == ".epub")
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read(next(n for n in z.namelist() if n.endswith("nav.xhtml"))))
    lists = [n for n in nav.iter(f"{XHTML}nav") if n.get("{http://www.idpf.org/2007/ops}type") == "page-list"]
    assert [a.text for a in lists[0].iter(f"{XHTML}a")] == ["1", "2", "4"]
