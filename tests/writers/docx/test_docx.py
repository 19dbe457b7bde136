"""The DOCX writer, checked by reopening its files with python-docx and the raw XML, and with
LibreOffice as "a real word processor opens this file"."""
from __future__ import annotations

import copy
import math
import re
import shutil
import subprocess
import time
import zipfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.text.paragraph import Paragraph
from lxml import etree

from converter import model
from converter.model import q
from converter.pipeline import build, read, style_for
from converter.style import load_style
from converter.writers.docx.writer import DocxWriter
from converter.writers.docx.blocks import place_cells
from converter.writers.docx.ooxml import PPR_ORDER, RPR_ORDER
import office
from helpers import FIXTURES, SEED, missing_in_order, nonspace, sample_sources, source_text

DOCX_FIXTURES = FIXTURES / "docx"
EVERY = DOCX_FIXTURES / "every-element.xml"
FULL = FIXTURES / "model" / "full.xml"
MM = 72 / 25.4
RNG = "{http://relaxng.org/ns/structure/1.0}"


def docx_of(src: Path, out: Path, style: str | None = None) -> Path:
    return build(src, out, ["docx"], style).outputs[0]


def body_texts(document) -> list[str]:
    """Paragraph texts of the body in document order, table cells included (merged cells once)."""
    texts = []
    for block in document.element.body:
        if block.tag == qn("w:p"):
            texts.append(Paragraph(block, document).text)
        elif block.tag == qn("w:tbl"):
            for tc in block.iter(qn("w:tc")):
                texts.extend(Paragraph(p, document).text for p in tc.iter(qn("w:p")))
    return texts


def footnotes_of(path: Path) -> dict[int, list[str]]:
    """word/footnotes.xml read back: footnote id → its paragraphs' texts (the separators are
    -1 and 0); empty when the part is absent."""
    with zipfile.ZipFile(path) as z:
        if "word/footnotes.xml" not in z.namelist():
            return {}
        root = parse_xml(z.read("word/footnotes.xml"))
    return {int(n.get(w("id"))): [Paragraph(p, None).text for p in n.iter(w("p"))] for n in root.iter(w("footnote"))}


def docx_texts(path: Path) -> list[str]:
    """Paragraph texts of the body, then of the footnotes in id order."""
    notes = footnotes_of(path)
    return body_texts(docx.Document(str(path))) + [t for i in sorted(notes) if i > 0 for t in notes[i]]


def reading_order_text(src: Path) -> str:
    """The model's text in the order the DOCX shows it: footnotes moved to the end (footnotes.xml),
    in order (notes inside notes after their note)."""
    doc = copy.deepcopy(read(src))
    notes = []
    for fn in list(doc.iter(q("footnote"))):
        model.remove_keeping_tail(fn)
        notes.append(fn)
    return model.plain_text(doc) + "".join(model.plain_text(n) for n in notes)


def part_xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def w(tag: str) -> str:
    return qn(f"w:{tag}")


def paragraphs_with_style(document, name: str) -> list:
    return [p for p in document.paragraphs if p.style.name == name]


# ----- builds shared by the tests of this module (one build per document) -------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The seed (when present), the every-element fixture and the shared full.xml, built once."""
    import os

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    try:
        out = {}
        if SEED.is_file():
            out["seed"] = docx_of(SEED, tmp_path_factory.mktemp("seed"))
        out["every"] = docx_of(EVERY, tmp_path_factory.mktemp("every"))
        out["full"] = docx_of(FULL, tmp_path_factory.mktemp("full"))
        return out
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


@pytest.fixture
def seed_docx(built, seed) -> Path:
    return built["seed"]


# ----- the writer contract --------------------------------------------------------------------------


def test_handles_every_element_of_the_schema():
    rng = etree.parse(model.schema_path())
    names = {e.get("name") for e in rng.iter(f"{RNG}element")}
    assert names - DocxWriter.handled() == set()


def test_place_cells_spans():
    rows = etree.fromstring(
        f'<t xmlns="{model.NS}"><row><cell rowspan="2">a</cell><cell>b</cell></row>'
        '<row><cell>c</cell></row><row><cell colspan="2">d</cell></row></t>')
    placed, ncols = place_cells(list(rows))
    assert ncols == 2
    assert [(r, c, rs, cs, x.text) for r, c, rs, cs, x in placed] == [
        (0, 0, 2, 1, "a"), (0, 1, 1, 1, "b"), (1, 1, 1, 1, "c"), (2, 0, 1, 2, "d")]


# ----- text fidelity ----------------------------------------------------------------------------------


def test_seed_text_fidelity(seed_docx):
    extracted = "\n".join(docx_texts(seed_docx))
    assert missing_in_order(source_text(SEED), extracted) is None


@pytest.mark.parametrize("src", sample_sources(), ids=lambda p: p.name)
def test_sample_text_fidelity(src, tmp_path):
    extracted = "\n".join(docx_texts(docx_of(src, tmp_path)))
    assert missing_in_order(reading_order_text(src), extracted) is None


@pytest.mark.parametrize("key,src", [("every", EVERY), ("full", FULL)])
def test_fixture_text_fidelity(built, key, src):
    extracted = "\n".join(docx_texts(built[key]))
    assert missing_in_order(reading_order_text(src), extracted) is None


def test_small_inline_text(tmp_path):
    src = tmp_path / "note.txt"
    src.write_text("关于测试的通知\n\n各单位：\n\n一、总体要求。请认真落实。\n\n二、工作安排。一是抓落实；二是抓检查。\n",
                   encoding="utf-8")
    out = docx_of(src, tmp_path / "out")
    assert missing_in_order(source_text(src), "\n".join(body_texts(docx.Document(str(out))))) is None


# ----- styles, not direct formatting ----------------------------------------------------------------


