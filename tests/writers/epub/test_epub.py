"""The EPUB writer on real files: epubcheck, text fidelity, navigation, style, reproducibility.

The books are built once per session (tests/writers/conftest.py, tests/epub_books.py) and
epubcheck runs on all of them at once, in parallel.  Fonts are tested in test_epub_fonts.py,
print page numbers and accessibility metadata in test_epub_pages.py.
"""
from __future__ import annotations

import os
import tempfile
import uuid
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from converter import model
from converter.context import BuildContext
from converter.model.outline import navigation
from converter.pipeline import build, read, style_for
from converter.style import load_style
from converter.transforms.ids import assign_ids
from converter.writers.epub import wants_title_page, writing_mode
from converter.writers.epub.writer import EpubWriter, title_page_elements
from converter.writers.epub.xhtml import XhtmlTranslator
from epub_books import BOOKS, EPUB_TYPE, FEATURES, NS, SPECS, Epub, families, features_source, spine_text, tiny_png
from helpers import missing_in_order, source_text


# --- every book ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", BOOKS)
def test_epubcheck_reports_nothing(library, name):
    book = library[name].require()
    if book.check is None:
        pytest.skip("epubcheck is not installed (Debian package epubcheck)")
    out = book.check.stdout + book.check.stderr
    assert book.check.returncode == 0, out
    assert "ERROR" not in out and "WARNING" not in out, out
    assert "No errors or warnings detected" in out, out


@pytest.mark.parametrize("name", BOOKS)
def test_text_in_reading_order(library, name):
    book = library[name].require()
    assert missing_in_order(source_text(book.source), spine_text(Epub(book.epub))) is None


@pytest.mark.parametrize("name", BOOKS)
def test_language_on_every_document(library, name):
    book = library[name].require()
    lang = read(book.source).get(model.XML_LANG)
    epub = Epub(book.epub)
    assert epub.meta("language") == [lang]
    for doc in [*map(epub.xml, epub.spine(linear_only=False))]:
        assert doc.get("lang") == lang
        assert doc.get("{http://www.w3.org/XML/1998/namespace}lang") == lang


@pytest.mark.parametrize("name", BOOKS)
def test_navigation_has_every_heading_nested(library, name):
    book = library[name].require()
    doc = read(book.source)
    epub = Epub(book.epub)
    toc = epub.nav_list("toc")
    outline = navigation(doc)  # the body's sections, then attachment bodies and enclosed documents

    def shape(entries) -> list:
        return [(e.element.get("id"), shape(e.entries)) for e in entries]

    def nav_shape(ol) -> list:
        out = []
        for li in ol.iterfind("x:li", NS):
            sub = li.find("x:ol", NS)
            out.append((li.find("x:a", NS).get("href").rsplit("#", 1)[-1], nav_shape(sub) if sub is not None else []))
        return out

    def labels(entries) -> list:
        return [x for e in entries for x in [e.label] + labels(e.entries)]

    headings = labels(outline)
    ncx = epub.ncx()
    if outline:
        assert nav_shape(toc.find("x:ol", NS)) == shape(outline)
        # the entries are the headings as written, numbering included, in document order
        assert [a.text for a in toc.iterfind(".//x:a", NS)] == headings
        assert [t.text for t in ncx.iterfind(".//ncx:navMap//ncx:navLabel/ncx:text", NS)] == headings
    else:  # never empty: the title stands for the document
        links = toc.findall(".//x:a", NS)
        assert len(links) == 1 and links[0].text == epub.meta("title")[0]
    # every entry leads to an element that exists
    for a in toc.iterfind(".//x:a", NS):
        path, _, frag = a.get("href").partition("#")
        target = epub.xml(epub.base + path)
        assert not frag or target.xpath("//*[@id=$i]", i=frag), a.get("href")
    assert len(ncx.findall(".//ncx:navMap//ncx:navPoint", NS)) == (len(headings) or 1)
    depth = max((len(list(s.iterancestors(model.q("section")))) + 1 for s in doc.iter(model.q("section"))), default=1)
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:depth']", NS).get("content") == str(depth)
    landmarks = epub.nav_list("landmarks")
    kinds = {a.get(EPUB_TYPE) for a in landmarks.iterfind(".//x:a", NS)}
    titled = bool(title_page_elements(doc)) and wants_title_page(style_for(doc, SPECS[name].style))
    assert kinds == {"toc", "bodymatter"} | ({"titlepage"} if titled else set())  # a book's title page
    for a in landmarks.iterfind(".//x:a", NS):  # each landmark leads somewhere that exists
        path, _, frag = a.get("href").partition("#")
        target = epub.xml(os.path.normpath(os.path.join(os.path.dirname(epub.nav_path()), path)))
        assert not frag or target.xpath("//*[@id=$i]", i=frag), a.get("href")


