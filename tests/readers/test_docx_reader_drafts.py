"""Word drafts made for the project in LibreOffice and real public .docx files: their structure,
and every character they show reaching the model, in reading order."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from converter import model, pipeline
from converter.cli import main
from converter.model import q
from converter.model.outline import outline

from helpers import FIXTURES, missing_in_order, nonspace

DRAFTS = FIXTURES / "docx-drafts"
REAL = FIXTURES / "docx-real"
EXPECTED = json.loads((REAL / "expected.json").read_text(encoding="utf-8"))
ALL = sorted(DRAFTS.glob("*.docx")) + sorted(REAL.glob("*.docx"))


def _sections(doc) -> list[tuple[int, str | None, str]]:
    out = []
    for sec in doc.iter(q("section")):
        h = sec.find(q("heading"))
        out.append((int(sec.get("level")), h.findtext(q("number")), model.plain_text(h)))
    return out


# --- the drafts, typed as offices type them -------------------------------------------------------
def test_a_notice_typed_with_direct_formatting():
    got = pipeline.read_source(DRAFTS / "tongzhi-draft.docx")
    doc = got.doc
    assert doc.findtext(f".//{q('docnumber')}") == "某市政办发〔2024〕12号"
    assert doc.findtext(q("title")) == "某市人民政府办公室关于开展2024年度政务公开工作检查的通知"  # two lines
    assert doc.findtext(q("addressee")) == "各区（县）人民政府，市政府各部门："
    assert _sections(doc) == [
        (1, "一、", "一、检查范围"), (1, "二、", "二、检查内容"),
        (2, "（一）", "（一）主动公开情况。"), (2, "（二）", "（二）依申请公开情况。"),
        (1, "三、", "三、检查安排"), (2, "1.", "1.自查阶段（3月20日前）。"), (2, "2.", "2.抽查阶段（4月30日前）。")]
    # bold typed over run-in headings is the heading's look, not emphasis; italics in a sentence are
    assert not list(doc.iter(q("strong"))) and [e.text for e in doc.iter(q("em"))] == ["法定主动公开内容"]
    assert [l.get("href") for l in doc.iter(q("link"))] == ["https://www.gov.cn/zhengce/"]
    assert [model.plain_text(n) for n in doc.iter(q("footnote"))] == ["2019年4月3日国务院令第711号修订。"]
    assert [e.text for e in doc.iter(q("lead"))] == ["一是", "二是"]
    # the table with its merged cells, the picture with its description, the text box's words
    table = doc.find(f".//{q('table')}")
    assert [c.get("rowspan") for c in table.iter(q("cell")) if c.get("rowspan")] == ["2"]
    assert [c.get("colspan") for c in table.iter(q("cell")) if c.get("colspan")] == ["2"]
    image = doc.find(f".//{q('figure')}/{q('image')}")
    assert image.get("alt") == "各季度依申请公开件数柱状图" and image.get("title") == "2023年各季度依申请公开件数"
    assert "联系人：王五，电话：0000-12345678" in model.plain_text(doc)
    # tracked changes accepted: the insertion is text, the deletion is not; the comment is not content
    text = model.plain_text(doc)
    assert "、各直属机构" in text and "删去的旧措辞" not in text and "请核对" not in text
    assert any("tracked changes" in d.message for d in got.diagnostics)
    closing = doc.find(q("closing"))
    assert [model.plain_text(a) for a in closing.iter(q("attachment"))] == ["1.政务公开工作检查表", "2.政务公开工作自查报告提纲"]
    assert closing.findtext(f"{q('signature')}/{q('issuer')}") == "某市人民政府办公室"
    assert closing.find(f"{q('signature')}/{q('date')}").get("value") == "2024-03-15"
    assert closing.findtext(q("remark")) == "（此件公开发布）"


def test_a_picture_is_shown_at_its_size_in_the_document():
    from PIL import Image

    got = pipeline.read_source(DRAFTS / "tongzhi-draft.docx")
    image = got.doc.find(f".//{q('image')}")
    with Image.open(got.resource_dir / image.get("src")) as im:
        width_mm = im.size[0] / im.info["dpi"][0] * 25.4
        height_mm = im.size[1] / im.info["dpi"][1] * 25.4
    assert (round(width_mm), round(height_mm)) == (60, 30)  # svg:width="60mm" svg:height="30mm" in the draft


def test_a_report_with_automatic_numbering_and_heading_styles():
    doc = pipeline.read(DRAFTS / "numbered-report.docx")
    assert doc.findtext(q("title")) == "某县2023年度安全生产工作总结"
    assert doc.findtext(q("addressee")) == "县委、县政府："
    assert _sections(doc) == [
        (1, "一、", "一、基本情况"), (2, "（一）", "（一）事故总量下降。"), (2, "（二）", "（二）隐患整改到位。"),
        (1, "二、", "二、主要做法"), (2, "（一）", "（一）压实责任"), (3, "1.", "1.签订责任书128份。"),
        (3, "2.", "2.约谈企业负责人15人次。"), (1, None, "下一步打算")]


# --- real documents -----------------------------------------------------------------------------------
def _field(doc, name: str, expected_title: str):
    """One field of the structure as the model has it (attachment bodies as issue #11 lists them
    in the outline; the title the document's own or its attachment body's)."""
    tree = outline(doc)
    bodies = tree.get("attachment_bodies") or []
    if name == "label":
        return next((b["label"] for b in bodies if b.get("label")), None)
    if name == "title":
        titles = [tree["title"]] + [b.get("title") for b in bodies]
        return next((nonspace(t) for t in titles if t and nonspace(t) == nonspace(expected_title)), nonspace(tree["title"]))
    if name == "numbers":
        return [n for _, n, _ in _sections(doc) if n]
    if name == "tables":
        return len(list(doc.iter(q("table"))))
    raise KeyError(name)


_REAL_CASES = [pytest.param(name, field, id=f"{name}-{field}")
               for name in EXPECTED for field in ("label", "title", "numbers", "tables")]


@pytest.mark.parametrize("name, field", _REAL_CASES)
def test_real_documents_structure_as_read_by_a_person(name, field):
    doc = pipeline.read(REAL / name)
    expected = EXPECTED[name][field]
    assert _field(doc, field, EXPECTED[name]["title"]) == (nonspace(expected) if field == "title" else expected)


# --- nothing lost ----------------------------------------------------------------------------------------
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NOT_SHOWN = {"del", "moveFrom", "instrText", "delText", "Fallback", "commentReference", "footnoteRef", "endnoteRef"}


def shown_text(docx: Path) -> str:
    """The text a Word document shows, walked out of its XML independently of the reader: runs in
    order, deletions and field instructions left out, each note's text at its reference, a text
    box's text after the top-level paragraph that anchors it (the reader's reading order)."""
    with zipfile.ZipFile(docx) as z:
        names = set(z.namelist())
        root = etree.fromstring(z.read("word/document.xml"))
        notes = {}
        for part, tag in (("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote")):
            if part in names:
                for n in etree.fromstring(z.read(part)).iter(W + tag):
                    notes[(tag, n.get(W + "id"))] = "".join(_walk(n, {}, []))
    out: list[str] = []
    for block in root.find(W + "body"):
        boxes: list[str] = []
        out += _walk(block, notes, boxes)
        out += boxes
    return "".join(out)


def _walk(el, notes, boxes: list[str]) -> list[str]:
    name = etree.QName(el).localname if isinstance(el.tag, str) else ""
    if name in _NOT_SHOWN:
        return []
    if name == "r":
        rpr = el.find(W + "rPr")
        if rpr is not None and rpr.find(W + "vanish") is not None and rpr.find(W + "vanish").get(W + "val") not in ("0", "false"):
            return []
    if name == "txbxContent":
        boxes.extend(t for c in el for t in _walk(c, notes, boxes))
        return []
    if name == "t":
        return [el.text or ""]
    if name in ("footnoteReference", "endnoteReference"):
        return [notes.get((name[:-9], el.get(W + "id")), "")]
    out: list[str] = []
    for c in el:
        out += _walk(c, notes, boxes)
    return out


@pytest.mark.parametrize("docx", [pytest.param(p, id=p.name) for p in ALL])
def test_every_character_the_document_shows_reaches_the_model_in_order(docx):
    shown = nonspace(shown_text(docx))
    got = nonspace(model.plain_text(pipeline.read(docx)))
    assert missing_in_order(shown, got) is None
    numbering = (DRAFTS / "numbered-report.docx") == docx  # automatic numbers are in the model, not in w:t
    assert len(got) == len(shown) or numbering
    assert len(shown) > 50


@pytest.fixture(scope="module")
def libreoffice_text(tmp_path_factory) -> dict[str, str]:
    """LibreOffice's text export of every draft and real document (one headless run)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("lotext")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(out / 'profile').as_uri()}",
                    "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(out), *map(str, ALL)],
                   check=True, capture_output=True, timeout=600)
    return {p.name: (out / (p.stem + ".txt")).read_text(encoding="utf-8-sig") for p in ALL}