def test_seed_paragraph_styles(seed_docx):
    document = docx.Document(str(seed_docx))
    doc = read(SEED)
    paras = document.paragraphs
    assert paras[0].style.name == "Title"
    sections = doc.findall(f"{q('body')}/{q('section')}")
    headings = paragraphs_with_style(document, "Heading 1")
    assert len(headings) == len(sections) == 8
    assert headings[0].text.startswith("一、")  # the numbering is the heading's first run
    assert headings[0].runs[0].text == "一、"
    assert " " not in "".join(h.text for h in headings)  # no space after CJK numbering or before the body
    body = [p for p in paras[1:] if p.style.name not in ("Heading 1",)]
    assert body and {p.style.name for p in body} == {"Body Text"}
    leads = [r for p in paras for r in p.runs if r.style is not None and r.style.name == "Enumeration Lead"]
    assert [r.text for r in leads] == [e.text for e in doc.iter(q("lead"))]


def test_styles_carry_the_roles(seed_docx):
    """Fonts per script, sizes, exact line pitch, indents, language: on the styles, from the roles."""
    style = style_for(read(SEED), None)
    styles = part_xml(seed_docx, "word/styles.xml")
    assert not [a for e in styles.iter(w("rFonts")) for a in e.attrib if a.endswith("Theme") or a.endswith("theme")]
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    fonts = defaults.find(w("rFonts"))
    body = style.role("body")
    assert fonts.get(w("eastAsia")) == body.fonts.cjk.family
    assert fonts.get(w("ascii")) == fonts.get(w("hAnsi")) == body.fonts.latin.family
    lang = defaults.find(w("lang"))
    # Latin text and digits in English (LibreOffice would break digit runs by Chinese rules)
    assert (lang.get(w("val")), lang.get(w("eastAsia"))) == ("en-US", "zh-CN")

    def style_el(style_id):
        return styles.find(f"{w('style')}[@{w('styleId')}='{style_id}']")

    for sid, role, outline in [("Title", "title", None), ("BodyText", "body", None),
                               ("Heading1", "heading-1", "0"), ("Heading2", "heading-2", "1"),
                               ("Heading6", "heading-6", "5")]:
        s, r = style_el(sid), style.role(role)
        rpr, ppr = s.find(w("rPr")), s.find(w("pPr"))
        # the fonts once, in the document defaults: a style names only fonts other than the body's
        named = rpr.find(w("rFonts"))
        if named is None:
            assert r.fonts == body.fonts and sid != "Title", sid
        else:
            assert named.get(w("eastAsia")) == r.fonts.cjk.family and r.fonts != body.fonts, sid
        assert rpr.find(w("sz")).get(w("val")) == str(round(r.size * 2)), sid
        spacing = ppr.find(w("spacing"))
        assert spacing.get(w("lineRule")) == "exact" and int(spacing.get(w("line"))) == int(r.line_pitch * 20)
        assert ppr.find(w("jc")).get(w("val")) == {"justify": "both"}.get(r.align, r.align), sid
        assert (rpr.find(w("b")) is not None) == r.bold, sid
        level = ppr.find(w("outlineLvl"))
        assert (level.get(w("val")) if level is not None else None) == outline, sid
    # 2 characters: in characters for Word's grid, and in twips within two of LibreOffice's grid
    # cells (15.73 pt: a hair more and it starts the text in the third)
    body_ind = style_el("BodyText").find(f"{w('pPr')}/{w('ind')}")
    assert body_ind.get(w("firstLineChars")) == "200"
    assert 2 * 15.6 * 20 <= int(body_ind.get(w("firstLine"))) <= 2 * 15.73 * 20
    for name in ("Enumeration Lead", "Run-in Heading", "Document Number", "Addressee", "Attachment",
                 "Signature", "Date", "Remark", "Source Code", "Quote", "footnote text", "Subtitle"):
        assert styles.find(f"{w('style')}/{w('name')}[@{w('val')}='{name}']") is not None, name


def test_xml_children_in_schema_order(built):
    """Word refuses pPr/rPr children out of the schema's order: check every part we touched."""
    for path in built.values():
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
        for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml", "word/footnotes.xml"):
            if part not in names:  # a document without notes has no footnotes.xml
                continue
            root = part_xml(path, part)
            for tag, order in ((w("pPr"), PPR_ORDER), (w("rPr"), RPR_ORDER)):
                rank = {qn(t): i for i, t in enumerate(order)}
                for el in root.iter(tag):
                    ranks = [rank[c.tag] for c in el]
                    assert ranks == sorted(ranks), (path.name, part, [c.tag for c in el])


# ----- page, grid, page numbers -------------------------------------------------------------------


def test_gongwen_page(seed_docx):
    document = docx.Document(str(seed_docx))
    section = document.sections[0]
    for length, mm in ((section.page_width, 210), (section.page_height, 297), (section.top_margin, 37),
                       (section.left_margin, 28), (section.right_margin, 26), (section.bottom_margin, 35)):
        assert abs(length.pt / MM - mm) < 0.5
    # the page number's line starts 7 mm under the type area (its exact pitch: 1.2 × 14 pt)
    assert section.footer_distance.pt == pytest.approx((35 - 7) * MM - 1.2 * 14, abs=0.1)
    grid = document.element.body.find(f"{w('sectPr')}/{w('docGrid')}")
    pitch = int(grid.get(w("linePitch"))) / 20
    assert 225 * MM - 1 < pitch * 22 <= 225 * MM  # 22 lines fill the type area, and fit in it
    # Word's line and character grid: 28 characters of Normal's 16 pt in 156 mm, the pitch's
    # difference from 16 pt in 4096ths of a point
    assert grid.get(w("type")) == "linesAndChars"
    char_space = int(grid.get(w("charSpace")))
    assert char_space == math.floor((156 * MM / 28 - 16) * 4096) == -848
    assert 28 * (16 + char_space / 4096) <= 156 * MM < 29 * (16 + char_space / 4096)
    assert document.styles["Normal"].font.size.pt == 16
    # body paragraphs carry no formatting of their own: the grid and the styles do it all (but
    # the one after a run-in heading, whose first line continues the heading's line)
    previous = None
    for p in document.paragraphs:
        if p.style.name == "Body Text":
            ind = p._p.pPr.find(w("ind"))
            after_runin = previous is not None and previous._p.pPr.find(w("framePr")) is not None
            assert (ind is None) != after_runin and p._p.pPr.find(w("rPr")) is None
            if after_runin:
                assert ind.get(w("firstLine")) == "0" and ind.get(w("left")) is None
        previous = p
    body = docx.Document(str(seed_docx)).styles["Body Text"].element
    assert body.find(f"{w('pPr')}/{w('spacing')}").get(w("line")) == grid.get(w("linePitch"))