def _style(library, name):
    book = library[name].require()
    return style_for(read(book.source), SPECS[name].style)


@pytest.mark.parametrize("name", BOOKS)
def test_css_maps_the_resolved_style(library, name):
    book = library[name].require()
    style = _style(library, name)
    epub = Epub(book.epub)
    sheet = epub.sheet()
    body = style.role("body")
    # the body's list: its Latin face, its CJK face, then fallbacks, each only when embedded
    names = families(sheet.rule("body")["font-family"])
    order = [body.fonts.latin.family, body.fonts.cjk.family, *(f.family for f in style.fallback)]
    assert names and names == sorted(set(names), key=order.index)
    assert body.fonts.cjk.family in names or body.fonts.latin.family in names
    css = epub.zip.read(epub.css_path()).decode("utf-8")
    assert "text-align: justify" in css and "line-break: strict" in css
    assert "display: inline" in css  # run-in headings
    for name_ in epub.spine():  # linked relative to the chapter's own folder (else RSC-007)
        link = epub.xml(name_).find("x:head/x:link[@rel='stylesheet']", NS)
        folder = name_.rsplit("/", 1)[0]
        assert os.path.normpath(f"{folder}/{link.get('href')}") == epub.css_path()


#: selector → role it renders, for the CSS-equals-style check (runin: the style's run-in role)
ROLE_RULES = {
    "p": "body", "h1.title": "title", "p.subtitle": "subtitle", "p.docnumber": "docnumber",
    "p.addressee": "addressee", "h1": "heading-1", "h2": "heading-2", "h3": "heading-3",
    "p.signature": "signature", "p.date": "date", "p.attachment": "attachment", "p.remark": "remark",
    "pre": "code", "caption, figcaption": "caption", "aside.footnote": "footnote",
}


def _em(value: str) -> float:
    return 0.0 if value == "0" else float(value.removesuffix("em"))


@pytest.mark.parametrize("name", ["seed", "features", "vertical"])  # gongwen, report, ebook-vertical
def test_css_values_equal_the_style(library, name):
    """Sizes, indents, spacing, alignment and line height of the sheet, read back from the CSS."""
    style = _style(library, name)
    sheet = Epub(library[name].epub).sheet()
    body = style.role("body")
    before, after, start, end = (("right", "left", "top", "bottom") if writing_mode(style) == "vertical-rl"
                                 else ("top", "bottom", "left", "right"))
    for selector, role_name in ROLE_RULES.items():
        role, d = style.role(role_name), sheet.rule(selector)
        assert d["text-align"] == role.align, selector
        assert _em(d["text-indent"]) * role.size == pytest.approx(role.first_line_indent, abs=0.01), selector
        assert float(d["line-height"]) * role.size == pytest.approx(role.line_pitch, abs=0.01), selector
        assert _em(d[f"margin-{before}"]) * role.size == pytest.approx(role.space_before, abs=0.01), selector
        assert _em(d[f"margin-{after}"]) * role.size == pytest.approx(role.space_after, abs=0.01), selector
        assert _em(d[f"margin-{start}"]) * role.size == pytest.approx(role.left_indent, abs=0.01), selector
        assert _em(d[f"margin-{end}"]) * role.size == pytest.approx(role.right_indent, abs=0.01), selector
        if "font-size" in d:  # relative to the body, whose size is the reader's
            assert _em(d["font-size"]) * body.size == pytest.approx(role.size, abs=0.01), selector
        if "font-weight" in d:
            assert d["font-weight"] == ("bold" if role.bold else "normal"), selector
    for n in (1, 2):  # a run-in heading takes the style's run-in role, inline
        d, role = sheet.rule(f"div.runin > h{n}"), style.runin_role(n)
        assert d["display"] == "inline" and d["font-weight"] == ("bold" if role.bold else "normal")
        assert _em(d["font-size"]) * body.size == pytest.approx(role.size, abs=0.01)
    assert sheet.rule("body")["line-break"] == "strict"


