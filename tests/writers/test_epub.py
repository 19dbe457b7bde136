"""The EPUB writer on real files: epubcheck, text fidelity, navigation, style, reproducibility.

Every book is built once per module (``library``) and epubcheck (a Java start-up of a few
seconds each) runs on all of them at once, in parallel.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from converter import model, plugins
from converter.context import BuildContext
from converter.errors import InputError
from converter.model.outline import sections
from converter.pipeline import build, read, style_for
from converter.style import load_style
from converter.transforms.ids import assign_ids
from converter.writers.css import font_family
from converter.writers.epub import EpubWriter
from converter.writers.xhtml import XhtmlTranslator
from helpers import FIXTURES, SEED, SOURCES, epubcheck_command, missing_in_order, sample_sources, source_text

EPOCH = "1700000000"
NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
FEATURES = FIXTURES / "epub" / "features.xml"


# --- documents of our own ----------------------------------------------------------------------

def tiny_png() -> bytes:
    """A 4×4 red PNG, written by hand (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def features_source(folder: Path) -> Path:
    """The every-element fixture, copied next to the picture it shows."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tiny.png").write_bytes(tiny_png())
    return Path(shutil.copy(FEATURES, folder / "features.xml"))


def long_source(folder: Path) -> Path:
    """A long official document (well over the one-file limit): nested and run-in sections,
    a link from one file into another, a footnote, text between sections and every closing part."""
    para = "为全面贯彻落实有关工作部署，进一步提升服务质量和办事效率，各部门协同推进、狠抓落实，取得了积极成效。" * 12
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<document xmlns="urn:x-converter:document:1" version="1" xml:lang="zh-CN">',
           "<docnumber>某政发〔2024〕7号</docnumber><title>某市人民政府关于年度工作情况的报告</title>",
           "<subtitle>（第二稿）</subtitle><addressee>各区（县）人民政府，市政府各部门：</addressee><body>",
           f'<p>现将有关情况报告如下，详见<link href="#sec-3-1">第三部分第一节</link>。{para}</p>']
    for i, num in enumerate("一二三四", start=1):
        out.append(f'<section level="1" runin="false"><heading><number>{num}、</number>第{num}部分</heading>')
        out.append(f"<p>{para}</p>")
        for j, sub in enumerate("一二", start=1):
            out.append(f'<section level="2" runin="true"><heading><number>（{sub}）</number>第{sub}节。</heading>')
            note = '<footnote><p>注释文字。</p></footnote>' if (i, j) == (4, 1) else ""
            out.append(f"<p><lead>一是</lead>{para}{note}<lead>二是</lead>{para}</p>")
            out.append(f'<section level="3" runin="false"><heading><number>{j}.</number>小节</heading><p>{para}</p></section>')
            out.append("</section>")
        out.append("</section>")
        if i == 2:
            out.append(f"<p>两部分之间的正文。{para}</p>")
    out.append("</body><closing><attachments><label>附件：</label>"
               "<attachment><number>1.</number>工作台账</attachment><attachment><number>2.</number>统计表</attachment>"
               "</attachments><signature><issuer>某市人民政府</issuer>"
               '<date value="2024-03-15">2024年3月15日</date></signature>'
               "<remark>（此件公开发布）</remark></closing></document>")
    path = folder / "long.xml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def minimal_source(folder: Path) -> Path:
    """A document without any section: its table of contents is the title alone."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "minimal.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<document xmlns="urn:x-converter:document:1" version="1" xml:lang="zh-CN">'
                    "<title>简短通知</title><body><p>请于本周五前报送材料。</p></body></document>",
                    encoding="utf-8")
    return path


# --- the books, built once -------------------------------------------------------------------

def _readable(path: Path) -> bool:
    return plugins.reader_for(path) is not None


SAMPLES = [p for p in sample_sources() if _readable(p)] if SOURCES.is_dir() else []
BOOKS = ["seed", "features", "long", "minimal"] + [f"sources/{p.name}" for p in SAMPLES]


@dataclass
class Book:
    source: Path | None = None
    epub: Path | None = None
    error: BaseException | None = None
    check: subprocess.CompletedProcess | None = None
    diagnostics: list = field(default_factory=list)

    def require(self) -> "Book":
        """The built book; the build's own error when it failed; skip when its source is absent."""
        if self.source is None:
            pytest.skip("corpus seed ../shared/corpus is absent")
        if self.error is not None:
            raise self.error
        return self