def test_gongwen_page_numbers(seed_docx):
    settings = part_xml(seed_docx, "word/settings.xml")
    assert settings.find(w("evenAndOddHeaders")) is not None
    document = docx.Document(str(seed_docx))
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment is not None and str(odd.alignment).startswith("RIGHT")
    assert str(even.alignment).startswith("LEFT")
    assert odd.paragraph_format.right_indent.pt == pytest.approx(14, abs=0.1)  # one 四号 character
    assert even.paragraph_format.left_indent.pt == pytest.approx(14, abs=0.1)
    for p in (odd, even):
        assert "".join(p._p.xpath(".//w:instrText/text()")).strip() == "PAGE"
        assert p.text.startswith("— ") and p.text.endswith(" —")
    footer_style = document.styles["Footer"].element
    assert footer_style.find(f"{w('rPr')}/{w('sz')}").get(w("val")) == "28"  # 四号 14 pt


def test_report_page_number_centred(built):
    settings = part_xml(built["full"], "word/settings.xml")
    assert settings.find(w("evenAndOddHeaders")) is None
    document = docx.Document(str(built["full"]))
    assert str(document.sections[0].footer.paragraphs[0].alignment).startswith("CENTER")


# ----- run-in headings -------------------------------------------------------------------------------


def test_runin_heading_is_a_framed_heading_paragraph(seed_docx):
    """A run-in heading stays a Heading N paragraph (outline level: navigation pane, table of
    contents) framed one line tall at the start of its line; the body wraps around it and its
    first line has no indent of its own. No style separator: LibreOffice 7.4 ignores it."""
    document = docx.Document(str(seed_docx))
    paras = document.paragraphs
    headings = [i for i, p in enumerate(paras) if p.style.name == "Heading 1"]
    assert headings
    pitch = document.styles["Heading 1"].element.find(f"{w('pPr')}/{w('spacing')}").get(w("line"))
    for i in headings:
        ppr = paras[i]._p.pPr
        frame = ppr.find(w("framePr"))
        assert frame is not None and ppr.find(w("rPr")) is None
        assert {k.split("}")[1]: v for k, v in frame.attrib.items()} == {
            "hSpace": "0", "vSpace": "0", "wrap": "around", "vAnchor": "text", "hAnchor": "text",
            "x": "0", "y": "0", "h": pitch, "hRule": "atLeast"}
        assert paras[i + 1].style.name == "Body Text"
        assert paras[i + 1]._p.pPr.find(w("ind")).get(w("firstLine")) == "0"
    level = document.styles["Heading 1"].element.find(f"{w('pPr')}/{w('outlineLvl')}")
    assert level.get(w("val")) == "0"


def test_standalone_heading_has_a_visible_mark(built):
    document = docx.Document(str(built["every"]))
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 2")
    assert heading._p.pPr.find(w("rPr")) is None


def test_runin_heading_role_and_space_in_latin_text(built):
    """report defines its own run-in heading role: the runs take it, and a space separates
    the Latin heading from the body it runs into."""
    document = docx.Document(str(built["full"]))
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 2")
    assert heading.text == "1.1 Run-in. "
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == ["1. Lists and tables"]
    # Heading 2 is bold: its run-in style must not say bold again (Word would toggle it off)
    assert {r.style.name for r in heading.runs} == {"Run-in Heading 2"}
    runin = document.styles["Run-in Heading 2"]
    assert runin.font.bold is None and heading.style.font.bold
    assert runin.font.name == document.styles["Run-in Heading"].font.name


# ----- every element ----------------------------------------------------------------------------------


def test_links_are_real_hyperlinks(built):
    path = built["every"]
    root = part_xml(path, "word/document.xml")
    links = root.findall(f".//{w('hyperlink')}")
    external = [h for h in links if h.get(qn("r:id"))]
    rels = part_xml(path, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): (r.get("Target"), r.get("TargetMode")) for r in rels}
    assert [targets[h.get(qn("r:id"))] for h in external] == [("https://www.gov.cn/", "External")]
    bookmarks = {b.get(w("name")) for b in root.iter(w("bookmarkStart"))}
    anchors = [h.get(w("anchor")) for h in links if h.get(w("anchor"))]
    assert "sec_tables" in anchors and set(anchors) <= bookmarks


def test_table(built):
    document = docx.Document(str(built["every"]))
    table = document.tables[0]
    tr = table.rows[0]._tr
    assert tr.trPr is not None and tr.trPr.find(w("tblHeader")) is not None
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(w("tblHeader")) is None
    assert table.cell(0, 0).paragraphs[0].style.name == "Table Heading"
    assert table.cell(1, 1).paragraphs[0].style.name == "Table Text"
    assert str(table.cell(1, 2).paragraphs[0].alignment).startswith("RIGHT")
    assert table.cell(1, 0)._tc is table.cell(2, 0)._tc  # rowspan=2
    assert table.cell(3, 0)._tc is table.cell(3, 1)._tc  # colspan=2
    assert table.cell(3, 0).text == "合计（跨两列）"
    caption = document.paragraphs[[p.text for p in document.paragraphs].index("表1　政务服务事项统计")]
    assert caption.style.name == "Caption"


