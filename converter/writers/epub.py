"""The EPUB 3 writer: packaging (parts, images, navigation, metadata, zip) around the XHTML translator.

Layout inside the container (the OPF lives in ``EPUB/``)::

    EPUB/content.opf  nav.xhtml  toc.ncx
    EPUB/styles/book.css
    EPUB/text/part-001.xhtml …   one per level-1 section of a long document, else one in all
    EPUB/images/image-001.png …  copies of the model's images

ebooklib assembles the package; the content documents are serialized by us (see ``_Content``)
and the zip is rewritten by ``packaging.rezip`` so that the same input gives the same bytes.
"""
from __future__ import annotations

import hashlib
import itertools
import posixpath
import re
import uuid
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ebooklib import epub
from lxml import etree

from ..context import BuildContext
from ..errors import InputError
from ..model import child, children, plain_text, q, tag_of
from ..model.outline import Metadata, metadata
from ..style import ResolvedStyle
from . import packaging
from .css import stylesheet
from .xhtml import Resources, XhtmlTranslator, document, serialize, text_of

CSS_PATH = "styles/book.css"
NAV_PATH = "nav.xhtml"
TEXT_DIR = "text"
IMAGE_DIR = "images"
#: a document with less text than this stays in one content document
SPLIT_THRESHOLD = 12_000
#: every identifier is a name-based UUID in this namespace (never a random one)
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:x-converter:document:1")

_FRONT = ("docnumber", "title", "subtitle", "addressee")
_HEADING_END = "。．.：:"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_WORDS = {  # navigation captions, by the document's language
    "zh": {"toc": "目录", "landmarks": "导览"},
    "": {"toc": "Contents", "landmarks": "Landmarks"},
}


