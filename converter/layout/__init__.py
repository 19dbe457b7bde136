"""The layout stage: the model and the resolved style → pages (``Pagination``).

Plain data, independent of any output library: painters (writers/pdf, writers/png) draw the
pages, other writers read a summary of them (the EPUB's print page starts, the DOCX the 版记's
place). Blocks come from the model (blocks.py), lines from the line breaker (linebreak.py),
pages from paginate.py, and assemble.py puts them in page coordinates. Nothing here imports an
output library.

Pages stream: each is handed to the painters as soon as it is full and then dropped, so a
build holds one page at a time whatever the document's length. What a painter must know
before the first page is known before layout: the characters each face draws (collected from
the blocks, ``FontBook.collect``), the places internal links may go to (``destinations``:
the anchors and bookmarks of the blocks), and the glyphs of shaped text (a document with
complex scripts or right-to-left text is laid out once more beforehand to find them: a glyph
font's codes depend on its whole set of glyphs).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from lxml import etree

from ..fonts.find import FontFace
from ..model import XML_LANG
from ..style import ResolvedStyle
from .assemble import PAGE_DIGITS, assemble_page, drop_dangling_links, note_start, page_number_role
from .blocks import (Block, BlockTranslator, ColophonBlock, JointMarkBlock, LetterheadBlock, Para, SignatureBlock,
                     SignersBlock, Span, TableBlock)
from .fontbook import FontBook
from .front import addressee_in_colophon
from .pages import Anchor, Bookmark, GlyphRun, Link, Page, Pagination, PlacedImage, Rule, TextLine, add_glyph_ids
from .paginate import Layout
from .shaping import has_rtl, needs_shaping

__all__ = ["lay_out", "Pagination", "Page", "GlyphRun", "TextLine", "Rule", "PlacedImage", "Link", "Anchor", "Painter",
           "Bookmark", "PageFaces", "PageSink"]


@dataclass(frozen=True)
class PageFaces:
    """What a painter loads before the first page: the characters each face draws, the body's
    face (a painter's initial font) and the glyphs each face draws by id in shaped runs
    (glyph_key → advance in font units: what a glyph font holds, fonts.glyphfont)."""

    faces: dict[FontFace, frozenset[str]]
    body_face: FontFace
    glyph_ids: dict[FontFace, dict[tuple, int]]


class PageSink(Protocol):
    """A painter of pages as they are laid out (writers' ``page_sink``)."""

    def page(self, page: Page) -> None:
        """Paint one finished page (it is dropped afterwards)."""

    def close(self, pagination: Pagination) -> None:
        """Every page was painted: finish the output (``pagination``: the summary)."""


#: opens a painter once the faces are known
Painter = Callable[[PageFaces], PageSink]


@dataclass
class Plan:
    """What the layout knows before it places anything."""

    blocks: list[Block]
    fonts: FontBook
    #: the names internal links may go to: every anchor and bookmark the blocks place
    destinations: frozenset[str]
    #: some text needs shaping (complex scripts, right to left): glyph ids are found by laying out
    shapes: bool


def plan(doc: etree._Element, style: ResolvedStyle, base_dir: Path) -> Plan:
    """The blocks of a validated model (images are read from ``base_dir``) and their fonts."""
    lang = doc.get(XML_LANG, "und")
    blocks = BlockTranslator(style, base_dir, lang, addressee_in_colophon(doc, style)).translate(doc)
    fonts = FontBook(style, lang)
    for span in _all_spans(blocks):
        fonts.collect(span.text, span.role)
    number_role = page_number_role(style)
    if number_role is not None:
        fonts.collect(style.page.number.format.replace("{n}", PAGE_DIGITS), number_role)
    chars = set().union(*fonts.used.values()) if fonts.used else set()
    shapes = any(needs_shaping(c) for c in chars) or has_rtl("".join(chars))
    return Plan(blocks, fonts, destinations(blocks), shapes)


def lay_out(doc: etree._Element, style: ResolvedStyle, base_dir: Path,
            painters: list[Painter] | None = None) -> Pagination:
    """Lay a validated model out on the style's pages (images are read from ``base_dir``).

    ``painters``: each is opened with the faces, gets every page as soon as it is full and is
    closed with the summary; the pages are then not kept (``Pagination.pages`` is empty).
    None: the pages are kept in the result (for callers that read them)."""
    p = plan(doc, style, base_dir)
    if painters is None:
        return _place(p, style, keep=True)
    glyph_ids = _place(p, style).glyph_ids if painters and p.shapes else {}
    faces = PageFaces(_faces(p.fonts), p.fonts.body_face(), glyph_ids)
    sinks = [open_painter(faces) for open_painter in painters]

    def paint(page: Page) -> None:
        for sink in sinks:
            sink.page(page)

    pagination = _place(p, style, on_page=paint)
    for sink in sinks:
        sink.close(pagination)
    return pagination


def _faces(fonts: FontBook) -> dict[FontFace, frozenset[str]]:
    return {face: frozenset(chars) for face, chars in fonts.used.items()}


def _place(p: Plan, style: ResolvedStyle, on_page: Callable[[Page], None] | None = None,
           keep: bool = False) -> Pagination:
    """Place the plan's blocks: each page, assembled, goes to ``on_page`` and (``keep``) to
    the result; the summary (page starts, glyph ids, the 版记's place) is gathered on the way."""
    result = Pagination([], _faces(p.fonts), p.fonts.body_face(), [], {}, None)
    seen: set[str] = set()

    def finish(frame) -> None:  # each page as it is full: its glyph objects are not held to the end
        page = assemble_page(frame, layout, style)
        drop_dangling_links([page], p.destinations)
        note_start(result.starts, frame)
        add_glyph_ids(result.glyph_ids, page)
        seen.update(a.name for a in page.anchors)
        seen.update(b.key for b in page.bookmarks)
        result.count += 1
        if keep:
            result.pages.append(page)
        if on_page is not None:
            on_page(page)

    layout = Layout(style, p.fonts, on_page=finish)
    layout.run(p.blocks)
    result.colophon = layout.colophon
    result.unplaced = p.destinations - seen
    return result


def destinations(blocks: list[Block]) -> frozenset[str]:
    """The names of the places the blocks put on the pages — span anchors (at a span's first
    character) and bookmarks — in the blocks whose every line is placed: what an internal link
    may go to, known before any page is laid out (a link to a place on a later page is kept
    while the page it is on is painted)."""
    names: set[str] = set()

    def of(para: Para) -> None:
        names.update(s.anchor for s in para.spans if s.anchor and s.text[:1].strip())

    for b in blocks:
        if isinstance(b, Para):
            of(b)
            if b.bookmark and any(s.text != "\n" and s.text.strip() for s in b.spans):
                names.add(b.bookmark[0])
        elif isinstance(b, SignatureBlock):
            for para in b.issuers + ([b.date] if b.date else []):
                of(para)
        elif isinstance(b, TableBlock):
            for row in b.rows:
                for cell in row:
                    of(cell)
        elif isinstance(b, ColophonBlock):  # (a pair of one-line items is placed in part)
            for group in b.groups:
                for item in group:
                    if isinstance(item, Para):
                        of(item)
    return frozenset(names)


def _all_spans(blocks) -> list[Span]:
    spans: list[Span] = []
    for b in blocks:
        if isinstance(b, Para):
            spans += b.spans
        elif isinstance(b, SignatureBlock):
            for p in b.issuers + ([b.date] if b.date else []):
                spans += p.spans
        elif isinstance(b, TableBlock):
            for row in b.rows:
                for cell in row:
                    spans += cell.spans
        elif isinstance(b, LetterheadBlock):
            spans += [s for p in b.left + ([b.right] if b.right else []) for s in p.spans]
        elif isinstance(b, JointMarkBlock):
            spans += [s for name in b.issuers for s in name] + b.word
        elif isinstance(b, SignersBlock):
            spans += b.number + b.label + [s for name in b.names for s in name] + [Span("\u3000", n[0].role) for n in b.names[:1]]
        elif isinstance(b, ColophonBlock):
            for group in b.groups:
                for item in group:
                    for p in item if isinstance(item, tuple) else (item,):
                        spans += [*p.spans, *p.rest_after]
    return spans