def test_vertical_writing(library):
    """ebook-vertical: vertical-rl on html and body, pages turn right to left; others horizontal."""
    epub = Epub(library["vertical"].require().epub)
    sheet = epub.sheet()
    for selector in ("html", "body"):
        d = sheet.rule(selector)
        assert d["writing-mode"] == "vertical-rl" and d["-epub-writing-mode"] == "vertical-rl"
    assert epub.opf.find("opf:spine", NS).get("page-progression-direction") == "rtl"
    horizontal = Epub(library["seed"].require().epub)
    assert all("writing-mode" not in d for _, d in horizontal.sheet().rules)
    assert horizontal.opf.find("opf:spine", NS).get("page-progression-direction") is None


def test_vertical_writing_is_a_style_key_of_the_epub_writer(tmp_path):
    from converter.errors import StyleError
    from converter.writers.epub import writing_mode

    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "gongwen"\n[epub]\nwriting-mode = "sideways"\n', encoding="utf-8")
    with pytest.raises(StyleError, match="epub.writing-mode 'sideways': use horizontal-tb or vertical-rl") as e:
        writing_mode(load_style(str(bad)))
    assert e.value.file.endswith("bad.toml")
    with pytest.raises(StyleError, match="writing-mode"):  # and every build with it, before any output
        build(features_source(tmp_path / "src"), tmp_path / "out", ["pdf"], style=str(bad))
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert writing_mode(load_style("ebook-vertical")) == "vertical-rl"
    assert writing_mode(load_style("gongwen")) == "horizontal-tb"


@pytest.mark.parametrize("name", BOOKS)
def test_identifier_and_dates_are_derived(library, name):
    book = library[name].require()
    epub = Epub(book.epub)
    ident = epub.meta("identifier")[0]
    assert ident.startswith("urn:uuid:") and uuid.UUID(ident.removeprefix("urn:uuid:")).version == 5
    modified = epub.opf.find(".//opf:meta[@property='dcterms:modified']", NS).text
    assert modified == "2023-11-14T22:13:20Z"  # SOURCE_DATE_EPOCH, not the wall clock
    assert len(epub.meta("date")) == 1
    with zipfile.ZipFile(book.epub) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"


# --- particular documents ------------------------------------------------------------------

def test_seed_run_in_sections_and_leads(library):
    epub = Epub(library["seed"].require().epub)
    assert len(epub.spine()) == 1  # short: one file
    doc = epub.xml(epub.spine()[0])
    assert doc.find(".//x:h1[@class='title']", NS) is not None
    heading = doc.find(".//x:h1[@id='sec-1']", NS)
    runin = heading.getparent()
    assert runin.get("class") == "runin" and heading.getnext().tag == f"{{{NS['x']}}}p"
    assert heading.find("x:span[@class='number']", NS).text == "一、"
    leads = sum(1 for _ in read(library["seed"].source).iter(model.q("lead")))
    assert leads and len(doc.findall(".//x:span[@class='lead']", NS)) == leads


def test_every_element_rendered(library):
    epub = Epub(library["features"].require().epub)
    doc = epub.xml(epub.spine()[0])
    x = lambda path: doc.findall(path, NS)  # noqa: E731
    assert x(".//x:p[@class='docnumber']") and x(".//x:p[@class='subtitle']") and x(".//x:p[@class='addressee']")
    assert [ol.get("start") for ol in x(".//x:ol")] == ["3"] and len(x(".//x:ul/x:li")) == 2
    assert [th.get("scope") for th in x(".//x:thead//x:th")] == ["col", "col"]
    assert x(".//x:td[@class='align-right']") and x(".//x:td[@colspan='2']") and x(".//x:table/x:caption")
    img = x(".//x:figure/x:img")[0]
    assert img.get("alt") == "A red square" and x(".//x:figure/x:figcaption")
    assert epub.zip.read(os.path.normpath(f"{epub.base}text/{img.get('src')}")) == tiny_png()
    assert sum(1 for n in epub.zip.namelist() if "/images/" in n) == 1  # used twice, stored once
    code = x(".//x:pre/x:code[@class='language-python']")[0]
    assert "".join(code.itertext()).endswith('return x < 2 and "&"')
    assert code.findall("x:span", NS)  # highlighted: tokens in coloured spans
    assert x(".//x:blockquote/x:p") and x(".//x:hr") and x(".//x:div[@class='pagebreak']") and x(".//x:br")
    assert x(".//x:a[@href='https://example.org/search?q=a&lang=en']")
    assert x(".//x:div[@class='runin']/x:h2[@id='sec-1-1']") and x(".//x:h3[@id='sec-1-1-1']")
    # footnotes: a reference in the text, the note in an aside of the same file
    refs = [a for a in doc.iter(f"{{{NS['x']}}}a") if a.get(EPUB_TYPE) == "noteref"]
    assert len(refs) == 3
    assert not doc.xpath("//x:a//x:a", namespaces=NS)  # the note in a link splits the link around it
    assert len(x(".//x:a[@href='https://example.org/notes']")) == 2
    for ref in refs:
        aside = doc.xpath("//*[@id=$i]", i=ref.get("href")[1:])[0]
        assert aside.tag == f"{{{NS['x']}}}aside" and aside.get(EPUB_TYPE) == "footnote"
        assert aside.get("role") == "doc-footnote"
    # the closing, with its classes
    assert x(".//x:p[@class='attachment']/x:span[@class='label']")[0].text == "Attachments:"
    assert [p.text for p in x(".//x:p[@class='signature']")] == ["Finance Office"]
    assert x(".//x:p[@class='date']/x:time[@datetime='2024-03-15']") and x(".//x:p[@class='remark']")
    # metadata from <meta>
    assert epub.meta("creator") == ["Finance Office"] and epub.meta("date") == ["2024-03-15"]