class EpubWriter:
    suffix = ".epub"

    def __init__(self, split_threshold: int = SPLIT_THRESHOLD):
        self.split_threshold = split_threshold

    def write(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> None:
        """Write the book to ``target``, then repack it byte-reproducibly."""
        meta = metadata(doc)
        title = meta.title or Path(ctx.name).stem  # an empty title would make an invalid package
        words = _WORDS["zh"] if meta.lang.lower().startswith("zh") else _WORDS[""]
        parts = plan(doc, self.split_threshold, title)

        book = _book(doc, meta, title, style, ctx)
        book.add_item(epub.EpubItem(uid="css", file_name=CSS_PATH, media_type="text/css",
                                    content=stylesheet(style).encode("utf-8")))
        chapters, images = _render(doc, parts, meta.lang, ctx)
        for item in [*chapters, *images]:
            book.add_item(item)
        nav = _navigation(book, doc, parts, title, words)
        # The nav must be a spine item since the landmarks link to it (else RSC-011); outside the
        # reading order (linear="no"), as pandoc does, it is reached from the reader's menu.
        book.spine = [chapters[0], (nav, "no"), *chapters[1:]]

        epub.write_epub(str(target), book, {
            "mtime": ctx.source_date.astimezone(timezone.utc),  # dcterms:modified, never the wall clock
            "landmark_title": words["landmarks"],
            # ebooklib's page list takes every element with epub:type and an id for a page
            # (our footnotes); print page numbers will be written by us
            "epub3_pages": False,
            "raise_exceptions": True,
        })
        packaging.rezip(target, ctx.source_date, first=("mimetype",), stored=("mimetype",))


def _render(doc: etree._Element, parts: list[Part], lang: str,
            ctx: BuildContext) -> tuple[list[epub.EpubHtml], list[epub.EpubImage]]:
    """The content documents of the parts, and the images they show."""
    images = ImageStore(ctx.base_dir)
    translator = XhtmlTranslator(Resources(
        targets=_targets(parts), image=images.add, warn=ctx.warn,
        taken={el.get("id") for el in doc.iter() if el.get("id")},
    ))
    chapters = [_chapter(part, translator, lang) for part in parts]
    return chapters, images.items()


def _navigation(book: epub.EpubBook, doc: etree._Element, parts: list[Part], title: str,
                words: dict[str, str]) -> epub.EpubNav:
    """Table of contents, NCX, nav document and landmarks; returns the nav document."""
    book.toc = table_of_contents(doc, parts, title)
    nav = epub.EpubNav(uid="nav", file_name=NAV_PATH, title=words["toc"])
    nav.add_link(href=posixpath.relpath(CSS_PATH, posixpath.dirname(NAV_PATH) or "."),
                 rel="stylesheet", type="text/css")
    book.add_item(epub.EpubNcx())
    book.add_item(nav)
    # landmarks in the nav (and the EPUB 2 guide): where the contents are, where the text starts
    book.guide = [
        {"href": NAV_PATH, "title": words["toc"], "type": "toc"},
        {"href": parts[0].path, "title": title, "type": "text"},  # ebooklib writes it as bodymatter
    ]
    return nav


# --- parts: which model elements go into which content document ------------------------------

@dataclass
class Part:
    """One content document: its package path, its <title> and the model elements it renders."""

    path: str
    title: str
    elements: list[etree._Element] = field(default_factory=list)


def plan(doc: etree._Element, threshold: int, title: str) -> list[Part]:
    """Split a document into parts: a new part at each top-level section of a long document.

    The first part holds the front matter and whatever precedes the first section (a title
    page when nothing does); the last part also holds the closing.  Blocks that follow a
    section at the top level stay with it.
    """
    front = [c for c in children(doc) if tag_of(c) in _FRONT]
    body, closing = child(doc, "body"), child(doc, "closing")
    flow = children(body) if body is not None else []
    groups: list[list[etree._Element]] = [list(front)]
    if len(plain_text(doc)) < threshold:
        groups[0] += flow
    else:
        for el in flow:
            if tag_of(el) == "section":
                groups.append([])
            groups[-1].append(el)
    if closing is not None:
        groups[-1].append(closing)
    parts = []
    for n, elements in enumerate(groups, start=1):
        head = elements[0] if elements else None
        name = text_of(child(head, "heading")) if head is not None and tag_of(head) == "section" else title
        parts.append(Part(f"{TEXT_DIR}/part-{n:03d}.xhtml", name or title, elements))
    return parts


def _targets(parts: list[Part]) -> dict[str, str]:
    """Model id → the part that holds it (links across parts name the file)."""
    out: dict[str, str] = {}
    for part in parts:
        for el in part.elements:
            for node in el.iter():
                ident = node.get("id") if isinstance(node.tag, str) else None
                if ident:
                    out.setdefault(ident, part.path)
    return out


class _Content(epub.EpubHtml):
    """A content document we serialize ourselves.

    ebooklib's own get_content() re-parses a chapter with an HTML parser and pretty-prints
    it: the indentation it adds between a run-in heading and its paragraph shows as a space
    in the text, and namespaced attributes (epub:type) survive only by accident of naming.
    """

    def get_content(self, default=None):
        return self.content


def _chapter(part: Part, translator: XhtmlTranslator, lang: str) -> _Content:
    """Render a part into a complete XHTML document."""
    translator.current = part.path
    css = posixpath.relpath(CSS_PATH, posixpath.dirname(part.path))  # relative, else RSC-007
    root, body = document(part.title, lang, css)
    for el in part.elements:
        translator.visit(el, body)
    translator.finish(body)  # a file's notes at its end, so that note and reference share a file
    uid = posixpath.splitext(posixpath.basename(part.path))[0]
    return _Content(uid=uid, file_name=part.path, title=part.title, lang=lang, content=serialize(root))


# --- navigation -------------------------------------------------------------------------------

def table_of_contents(doc: etree._Element, parts: list[Part], title: str) -> list:
    """ebooklib's toc: every section heading at every level, nested; the title when there are none."""
    targets = _targets(parts)
    counter = itertools.count(1)

    def entries(parent: etree._Element) -> list:
        out = []
        for sec in parent.iterfind(q("section")):
            ident = sec.get("id")
            href = targets[ident] + "#" + ident if ident else _part_of(sec, parts)
            label = _label(child(sec, "heading")) or ident or title
            subs = entries(sec)
            if subs:
                out.append((epub.Section(label, href), subs))
            else:
                out.append(epub.Link(href, label, f"navpoint-{next(counter)}"))
        return out

    body = child(doc, "body")
    toc = entries(body) if body is not None else []
    # an empty table of contents makes ebooklib write an invalid nav and NCX
    return toc or [epub.Link(parts[0].path, title, "navpoint-title")]


def _label(heading: etree._Element) -> str:
    """A heading's navigation label: numbering included, without a final full stop or colon."""
    text = text_of(heading)
    return text.rstrip(_HEADING_END).strip() or text


def _part_of(el: etree._Element, parts: list[Part]) -> str:
    for part in parts:
        if any(el is e or el in e.iterdescendants() for e in part.elements):
            return part.path
    return parts[0].path


# --- metadata ---------------------------------------------------------------------------------

def _book(doc: etree._Element, meta: Metadata, title: str, style: ResolvedStyle, ctx: BuildContext) -> epub.EpubBook:
    """An EpubBook with the package metadata filled in."""
    book = epub.EpubBook()
    book.set_identifier(identifier(doc, style))
    book.set_title(title)
    book.set_language(meta.lang)
    for n, author in enumerate(meta.authors, start=1):
        book.add_author(author, uid=f"creator-{n}")
    # dc:date takes W3C dates only: the model's xsd:date may carry a zone (2024-03-15+08:00)
    date = meta.date[:10] if meta.date and _ISO_DATE.match(meta.date) else ctx.source_date.date().isoformat()
    book.add_metadata("DC", "date", date)
    for subject in ([meta.subject] if meta.subject else []) + list(meta.keywords):
        book.add_metadata("DC", "subject", subject)
    return book


def identifier(doc: etree._Element, style: ResolvedStyle) -> str:
    """A name-based UUID of the model and the style: the same book always has the same id."""
    digest = hashlib.sha256(etree.tostring(doc, method="c14n") + b"\0" + style.name.encode("utf-8"))
    return "urn:uuid:" + str(uuid.uuid5(ID_NAMESPACE, digest.hexdigest()))


# --- images -----------------------------------------------------------------------------------

#: the image types every EPUB reader must support (anything else needs a fallback)
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)


