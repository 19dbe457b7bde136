"""The layout's result: pages as plain data, for any painter (PDF, PNG …).

Coordinates are in points from the page's bottom-left corner, y upwards (as in PDF and
PostScript; a raster painter flips them). Every value a painter needs is computed here, so
two painters place the same thing at the same spot.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..fonts.find import FontFace


@dataclass(frozen=True)
class Link:
    """A clickable area: ``target`` is a URL, or ``#name`` for an anchor of this document."""

    target: str
    rect: tuple[float, float, float, float]  # x1, y1, x2, y2

    @property
    def internal(self) -> bool:
        return self.target.startswith("#")


@dataclass(frozen=True)
class Anchor:
    """A named place a link or a bookmark can go to: ``x`` and the ``top`` of the view."""

    name: str
    x: float
    top: float


@dataclass(frozen=True)
class GlyphRun:
    """Characters of one face, size and colour on one baseline, evenly spaced.

    ``xs`` are the glyph origins; each glyph advances its natural width (the face's advance at
    ``size``) plus ``spacing``.

    A shaped run (complex scripts, right-to-left text: layout.shaping) draws ``glyphs``
    instead of the characters: its clusters in the order they are seen, each its characters
    (logical order) and its glyphs as (glyph id, x, y offset, advance in font units, the text
    the glyph stands for: layout.assemble.glyph_texts, and None or the (x, y) offset in font
    units at which the glyph is drawn from its origin x: a mark, layout.reading.mark_origin);
    ``glyph_key`` names the glyph a painter's glyph font draws. ``text`` stays in logical order
    (what a reader copies) and ``xs`` are its characters' positions; ``rtl``: it reads right to
    left.
    """

    face: FontFace
    size: float
    color: str  # "#rrggbb"
    text: str
    xs: tuple[float, ...]
    baseline: float
    rise: float = 0.0  # a superscript's lift above the baseline
    spacing: float = 0.0
    link: Link | None = None
    anchor: Anchor | None = None  # made at the run's first glyph
    glyphs: tuple[tuple[str, tuple[tuple[int, float, float, int, str, tuple[int, int] | None], ...]], ...] | None = None
    rtl: bool = False
    embolden: bool = False  # painted emboldened: a synthetic bold (fonts.faces.synthetic_bold)

    @property
    def x(self) -> float:
        return self.xs[0] if self.glyphs is None else min(self.xs)


@dataclass(frozen=True)
class TextLine:
    """One set line: its runs, left to right; ``text``: a line with right-to-left text, its
    characters in logical order (what a painter tells text extractors the line says)."""

    runs: tuple[GlyphRun, ...]
    text: str | None = None


@dataclass(frozen=True)
class Rule:
    """A straight line (a horizontal rule, a table's border)."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5
    color: str = "#000000"


@dataclass(frozen=True)
class PlacedImage:
    """A picture drawn in the box (x, y) – (x + width, y + height)."""

    path: Path
    alt: str
    x: float
    y: float
    width: float
    height: float
    #: the picture's pixels for painters of pixels (an SVG's raster; None: ``path`` itself)
    raster: Path | None = None
    vector: bool = False  # ``path`` is a (sanitised) SVG: a vector painter draws it as such


@dataclass(frozen=True)
class Bookmark:
    """An outline entry: ``level`` 0-based, opening the page at ``top``."""

    key: str
    title: str
    level: int
    top: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    images: list[PlacedImage] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)  # the page number (folio) last
    bookmarks: list[Bookmark] = field(default_factory=list)

    def runs(self):
        """Every glyph run of the page, in drawing order."""
        for line in self.lines:
            yield from line.runs

    @property
    def anchors(self) -> list[Anchor]:
        return [r.anchor for r in self.runs() if r.anchor is not None]

    @property
    def links(self) -> list[Link]:
        return [r.link for r in self.runs() if r.link is not None]


@dataclass
class Pagination:
    """A document laid out on pages, and what painters and other writers need of it.

    ``pages`` holds the pages only when the layout was asked to keep them; a build hands each
    page to its painters as it is laid out and keeps only this summary (``count`` …)."""

    pages: list[Page]
    #: the characters each face draws (what a painter embeds or loads)
    faces: dict[FontFace, frozenset[str]]
    #: the face of the body's text (a painter's initial font)
    body_face: FontFace
    #: (page number, position of its first character among the model's non-whitespace
    #: characters, model.text_positions) for every page that starts in the running text
    starts: list[tuple[int, int]]
    #: the glyphs each face draws by id in shaped runs, glyph_key → advance in font units
    #: (what a painter's glyph font holds: fonts.glyphfont)
    glyph_ids: dict[FontFace, dict[tuple, int]] = field(default_factory=dict)
    #: where the 版记 stands (layout.paginate.ColophonPlace), None when there is none
    colophon: object | None = None
    #: how many pages were laid out
    count: int = 0
    #: names the layout expected to place (links to them were kept) and did not: none, always
    #: (tests hold the layout to it)
    unplaced: frozenset[str] = frozenset()

    def anchor_names(self) -> set[str]:
        """Every name an internal link may go to (anchors and bookmark keys) on the kept pages."""
        return anchor_names(self.pages)


def anchor_names(pages: list[Page]) -> set[str]:
    """The names of the places on these pages: anchors and bookmark keys."""
    return {a.name for p in pages for a in p.anchors} | {b.key for p in pages for b in p.bookmarks}


def glyph_ids(pages: list[Page]) -> dict[FontFace, dict[tuple[int, str], int]]:
    """The glyphs each face draws in the shaped runs of these pages, (glyph id, text) → the
    advance (font units) it is first drawn with."""
    found: dict[FontFace, dict[tuple[int, str], int]] = {}
    for p in pages:
        add_glyph_ids(found, p)
    return found


def add_glyph_ids(found: dict[FontFace, dict[tuple, int]], page: Page) -> None:
    """Add the glyphs of a page's shaped runs to ``found`` (see glyph_ids): pages in order,
    the first advance a glyph is drawn with kept."""
    for r in page.runs():
        if r.glyphs:
            ids = found.setdefault(r.face, {})
            for _, cluster in r.glyphs:
                for glyph in cluster:
                    ids.setdefault(glyph_key(glyph), glyph[3])


def glyph_key(glyph: tuple) -> tuple:
    """What a glyph font (fonts.glyphfont) holds a placed glyph of a shaped run as: (glyph id,
    text), or (glyph id, text, x offset, y offset) for a glyph drawn away from its origin."""
    gid, _, _, _, text, offset = glyph
    return (gid, text) if offset is None else (gid, text, *offset)
