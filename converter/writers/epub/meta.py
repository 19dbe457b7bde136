"""Package metadata: Dublin Core from the model, an identifier derived from the content, and
accessibility metadata (schema.org, as EPUB Accessibility 1.1 asks) that says only what is true
of this book."""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass

from ebooklib import epub
from lxml import etree

from ...context import BuildContext
from ...model.outline import Metadata
from ...style import ResolvedStyle

#: every identifier is a name-based UUID in this namespace (never a random one)
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:x-converter:document:1")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_SOURCE_ID = "print-source"


def new_book(doc: etree._Element, meta: Metadata, title: str, style: ResolvedStyle, ctx: BuildContext) -> epub.EpubBook:
    """An EpubBook with the Dublin Core metadata filled in."""
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
    """A name-based UUID (version 5) of the model and the style: the same book always has the same id."""
    digest = hashlib.sha256(etree.tostring(doc, method="c14n") + b"\0" + style.name.encode("utf-8"))
    return "urn:uuid:" + str(uuid.uuid5(ID_NAMESPACE, digest.hexdigest()))


@dataclass(frozen=True)
class Facts:
    """What the book is, as far as accessibility metadata speaks of it."""

    lang: str
    headings: bool  # the text is structured by heading elements
    images: int
    images_with_alt: int
    pages: int  # pages of the print edition whose page breaks are marked (0: none in this run)

    @property
    def all_alt(self) -> bool:
        return self.images_with_alt == self.images


def facts(documents: list[etree._Element], lang: str, pages: int) -> Facts:
    """Facts read off the content documents (XHTML trees)."""
    x = "{http://www.w3.org/1999/xhtml}"
    imgs = [img for d in documents for img in d.iter(f"{x}img")]
    heads = any(True for d in documents for n in range(1, 7) for _ in d.iter(f"{x}h{n}"))
    return Facts(lang, heads, len(imgs), sum(1 for i in imgs if (i.get("alt") or "").strip()), pages)


def accessibility(book: epub.EpubBook, f: Facts) -> None:
    """schema:accessMode, accessModeSufficient, accessibilityFeature, accessibilityHazard and
    accessibilitySummary: each only as far as it is true of this book."""
    modes = ["textual"] + (["visual"] if f.images else [])
    for mode in modes:
        _meta(book, "schema:accessMode", mode)
    if f.all_alt:  # every image has a text alternative: the text alone is enough
        _meta(book, "schema:accessModeSufficient", "textual")
    if f.images:
        _meta(book, "schema:accessModeSufficient", "textual,visual")
    features = (["structuralNavigation"] if f.headings else []) + ["tableOfContents", "readingOrder"]
    if f.images and f.all_alt:
        features.append("alternativeText")
    if f.pages:
        # printPageNumbers is the EPUB Accessibility 1.0 term; pageBreakMarkers and pageNavigation
        # the current schema.org ones for the same markers and the page list
        features += ["printPageNumbers", "pageBreakMarkers", "pageNavigation"]
    features.append("displayTransformability")  # reflowable, sizes in em, no fixed layout
    for feature in features:
        _meta(book, "schema:accessibilityFeature", feature)
    _meta(book, "schema:accessibilityHazard", "none")  # no sound, motion or flashing content
    _meta(book, "schema:accessibilitySummary", summary(f))


def print_source(book: epub.EpubBook, title: str, pages: int, lang: str) -> None:
    """dc:source naming the print edition the page markers come from, refined as its
    pagination source (epubcheck OPF-066 asks for it when there are page-break markers)."""
    if lang.lower().startswith("zh"):
        text = f"{title}（印刷版 PDF，{pages} 页）"
    else:
        text = f"{title} (print edition, PDF, {pages} pages)"
    book.add_metadata("DC", "source", text, {"id": _SOURCE_ID})
    _meta(book, "source-of", "pagination", refines=f"#{_SOURCE_ID}")


def summary(f: Facts) -> str:
    """One sentence, in the book's language (Chinese or English), built from the facts alone."""
    zh = f.lang.lower().startswith("zh")
    parts = []
    if zh:
        parts.append("可重排的文本" + ("，以标题标示结构" if f.headings else "") + "，附目录，阅读顺序与原文一致")
        if f.pages:
            parts.append(f"页码标记和页码列表对应印刷版（PDF，共 {f.pages} 页）的页码")
        if f.images:
            parts.append(f"全部 {f.images} 幅图片均有替代文本" if f.all_alt
                         else f"{f.images - f.images_with_alt} 幅图片（共 {f.images} 幅）没有替代文本")
        parts.append("读者可调整字号、字体和颜色；不含闪烁、动画或声音")
        return "，".join(parts) + "。"
    parts.append("Reflowable text" + (" structured by headings" if f.headings else "")
                 + ", with a table of contents, in reading order")
    if f.pages:
        parts.append(f"page-break markers and a page list give the page numbers of the {f.pages}-page print edition (PDF)")
    if f.images:
        if f.all_alt:
            parts.append("the image has a text alternative" if f.images == 1
                         else f"all {f.images} images have a text alternative")
        else:
            parts.append(f"{f.images - f.images_with_alt} of {f.images} images have no text alternative")
    parts.append("text size, fonts and colours can be changed; no flashing, motion or sound")
    return "; ".join(parts) + "."


def _meta(book: epub.EpubBook, prop: str, value: str, refines: str | None = None) -> None:
    attrs = {"property": prop} if refines is None else {"refines": refines, "property": prop}
    book.add_metadata(None, "meta", value, attrs)
