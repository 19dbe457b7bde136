"""Every writer renders every element of the schema (issue 7's contract), checked two ways:
the translators declare a real renderer for each element (a visit_ method, or what they name in
rendered_elsewhere; no placeholder), and a document using the whole vocabulary builds in every
format with its text intact."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from lxml import etree

from converter import model
from converter.pipeline import build
from converter.readers.xml import parse_xml
from converter.layout.blocks import BlockTranslator
from converter.writers.docx.translator import DocxTranslator
from converter.writers.epub.xhtml import XhtmlTranslator
from helpers import FIXTURES, missing_in_order, source_text

FULL = FIXTURES / "model" / "full.xml"


def schema_elements() -> set[str]:
    rng = etree.parse(model.schema_path())
    return {e.get("name") for e in rng.iter("{http://relaxng.org/ns/structure/1.0}element")}


@pytest.mark.parametrize("translator", [BlockTranslator, DocxTranslator, XhtmlTranslator], ids=lambda t: t.__name__)
def test_each_translator_knows_every_element(translator):
    assert schema_elements() - translator.handled() == set()


# the PDF's translator still lists the inlines it renders in its own span collector as
# `visit_x = None` (issue 10: it moves to converter/layout/ and declares them rendered_elsewhere)
@pytest.mark.parametrize("translator", [BlockTranslator, DocxTranslator, XhtmlTranslator], ids=lambda t: t.__name__)
def test_no_translator_handles_an_element_with_a_placeholder(translator):
    """A visit_x = None, a method that only passes or raises, or a rendered_elsewhere naming
    nothing real does not count as rendering x (converter/model/visitor.py's contract)."""
    assert translator.placeholders() == {}


def test_the_whole_vocabulary_builds_in_every_format(tmp_path):
    result = build(FULL, tmp_path, ["pdf", "docx", "epub", "xml"])
    assert len(result.outputs) == 4
    text = source_text(FULL)
    pdf = tmp_path / "full.pdf"
    if shutil.which("pdftotext"):
        extracted = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        for word in ["Lists", "tables", "Nested", "1,032", "quoted", "return", "Budget", "note's"]:
            assert word in extracted
    again = parse_xml((tmp_path / "full.xml").read_bytes(), "full.xml")  # validates too
    assert missing_in_order(text, model.plain_text(again)) is None


def test_markdown_sample_footnotes_reach_every_output(tmp_path):
    """Footnotes move (page foot, chapter end, notes section): their text must still arrive."""
    import re
    import zipfile

    from helpers import SOURCES, footnote_texts, nonspace

    src = SOURCES / "handbook.md"
    build(src, tmp_path, ["pdf", "docx", "epub"])
    expected = footnote_texts(src)
    assert len(expected) == 2
    pdf = subprocess.run(["pdftotext", str(tmp_path / "handbook.pdf"), "-"], capture_output=True, text=True).stdout
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(tmp_path / "handbook.docx") as z:  # DOCX footnotes live in their own part
        notes = etree.fromstring(z.read("word/footnotes.xml"))
    docx = "\n".join("".join(t.text or "" for t in p.iter(f"{w}t")) for p in notes.iter(f"{w}p"))
    with zipfile.ZipFile(tmp_path / "handbook.epub") as z:
        epub = " ".join(re.sub(r"<[^>]+>", " ", z.read(n).decode()) for n in z.namelist() if n.endswith(".xhtml"))
    for note in expected:
        for name, text in (("pdf", pdf), ("docx", docx), ("epub", epub)):
            assert nonspace(note) in nonspace(text), (name, note)


def test_one_image_rule_for_every_reader_and_writer(tmp_path):
    """Names with spaces or Chinese (%-encoded by Markdown) work; a path leaving the source's
    folder is refused by every writer, also from canonical XML: a warning naming it, and the
    alt text in a frame (no file outside the folder is read)."""
    (tmp_path / "my pic.png").write_bytes((FIXTURES / "model" / "dot.png").read_bytes())
    (tmp_path / "图表.png").write_bytes((FIXTURES / "model" / "dot.png").read_bytes())
    md = tmp_path / "names.md"
    md.write_text("# Names\n\n![a](<my pic.png>)\n\n![b](图表.png)\n", encoding="utf-8")
    result = build(md, tmp_path / "out", ["pdf", "docx", "epub"])
    assert len(result.outputs) == 3
    inside = tmp_path / "inside"
    inside.mkdir()
    xml = inside / "escape.xml"
    xml.write_text('<document xmlns="urn:x-converter:document:1" version="1" xml:lang="en"><title>t</title>'
                   '<body><figure><image src="../my%20pic.png" alt="x"/></figure></body></document>',
                   encoding="utf-8")
    for fmt in ("pdf", "docx", "epub"):
        built = build(xml, tmp_path / f"out-{fmt}", [fmt])
        assert any("outside the source's folder" in d.message for d in built.diagnostics)
        assert (tmp_path / "my pic.png").read_bytes() not in built.outputs[0].read_bytes()