def _source_for(name: str, folder: Path) -> Path | None:
    if name == "seed":
        return SEED if SEED.is_file() else None
    if name == "features":
        return features_source(folder / "features")
    if name == "long":
        return long_source(folder / "long")
    if name == "minimal":
        return minimal_source(folder / "minimal")
    return SOURCES / name.split("/", 1)[1]


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> dict[str, Book]:
    """Every book built with a fixed SOURCE_DATE_EPOCH, then checked by epubcheck in parallel."""
    root = tmp_path_factory.mktemp("epub")
    books: dict[str, Book] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for n, name in enumerate(BOOKS):
            book = books[name] = Book(_source_for(name, root / "src"))
            if book.source is None:
                continue
            try:
                result = build(book.source, root / "out" / str(n), ["epub"])
                book.epub, book.diagnostics = result.outputs[0], result.diagnostics
            except Exception as e:  # reported by each test of this book
                book.error = e
    command = epubcheck_command()
    if command is not None:
        built = [b for b in books.values() if b.epub is not None]
        with ThreadPoolExecutor(max_workers=max(2, min(len(built), os.cpu_count() or 2))) as pool:
            checks = pool.map(lambda b: subprocess.run([*command, str(b.epub)], capture_output=True,
                                                      text=True, timeout=300), built)
            for b, check in zip(built, checks):
                b.check = check
    return books


# --- reading an EPUB back --------------------------------------------------------------------

class Epub:
    """An EPUB opened for inspection: package document, spine, content documents."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)
        container = self.xml("META-INF/container.xml")
        self.opf_path = container.find(".//c:rootfile", NS).get("full-path")
        self.base = self.opf_path.rsplit("/", 1)[0] + "/" if "/" in self.opf_path else ""
        self.opf = self.xml(self.opf_path)
        self.manifest = {i.get("id"): i for i in self.opf.iterfind(".//opf:manifest/opf:item", NS)}

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    def spine(self, linear_only: bool = True) -> list[str]:
        """Package paths of the spine's content documents, in reading order."""
        refs = self.opf.iterfind(".//opf:spine/opf:itemref", NS)
        return [self.base + self.manifest[r.get("idref")].get("href") for r in refs
                if not (linear_only and r.get("linear") == "no")]

    def nav(self) -> etree._Element:
        item = next(i for i in self.manifest.values() if "nav" in (i.get("properties") or "").split())
        return self.xml(self.base + item.get("href"))

    def meta(self, name: str) -> list[str]:
        return [e.text for e in self.opf.iterfind(f".//dc:{name}", NS)]


def reading_text(doc: etree._Element) -> str:
    """What a reader reads: the body's text, each footnote at its reference (as a pop-up shows it)."""
    notes = {a.get("id"): a for a in doc.iter(f"{{{NS['x']}}}aside") if a.get(EPUB_TYPE) == "footnote"}

    def walk(el: etree._Element) -> str:
        out = [el.text or ""]
        for c in el:
            if c.get(EPUB_TYPE) == "footnote" or c.get("class") == "backlink":
                pass
            else:
                out.append(walk(c))
                if c.get(EPUB_TYPE) == "noteref":
                    out.append(walk(notes[c.get("href").lstrip("#")]))
            out.append(c.tail or "")
        return "".join(out)

    return walk(doc.find("x:body", NS))