def test_pictures_fit_and_carry_alt_text(built):
    document = docx.Document(str(built["every"]))
    text_width = document.sections[0].page_width - document.sections[0].left_margin - document.sections[0].right_margin
    shapes = document.inline_shapes
    assert len(shapes) == 2
    assert all(s.width <= text_width for s in shapes)
    wide = shapes[1]
    assert wide.width == pytest.approx(text_width, rel=0.01) and wide.width / wide.height == pytest.approx(4, rel=0.01)
    descr = [s._inline.docPr.get("descr") for s in shapes]
    assert descr == ["行内小图", "宽图：棋盘格"]
    assert shapes[1]._inline.docPr.get("title") == "棋盘格"


def test_missing_image_is_a_warning_and_its_alt_text_in_a_frame(tmp_path):
    src = tmp_path / "doc.xml"
    src.write_text(EVERY.read_text(encoding="utf-8").replace('src="wide.png"', 'src="gone/missing.png"'),
                   encoding="utf-8")
    shutil.copy(DOCX_FIXTURES / "chart.png", tmp_path / "chart.png")
    result = build(src, tmp_path / "out", ["docx"])
    assert any("missing.png" in d.message and "frame" in d.message for d in result.diagnostics)
    document = docx.Document(str(result.outputs[0]))
    framed = [r.text for p in document.paragraphs for r in p.runs if r._r.find(f".//{w('bdr')}") is not None]
    assert framed == ["宽图：棋盘格"]


def test_lists_footnotes_code_rule_pagebreak(built):
    document = docx.Document(str(built["every"]))
    paras = document.paragraphs
    by_text = {p.text: p for p in paras}
    bullet, nested = by_text["无序项甲"], by_text["有序子项丙"]
    assert bullet.style.name == "List Bullet" and nested.style.name == "List Number"
    assert nested._p.pPr.numPr.ilvl.val == 1 and bullet._p.pPr.numPr.ilvl.val == 0
    assert nested.paragraph_format.left_indent > bullet.paragraph_format.left_indent
    numbering = document.part.numbering_part.element
    num = numbering.num_having_numId(nested._p.pPr.numPr.numId.val)
    assert num.find(f"{w('lvlOverride')}/{w('startOverride')}").get(w("val")) == "3"
    assert by_text["子项的第二段"].style.name == "List Continue"
    # the footnote: a reference in the text, its text in footnotes.xml, no Notes section
    ref = next(r for p in paras for r in p.runs if r.style is not None and r.style.name == "footnote reference")
    assert ref._r.find(w("footnoteReference")).get(w("id")) == "1" and ref.text == ""
    assert footnotes_of(built["every"])[1] == [" 脚注正文，含加粗。"]
    assert "注释" not in by_text and "Notes Heading" not in [s.name for s in document.styles]
    code = next(p for p in paras if p.style.name == "Source Code")
    assert code.text.split("\n") == ['def hello():', '    print("你好")', '\treturn 1']
    rule = next(p for p in paras if p.style.name == "Horizontal Rule")
    assert rule.style.element.find(f"{w('pPr')}/{w('pBdr')}/{w('bottom')}") is not None
    assert by_text["分页之后的段落。"]._p.pPr.find(w("pageBreakBefore")) is not None
    quote = by_text["引用的段落。"]
    assert quote.style.name == "Quote"


def test_closing(built):
    document = docx.Document(str(built["every"]))
    paras = document.paragraphs
    first = next(p for p in paras if p.text.startswith("附件："))
    second = next(p for p in paras if p.text.startswith("2.\t"))
    assert first.text == "附件：\t1.\t2023年度政务服务事项办理情况统计表"
    assert first.style.name == "Attachment" and second.style.name == "Attachment Continuation"
    # names align: both paragraphs hang from the same left indent, the number column is common
    f, s = first.paragraph_format, second.paragraph_format
    assert f.left_indent == s.left_indent
    # the note stays on one page, and its last line with the signature under it (GB/T 9704 7.3.5)
    assert f.keep_with_next and s.keep_with_next
    assert f.left_indent + f.first_line_indent < s.left_indent + s.first_line_indent < s.left_indent
    assert [p.text for p in paras if p.style.name == "Signature"] == ["某市人民政府"]
    assert next(p for p in paras if p.style.name == "Signature").paragraph_format.keep_with_next
    assert [p.text for p in paras if p.style.name == "Date"] == ["2024年3月15日"]
    assert [p.text for p in paras if p.style.name == "Remark"] == ["（此件公开发布）"]
    assert [p.style.name for p in paras[:4]] == ["Document Number", "Title", "Subtitle", "Addressee"]


# ----- footnotes ----------------------------------------------------------------------------------------


def footnote_refs(path: Path) -> list[int]:
    """The ids the w:footnoteReference runs of document.xml point to, in document order."""
    return [int(r.get(w("id"))) for r in part_xml(path, "word/document.xml").iter(w("footnoteReference"))]


def rels_of(path: Path, part: str) -> dict[str, tuple[str, str, str | None]]:
    """A part's relationships: id → (type, target, target mode)."""
    root = part_xml(path, f"word/_rels/{part}.rels")
    return {r.get("Id"): (r.get("Type"), r.get("Target"), r.get("TargetMode")) for r in root}