def test_long_document_is_split_per_section(library):
    book = library["long"].require()
    epub = Epub(book.epub)
    spine = epub.spine()
    assert len(spine) == 5  # front matter + four level-1 sections
    first, last = epub.xml(spine[0]), epub.xml(spine[-1])
    assert first.find(".//x:h1[@class='title']", NS) is not None and first.find(".//x:section", NS) is None
    assert [h.get("id") for h in epub.xml(spine[2]).iterfind(".//x:h1", NS)] == ["sec-2"]
    assert last.find(".//x:div[@class='closing']", NS) is not None
    assert all(epub.xml(s).find(".//x:div[@class='closing']", NS) is None for s in spine[:-1])
    # a link into another file names that file
    assert first.find(".//x:a[@href='part-004.xhtml#sec-3-1']", NS) is not None
    # the footnote stays in the file of its reference
    ref = next(a for a in epub.xml(spine[4]).iter(f"{{{NS['x']}}}a") if a.get(EPUB_TYPE) == "noteref")
    assert epub.xml(spine[4]).xpath("//*[@id=$i]", i=ref.get("href")[1:])
    # text between two sections stays after the first of them
    assert "两部分之间的正文" in "".join(epub.xml(spine[2]).itertext())
    # nothing to report but the page the PDF misplaces (test_epub_pages.py, ENDNOTES)
    assert [d.message[:13] for d in book.diagnostics] in ([], ["print page 32"])


def test_rebuild_is_byte_identical(library, tmp_path):
    for name in ("features", "long", "rare", "vertical"):
        book, spec = library[name].require(), SPECS[name]
        # SOURCE_DATE_EPOCH is fixed; fonts come from the cache the first build filled
        again = build(book.source, tmp_path / name, list(spec.formats), spec.style).outputs[-1]
        assert again.read_bytes() == book.epub.read_bytes(), name


def test_identifier_depends_on_content(library):
    ids = {Epub(library[n].require().epub).meta("identifier")[0] for n in ("features", "long", "minimal")}
    assert len(ids) == 3


# --- errors and contracts ------------------------------------------------------------------

def test_missing_image_is_a_warning_and_a_frame(tmp_path):
    src = features_source(tmp_path / "src")
    (tmp_path / "src" / "tiny.png").unlink()
    result = build(src, tmp_path / "out", ["epub"])
    assert any("tiny.png" in d.message and "frame" in d.message for d in result.diagnostics)
    epub = Epub(result.outputs[0])
    doc = epub.xml(epub.spine()[0])
    assert doc.findall(".//x:span[@class='missing-image']", NS)
    from converter.errors import ConverterError

    with pytest.raises(ConverterError, match="--strict"):
        build(src, tmp_path / "strict", ["epub"], strict=True)
    assert not list((tmp_path / "strict").glob("*.epub"))


def test_image_of_no_supported_type_is_a_warning(tmp_path):
    src = features_source(tmp_path / "src")
    (tmp_path / "src" / "tiny.png").write_bytes(b"BM not really a bitmap")
    result = build(src, tmp_path / "out", ["epub"])  # the image rule of every output
    assert any("not a PNG, JPEG, GIF or SVG file" in d.message for d in result.diagnostics)


