"""The books the EPUB tests read back, and how they read them.

``build_library`` builds every book once (each with its formats and style) and runs epubcheck
on all of them in one Java process (``epubcheck_all``).  ``Epub`` opens a
book for inspection; ``Sheet`` reads its style sheet and, with cssselect, computes which
font-family list applies to each element, as a reading system would.
"""
from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cssselect import GenericTranslator, parse
from fontTools.ttLib import TTFont
from lxml import etree

from converter import plugins
from converter.pipeline import build
from helpers import FIXTURES, SEED, SOURCES, epubcheck_command, sample_sources

EPOCH = "1700000000"
BATCH = Path(__file__).resolve().parent / "EpubcheckBatch.java"
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
GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}


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
    return _write(folder / "long.xml", "\n".join(out))


def minimal_source(folder: Path) -> Path:
    """A document without any section: its table of contents is the title alone."""
    return _write(folder / "minimal.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<document xmlns="urn:x-converter:document:1" version="1" xml:lang="zh-CN">'
                  "<title>简短通知</title><body><p>请于本周五前报送材料。</p></body></document>")


#: characters of CJK Extension B and a symbol that the gongwen role faces lack (HanaMin has them)
RARE = "𠀀𪚥"


def rare_source(folder: Path) -> Path:
    """A Chinese document with characters only the style's fallback faces draw, bold text with
    digits, a code span (Latin and CJK faces of several roles) and a picture without a text
    alternative."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tiny.png").write_bytes(tiny_png())
    return _write(folder / "rare.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<document xmlns="urn:x-converter:document:1" version="1" xml:lang="zh-CN">'
                  "<title>生僻字测试 2024</title><body>"
                  '<section level="1" runin="false"><heading><number>一、</number>字库</heading>'
                  f"<p>扩展B区的{RARE[0]}字和{RARE[1]}字，温度 25℃，<strong>重点 No.1</strong>，"
                  "<em>English words</em>，<code>print(1)</code>。</p>"
                  '<figure><image src="tiny.png" alt=""/></figure></section></body></document>')


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- the library: every book, built once ---------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    source: str  # seed, features, long, minimal, rare or sources/<name>
    formats: tuple[str, ...] = ("epub",)
    style: str | None = None


def _readable(path: Path) -> bool:
    return plugins.reader_for(path) is not None


SAMPLES = [p for p in sample_sources() if _readable(p)] if SOURCES.is_dir() else []
# epubcheck takes a few seconds of CPU per book: each book here tests several things at once
SPECS: dict[str, Spec] = {
    "seed": Spec("seed", ("pdf", "epub")),  # as `converter build` makes it: with the print pages
    "features": Spec("features"),
    "long": Spec("long", ("pdf", "epub")),  # many files: page markers across them, in a note
    "minimal": Spec("minimal"),
    "rare": Spec("rare"),
    "vertical": Spec("seed", ("pdf", "epub"), "ebook-vertical"),
    **{f"sources/{p.name}": Spec(f"sources/{p.name}") for p in SAMPLES},
}
BOOKS = list(SPECS)


@dataclass
class Book:
    spec: Spec
    source: Path | None = None
    epub: Path | None = None
    outputs: dict[str, Path] = field(default_factory=dict)
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


def source_for(name: str, folder: Path) -> Path | None:
    makers = {"features": features_source, "long": long_source, "minimal": minimal_source,
              "rare": rare_source}
    if name == "seed":
        return SEED if SEED.is_file() else None
    if name in makers:
        return makers[name](folder / name)
    return SOURCES / name.split("/", 1)[1]


def build_library(root: Path) -> dict[str, Book]:
    """Every book built (SOURCE_DATE_EPOCH must be set), then checked by epubcheck in parallel."""
    books: dict[str, Book] = {}
    for n, (name, spec) in enumerate(SPECS.items()):
        book = books[name] = Book(spec, source_for(spec.source, root / "src"))
        if book.source is None:
            continue
        try:
            result = build(book.source, root / "out" / str(n), list(spec.formats), spec.style)
            book.outputs = {p.suffix: p for p in result.outputs}
            book.epub, book.diagnostics = book.outputs[".epub"], result.diagnostics
        except Exception as e:  # reported by each test of this book
            book.error = e
    built = [b for b in books.values() if b.epub is not None]
    for b, check in zip(built, epubcheck_all([b.epub for b in built]) or []):
        b.check = check
    return books


def epubcheck_all(paths: list[Path]) -> list[subprocess.CompletedProcess] | None:
    """epubcheck's report on each book (None when epubcheck is not installed).

    All in one JVM (EpubcheckBatch.java; 4 s for nine books instead of 3 s each) where the jar
    and a JDK are there, else one run per book, in parallel.
    """
    command = epubcheck_command()
    if command is None or not paths:
        return None
    if command[-2:-1] == ["-jar"]:
        batch = subprocess.run([*command[:-2], "-cp", command[-1], str(BATCH), *map(str, paths)],
                               capture_output=True, text=True, timeout=600)
        records = batch.stdout.split("\0")[1:]
        if len(records) == len(paths):
            out = []
            for path, record in zip(paths, records):
                head, _, report = record.partition("\n")
                code, _, name = head.partition("\t")
                assert name == str(path), (name, path)
                out.append(subprocess.CompletedProcess([str(path)], int(code), report, ""))
            return out
    with ThreadPoolExecutor(max_workers=max(2, min(len(paths), os.cpu_count() or 2))) as pool:
        return list(pool.map(lambda p: subprocess.run([*command, str(p)], capture_output=True,
                                                     text=True, timeout=300), paths))


# --- reading an EPUB back --------------------------------------------------------------------

class Epub:
    """An EPUB opened for inspection: package document, spine, content documents, style sheet."""

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

    def nav_path(self) -> str:
        item = next(i for i in self.manifest.values() if "nav" in (i.get("properties") or "").split())
        return self.base + item.get("href")

    def nav(self) -> etree._Element:
        return self.xml(self.nav_path())

    def nav_list(self, kind: str) -> etree._Element | None:
        return next((n for n in self.nav().iterfind(".//x:nav", NS) if n.get(EPUB_TYPE) == kind), None)

    def ncx(self) -> etree._Element:
        item = next(i for i in self.manifest.values() if i.get("media-type") == "application/x-dtbncx+xml")
        return self.xml(self.base + item.get("href"))

    def meta(self, name: str) -> list[str]:
        return [e.text for e in self.opf.iterfind(f".//dc:{name}", NS)]

    def properties(self, prop: str) -> list[str]:
        """Values of the package's <meta property=…> elements (not refinements)."""
        return [m.text for m in self.opf.iterfind(".//opf:metadata/opf:meta", NS)
                if m.get("property") == prop and m.get("refines") is None]

    def css_path(self) -> str:
        item = next(i for i in self.manifest.values() if i.get("media-type") == "text/css")
        return self.base + item.get("href")

    def sheet(self) -> "Sheet":
        return Sheet(self.zip.read(self.css_path()).decode("utf-8"))

    def faces(self) -> dict[tuple[str, str, str], set[int]]:
        """(family, font-weight, font-style) of each @font-face → the code points its file draws
        (read by fontTools)."""
        out: dict[tuple[str, str, str], set[int]] = {}
        folder = posixpath.dirname(self.css_path())
        for face in self.sheet().font_faces:
            url = re.search(r'url\("([^"]+)"\)', face["src"]).group(1)
            data = self.zip.read(posixpath.normpath(posixpath.join(folder, url)))
            with TTFont(io.BytesIO(data)) as font:
                key = (face["font-family"].strip('"'), face["font-weight"], face["font-style"])
                assert key not in out, key  # one file per family, weight and style
                out[key] = set(font.getBestCmap())
        return out

    def fonts(self) -> dict[str, set[int]]:
        """Family name → the code points its embedded faces draw."""
        out: dict[str, set[int]] = {}
        for (family, _, _), cmap in self.faces().items():
            out.setdefault(family, set()).update(cmap)
        return out


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


