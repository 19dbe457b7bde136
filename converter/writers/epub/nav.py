"""The EPUB's navigation: table of contents (nav and NCX), landmarks and the print page list.

ebooklib writes the NCX from ``book.toc``; the navigation document is ours (``nav_document``):
ebooklib's own would list every element that has an epub:type and an id as a page (our
footnotes), and knows no page list of our making.  ``PackageWriter`` is ebooklib's writer with
these two parts: our navigation document, and the page list added to its NCX.
"""
from __future__ import annotations

import itertools
import posixpath
from collections.abc import Callable

from ebooklib import epub
from lxml import etree

from ...model import child, q, tag_of
from ...model.outline import heading_label, navigation
from .pages import PageTarget
from .xhtml import EPUB_TYPE, document, h

NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"


def table_of_contents(doc: etree._Element, part_of: Callable[[etree._Element], str], title: str) -> list:
    """ebooklib's toc: every section heading at every level, nested; the title when there are none.

    ``part_of(section)`` is the package path of the content document that holds the section.
    """
    counter = itertools.count(1)

    def entries(parent: etree._Element) -> list:
        out = []
        for sec in parent.iterfind(q("section")):
            ident = sec.get("id")
            href = part_of(sec) + ("#" + ident if ident else "")
            label = heading_label(child(sec, "heading")) or ident or title
            subs = entries(sec)
            if subs:
                out.append((epub.Section(label, href), subs))
            else:
                out.append(epub.Link(href, label, f"navpoint-{next(counter)}"))
        return out

    def part(entry) -> object:
        """An attachment body or enclosed document (navigation()), its sections under it."""
        el = entry.element
        href = part_of(el) + ("#" + el.get("id") if el.get("id") else "")
        subs = entries(el if tag_of(el) == "annex" else child(el, "body"))
        if subs:
            return (epub.Section(entry.label or title, href), subs)
        return epub.Link(href, entry.label or title, f"navpoint-{next(counter)}")

    body = child(doc, "body")
    toc = entries(body) if body is not None else []
    toc += [part(e) for e in navigation(doc) if tag_of(e.element) in ("annex", "enclosure")]
    # an empty table of contents makes ebooklib write an invalid nav and NCX
    return toc or [epub.Link(part_of(doc), title, "navpoint-title")]


def nav_document(path: str, css: str, lang: str, words: dict[str, str], toc: list,
                 landmarks: list[tuple[str, str, str]], pages: list[PageTarget]) -> etree._Element:
    """The navigation document (at package path ``path``) as an XHTML tree.

    ``landmarks``: (epub:type, package path, label); ``pages``: the print page list, if any.
    """
    def href(target: str) -> str:
        return posixpath.relpath(target, posixpath.dirname(path) or ".")

    root, body = document(words["toc"], lang, href(css))
    nav = _nav(body, "toc", words["toc"], role="doc-toc")
    _entries(h(nav, "ol"), toc, href)

    nav = _nav(body, "landmarks", words["landmarks"], hidden="hidden")
    ol = h(nav, "ol")
    for kind, target, label in landmarks:
        h(h(ol, "li"), "a", label, href=href(target)).set(EPUB_TYPE, kind)

    if pages:  # only with a print edition built in the same run
        nav = _nav(body, "page-list", words["pages"], role="doc-pagelist", hidden="hidden")
        ol = h(nav, "ol")
        for page in pages:
            h(h(ol, "li"), "a", page.label, href=href(f"{page.path}#{page.id}"))
    return root


def _nav(body: etree._Element, kind: str, heading: str, **attrs: str) -> etree._Element:
    nav = h(body, "nav", id=kind, **attrs)
    nav.set(EPUB_TYPE, kind)
    h(nav, "h2", heading)
    return nav


def _entries(ol: etree._Element, toc: list, href: Callable[[str], str]) -> None:
    for entry in toc:
        head, subs = entry if isinstance(entry, tuple) else (entry, [])
        li = h(ol, "li")
        h(li, "a", head.title, href=href(head.href))
        if subs:
            _entries(h(li, "ol"), subs, href)


class PackageWriter(epub.EpubWriter):
    """ebooklib's writer with our navigation document and a page list in the NCX."""

    def __init__(self, name: str, book: epub.EpubBook, options: dict, nav: bytes, pages: list[PageTarget],
                 printed: int = 0):
        super().__init__(name, book, options)
        self.nav_bytes = nav
        self.pages = pages
        self.printed = printed  # pages of the print edition

    def members(self) -> list[tuple[str, bytes | str]]:
        """The package's members (name, data) in the order ebooklib writes them: what
        ebooklib.epub.write_epub does (``process`` and ``write``) with a list in place of the zip, which the
        writer writes once itself (packaging.write_zip) instead of reading ebooklib's back."""
        self.process()
        self.out = _Members()
        self.out.writestr("mimetype", "application/epub+zip")
        self._write_container()
        self._write_opf()
        self._write_items()
        return self.out.entries

    def _get_nav(self, item):
        return self.nav_bytes

    def _get_ncx(self):
        root = etree.fromstring(super()._get_ncx())
        heads = {m.get("name"): m for m in root.iterfind(f"{{{NCX_NS}}}head/{{{NCX_NS}}}meta")}
        # ebooklib writes 0: the depth of the navMap's nesting
        depth = max((len(list(p.iterancestors(f"{{{NCX_NS}}}navPoint"))) + 1
                     for p in root.iter(f"{{{NCX_NS}}}navPoint")), default=1)
        heads["dtb:depth"].set("content", str(depth))
        if self.pages:
            heads["dtb:totalPageCount"].set("content", str(self.printed))
            heads["dtb:maxPageNumber"].set("content", str(max(int(p.label) for p in self.pages)))
            self._page_list(root)
        return etree.tostring(root, pretty_print=True, encoding="utf-8", xml_declaration=True)

    def _page_list(self, root: etree._Element) -> None:
        page_list = etree.SubElement(root, f"{{{NCX_NS}}}pageList")
        _ncx_label(page_list, self.options.get("pages_title", "Pages"))
        for page in self.pages:
            target = etree.SubElement(page_list, f"{{{NCX_NS}}}pageTarget",
                                      {"id": f"pagetarget-{page.label}", "type": "normal", "value": page.label})
            _ncx_label(target, page.label)
            etree.SubElement(target, f"{{{NCX_NS}}}content", src=f"{page.path}#{page.id}")


class _Members:
    """Where ebooklib's writer puts the package's members (its ``self.out``): a list, not a zip."""

    def __init__(self):
        self.entries: list[tuple[str, bytes | str]] = []

    def writestr(self, name: str, data: bytes | str, compress_type: int | None = None) -> None:
        self.entries.append((name, data))


def _ncx_label(parent: etree._Element, text: str) -> None:
    label = etree.SubElement(parent, f"{{{NCX_NS}}}navLabel")
    etree.SubElement(label, f"{{{NCX_NS}}}text").text = text

