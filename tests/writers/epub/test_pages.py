"""Print page numbers and accessibility metadata, read back from the EPUB (and the PDF of the
same run with poppler's pdftotext and pdfinfo)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from converter import model
from converter.pipeline import read
from epub_books import BOOKS, EPUB_TYPE, NS, Epub
from helpers import nonspace

WITH_PDF = ["seed", "long", "vertical"]
HEADINGS = {f"{{{NS['x']}}}h{n}" for n in range(1, 7)}
poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def markers(epub: Epub) -> list[tuple[str, object]]:
    """(content document, span) of every page-break marker, in reading order."""
    return [(path, span) for path in epub.spine() for span in epub.xml(path).iter(f"{{{NS['x']}}}span")
            if span.get(EPUB_TYPE) == "pagebreak"]


def text_after(span, k: int) -> str:
    """The first k non-whitespace characters the text has after a marker (its own file),
    without note reference numbers and notes (they are not where the PDF prints them)."""
    out = ""
    for t in span.xpath("following::text()"):
        parent = t.getparent()
        holder = parent if t.is_text else parent.getparent()
        if holder is not None and any(a.get(EPUB_TYPE) in ("noteref", "footnote") for a in [holder, *holder.iterancestors()]):
            continue
        out += nonspace(str(t))
        if len(out) >= k:
            break
    return out[:k]


def pdf_pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_page_text(pdf, n: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("name", ["seed", "vertical", "long"])  # long: its notes print at the end
def test_a_marker_where_each_printed_page_begins(library, name):
    book = library[name].require()
    epub, pdf = Epub(book.epub), book.outputs[".pdf"]
    found = markers(epub)
    pages = pdf_pages(pdf)
    assert pages > 1
    assert [span.get("aria-label") for _, span in found] == [str(n) for n in range(1, pages + 1)]
    for n, (path, span) in enumerate(found, start=1):
        assert span.get("role") == "doc-pagebreak" and span.get("id") == f"page-{n}"
        assert not span.text and len(span) == 0  # empty: no text of its own
        parent = span.getparent()
        if parent.tag in HEADINGS or parent.get("class") in ("number", "lead"):  # mid-heading only:
            assert parent.text or parent.index(span) > 0  # a heading's name never starts with "N"
        assert text_after(span, 8) == nonspace(pdf_page_text(pdf, n))[:8], (n, path)
    # page 1 begins the book: nothing comes before its marker
    assert found[0][0] == epub.spine()[0]
    assert not found[0][1].xpath("preceding::text()[normalize-space()][ancestor::x:body]", namespaces=NS)
    assert not book.diagnostics


@pytest.mark.parametrize("name", WITH_PDF)
def test_page_list_lists_every_page(library, name):
    epub = Epub(library[name].require().epub)
    found = markers(epub)
    nav = epub.nav_list("page-list")
    assert nav is not None and nav.get("hidden") is not None
    links = nav.findall(".//x:a", NS)
    assert [a.text for a in links] == [span.get("aria-label") for _, span in found]
    nav_dir = os.path.dirname(epub.nav_path())
    for a, (path, span) in zip(links, found):
        target, _, frag = a.get("href").partition("#")
        assert os.path.normpath(os.path.join(nav_dir, target)) == path and frag == span.get("id")
    # the NCX has the same list for EPUB 2 reading systems
    targets = epub.ncx().findall(".//ncx:pageList/ncx:pageTarget", NS)
    assert [t.get("value") for t in targets] == [a.text for a in links]
    assert [t.find("ncx:content", NS).get("src") for t in targets] == \
        [os.path.relpath(path, os.path.dirname(epub.opf_path)) + "#" + span.get("id") for path, span in found]
    # the pagination source is named, as epubcheck (OPF-066) and EPUB Accessibility ask
    source = epub.opf.find(".//dc:source", NS)
    refines = [m for m in epub.opf.iterfind(".//opf:meta", NS) if m.get("refines") == "#" + source.get("id")]
    assert [(m.get("property"), m.text) for m in refines] == [("source-of", "pagination")]
    printed = pdf_pages(library[name].outputs[".pdf"])
    assert f"{printed}" in source.text  # the print edition's length
    counts = {m.get("name"): m.get("content") for m in epub.ncx().iterfind("ncx:head/ncx:meta", NS)}
    assert counts["dtb:totalPageCount"] == str(printed)
    assert counts["dtb:maxPageNumber"] == links[-1].text


@pytest.mark.parametrize("name", ["features", "rare", "minimal"])  # built without the PDF
def test_without_the_pdf_the_book_still_has_the_print_pages(library, name):
    """The print page list comes from the layout, whether or not the PDF is built with it."""
    book = library[name].require()
    epub = Epub(book.epub)
    printed = printed_pages(book)
    assert [span.get("aria-label") for _, span in markers(epub)] == [str(n) for n in range(1, printed + 1)]
    assert [a.text for a in epub.nav_list("page-list").findall(".//x:a", NS)] == [str(n) for n in range(1, printed + 1)]
    assert epub.ncx().find(".//ncx:pageList", NS) is not None
    assert "printPageNumbers" in epub.properties("schema:accessibilityFeature")


def printed_pages(book) -> int:
    """The print edition's length: the PDF's pages when it was built too, else the layout's."""
    if ".pdf" in book.outputs:
        return pdf_pages(book.outputs[".pdf"])
    from converter.layout import lay_out
    from converter.pipeline import style_for

    doc = read(book.source)
    return lay_out(doc, style_for(doc, book.spec.style), book.source.parent).count


