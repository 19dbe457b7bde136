"""The layout stage: the model and the resolved style → pages (``Pagination``).

Plain data, independent of any output library: painters (writers/pdf, writers/png) draw the
pages, other writers read a summary of them (the EPUB's print page starts, the DOCX the 版记's
place). Blocks come from the model (blocks.py), lines from the line breaker (linebreak.py),
pages from paginate.py, and assemble.py puts them in page coordinates. Nothing here imports an
output library.

Blocks and pages stream: the blocks are made from the model as the layout reads them (a long
table's rows too) and each page is handed to the painters as soon as it is full and then
dropped, so a build holds the blocks and the page being filled whatever the document's length.
What a painter must know before the first page is known before layout, from a first stream
of the blocks that is read and dropped (``plan``): the characters each face draws
(``FontBook.collect``), the places internal links may go to (the anchors and bookmarks of the
blocks), and the glyphs of shaped text (a document with complex scripts or right-to-left text
is laid out once more beforehand to find them: a glyph font's codes depend on its whole set
of glyphs).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from lxml import etree

from ..fonts.find import FontFace
from ..fonts.metrics import widths
from ..model import XML_LANG
from ..style import ResolvedStyle
from .assemble import PAGE_DIGITS, assemble_page, drop_dangling_links, note_start, page_number_role
from .blocks import (Block, BlockTranslator, ColophonBlock, JointMarkBlock, LetterheadBlock, Para, SignatureBlock,
                     SignersBlock, Span, TableBlock)
from .fontbook import FontBook
from .front import addressee_in_colophon, addressee_may_move
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

    #: a new stream of the document's blocks at each call (made as they are read)
    blocks: Callable[[], Iterator[Block]]
    fonts: FontBook
    #: the names internal links may go to: every anchor and bookmark the blocks place
    destinations: frozenset[str]
    #: some text needs shaping (complex scripts, right to left): glyph ids are found by laying out
    shapes: bool


#: a document of at most this many paragraphs (table cells count) keeps the blocks of the survey
#: for the layout instead of making them again: a bounded few MB, and a usual document's blocks
#: made once
KEEP_PARAS = 20_000


def plan(doc: etree._Element, style: ResolvedStyle, base_dir: Path, survey: bool = False,
         moves: bool | None = None) -> Plan:
    """The blocks of a validated model (images are read from ``base_dir``) and their fonts:
    the blocks are made once to survey them (their characters, their destinations); a long
    document's are dropped then, and made again as the layout places them (KEEP_PARAS).
    ``survey``: only the fonts are wanted (``faces_of``): titles are not broken into lines.
    ``moves``: whether the 主送 moves to the 版记; None: as layout.front decides."""
    lang = doc.get(XML_LANG, "und")
    if moves is None:
        moves = addressee_in_colophon(doc, style)

    def blocks() -> Iterator[Block]:
        return BlockTranslator(style, base_dir, lang, moves, balance_titles=not survey).translate(doc)

    fonts = FontBook(style, lang)
    names: set[str] = set()
    kept: list[Block] | None = None if survey else []  # a survey's blocks are not laid out
    paras = 0
    for block in blocks():
        if kept is not None:
            if isinstance(block, TableBlock):  # (a long table's rows are made as they are read: read them)
                rows = (block.rows if isinstance(block.rows, list)
                        else list(islice(block.rows, (KEEP_PARAS - paras) // max(block.columns, 1) + 1)))
                paras += sum(len(row) for row in rows)
                block.rows = rows if paras <= KEEP_PARAS or rows is block.rows else chain(rows, block.rows)
            else:
                paras += 1
            if paras > KEEP_PARAS:
                kept = None  # a long document: its blocks are made again as they are placed
            else:
                kept.append(block)
        _survey(block, fonts, names)
    number_role = page_number_role(style)
    if number_role is not None:
        fonts.collect(style.page.number.format.replace("{n}", PAGE_DIGITS), number_role)
    chars = set().union(*fonts.used.values()) if fonts.used else set()
    shapes = any(needs_shaping(c) for c in chars) or has_rtl("".join(chars))
    return Plan(blocks if kept is None else kept.__iter__, fonts, frozenset(names), shapes)


def faces_of(doc: etree._Element, style: ResolvedStyle, base_dir: Path) -> dict[FontFace, frozenset[str]]:
    """The faces the layout will draw a validated model with, and the characters of each: what
    painters are opened with (``PageFaces.faces``), found without breaking lines or titles (no
    word segmenter, no font widths; but for a 公文 whose 主送's place changes them), so that a
    second process can make the painters' fonts while this one lays the pages out
    (pipeline.Early)."""
    stays = _faces(plan(doc, style, base_dir, survey=True, moves=False).fonts)
    if not addressee_may_move(doc, style):
        return stays
    # where the 主送 goes is decided by laying page 1 out, titles broken into their lines: only
    # when its place changes the fonts (its label in the 版记, 主送：, has a character the
    # document has nowhere else)
    if _faces(plan(doc, style, base_dir, survey=True, moves=True).fonts) == stays:
        return stays
    return _faces(plan(doc, style, base_dir, survey=True).fonts)


def read_widths(faces: Iterable[FontFace]) -> None:
    """Read the widths the layout measures these faces with (kept on disk), the last first:
    a second process reads them while the build surveys the document, which reads the first
    ones' (its titles' faces) itself (pipeline.Early)."""
    for face in sorted(faces, key=lambda f: (f.path, f.index, f.weight), reverse=True):
        widths(face)


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
    layout.run(p.blocks())
    result.colophon = layout.colophon
    result.unplaced = p.destinations - seen
    return result


def _survey(block: Block, fonts: FontBook, names: set[str]) -> None:
    """Note what a block draws and where links may go, in one reading of it (a long table's
    rows are read once): each span's characters in its role (``fonts.collect``), and in
    ``names`` the places the block puts on the pages — span anchors (at a span's first
    character) and bookmarks — of the paragraphs whose every line is placed (a link to a
    place on a later page is kept while the page it is on is painted)."""

    def spans(para: Para, destination: bool = True, rest_after: bool = False) -> None:
        for s in para.spans:
            fonts.collect(s.text, s.role)
            if destination and s.anchor and s.text[:1].strip():
                names.add(s.anchor)
        for s in para.rest_after if rest_after else ():
            fonts.collect(s.text, s.role)

    def runs(spans_: list[Span]) -> None:
        for s in spans_:
            fonts.collect(s.text, s.role)

    if isinstance(block, Para):
        spans(block)
        if block.bookmark and any(s.text != "\n" and s.text.strip() for s in block.spans):
            names.add(block.bookmark[0])
    elif isinstance(block, SignatureBlock):
        for para in block.issuers + ([block.date] if block.date else []):
            spans(para)
    elif isinstance(block, TableBlock):
        for row in block.rows:
            for cell in row:
                spans(cell)
    elif isinstance(block, LetterheadBlock):
        for para in block.left + ([block.right] if block.right else []):
            spans(para, destination=False)
    elif isinstance(block, JointMarkBlock):
        for name in block.issuers:
            runs(name)
        runs(block.word)
    elif isinstance(block, SignersBlock):
        runs(block.number + block.label + [s for name in block.names for s in name])
        runs([Span("\u3000", n[0].role) for n in block.names[:1]])
    elif isinstance(block, ColophonBlock):
        for group in block.groups:
            for item in group:  # (a pair of one-line items is placed in part: not a destination)
                for para in item if isinstance(item, tuple) else (item,):
                    spans(para, destination=not isinstance(item, tuple), rest_after=True)
