"""Bad Word input: a clear ``file: message``, no output and never a traceback."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from converter import pipeline
from converter.cli import main
from converter.errors import InputError
from converter.readers.docx import package

from docx_packages import make_docx, p
from helpers import FIXTURES

BAD = FIXTURES / "docx-drafts" / "bad"
DRAFT = FIXTURES / "docx-drafts" / "tongzhi-draft.docx"


def refused(path: Path) -> str:
    with pytest.raises(InputError) as e:
        pipeline.read(path)
    assert e.value.file == str(path)
    return e.value.message


def test_a_text_file_named_docx(tmp_path):
    path = tmp_path / "draft.docx"
    path.write_text("一、总体要求\n", encoding="utf-8")
    assert "not a Word document" in refused(path)


def test_an_empty_file(tmp_path):
    path = tmp_path / "draft.docx"
    path.write_bytes(b"")
    assert "empty" in refused(path)


def test_a_binary_word_97_document_says_to_save_as_docx():
    message = refused(BAD / "tongzhi-draft.doc")
    assert ".doc" in message and "save it as .docx" in message


def test_a_wps_file(tmp_path):
    path = tmp_path / "draft.wps"
    shutil.copy(BAD / "tongzhi-draft.doc", path)
    assert "WPS" in refused(path)


def test_an_encrypted_document_asks_for_the_password_to_be_removed():
    message = refused(BAD / "encrypted.docx")
    assert "encrypted" in message and "password" in message


def test_a_zip_that_is_a_workbook(tmp_path):
    path = make_docx(tmp_path / "book.docx", p("x"),
                     main_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    assert refused(path) == "not a Word document: it is an Excel workbook"


def test_a_zip_without_a_package_structure(tmp_path):
    path = tmp_path / "draft.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hello")
    assert "[Content_Types].xml" in refused(path)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = make_docx(tmp_path / "bomb.docx", p("标题"), parts={"word/media/big.bin": b"\0" * (40 * 1024 * 1024)})
    info = zipfile.ZipFile(path).getinfo("word/media/big.bin")
    assert info.file_size / info.compress_size > package.MAX_RATIO
    assert "zip bomb" in refused(path)


def test_too_many_entries_or_bytes(tmp_path, monkeypatch):
    path = make_docx(tmp_path / "many.docx", p("标题"), parts={f"word/x{k}.bin": b"x" for k in range(10)})
    monkeypatch.setattr(package, "MAX_ENTRIES", 8)
    assert "entries" in refused(path)
    monkeypatch.setattr(package, "MAX_ENTRIES", 10_000)
    monkeypatch.setattr(package, "MAX_INFLATED_BYTES", 1000)
    assert "inflates to" in refused(path)


def test_doctype_and_entities_are_refused(tmp_path):
    path = make_docx(tmp_path / "d.docx", p("标题"))
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert "DOCTYPE" in refused(path)


@pytest.mark.parametrize("rel_type, what", [("image", "a linked picture"), ("subDocument", "a sub-document")])
def test_content_from_outside_the_document_is_never_fetched(tmp_path, rel_type, what):
    path = make_docx(tmp_path / "d.docx", p("标题"), rels=[("rX", rel_type, "http://example.org/x.png", "External")])
    message = refused(path)
    assert what in message and "never fetched" in message and "http://example.org/x.png" in message


def test_external_hyperlinks_and_a_template_path_are_fine(tmp_path):
    path = make_docx(tmp_path / "d.docx", p("标题") + p("正文。"),
                     rels=[("rL", "hyperlink", "https://www.gov.cn/", "External"),
                           ("rT", "attachedTemplate", "file:///C:/Users/a/Normal.dotm", "External")])
    assert pipeline.read(path) is not None


def test_a_macro_enabled_document_is_read_as_a_document_and_its_macros_never_run(tmp_path):
    path = make_docx(tmp_path / "d.docm", p("关于开展检查的通知") + p("正文。"),
                     main_type="application/vnd.ms-word.document.macroEnabled.main+xml",
                     parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"})
    got = pipeline.read_source(path)
    assert got.doc.findtext("{urn:x-converter:document:1}title") == "关于开展检查的通知"
    assert any("macros" in d.message and "never run" in d.message for d in got.diagnostics)


def test_the_command_line_says_file_and_message_and_leaves_no_output(tmp_path, capsys):
    bad = tmp_path / "bad.docx"
    shutil.copy(BAD / "encrypted.docx", bad)
    out = tmp_path / "out"
    assert main(["build", str(bad), "-o", str(out), "--to", "pdf,docx,xml", "-q"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: the document is encrypted" in err and "Traceback" not in err
    assert not any(f.name.startswith("bad") for f in out.glob("*")) if out.exists() else True


def test_a_damaged_part(tmp_path):
    path = make_docx(tmp_path / "d.docx", p("关于开展检查的通知") + p("正文。" * 200))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 20:start + 40] = b"\xff" * 20  # inside the compressed body text
    path.write_bytes(bytes(data))
    assert "damaged" in refused(path) or "not well-formed" in refused(path)


def test_numbers_word_never_writes_do_not_stop_the_reading(tmp_path):
    numbering = ('<?xml version="1.0"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                 '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="x"><w:start w:val="-"/><w:numFmt w:val="decimal"/>'
                 '<w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                 "</w:numbering>")
    body = (p("关于开展检查的通知") + p("检查", '<w:numPr><w:ilvl w:val="99"/><w:numId w:val="1"/></w:numPr>')
            + p("正文", '<w:outlineLvl w:val="many"/>'))
    doc = pipeline.read(make_docx(tmp_path / "d.docx", body, parts={"word/numbering.xml": numbering}))
    assert "检查" in "".join(doc.itertext())
