"""A link to the leading ``# Title`` (issue 13): the title keeps the id pandoc gives that
heading, and the link goes to where the title is printed in the PDF, DOCX and EPUB."""
from __future__ import annotations

import zipfile

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from lxml import etree

from converter.pipeline import build, read
from helpers import FIXTURES

SOURCE = FIXTURES / "markdown" / "title-link.md"
TITLE_ID = "birds-of-the-coast"  # pandoc -f markdown -t html: <h1 id="birds-of-the-coast">


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("title-link")
    result = build(SOURCE, out, ["pdf", "docx", "epub", "xml"])
    assert not [d for d in result.diagnostics if d.level == "warning"], result.diagnostics
    return out


def test_the_title_has_pandocs_id_and_the_heading_after_it_the_next():
    doc = read(SOURCE)
    ns = {"m": "urn:x-converter:document:1"}
    assert doc.find("m:title", ns).get("id") == TITLE_ID
    assert doc.find(".//m:section", ns).get("id") == TITLE_ID + "-1"  # pandoc's uniqueIdent


def test_an_id_given_to_the_title_is_kept(tmp_path):
    src = tmp_path / "t.md"
    src.write_text("# Guide {#top}\n\nBack to [the top](#top).\n", encoding="utf-8")
    doc = read(src)
    assert doc.find("{urn:x-converter:document:1}title").get("id") == "top"


def test_a_front_matter_title_has_no_id(tmp_path):
    src = tmp_path / "t.md"
    src.write_text("---\ntitle: Guide\n---\n\nText.\n", encoding="utf-8")
    assert read(src).find("{urn:x-converter:document:1}title").get("id") is None


def test_pdf_link_to_the_title_goes_to_its_place(built):
    with pdfplumber.open(built / "title-link.pdf") as pdf:
        page = pdf.pages[0]
        title = page.search("Birds of the Coast")[0]  # the title, first on the page
        words = page.search("the top")[0]
        top_link = next(a for a in page.annots
                        if a["x0"] <= words["x0"] + 1 and a["x1"] >= words["x1"] - 1 and abs(a["top"] - words["top"]) < 8)
        dest = top_link["data"]["Dest"]
        assert dest[0].objid == page.page_obj.pageid
        assert page.height - title["top"] <= dest[3] <= page.height - title["top"] + 40  # just above it
        assert abs(dest[2] - title["x0"]) < 1  # at the title's first letter


def test_docx_link_to_the_title_is_a_bookmark_on_the_title(built):
    body = docx.Document(str(built / "title-link.docx")).element.body
    title = body.find(qn("w:p"))
    assert title.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) == "Title"
    mark = title.find(qn("w:bookmarkStart"))
    links = [h for h in body.iter(qn("w:hyperlink")) if "".join(t.text for t in h.iter(qn("w:t"))) == "the top"]
    assert mark is not None and len(links) == 1 and links[0].get(qn("w:anchor")) == mark.get(qn("w:name"))


def test_epub_link_to_the_title_goes_into_the_title_page(built):
    with zipfile.ZipFile(built / "title-link.epub") as z:
        page = etree.fromstring(z.read("EPUB/text/title-page.xhtml"))
        text = etree.fromstring(z.read("EPUB/text/part-001.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert page.find(".//x:h1", ns).get("id") == TITLE_ID
    link = next(a for a in text.iterfind(".//x:a", ns) if a.text == "the top")
    assert link.get("href") == f"title-page.xhtml#{TITLE_ID}"