@pytest.mark.parametrize("key,src", [("every", EVERY), ("full", FULL)])
def test_model_footnotes_are_word_footnotes(built, key, src):
    """footnotes.xml: Word's two separators, then one w:footnote per model footnote, in the order
    the text refers to them, each holding the model note's text in the Footnote Text style."""
    path = built[key]
    model_notes = list(read(src).iter(q("footnote")))
    assert model_notes
    footnotes = part_xml(path, "word/footnotes.xml").findall(w("footnote"))
    assert [(n.get(w("id")), n.get(w("type"))) for n in footnotes[:2]] == [("-1", "separator"),
                                                                           ("0", "continuationSeparator")]
    assert footnotes[0].find(f".//{w('separator')}") is not None
    assert footnotes[1].find(f".//{w('continuationSeparator')}") is not None
    assert len(footnotes) == len(model_notes) + 2
    ids = [int(n.get(w("id"))) for n in footnotes[2:]]
    assert footnote_refs(path) == ids == list(range(1, len(model_notes) + 1))
    texts = footnotes_of(path)
    for ident, note in zip(ids, model_notes):
        assert nonspace("".join(texts[ident])) == nonspace(model.plain_text(note))
    for note in footnotes[2:]:
        paras = note.findall(w("p"))
        assert {p.find(f"{w('pPr')}/{w('pStyle')}").get(w("val")) for p in paras} == {"FootnoteText"}
        mark = paras[0].find(w("r"))
        assert mark.find(w("footnoteRef")) is not None
        assert mark.find(f"{w('rPr')}/{w('rStyle')}").get(w("val")) == "FootnoteReference"
    # the part is related from the document and has its content type
    assert [(t, mode) for t, target, mode in rels_of(path, "document.xml").values()
            if target == "footnotes.xml"] == [("http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes", None)]
    types = part_xml(path, "[Content_Types].xml")
    assert {o.get("ContentType") for o in types if o.get("PartName") == "/word/footnotes.xml"} == {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"}
    # settings: at the page foot, numbered on through the document, the separators named
    pr = part_xml(path, "word/settings.xml").find(w("footnotePr"))
    assert pr.find(w("pos")).get(w("val")) == "pageBottom" and pr.find(w("numFmt")).get(w("val")) == "decimal"
    assert [f.get(w("id")) for f in pr.findall(w("footnote"))] == ["-1", "0"]


def test_footnote_styles_take_the_footnote_role(built):
    """python-docx still opens the file; Footnote Text has the style sheet's footnote role,
    Footnote Reference is superscript; both have Word's ids."""
    document = docx.Document(str(built["full"]))
    role = style_for(read(FULL), None).role("footnote")
    text, ref = document.styles["footnote text"], document.styles["footnote reference"]
    assert (text.style_id, ref.style_id) == ("FootnoteText", "FootnoteReference")
    assert text.font.size.pt == role.size
    body = style_for(read(FULL), None).role("body")
    # the fonts are the document defaults' (the body's) unless the role has others
    assert text.font.name == (None if role.fonts == body.fonts else role.fonts.latin.family)
    defaults = part_xml(built["full"], "word/styles.xml").find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('rFonts')}")
    assert defaults.get(w("ascii")) == body.fonts.latin.family
    assert text.paragraph_format.line_spacing.pt == pytest.approx(role.line_pitch, abs=0.05)
    assert ref.font.superscript
    ref_run = next(r for p in document.paragraphs for r in p.runs if r._r.find(w("footnoteReference")) is not None)
    assert ref_run.style.name == "footnote reference"


def notes_doc(tmp_path: Path) -> Path:
    """An English report whose first note has two paragraphs, emphasis, code, a web link, a
    picture and a note of its own; a second note; a link to the first note."""
    shutil.copy(DOCX_FIXTURES / "chart.png", tmp_path / "chart.png")
    return small_xml(tmp_path, (
        '<p>Text with a note<footnote id="fn-long"><p>First paragraph with <em>emphasis</em>, <code>code()</code> '
        'and a <link href="https://example.org/note">web link</link>.</p>'
        '<p>Second paragraph, a picture <image src="chart.png" alt="chart"/> and an inner note'
        '<footnote><p>Inner note text.</p></footnote>.</p></footnote> and a second one'
        '<footnote><p>Plain second note.</p></footnote>; <link href="#fn-long">back to the first note</link>.</p>'
        '<figure><image src="chart.png" alt="body chart"/></figure>'), lang="en", style="report")


def test_footnote_content_and_relationships(tmp_path):
    """Several paragraphs, inline formatting, a hyperlink and a picture related from footnotes.xml;
    a note inside a note lettered and following its note; links to a note reach its bookmark."""
    path = docx_of(notes_doc(tmp_path), tmp_path / "out")
    assert footnote_refs(path) == [1, 2]
    notes = footnotes_of(path)
    assert sorted(notes) == [-1, 0, 1, 2]
    assert notes[1] == [" First paragraph with emphasis, code() and a web link.",
                        "Second paragraph, a picture  and an inner notea.", "a Inner note text."]
    assert notes[2] == [" Plain second note."]
    root = part_xml(path, "word/footnotes.xml")
    first = root.find(f"{w('footnote')}[@{w('id')}='1']")
    assert [r.text for r in first.iter(w("t")) if r.getparent().find(f"{w('rPr')}/{w('i')}") is not None] == ["emphasis"]
    code_style = docx.Document(str(path)).styles["Verbatim Char"].style_id
    assert [r.getparent().getparent().findtext(w("t")) for r in first.iter(w("rStyle")) if r.get(w("val")) == code_style] == ["code()"]
    rels = rels_of(path, "footnotes.xml")
    link = first.find(f".//{w('hyperlink')}")
    assert rels[link.get(qn("r:id"))][1:] == ("https://example.org/note", "External")
    assert "".join(link.itertext()) == "web link"
    blip = first.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
    target = rels[blip.get(qn("r:embed"))][1]
    with zipfile.ZipFile(path) as z:
        assert f"word/{target}" in z.namelist()
    # drawing ids are unique across the document and its notes
    drawings = [d.get("id") for part in ("word/document.xml", "word/footnotes.xml")
                for d in part_xml(path, part).iter(qn("wp:docPr"))]
    assert len(drawings) == 2 and len(set(drawings)) == 2
    anchors = [h.get(w("anchor")) for h in part_xml(path, "word/document.xml").iter(w("hyperlink")) if h.get(w("anchor"))]
    assert anchors == ["fn_long"] and first.find(f".//{w('bookmarkStart')}").get(w("name")) == "fn_long"
    # the inner note's letter is a superscript run in Footnote Reference
    label = next(r for r in first.iter(w("r")) if r.findtext(w("t")) == "a")
    assert label.find(f"{w('rPr')}/{w('rStyle')}").get(w("val")) == "FootnoteReference"
    document = docx.Document(str(path))  # python-docx opens it
    assert [p.text for p in document.paragraphs][0] == "小文档"


