"""The layout stage: the model and the resolved style → pages (``Pagination``).

Plain data, independent of any output library: painters (writers/pdf, writers/png) draw the
pages, other writers read them (the EPUB's print page list). Blocks come from the model
(blocks.py), lines from the line breaker (linebreak.py), pages from paginate.py, and
assemble.py puts them in page coordinates. Nothing here imports an output library.
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..model import XML_LANG
from ..style import ResolvedStyle
from .assemble import PAGE_DIGITS, assemble_page, drop_dangling_links, note_start, page_number_role
from .blocks import BlockTranslator, ColophonBlock, JointMarkBlock, LetterheadBlock, Para, SignatureBlock, SignersBlock, Span, TableBlock
from .fontbook import FontBook
from .front import addressee_in_colophon
from .pages import Anchor, Bookmark, GlyphRun, Link, Page, Pagination, PlacedImage, Rule, TextLine, glyph_ids
from .paginate import Layout

__all__ = ["lay_out", "Pagination", "Page", "GlyphRun", "TextLine", "Rule", "PlacedImage", "Link", "Anchor",
           "Bookmark"]


def lay_out(doc: etree._Element, style: ResolvedStyle, base_dir: Path) -> Pagination:
    """Lay a validated model out on the style's pages (images are read from ``base_dir``)."""
    lang = doc.get(XML_LANG, "und")
    blocks = BlockTranslator(style, base_dir, lang, addressee_in_colophon(doc, style)).translate(doc)
    fonts = FontBook(style, lang)
    for span in _all_spans(blocks):
        fonts.collect(span.text, span.role)
    number_role = page_number_role(style)
    if number_role is not None:
        fonts.collect(style.page.number.format.replace("{n}", PAGE_DIGITS), number_role)
    pages: list[Page] = []
    starts: list[tuple[int, int]] = []

    def finish(frame) -> None:  # each page as it is full: its glyph objects are not held to the end
        pages.append(assemble_page(frame, layout, style))
        note_start(starts, frame)

    layout = Layout(style, fonts, on_page=finish)
    layout.run(blocks)
    drop_dangling_links(pages)  # a link may go to a place on a later page: checked once all are there
    return Pagination(pages, {face: frozenset(chars) for face, chars in fonts.used.items()},
                      fonts.body_face(), starts, glyph_ids(pages), layout.colophon)


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
                        spans += p.spans + p.rest_after
    return spans