@pytest.mark.parametrize("name", BOOKS)
def test_accessibility_metadata_says_what_is_true(library, name):
    book = library[name].require()
    doc = read(book.source)
    epub = Epub(book.epub)
    images = list(doc.iter(model.q("image")))
    with_alt = [i for i in images if (i.get("alt") or "").strip()]
    pages = printed_pages(book) if markers(epub) else 0
    assert epub.properties("schema:accessMode") == ["textual"] + (["visual"] if images else [])
    sufficient = (["textual"] if len(with_alt) == len(images) else []) + (["textual,visual"] if images else [])
    assert epub.properties("schema:accessModeSufficient") == sufficient
    features = set(epub.properties("schema:accessibilityFeature"))
    expected = {"structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"}
    if images and len(with_alt) == len(images):
        expected.add("alternativeText")
    if pages:
        expected |= {"printPageNumbers", "pageBreakMarkers", "pageNavigation"}
    assert features == expected
    assert epub.properties("schema:accessibilityHazard") == ["none"]
    [summary] = epub.properties("schema:accessibilitySummary")
    assert not pages or f"{pages}" in summary  # the print edition's length
    if images and len(with_alt) < len(images):
        assert str(len(images) - len(with_alt)) in summary


def test_a_page_that_starts_inside_a_code_block_loses_none_of_its_code(tmp_path):
    """The print page marker goes inside the block; the code is every character of it (it
    kept only the text before the marker)."""
    import zipfile

    from converter.pipeline import build
    from helpers import FIXTURES

    source = FIXTURES / "markdown" / "code-across-pages.md"
    result = build(source, tmp_path, ["pdf", "epub"])
    assert result.pages["pdf"] >= 2
    with zipfile.ZipFile(tmp_path / "code-across-pages.epub") as z:
        body = next(etree_of(z.read(n)) for n in z.namelist() if n.endswith("part-001.xhtml"))
    code = body.find(f".//{{{NS['x']}}}pre/{{{NS['x']}}}code")
    written = source.read_text(encoding="utf-8").split("```rust\n", 1)[1].split("\n```", 1)[0]
    assert "".join(code.itertext()) == written
    assert [s for s in code.iter(f"{{{NS['x']}}}span") if s.get(EPUB_TYPE) == "pagebreak"]


def etree_of(data: bytes):
    from lxml import etree

    return etree.fromstring(data)


def test_the_markers_stand_in_the_model_while_the_book_is_written_and_leave_it_as_it_was():
    """mark_pages puts the markers in the model itself (no copy of a model of 400,000 elements)
    at the positions the layout gives, and takes them out again, also when writing fails."""
    from lxml import etree

    from converter.layout import lay_out
    from converter.pipeline import style_for
    from converter.writers.epub.pages import MARKER, mark_pages
    from helpers import SOURCES

    src = SOURCES / "gongwen-report.txt"
    doc = read(src)
    starts = lay_out(doc, style_for(doc, None), src.parent, []).starts
    before = etree.tostring(doc)
    assert len(starts) > 1
    with mark_pages(doc, starts) as unmarked:
        marked = {int(m.get("n")): m for m in doc.iter(MARKER)}
        assert sorted(marked) == [n for n, _ in sorted(starts) if n not in unmarked]
        positions = model.text_positions(doc)
        for n, pos in starts:  # each marker's tail (or what follows it) starts at its page's position
            if n in marked:
                assert positions.get((marked[n], "tail"), None) in (pos, None)
    assert etree.tostring(doc) == before
    with pytest.raises(RuntimeError), mark_pages(doc, starts):
        raise RuntimeError("a writer failed")
    assert etree.tostring(doc) == before