def test_libreoffice_shows_the_footnotes(tmp_path):
    """A real word processor lays the notes out: every note's text is in its PDF, the web link
    inside a note is clickable there."""
    path = docx_of(notes_doc(tmp_path), tmp_path / "out")
    pdf = office.to_pdf([path], tmp_path / "lo")[path]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for texts in footnotes_of(path).values():
        for t in texts:  # in order (the picture's taller line sends the words after it later)
            assert missing_in_order(t, text) is None, t
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(pdf) as doc:
        uris = {link.get("uri") for page in doc.pages for link in page.hyperlinks}
    assert "https://example.org/note" in uris


def test_footnotes_rebuild_identical(tmp_path):
    src = notes_doc(tmp_path)
    a = docx_of(src, tmp_path / "a")
    time.sleep(1.1)
    assert a.read_bytes() == docx_of(src, tmp_path / "b").read_bytes()


def test_no_footnotes_no_part(tmp_path):
    path = docx_of(small_xml(tmp_path, "<p>正文。</p>"), tmp_path / "out")
    assert footnotes_of(path) == {}
    assert part_xml(path, "word/settings.xml").find(w("footnotePr")) is None


# ----- properties and bytes ---------------------------------------------------------------------------


def test_core_properties(built):
    cp = docx.Document(str(built["every"])).core_properties
    when = datetime.fromtimestamp(1700000000, timezone.utc)
    assert cp.title == "关于全部元素的测试报告"
    assert cp.language == "zh-CN"
    assert cp.author == "某市人民政府办公室; 某市大数据中心"
    assert cp.subject == "政务服务" and cp.keywords == "政务服务, 一网通办"
    assert cp.created == cp.modified == cp.last_printed == when
    assert cp.revision == 1
    assert cp.comments == "" and cp.identifier == "某市政发〔2024〕7号"
    with zipfile.ZipFile(built["every"]) as z:
        names = z.namelist()
        app = z.read("docProps/app.xml")
    assert b"python-docx" not in app and b"Microsoft" not in app
    assert not [n for n in names if "thumbnail" in n or "customXml" in n or "stylesWithEffects" in n]


def test_seed_core_properties(seed_docx):
    cp = docx.Document(str(seed_docx)).core_properties
    assert cp.title == "乌鲁木齐市人民政府2021年度法治政府建设情况报告"
    assert cp.language == "zh-CN"
    assert cp.created == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)  # SOURCE_DATE_EPOCH=1700000000