@pytest.mark.parametrize("docx", [pytest.param(p, id=p.name) for p in ALL])
def test_what_libreoffice_shows_is_in_the_model_in_order(docx, libreoffice_text):
    shown = libreoffice_text[docx.name]
    # LibreOffice's export shows a tracked deletion (Word's "show markup") and prints a note's
    # number where the note is: neither is the accepted document's text
    shown = shown.replace("（删去的旧措辞）", "")
    shown = re.sub(r"(条例》)1", r"\1", shown)
    assert missing_in_order(shown, model.plain_text(pipeline.read(docx))) is None


# --- the command line ---------------------------------------------------------------------------------
def test_inspect_json_of_a_word_draft(capsys):
    assert main(["inspect", str(DRAFTS / "numbered-report.docx"), "--json"]) == 0
    tree = json.loads(capsys.readouterr().out)
    assert tree["title"] == "某县2023年度安全生产工作总结" and tree["addressee"] == "县委、县政府："
    assert [s["number"] for s in tree["sections"]] == ["一、", "二、", ""]
    assert tree["signature"] == {"issuer": "某县人民政府", "date": "2024-01-10"}


def test_a_folder_build_takes_docx_files_beside_text_ones(tmp_path, capsys):
    from docx_packages import drawing, make_docx, p as para, png

    src = tmp_path / "src"
    (src / "2024").mkdir(parents=True)
    shutil.copy(DRAFTS / "numbered-report.docx", src / "2024" / "report.docx")
    body = para("关于更新办公设备的通知") + para("各科室：") + "<w:p>" + drawing("rP", 914400, 457200, "设备照片") + "</w:p>"
    make_docx(src / "pictured.docx", body, parts={"word/media/image1.png": png(40, 20)},
              rels=[("rP", "image", "media/image1.png")])
    (src / "note.txt").write_text("关于开会的通知\n\n各部门：\n\n定于周一开会。\n", encoding="utf-8")
    (src / "~$report.docx").write_bytes(b"\x06owner\x00" * 20)  # Word's owner file of an open document: not a source
    out = tmp_path / "out"
    assert main(["build", str(src), "-o", str(out), "--to", "xml,pdf,docx,epub", "-q"]) == 0
    for name in ("2024/report", "pictured", "note"):
        assert all((out / f"{name}.{ext}").is_file() for ext in ("xml", "pdf", "docx", "epub"))
    documents = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    # the picture, extracted from the package, is one of the document's resources (in the build key)
    assert len(documents["pictured"]["resources"]) == 1 and documents["note"]["resources"] == []
    assert main(["check", str(out)]) == 0
    capsys.readouterr()
    assert main(["build", str(src), "-o", str(out), "--to", "xml,pdf,docx,epub", "--json", "-q"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["unchanged"] == 3 and summary["built"] == 0, summary["documents"]


def test_a_picture_keeps_its_size_in_the_pdf_and_the_docx(tmp_path):
    import docx as python_docx
    import pdfplumber

    from docx_packages import drawing, make_docx, p as para, png

    # 400 × 200 pixels shown 2 × 1 inches in the Word file
    body = para("关于更新办公设备的通知") + para("各科室：") + "<w:p>" + drawing("rP", 2 * 914400, 914400, "设备照片") + "</w:p>"
    src = make_docx(tmp_path / "pictured.docx", body, parts={"word/media/image1.png": png(400, 200)},
                    rels=[("rP", "image", "media/image1.png")])
    out = pipeline.build(src, tmp_path / "out", ["pdf", "docx"]).outputs
    pdf = next(o for o in out if o.suffix == ".pdf")
    with pdfplumber.open(pdf) as doc:
        image = doc.pages[0].images[0]
        assert (round(image["width"]), round(image["height"])) == (144, 72)
    shape = python_docx.Document(str(next(o for o in out if o.suffix == ".docx"))).inline_shapes[0]
    assert (shape.width, shape.height) == (2 * 914400, 914400)