def test_link_to_unknown_id_is_kept_as_text_with_a_warning(tmp_path):
    src = tmp_path / "broken.xml"
    src.write_text('<document xmlns="urn:x-converter:document:1" version="1" xml:lang="en"><title>T</title>'
                   '<body><p>See <link href="#nowhere">there</link>.</p></body></document>', encoding="utf-8")
    result = build(src, tmp_path / "out", ["epub"])
    assert any("#nowhere" in d.message for d in result.diagnostics)
    epub = Epub(result.outputs[0])
    assert "See there." in spine_text(epub)


def test_translator_handles_every_schema_element():
    rng = etree.parse(model.schema_path())
    names = {e.get("name") for e in rng.iter("{http://relaxng.org/ns/structure/1.0}element")}
    assert names - XhtmlTranslator.handled() == set()


def test_runin_heading_role_falls_back_to_the_level():
    gongwen = style_for(read(FEATURES), "gongwen")
    assert gongwen.runin_role(1).name == "heading-1"  # the sheet says nothing of run-in headings
    report = style_for(read(FEATURES), "report")
    assert report.runin_role(1).name == "runin-heading"


# --- fidelity as a property: any valid document, split into many small files ------------------

TEXT = st.text(alphabet="ab Z一二三，。（）“”<&>", max_size=8)
INLINE_KINDS = ["em", "strong", "code", "lead", "br", "link", "footnote"]


def _inlines(draw, el: etree._Element, depth: int) -> None:
    el.text = draw(TEXT)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(INLINE_KINDS if depth < 2 else ["code", "lead", "br"]))
        c = model.new(kind, parent=el)
        if kind in ("em", "strong"):
            _inlines(draw, c, depth + 1)
        elif kind in ("code", "lead"):
            c.text = draw(TEXT)
        elif kind == "link":
            c.set("href", draw(st.sampled_from(["https://example.org/a?b=1&c=2", "#sec-1", "#sec-2-1"])))
            _inlines(draw, c, depth + 1)
        elif kind == "footnote":
            _inlines(draw, model.new("p", parent=c), depth + 1)
        c.tail = draw(TEXT)


def _flow(draw, el: etree._Element, depth: int) -> None:
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["p", "section", "list", "quote", "codeblock"] if depth < 3 else ["p"]))
        if kind == "p":
            _inlines(draw, model.new("p", parent=el), 0)
        elif kind == "section":
            sec = model.new("section", parent=el, level=str(depth + 1), runin=draw(st.sampled_from(["true", "false"])))
            heading = model.new("heading", parent=sec)
            _inlines(draw, heading, 1)
            if draw(st.booleans()):  # the numbering comes first, before any text
                number = model.new("number", "一、")
                number.tail, heading.text = heading.text, None
                heading.insert(0, number)
            _flow(draw, sec, depth + 1)
        elif kind == "list":
            lst = model.new("list", parent=el, type="ordered")
            _inlines(draw, model.new("p", parent=model.new("item", parent=lst)), 0)
        elif kind == "quote":
            _inlines(draw, model.new("p", parent=model.new("quote", parent=el)), 0)
        else:
            model.new("codeblock", draw(TEXT) + "\n" + draw(TEXT), parent=el)


@st.composite
def documents(draw) -> etree._Element:
    doc = model.new("document", version="1")
    doc.set(model.XML_LANG, draw(st.sampled_from(["zh-CN", "en"])))
    _inlines(draw, model.new("title", parent=doc), 1)
    _flow(draw, model.new("body", parent=doc), 0)
    assign_ids(doc)
    model.validate(doc)
    return doc


@settings(max_examples=40, deadline=None)
@given(doc=documents())
def test_any_document_keeps_its_text_in_order(doc):
    style = load_style("report")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "book.epub"
        ctx = BuildContext("generated", Path(tmp), datetime(2024, 1, 1, tzinfo=timezone.utc))
        # tiny limit: many files; no fonts: a subset per example would take most of the time
        # (fonts are tested on every other book, test_epub_fonts.py)
        EpubWriter(split_threshold=40, embed_fonts=False).write(doc, style, target, ctx)
        book = Epub(target)
        assert missing_in_order(model.plain_text(doc), spine_text(book)) is None
        for name in book.spine():
            xhtml = book.xml(name)
            ids = xhtml.xpath("//@id")
            assert len(ids) == len(set(ids)), name
            assert not xhtml.xpath("//x:a//x:a", namespaces=NS), name