def spine_text(book: Epub) -> str:
    return "".join(reading_text(book.xml(name)) for name in book.spine())


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
    toc = next(n for n in epub.nav().iterfind(".//x:nav", NS) if n.get(EPUB_TYPE) == "toc")
    outline = sections(doc.find(model.q("body")))

    def shape(entries) -> list:
        return [(e.id, shape(e.sections)) for e in entries]

    def nav_shape(ol) -> list:
        out = []
        for li in ol.iterfind("x:li", NS):
            sub = li.find("x:ol", NS)
            out.append((li.find("x:a", NS).get("href").rsplit("#", 1)[-1], nav_shape(sub) if sub is not None else []))
        return out

    if outline:
        assert nav_shape(toc.find("x:ol", NS)) == shape(outline)
    else:  # never empty: the title stands for the document
        links = toc.findall(".//x:a", NS)
        assert len(links) == 1 and links[0].text == epub.meta("title")[0]
    # every entry leads to an element that exists
    for a in toc.iterfind(".//x:a", NS):
        path, _, frag = a.get("href").partition("#")
        target = epub.xml(epub.base + path)
        assert not frag or target.xpath("//*[@id=$i]", i=frag), a.get("href")
    ncx_item = next(i for i in epub.manifest.values() if i.get("media-type") == "application/x-dtbncx+xml")
    ncx = epub.xml(epub.base + ncx_item.get("href"))
    count = sum(1 for _ in doc.iter(model.q("section"))) or 1
    assert len(ncx.findall(".//ncx:navPoint", NS)) == count
    landmarks = next(n for n in epub.nav().iterfind(".//x:nav", NS) if n.get(EPUB_TYPE) == "landmarks")
    assert {a.get(EPUB_TYPE) for a in landmarks.iterfind(".//x:a", NS)} == {"toc", "bodymatter"}


@pytest.mark.parametrize("name", BOOKS)
def test_css_maps_the_resolved_style(library, name):
    book = library[name].require()
    style = style_for(read(book.source), None)
    epub = Epub(book.epub)
    css_item = next(i for i in epub.manifest.values() if i.get("media-type") == "text/css")
    css = epub.zip.read(epub.base + css_item.get("href")).decode("utf-8")
    body = style.role("body")
    for family in (body.fonts.latin.family, body.fonts.cjk.family, style.role("title").fonts.cjk.family):
        assert f'"{family}"' in css
    assert f"font-family: {font_family(body)};" in css
    assert "text-align: justify" in css and "line-break: strict" in css
    assert "display: inline" in css  # run-in headings
    for name_ in epub.spine():  # linked relative to the chapter's own folder (else RSC-007)
        link = epub.xml(name_).find("x:head/x:link[@rel='stylesheet']", NS)
        folder = name_.rsplit("/", 1)[0]
        assert os.path.normpath(f"{folder}/{link.get('href')}") == epub.base + css_item.get("href")


@pytest.mark.parametrize("name", BOOKS)
def test_identifier_and_dates_are_derived(library, name):
    book = library[name].require()
    epub = Epub(book.epub)
    assert epub.meta("identifier")[0].startswith("urn:uuid:")
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
    assert runin.get("class") == "runin" and runin[1].tag == f"{{{NS['x']}}}p"
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
    assert x(".//x:pre/x:code[@class='language-python']")[0].text.endswith('return x < 2 and "&"')
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
    assert not book.diagnostics


def test_rebuild_is_byte_identical(library, tmp_path):
    for name in ("features", "long"):
        book = library[name].require()
        again = build(book.source, tmp_path / name, ["epub"]).outputs[0]  # SOURCE_DATE_EPOCH is fixed
        assert again.read_bytes() == book.epub.read_bytes(), name


def test_identifier_depends_on_content(library):
    ids = {Epub(library[n].require().epub).meta("identifier")[0] for n in ("features", "long", "minimal")}
    assert len(ids) == 3


# --- errors and contracts ------------------------------------------------------------------

def test_missing_image_names_the_file(tmp_path):
    src = features_source(tmp_path / "src")
    (tmp_path / "src" / "tiny.png").unlink()
    with pytest.raises(InputError, match="tiny.png"):
        build(src, tmp_path / "out", ["epub"])
    assert not list((tmp_path / "out").glob("*.epub"))


def test_image_must_be_a_supported_type(tmp_path):
    src = features_source(tmp_path / "src")
    (tmp_path / "src" / "tiny.png").write_bytes(b"BM not really a bitmap")
    with pytest.raises(InputError, match="PNG, JPEG, GIF or SVG"):
        build(src, tmp_path / "out", ["epub"])


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
        EpubWriter(split_threshold=40).write(doc, style, target, ctx)  # tiny limit: many files
        book = Epub(target)
        assert missing_in_order(model.plain_text(doc), spine_text(book)) is None
        for name in book.spine():
            xhtml = book.xml(name)
            ids = xhtml.xpath("//@id")
            assert len(ids) == len(set(ids)), name
            assert not xhtml.xpath("//x:a//x:a", namespaces=NS), name
