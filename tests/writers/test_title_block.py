"""The front matter's title, subtitle, authors and date under the title in every output; EPUB
note numbers apart from the note; relative links in the EPUB."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import docx
import pytest

from converter.model.outline import title_block
from converter.pipeline import build, read
from helpers import FIXTURES, epubcheck_command

SOURCE = FIXTURES / "markdown" / "title-block.md"
LINES = ["A Field Guide", "Birds of the Coast", "Ada Lovelace, Grace Hopper", "2024-03-15"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("title")
    return build(SOURCE, out, ["pdf", "docx", "epub", "xml"]), out


def test_the_block_holds_what_the_text_does_not_show():
    block = title_block(read(SOURCE))
    assert block.lines == LINES[2:]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_prints_the_block_under_the_title(built):
    text = subprocess.run(["pdftotext", str(built[1] / "title-block.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert text.splitlines()[:4] == LINES


def test_docx_prints_the_block_under_the_title(built):
    paras = docx.Document(str(built[1] / "title-block.docx")).paragraphs
    assert [(p.style.name, p.text) for p in paras[:4]] == [
        ("Title", LINES[0]), ("Subtitle", LINES[1]), ("Byline", LINES[2]), ("Byline", LINES[3])]


def test_epub_title_block_note_numbers_and_links(built):
    with zipfile.ZipFile(built[1] / "title-block.epub") as z:
        xhtml = "".join(z.read(n).decode() for n in sorted(z.namelist()) if n.endswith(".xhtml"))
    assert '<p class="byline">Ada Lovelace, Grace Hopper</p><p class="byline">2024-03-15</p>' in xhtml
    assert re.search(r'class="backlink"[^>]*>1\.</a> Some note text', xhtml)  # not "1Some"
    assert '<span class="link">another file</span>' in xhtml
    warnings = [d.message for d in built[0].diagnostics if "outside the book" in d.message]
    assert len(warnings) == 1 and "2 link(s)" in warnings[0] and "'other.md'" in warnings[0]
    lines = [d.line for d in built[0].diagnostics if "outside the book" in d.message]
    assert lines == [10]  # the first such link's line (the PDF built in the same run copies the model)


def test_epub_title_page_is_a_page_of_its_own(built):
    """Title, subtitle, authors and date on the title page, first in the spine, a landmark."""
    from lxml import etree

    with zipfile.ZipFile(built[1] / "title-block.epub") as z:
        page = etree.fromstring(z.read("EPUB/text/title-page.xhtml"))
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        nav = z.read("EPUB/nav.xhtml").decode()
        css = z.read("EPUB/styles/book.css").decode()
        first = z.read("EPUB/text/part-001.xhtml").decode()
    ns = {"x": "http://www.w3.org/1999/xhtml", "o": "http://www.idpf.org/2007/opf"}
    section = page.find(".//x:body/x:section", ns)
    assert section.get("{http://www.idpf.org/2007/ops}type") == "titlepage"
    assert ["".join(e.itertext()) for e in section if etree.QName(e).localname != "span"] == LINES
    assert "<h1" not in first and "<body><p>Some text" in first  # the reading starts here
    items = {i.get("id"): i.get("href") for i in opf.iterfind(".//o:manifest/o:item", ns)}
    spine = [items[r.get("idref")] for r in opf.iterfind(".//o:spine/o:itemref", ns)]
    assert spine[0] == "text/title-page.xhtml" and spine[2] == "text/part-001.xhtml"
    assert 'href="text/title-page.xhtml" epub:type="titlepage"' in nav
    assert 'href="text/part-001.xhtml" epub:type="bodymatter"' in nav
    assert "section.titlepage {" in css


def test_no_title_page_for_a_document_that_signs_itself_or_a_gongwen_style(tmp_path):
    from helpers import SOURCES

    result = build(SOURCES / "annual-review.txt", tmp_path / "a", ["epub"])  # signed: a report
    with zipfile.ZipFile(result.outputs[0]) as z:
        assert "EPUB/text/title-page.xhtml" not in z.namelist()
        assert "titlepage" not in z.read("EPUB/styles/book.css").decode()
    src = tmp_path / "zh.md"
    src.write_text("# 关于做好节能工作的报告\n\n正文。\n", encoding="utf-8")
    result = build(src, tmp_path / "b", ["epub"])  # Chinese: the gongwen style, no title page
    with zipfile.ZipFile(result.outputs[0]) as z:
        assert "EPUB/text/title-page.xhtml" not in z.namelist()


def test_a_link_to_the_document_itself_stays_a_link(tmp_path):
    src = tmp_path / "guide.md"
    src.write_text("# Guide\n\nSee [the top](guide.md) and [the end](./guide.md#end).\n\n"
                   "Text.\n\n<a id=\"end\"></a>The end.\n", encoding="utf-8")
    result = build(src, tmp_path / "out", ["epub"])
    with zipfile.ZipFile(result.outputs[0]) as z:
        xhtml = "".join(z.read(n).decode() for n in sorted(z.namelist()) if n.endswith(".xhtml"))
    assert '<a href="title-page.xhtml">the top</a>' in xhtml  # the book's first page
    assert not [d for d in result.diagnostics if "outside the book" in d.message]


def test_the_epub_passes_epubcheck(built):
    command = epubcheck_command()
    if command is None:
        pytest.skip("epubcheck not installed")
    done = subprocess.run(command + [str(built[1] / "title-block.epub")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_converter_check_accepts_the_title_block(built):
    from converter.check import check, failed, table

    results = check([built[1]])
    assert not failed(results), table(results)