def test_rebuilds_are_byte_identical(tmp_path):
    src = SEED if SEED.is_file() else EVERY
    a = docx_of(src, tmp_path / "a")
    time.sleep(1.1)  # a timestamp taken from the clock would now differ
    b = docx_of(src, tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_every_element_rebuild_identical(tmp_path):
    assert docx_of(EVERY, tmp_path / "a").read_bytes() == docx_of(EVERY, tmp_path / "b").read_bytes()


# ----- a real word processor opens the files ----------------------------------------------------------


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """The seed (when present) and every file in sources/, built to DOCX and PDF:
    name → (docx, our pdf)."""
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        for src in ([SEED] if SEED.is_file() else []) + sample_sources():
            result = build(src, tmp_path_factory.mktemp(src.stem), ["docx", "pdf"])
            by_suffix = {p.suffix: p for p in result.outputs}
            out[src.stem] = (by_suffix[".docx"], by_suffix[".pdf"])
    return out


@pytest.fixture(scope="module")
def libreoffice_pdfs(built, samples, tmp_path_factory) -> dict[str, Path]:
    """Every built DOCX converted to PDF by one headless LibreOffice run, on a machine that has
    none of our fonts (only DejaVu): whatever it draws with our fonts comes from the DOCX."""
    docs = {key: path for key, path in built.items() if key != "seed"}
    docs |= {name: docx for name, (docx, _) in samples.items()}
    if "seed" in built:
        docs["seed"] = samples[SEED.stem][0]
    pdfs = office.to_pdf(sorted(set(docs.values())), tmp_path_factory.mktemp("lo"), hide_fonts=True)
    return {key: pdfs[path] for key, path in docs.items()}


@pytest.mark.parametrize("key", ["seed", "every", "full"])
def test_libreoffice_opens_it(libreoffice_pdfs, key):
    if key not in libreoffice_pdfs:
        pytest.skip("corpus seed ../shared/corpus is absent")
    pdf = libreoffice_pdfs[key]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert office.page_count(pdf) >= 1
    assert "595" in info and "841" in info  # A4
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.strip()


def test_libreoffice_page_count_equals_ours(samples, libreoffice_pdfs):
    """The seed and every sample: LibreOffice's page count is our PDF's (issue 12: run-in
    headings share their line, digits take no whole grid cells)."""
    counts = {name: (office.page_count(pdf), office.page_count(libreoffice_pdfs[name])) for name, (_, pdf) in samples.items()}
    assert counts and all(ours == lo for ours, lo in counts.values()), counts


def test_libreoffice_keeps_numbers_whole(libreoffice_pdfs):
    """The seed and every Chinese sample: LibreOffice breaks no digit run over two lines (the
    seed's ``1639次`` came out ``163`` / ``9次`` while Latin text was marked zh-CN)."""
    texts = {src.stem: src.read_text("utf-8") for src in ([SEED] if SEED.is_file() else []) + sample_sources()}
    chinese = {name: text for name, text in texts.items() if re.search(r"[\u4e00-\u9fff]", text)}
    assert len(chinese) >= 4
    splits = {name: office.split_numbers(libreoffice_pdfs[name], text) for name, text in chinese.items()}
    assert not any(splits.values()), splits


def test_libreoffice_page_count_equals_ours_on_chinese_test_documents(tmp_path):
    """The Chinese text fixtures: the same page count in LibreOffice (embedded fonts only) as in our PDF."""
    sources = sorted(p for p in (FIXTURES / "text").glob("*.txt") if re.search(r"[\u4e00-\u9fff]", p.read_text("utf-8")))
    assert sources
    built_pairs = {}
    for src in sources:
        result = build(src, tmp_path / src.stem, ["docx", "pdf"])
        by_suffix = {p.suffix: p for p in result.outputs}
        built_pairs[src.stem] = (by_suffix[".docx"], by_suffix[".pdf"])
    pdfs = office.to_pdf([d for d, _ in built_pairs.values()], tmp_path / "lo", hide_fonts=True)
    counts = {name: (office.page_count(pdf), office.page_count(pdfs[docx])) for name, (docx, pdf) in built_pairs.items()}
    assert all(ours == lo for ours, lo in counts.values()), counts
    # and no number split over two lines (test_libreoffice_keeps_numbers_whole)
    splits = {src.stem: office.split_numbers(pdfs[built_pairs[src.stem][0]], src.read_text("utf-8")) for src in sources}
    assert not any(splits.values()), splits


def test_only_the_styles_a_user_applies_are_in_the_gallery(seed_docx, built):
    """w:qFormat (Word's style gallery) on the styles a user applies, none on the writer's
    helpers (Table Text, footer, Attachment Continuation …) or the template's leftovers."""
    from converter.writers.docx.styles import GALLERY

    for path in [seed_docx, built["every"]]:
        styles = part_xml(path, "word/styles.xml")
        quick = {s.find(w("name")).get(w("val")) for s in styles.iter(w("style")) if s.find(w("qFormat")) is not None}
        assert quick <= GALLERY and {"Body Text", "Title", "heading 1", "heading 2"} <= quick, quick
        latent = styles.find(w("latentStyles"))
        assert latent.get(w("defQFormat")) == "0"
        assert {e.get(w("name")) for e in latent.iter(w("lsdException")) if e.get(w("qFormat"))} <= GALLERY


def test_the_chinese_face_is_named_once(seed_docx):
    """The body's East Asian face is in the document defaults; styles that share it name no font."""
    styles = part_xml(seed_docx, "word/styles.xml")
    body = load_style("gongwen").role("body").fonts.cjk.family
    named = [s.get(w("styleId")) for s in styles.iter(w("style"))
             if any(f.get(w("eastAsia")) == body for f in s.iter(w("rFonts")))]
    assert named == []
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('rFonts')}")
    assert defaults.get(w("eastAsia")) == body


def test_paragraphs_keep_off_the_character_grid(seed_docx):
    """LibreOffice gives half-width runs whole cells of a character grid ("6.8%  。"): Normal and
    every paragraph style say snapToGrid off; the glyphs are narrowed to hold 28 a line."""
    styles = part_xml(seed_docx, "word/styles.xml")
    for s in styles.iter(w("style")):
        if s.get(w("type")) == "paragraph" and s.get(w("styleId")) in ("Normal", "BodyText", "Heading1", "Heading3"):
            assert s.find(f"{w('pPr')}/{w('snapToGrid')}").get(w("val")) == "0", s.get(w("styleId"))


def test_libreoffice_draws_with_the_embedded_fonts(built, samples, libreoffice_pdfs):
    """Without our fonts installed, every font in LibreOffice's PDF is one the DOCX carries
    (its PostScript name, as the subset says), and the body's East Asian font is among them."""
    from docx_fonts_check import embedded_fonts

    for key, path in list(built.items()) + [(n, d) for n, (d, _) in samples.items()]:
        names = {n for f in embedded_fonts(path) for n in f.ps_names}
        used = office.font_names(libreoffice_pdfs[key])
        assert used and all(any(u.startswith(n) for n in names) for u in used), (key, used, names)
    if "seed" in built:
        body = next(f for f in embedded_fonts(built["seed"]) if f.family == "FandolFang R" and f.tag == "embedRegular")
        assert any(u.startswith(n) for u in office.font_names(libreoffice_pdfs["seed"]) for n in body.ps_names)


def test_libreoffice_page_number_position(libreoffice_pdfs):
    """The number's top 7 mm under the type area; odd pages right, even left, one character in."""
    if "seed" not in libreoffice_pdfs:
        pytest.skip("corpus seed ../shared/corpus is absent")
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(libreoffice_pdfs["seed"]) as pdf:
        for page in pdf.pages[:2]:
            number = [c for c in page.chars if c["top"] > (297 - 35) * MM]
            assert "".join(c["text"] for c in number).replace(" ", "") == f"—{page.page_number}—"
            assert min(c["top"] for c in number) == pytest.approx((297 - 28) * MM, abs=2)
            if page.page_number % 2:
                assert max(c["x1"] for c in number) == pytest.approx((210 - 26) * MM - 14, abs=1.5)
            else:
                assert min(c["x0"] for c in number) == pytest.approx(28 * MM + 14, abs=1.5)


