"""Two shapes of real documents the text rules read (and so the DOCX reader, which gives them
its paragraphs): a regulation numbered 第一章 / 第一节 / 第一条, and a file that is an attachment
(附件2 and its title first). Fixtures written for the project; the real ones are in
tests/readers/real/ (the 嘉定区 暂行规定) and tests/fixtures/docx-real/."""
from __future__ import annotations

import subprocess
import zipfile

from lxml import etree

from converter import model
from converter.model.outline import metadata, outline
from converter.pipeline import build, read
from converter.readers.text import parse_report
from helpers import FIXTURES, epubcheck_command, nonspace

TEXT = FIXTURES / "text"
REGULATION = TEXT / "regulation-chapters.txt"


def _tree(doc) -> list[tuple[int, str, str, bool]]:
    """Every section: (level, number, heading words, run-in)."""
    out = []
    for sec in doc.iter(model.q("section")):
        head = model.child(sec, "heading")
        out.append((int(sec.get("level")), model.child(head, "number").text,
                    "".join(model.plain_text(head).split())[len(model.child(head, "number").text):],
                    sec.get("runin") == "true"))
    return out


# --- 第一章 / 第一节 / 第一条 ---------------------------------------------------------------------
def test_chapters_sections_and_articles_are_heading_levels_in_nesting_order():
    doc = read(REGULATION)
    assert _tree(doc) == [
        (1, "第一章", "总则", False),
        (2, "第一条", "", True), (2, "第二条", "", True), (2, "第三条", "（定义）", True),
        (1, "第二章", "共享与开放", False),
        (2, "第一节", "共享", False),
        (3, "第四条", "", True), (3, "第五条", "数据共享申请", False),
        (2, "第二节", "开放", False),
        (3, "第六条", "", True),
        (1, "第三章", "附则", False),
        (2, "第七条", "", True)]


def test_an_article_without_a_caption_is_its_number_run_into_its_body():
    doc = read(REGULATION)
    first = next(s for s in doc.iter(model.q("section")) if model.child(s, "heading").findtext(model.q("number")) == "第一条")
    head = model.child(first, "heading")
    assert model.plain_text(head).strip() == "第一条"  # the number, not the sentence, is the heading
    body = model.children(first)[1]
    assert model.tag_of(body) == "p" and model.plain_text(body).startswith("为了规范公共数据管理")
    assert outline(doc)["sections"][0]["sections"][0] == {
        "level": 2, "number": "第一条", "heading": "", "runin": True, "sections": []}


def test_an_articles_items_are_numbered_paragraphs_not_headings():
    doc = read(REGULATION)
    fifth = next(s for s in doc.iter(model.q("section")) if model.child(s, "heading").findtext(model.q("number")) == "第五条")
    items = [p for p in fifth.iter(model.q("p")) if model.child(p, "number") is not None]
    assert [model.child(p, "number").text for p in items] == ["（一）", "（二）"]
    assert not [s for s in fifth.iter(model.q("section")) if s is not fifth]


def test_a_reference_to_an_article_is_no_article():
    doc = parse_report("标题\n正文。\n第二十条第（一）项\n第三条规定的事项，按本条执行。\n")
    assert _tree(doc) == []
    assert [model.plain_text(p) for p in doc.iter(model.q("p"))][-2:] == ["第二十条第（一）项", "第三条规定的事项，按本条执行。"]


def test_a_regulation_keeps_every_character_and_reads_back_from_xml(tmp_path):
    doc = read(REGULATION)
    assert nonspace(model.plain_text(doc)) == nonspace(REGULATION.read_text(encoding="utf-8"))
    build(REGULATION, tmp_path, formats=["xml"])
    assert _tree(read(tmp_path / "regulation-chapters.xml")) == _tree(doc)


# --- a file that is an attachment ---------------------------------------------------------------------
def test_a_text_that_starts_with_its_attachment_label_is_that_attachment_body():
    doc = read(TEXT / "attachment-alone.txt")
    parts = [model.tag_of(c) for c in model.children(doc)]
    assert parts == ["annex"]  # no title or body of a document around it
    annex = model.child(doc, "annex")
    assert annex.findtext(model.q("label")) == "附件2"
    assert annex.findtext(model.q("title")) == "某市2024年度重点项目推进计划"  # two lines joined
    out = outline(doc)
    assert out["title"] == "某市2024年度重点项目推进计划" == metadata(doc).title
    assert out["attachment_bodies"] == [{"label": "附件2", "title": "某市2024年度重点项目推进计划"}]
    assert [(s["number"], s["heading"]) for s in out["sections"]] == [("一、", "总体目标"), ("二、", "进度安排")]


def test_an_attachment_label_and_title_on_one_line():
    doc = read(TEXT / "attachment-label-and-title.txt")
    out = outline(doc)
    assert out["attachment_bodies"] == [{"label": "附件1", "title": "某市2024年度政务公开培训报名表"}]
    assert out["tables"] == 1
    assert model.child(model.child(doc, "annex"), "table") is not None


def test_an_attachment_document_prints_in_every_writer(tmp_path):
    """Its label, then its title, then its content: in the DOCX (python-docx), the PDF
    (pdfplumber) and the EPUB's text, with the title as the document's title."""
    import docx
    import pdfplumber

    from converter.readers.docx import DocxReader

    src = TEXT / "attachment-alone.txt"
    build(src, tmp_path, formats=["xml", "docx", "epub", "pdf"])
    word = docx.Document(str(tmp_path / "attachment-alone.docx"))
    paras = [p.text for p in word.paragraphs if p.text.strip()]
    assert paras[:3] == ["附件2", "某市2024年度重点项目推进计划", "一、总体目标"]
    assert word.core_properties.title == "某市2024年度重点项目推进计划"
    with pdfplumber.open(tmp_path / "attachment-alone.pdf") as pdf:
        lines = [l for l in pdf.pages[0].extract_text().splitlines() if l.strip()]
        assert pdf.metadata.get("Title") == "某市2024年度重点项目推进计划"
    assert [nonspace(l) for l in lines[:2]] == ["附件2", "某市2024年度重点项目推进计划"]
    # the EPUB is valid (epubcheck, when installed) and shows the label before the title
    with zipfile.ZipFile(tmp_path / "attachment-alone.epub") as z:
        text = "".join(etree.fromstring(z.read(n)).xpath("string(//*[local-name()='body'])") for n in sorted(z.namelist())
                       if n.endswith(".xhtml") and "nav" not in n)
    assert nonspace(text).startswith("附件2某市2024年度重点项目推进计划一、总体目标")
    command = epubcheck_command()
    if command is not None:
        r = subprocess.run([*command, str(tmp_path / "attachment-alone.epub")], capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
    # our DOCX read back is the same attachment
    back = outline(DocxReader().read(tmp_path / "attachment-alone.docx"))
    assert back["attachment_bodies"] == outline(read(src))["attachment_bodies"]


def test_not_an_attachment_when_the_label_leads_a_note():
    # 附件： with its items under it is a 附件说明, and 附件1.XX the note's first item
    for text in ("附件：\n1.某某名单\n2.某某表\n", "附件1.某某名单\n正文。\n"):
        assert model.child(parse_report(text), "annex") is None