class ImageStore:
    """The images a book embeds: each source file once, under a stable name in images/."""

    def __init__(self, base_dir: Path):
        self.base_dir = Path(base_dir)
        self._stored: dict[Path, epub.EpubImage] = {}
        self._by_src: dict[str, str] = {}

    def add(self, src: str) -> str:
        """The package path of the image ``src`` (relative to the base folder); InputError when absent."""
        if src in self._by_src:
            return self._by_src[src]
        path = self._local_path(src)
        try:
            data = path.read_bytes()
        except OSError:
            raise InputError(f"image not found: {src} (looked for {path})") from None
        if path not in self._stored:
            media_type, ext = _image_type(data, src)
            n = len(self._stored) + 1
            self._stored[path] = epub.EpubImage(uid=f"image-{n:03d}", file_name=f"{IMAGE_DIR}/image-{n:03d}{ext}",
                                                media_type=media_type, content=data)
        self._by_src[src] = self._stored[path].file_name
        return self._by_src[src]

    def _local_path(self, src: str) -> Path:
        parts = urlsplit(src)
        scheme = parts.scheme if len(parts.scheme) > 1 else ""  # one letter: a Windows drive
        if scheme not in ("", "file"):
            raise InputError(f"image {src}: an EPUB must contain its images; download it and refer to the file")
        if scheme == "file":
            path = Path(unquote(parts.path))
        else:
            path = Path(src)
            if not (self.base_dir / path).exists():
                path = Path(unquote(src))  # written as a URI reference: my%20picture.png
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    def items(self) -> list[epub.EpubImage]:
        return list(self._stored.values())


def _image_type(data: bytes, src: str) -> tuple[str, str]:
    """(media type, file extension) from the file's first bytes, not from its name."""
    for magic, media_type, ext in _SIGNATURES:
        if data.startswith(magic):
            return media_type, ext
    if b"<svg" in data[:2048]:
        return "image/svg+xml", ".svg"
    raise InputError(f"image {src}: not a PNG, JPEG, GIF or SVG file (the image types every EPUB 3 reader supports)")