# --- the style sheet, as a reading system applies it ---------------------------------------------

class Sheet:
    """A CSS text as rules; ``computed`` gives an inherited property's value for an element,
    matching selectors with cssselect (an engine of its own, not the writer's)."""

    def __init__(self, text: str):
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        self.rules: list[tuple[str, dict[str, str]]] = []
        self.font_faces: list[dict[str, str]] = []
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
            decls = {k.strip(): v.strip() for k, v in
                     (d.split(":", 1) for d in body.split(";") if d.strip())}
            if selector.strip() == "@font-face":
                self.font_faces.append(decls)
            else:
                self.rules.append((selector.strip(), decls))

    def rule(self, selector: str) -> dict[str, str]:
        """The declarations of the rule with exactly this selector."""
        return next(d for s, d in self.rules if s == selector)

    def computed(self, root: etree._Element, prop: str) -> dict[etree._Element, str]:
        """Element of ``root`` (namespaces stripped, see ``plain``) → the property's value,
        inherited from the nearest ancestor where a rule sets it."""
        winners: dict[etree._Element, tuple[tuple, str]] = {}
        for order, (selector, decls) in enumerate(self.rules):
            if prop not in decls:
                continue
            for sel in parse(selector):
                xpath = GenericTranslator().selector_to_xpath(sel)
                rank = (sel.specificity(), order)
                for el in root.xpath(xpath):
                    if el not in winners or winners[el][0] < rank:
                        winners[el] = (rank, decls[prop])
        out: dict[etree._Element, str] = {}
        for el in root.iter():
            if el in winners:
                out[el] = winners[el][1]
            elif el.getparent() is not None and el.getparent() in out:
                out[el] = out[el.getparent()]
        return out


def plain(doc: etree._Element) -> etree._Element:
    """A copy of an XHTML tree with local names only (cssselect's XPath has no namespaces)."""
    copy = etree.fromstring(etree.tostring(doc))
    for el in copy.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
    etree.cleanup_namespaces(copy)
    return copy


def families(value: str) -> list[str]:
    """A font-family value as names, generic families left out."""
    names = [n.strip().strip('"') for n in value.split(",")]
    return [n for n in names if n not in GENERIC]


def text_nodes(root: etree._Element):
    """(element whose style the text takes, text) for every text and tail in the body."""
    body = root.find("body")
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el.text:
            yield el, el.text
        for c in el:
            if c.tail:
                yield el, c.tail