def lines_by_baseline(pdf: Path) -> list[list[tuple[str, float, float]]]:
    """Per page, the text lines (text, left, right in points) in reading order, by baseline."""
    pdfplumber = pytest.importorskip("pdfplumber")
    pages = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            rows: dict[float, list] = {}
            for ch in page.chars:
                rows.setdefault(round(ch["bottom"]), []).append(ch)
            pages.append([("".join(c["text"] for c in sorted(r, key=lambda c: c["x0"])),
                           min(c["x0"] for c in r), max(c["x1"] for c in r)) for _, r in sorted(rows.items())])
    return pages


def test_libreoffice_seed_layout(libreoffice_pdfs):
    """GB/T 9704 in LibreOffice too, through Word's document grid: 22 lines on a full page,
    28 characters on a full line of Chinese, 26 after a paragraph's 2-character indent."""
    if "seed" not in libreoffice_pdfs:
        pytest.skip("corpus seed ../shared/corpus is absent")
    pages = lines_by_baseline(libreoffice_pdfs["seed"])
    body = [[ln for ln in page if not ln[0].replace(" ", "").startswith("—")] for page in pages]
    assert max(len(b) for b in body[1:-1]) == 22 and min(len(b) for b in body[1:-1]) >= 21, [len(b) for b in body]
    left, right = 28 * MM, (210 - 26) * MM
    chinese = [(t, x0, x1) for page in body[1:] for t, x0, x1 in page if not re.search(r"[0-9A-Za-z—]", t)]
    full = [t for t, x0, x1 in chinese if abs(x0 - left) < 2 and abs(x1 - right) < 8]
    indented = [t for t, x0, x1 in chinese if abs(x0 - left - 2 * 15.79) < 2 and abs(x1 - right) < 8]
    assert len(full) > 30 and len(indented) > 3
    assert Counter(len(t) for t in full).most_common(1)[0][0] == 28, Counter(len(t) for t in full)
    assert Counter(len(t) for t in indented).most_common(1)[0][0] == 26, Counter(len(t) for t in indented)


@pytest.mark.parametrize("src", sample_sources(), ids=lambda p: p.name)
def test_sample_styles_and_heading_levels(samples, src):
    """Reopened with python-docx: named styles only, and the headings' levels are the model's."""
    document = docx.Document(str(samples[src.stem][0]))
    levels = [int(s.get("level")) for s in read(src).iter(q("section"))]
    headings = [int(p.style.name.split()[-1]) for p in document.paragraphs if p.style.name.startswith("Heading ")]
    assert headings == [min(n, 6) for n in levels]
    assert all(p.style is not None and p.style.name != "Normal" for p in document.paragraphs if p.text.strip())


# ----- small documents written here -------------------------------------------------------------------


def small_xml(tmp_path: Path, body: str, lang: str = "zh-CN", style: str | None = None) -> Path:
    attr = f' style="{style}"' if style else ""
    src = tmp_path / "small.xml"
    src.write_text(f'<document xmlns="{model.NS}" version="1" xml:lang="{lang}"{attr}>'
                   f"<title>小文档</title><body>{body}</body></document>", encoding="utf-8")
    return src


@pytest.mark.parametrize("src,message", [("https://example.org/a.png", "remote"), ("notes.txt", "not a PNG")])
def test_unusable_images_are_warnings(tmp_path, src, message):
    (tmp_path / "notes.txt").write_text("not an image")
    doc = small_xml(tmp_path, f'<figure><image src="{src}" alt="x"/></figure>')
    result = build(doc, tmp_path / "out", ["docx"])
    assert any(message in d.message for d in result.diagnostics)


def test_characters_the_role_fonts_lack_take_a_fallback_font(tmp_path):
    from converter.fonts.coverage import charset, face_for

    style = style_for(read(small_xml(tmp_path, "<p>x</p>")), None)
    body = style.role("body")
    rare = "𠀀"
    if ord(rare) in charset(body.fonts.cjk) or face_for(rare, style.fallback) is None:
        pytest.skip("no fallback font with CJK Extension B here, or the body font has it")
    out = docx_of(small_xml(tmp_path, f"<p>温度{rare}字</p>"), tmp_path / "out")
    p = next(p for p in docx.Document(str(out)).paragraphs if rare in p.text)
    runs = {r.text: r._r.rPr.find(w("rFonts")) for r in p.runs}
    assert runs["温度"].get(w("eastAsia")) is None  # the style's own font
    assert runs[rare].get(w("eastAsia")) == face_for(rare, style.fallback).family
    fonts = {f.get(w("name")) for f in part_xml(out, "word/fontTable.xml")}
    assert face_for(rare, style.fallback).family in fonts and body.fonts.cjk.family in fonts


def test_mirrored_pages_and_no_number_on_the_first_page(tmp_path):
    sheet = tmp_path / "duplex.toml"
    sheet.write_text('name = "duplex"\nextends = "gongwen"\n[page]\nmirror = true\n[page.number]\nfirst-page = false\n',
                     encoding="utf-8")
    out = build(small_xml(tmp_path, "<p>正文。</p>"), tmp_path / "out", ["docx"], str(sheet)).outputs[0]
    assert part_xml(out, "word/settings.xml").find(w("mirrorMargins")) is not None
    section = docx.Document(str(out)).sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_footer.paragraphs[0].text == ""
    assert "PAGE" in "".join(section.footer.paragraphs[0]._p.xpath(".//w:instrText/text()"))
