"""The EPUB 3 writer: packaging (parts, images, fonts, navigation, metadata, zip) around the
XHTML translator.

Layout inside the container (the OPF lives in ``EPUB/``)::

    EPUB/content.opf  nav.xhtml  toc.ncx
    EPUB/styles/book.css
    EPUB/text/title-page.xhtml   the title, subtitle, authors and date (the style's [epub] title-page)
    EPUB/text/part-001.xhtml …   one per level-1 section of a long document, else one in all
    EPUB/images/image-001.png …  copies of the model's images
    EPUB/fonts/<face>.woff2 …    the faces the book draws with, subset (fonts.py)

When the PDF was built in the same run, the text carries its page-break markers and the
navigation a page list (pages.py).  ebooklib assembles the package; the content and
navigation documents are serialized by us (see ``_Content``, nav.py) and the zip is
written by ``packaging.write_zip`` so that the same input gives the same bytes.
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path

from ebooklib import epub
from lxml import etree

from ...context import BuildContext
from ...model.images import ImageInfo, usable_image
from ...model import child, children, plain_text, tag_of
from ...model.outline import metadata, signs_itself
from ...style import ResolvedStyle
from .. import packaging
from . import SETTINGS, wants_title_page, writing_mode
from .css import SIDES, stylesheet
from .fonts import EmbeddedFont, FontChoice, embed, font_face_rules
from .meta import accessibility, facts, identifier, new_book, print_source
from .nav import PackageWriter, nav_document, table_of_contents
from .pages import MARKER, PageTarget, hoist_markers, mark_pages
from ...text.titles import lines_of_title
from .upright import stand_digits_upright
from ...layout.front import addressee_in_colophon
from .xhtml import EPUB_TYPE, Resources, XhtmlTranslator, document, h, serialize, text_of

CSS_PATH = "styles/book.css"
NAV_PATH = "nav.xhtml"
TEXT_DIR = "text"
TITLE_PAGE_PATH = f"{TEXT_DIR}/title-page.xhtml"
IMAGE_DIR = "images"
#: a document with less text than this stays in one content document
SPLIT_THRESHOLD = 12_000

_WORDS = {  # navigation captions, by the document's language
    "zh": {"toc": "目录", "landmarks": "导览", "pages": "页码", "titlepage": "扉页"},
    "": {"toc": "Contents", "landmarks": "Landmarks", "pages": "Pages", "titlepage": "Title page"},
}

__all__ = ["EpubWriter", "identifier", "plan", "Part"]


class EpubWriter:
    suffix = ".epub"
    reads_pages = True  # the print page list: the pipeline lays the document out before this writer runs
    #: the keys of a style sheet's [epub] section
    settings = SETTINGS

    def __init__(self, split_threshold: int = SPLIT_THRESHOLD, embed_fonts: bool = True):
        self.split_threshold = split_threshold
        #: False leaves the fonts out (the CSS then names the style's families for the reader to find)
        self.embed_fonts = embed_fonts

    def write(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> None:
        """Write the book to ``target``, byte-reproducibly."""
        meta = metadata(doc)
        title = meta.title or Path(ctx.name).stem  # an empty title would make an invalid package
        words = _WORDS["zh"] if meta.lang.lower().startswith("zh") else _WORDS[""]
        book = new_book(doc, meta, title, style, ctx)  # the identifier is the model's, without markers
        moves = addressee_in_colophon(doc, style)
        with _print_pages(doc, ctx) as text:
            parts = plan(text, self.split_threshold, title, title_page=wants_title_page(style))
            first = next(p for p in parts if p.kind != "titlepage")  # where the reading starts
            chapters, images, pages = _render(text, parts, meta.lang, style, ctx, moves)
            book.toc = table_of_contents(text, _locator(parts), title)
        landmarks = [("toc", NAV_PATH + "#toc", words["toc"]), ("bodymatter", first.path, title)]
        if parts[0].kind == "titlepage":
            landmarks.insert(0, ("titlepage", parts[0].path, words["titlepage"]))
        nav_root = nav_document(NAV_PATH, CSS_PATH, meta.lang, words, book.toc, landmarks, pages)
        css, fonts = self._style_sheet(style, meta.lang, [*(c.root for c in chapters), nav_root], ctx,
                                       title_page=parts[0].kind == "titlepage")
        _assemble(book, css, fonts, chapters, images, words, title)
        if writing_mode(style) == "vertical-rl":
            book.set_direction("rtl")  # page-progression-direction: pages turn right to left

        # the print edition's length, which may exceed the markers (a page with no place in the text)
        printed = max(ctx.pagination.count if ctx.pagination else 0, *(int(p.label) for p in pages)) if pages else 0
        accessibility(book, facts([c.root for c in chapters], meta.lang, printed))
        if pages:
            print_source(book, title, printed, meta.lang)

        members = PackageWriter(str(target), book, {
            "mtime": ctx.source_date.astimezone(timezone.utc),  # dcterms:modified, never the wall clock
            "epub3_pages": False,  # ebooklib's would take every element with epub:type and an id
            "pages_title": words["pages"],
            "raise_exceptions": True,
        }, serialize(nav_root), pages, printed).members()
        packaging.write_zip(target, members, ctx.source_date, first=("mimetype",), stored=("mimetype",),
                            cache=ctx.cache)

    def _style_sheet(self, style: ResolvedStyle, lang: str, documents: list[etree._Element],
                     ctx: BuildContext, title_page: bool = False) -> tuple[str, list[EmbeddedFont]]:
        """The CSS and the fonts it embeds: each face subset to what the documents draw with it."""
        classes = {c for root in documents for el in root.iter() if isinstance(el.tag, str)
                   for c in (el.get("class") or "").split()}
        if not self.embed_fonts:
            return stylesheet(style, classes=classes, title_page=title_page), []
        choice = FontChoice(style, lang)
        for root in documents:
            choice.add_document(root)
        fonts = embed(choice.used, ctx.cache)
        return stylesheet(style, font_face_rules(fonts, CSS_PATH), {f.face.family for f in fonts},
                          classes, title_page), fonts


@contextmanager
def _print_pages(doc: etree._Element, ctx: BuildContext) -> Iterator[etree._Element]:
    """The model to render: with the print pages' starts marked while the block runs, when it
    was laid out (pages.mark_pages: in the model itself, taken out again afterwards)."""
    starts = ctx.pagination.starts if ctx.pagination else None
    if not starts:
        yield doc
        return
    with mark_pages(doc, starts) as unmarked:
        for n in unmarked:
            ctx.warn(f"print page {n}: the layout gives it no place in the text after the page before; "
                     "the e-book has no marker for it")
        yield doc


def _assemble(book: epub.EpubBook, css: str, fonts: list[EmbeddedFont], chapters: list[_Chapter],
              images: list[epub.EpubImage], words: dict[str, str], title: str) -> None:
    """Every part of the package into the book: style sheet, fonts, documents, images, navigation."""
    book.add_item(epub.EpubItem(uid="css", file_name=CSS_PATH, media_type="text/css", content=css.encode("utf-8")))
    for n, f in enumerate(fonts, start=1):
        book.add_item(epub.EpubItem(uid=f"font-{n:03d}", file_name=f.path, media_type=f.font.media_type,
                                    content=f.font.path.read_bytes()))
    items = [c.item() for c in chapters]
    for item in [*items, *images]:
        book.add_item(item)
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(uid="nav", file_name=NAV_PATH, title=words["toc"])  # its content: nav.py
    book.add_item(nav)
    # the EPUB 2 guide; the EPUB 3 landmarks are in the navigation document
    guide_titlepage = [{"href": c.part.path, "title": words["titlepage"], "type": "title-page"}
                       for c in chapters[:1] if c.part.kind == "titlepage"]
    text = next(c for c in chapters if c.part.kind != "titlepage")
    book.guide = [*guide_titlepage, {"href": NAV_PATH, "title": words["toc"], "type": "toc"},
                  {"href": text.part.path, "title": title, "type": "text"}]
    # The nav must be a spine item since the landmarks link to it (else RSC-011); outside the
    # reading order (linear="no"), as pandoc does, it is reached from the reader's menu.
    book.spine = [items[0], (nav, "no"), *items[1:]]


@dataclass
class _Chapter:
    """A rendered content document: its part and its XHTML tree (serialized last)."""

    part: Part
    root: etree._Element
    lang: str

    def item(self) -> "_Content":
        uid = posixpath.splitext(posixpath.basename(self.part.path))[0]
        # the media type given: ebooklib would guess it from the name, and the first guess of a
        # process reads the system's whole MIME table (/etc/mime.types, 3 ms)
        return _Content(uid=uid, file_name=self.part.path, media_type="application/xhtml+xml", title=self.part.title,
                        lang=self.lang, content=serialize(self.root))


def _render(doc: etree._Element, parts: list[Part], lang: str, style: ResolvedStyle,
            ctx: BuildContext, addressee_moves: bool = False
            ) -> tuple[list[_Chapter], list[epub.EpubImage], list[PageTarget]]:
    """The content documents of the parts, the images they show and the print page markers
    (``addressee_moves``: the 主送 is printed in the 版记, layout.front)."""
    images = ImageStore(ctx.base_dir, ctx.cache)
    translator = XhtmlTranslator(Resources(
        targets=_targets(parts), image=images.add, image_width=images.width, warn=ctx.warn,
        taken={el.get("id") for el in doc.iter() if el.get("id")},
        start_side=SIDES[writing_mode(style)][2], highlight=style.role("code").highlight,
        source_name=Path(ctx.name).name, first_part=parts[0].path if parts else "",
        # print page markers may stand inside a title: they do not count
        title_lines=lambda el: lines_of_title(el, style, ignore=(MARKER,)),
        addressee_moves=addressee_moves, letter=style.letter,
    ))
    chapters = [_Chapter(part, _chapter(part, translator, lang, last=part is parts[-1]), lang) for part in parts]
    translator.report_relative_links()
    if writing_mode(style) == "vertical-rl":
        for c in chapters:
            stand_digits_upright(c.root)
    pages = [PageTarget(n, path, ident) for n, path, ident in translator.pages]
    return chapters, images.items(), pages


# --- parts: which model elements go into which content document ------------------------------

@dataclass
class Part:
    """One content document: its package path, its <title> and the model elements it renders."""

    path: str
    title: str
    elements: list[etree._Element] = field(default_factory=list)
    #: "titlepage" for the title page, else None
    kind: str | None = None


def plan(doc: etree._Element, threshold: int, title: str, title_page: bool = False) -> list[Part]:
    """Split a document into parts: a new part at each top-level section of a long document.

    With ``title_page`` (the style's), a document that has one (``title_page_elements``) starts
    with its title page. The first part holds the front matter and whatever precedes the first
    section (the title alone when nothing does and there is no title page); the last part also
    holds the closing.  Blocks that follow a section at the top level stay with it.
    """
    parts = [c for c in children(doc) if tag_of(c) != "meta"]
    shown = title_page_elements(doc) if title_page else []
    parts = [c for c in parts if not any(c is s for s in shown)]
    body = child(doc, "body")
    at = parts.index(body) if body is not None else len(parts)
    # before the body: 版头, title, addressee …; after it: the closing, attachment bodies,
    # enclosed documents, the 版记 — all of them, in source order
    front, after = parts[:at], parts[at + 1 :]
    flow = children(body) if body is not None else []
    groups: list[list[etree._Element]] = [list(front)]
    if len(plain_text(doc)) < threshold:
        groups[0] += flow
    else:
        for el in flow:
            if tag_of(el) == "section":
                groups.append([])
            groups[-1].append(el)
    groups[-1] += after
    if shown and not groups[0]:
        groups = groups[1:]  # the title page is all there is before the first section
    if shown and not groups:
        return plan(doc, threshold, title)  # a title and nothing else: no page of its own
    parts = [Part(TITLE_PAGE_PATH, title, shown, kind="titlepage")] if shown else []
    for n, elements in enumerate(groups, start=1):
        head = elements[0] if elements else None
        name = text_of(child(head, "heading")) if head is not None and tag_of(head) == "section" else title
        parts.append(Part(f"{TEXT_DIR}/part-{n:03d}.xhtml", name or title, elements))
    return parts


def title_page_elements(doc: etree._Element) -> list[etree._Element]:
    """What a title page shows: the title (and subtitle) that open the document — the byline
    under them is the model's title block. None for a document without a title of its own
    words, one with something before its title (a 版头), or one that signs itself (a letter,
    an official document: its head is its first page)."""
    front = [c for c in children(doc) if tag_of(c) != "meta"]
    if not front or tag_of(front[0]) != "title" or not plain_text(front[0]).strip() or signs_itself(doc):
        return []
    return front[:2] if len(front) > 1 and tag_of(front[1]) == "subtitle" else front[:1]


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


def _chapter(part: Part, translator: XhtmlTranslator, lang: str, last: bool = False) -> etree._Element:
    """Render a part into a complete XHTML document (its tree); the last one ends with a moved
    主送's 版记 when the document has none."""
    translator.current = part.path
    css = posixpath.relpath(CSS_PATH, posixpath.dirname(part.path))  # relative, else RSC-007
    root, body = document(part.title, lang, css)
    holder = body
    if part.kind == "titlepage":
        holder = h(body, "section", class_="titlepage")
        holder.set(EPUB_TYPE, "titlepage")
    for el in part.elements:
        translator.visit(el, holder)
    if last:
        translator.moved_colophon(body, box=True)
    translator.finish(body)  # a file's notes at its end, so that note and reference share a file
    hoist_markers(body)
    return root


def _locator(parts: list[Part]):
    """section → the package path of the part that holds it."""
    targets = _targets(parts)

    def part_of(el: etree._Element) -> str:
        ident = el.get("id")
        if ident in targets:
            return targets[ident]
        for part in parts:
            if any(el is e or el in e.iterdescendants() for e in part.elements):
                return part.path
        return parts[0].path

    return part_of


# --- images -----------------------------------------------------------------------------------

#: the image types every EPUB reader must support (anything else needs a fallback)
class ImageStore:
    """The book's copies of the document's pictures (the image rule: a PNG or JPEG as it is, a
    GIF's first frame as a PNG, a sanitised SVG), each stored once."""

    def __init__(self, base_dir: Path, cache: Path | None = None):
        self.base_dir = Path(base_dir)
        self.cache = cache
        self._stored: dict[Path, epub.EpubImage] = {}
        self._by_src: dict[str, str | None] = {}
        self._info: dict[str, ImageInfo] = {}

    def add(self, src: str) -> str | None:
        """The package path of the image ``src`` (relative to the base folder); None when it
        cannot be used (the build has warned; the translator prints its alt text in a frame)."""
        if src in self._by_src:
            return self._by_src[src]
        info = usable_image(src, self.base_dir, self.cache)
        if info is None:
            self._by_src[src] = None
            return None
        self._info[src] = info
        if info.path not in self._stored:
            n = len(self._stored) + 1
            self._stored[info.path] = epub.EpubImage(uid=f"image-{n:03d}",
                                                     file_name=f"{IMAGE_DIR}/image-{n:03d}{info.extension}",
                                                     media_type=info.media_type, content=info.path.read_bytes())
        self._by_src[src] = self._stored[info.path].file_name
        return self._by_src[src]

    def width(self, src: str) -> int | None:
        """The printed width of an added image in CSS pixels (96 to the inch), as in every output."""
        info = self._info.get(src)
        return round(info.size[0] * 96 / 72) if info is not None else None

    def items(self) -> list[epub.EpubImage]:
        return list(self._stored.values())
