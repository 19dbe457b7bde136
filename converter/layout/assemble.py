"""Frames → pages: set lines become glyph runs in page coordinates, with their links and
anchors; bookmarks, images and rules are placed; the page number (folio) is set."""
from __future__ import annotations

from dataclasses import replace

from ..fonts.metrics import advance
from ..style import ResolvedStyle
from ..style.page_numbers import side
from .blocks import Span
from .linebreak import Line, make_units, set_line
from .paginate import ASCENT, Frame, Ink, Layout
from .pages import Anchor, Bookmark, GlyphRun, Link, Page, PlacedImage, Rule, TextLine, anchor_names

PAGE_DIGITS = "0123456789"
#: how far a link's area reaches below and above its baseline, in ems
LINK_DEPTH, LINK_HEIGHT = 0.2, 0.85
#: an anchor opens the view this many ems above its baseline
ANCHOR_HEADROOM = 1.5
#: a bookmark opens the view this many points above its line's top
BOOKMARK_HEADROOM = 4


def page_number_role(style: ResolvedStyle):
    """The role the page number is set in (None: the style prints none)."""
    pn = style.page.number
    if pn is None:
        return None
    return replace(style.role("body"), fonts=pn.fonts, size=pn.size, bold=False, italic=False)


def assemble(frames: list[Frame], layout: Layout, style: ResolvedStyle) -> list[Page]:
    pages = [assemble_page(fr, layout, style) for fr in frames]
    drop_dangling_links(pages)
    return pages


def assemble_page(fr: Frame, layout: Layout, style: ResolvedStyle) -> Page:
    """One frame as a page in page coordinates, with its page number (links not yet checked:
    drop_dangling_links, once every page is there)."""
    page = style.page
    top = page.height - page.margin_top
    number_role = page_number_role(style)
    out = Page(fr.number, page.width, page.height)
    out.bookmarks = [Bookmark(key, title, level, top - y + BOOKMARK_HEADROOM)
                     for key, title, level, y in fr.bookmarks]
    out.images = [PlacedImage(block.path, block.alt, x, top - y - h, w, h) for block, x, y, w, h in fr.images]
    out.rules = [Rule(x1, top - y1, x2, top - y2) for x1, y1, x2, y2 in fr.rules]
    out.lines = [text_line(placed.x, top - placed.y, placed.line) for placed in fr.lines]
    if number_role is not None and (page.number.first_page or fr.number > 1):
        out.lines.append(folio(fr.number, layout, style, number_role))
    return out


def drop_dangling_links(pages: list[Page]) -> None:
    """An internal link whose target is nowhere on the pages (``#nowhere``) stays text: no
    link area goes to a place that does not exist (the model's checks say where it is)."""
    names = anchor_names(pages)
    for page in pages:
        for k, line in enumerate(page.lines):
            if any(r.link and r.link.internal and r.link.target[1:] not in names for r in line.runs):
                page.lines[k] = TextLine(tuple(
                    replace(r, link=None) if r.link and r.link.internal and r.link.target[1:] not in names else r
                    for r in line.runs))


def text_line(x0: float, baseline: float, line: Line) -> TextLine:
    """A set line as runs of one ink with even spacing (a PDF draws each with one operator)."""
    runs: list[GlyphRun] = []
    run: list = []  # [(x, glyph)]
    spacing = 0.0

    def flush():
        if run:
            runs.append(_glyph_run(x0, baseline, run, spacing))

    for x, g in line.placed:
        if run:
            px, pg = run[-1]
            gap = x - px - _natural(pg)
            first = run[0][1].style
            same = g.style is first or g.style == first  # glyphs of a span share their Ink
            if same and (len(run) == 1 or abs(gap - spacing) < 0.005):
                spacing = gap if len(run) == 1 else spacing
                run.append((x, g))
                continue
            flush()
        run = [(x, g)]
        spacing = 0.0
    flush()
    return TextLine(tuple(runs))


def _glyph_run(x0: float, baseline: float, run: list, spacing: float) -> GlyphRun:
    ink: Ink = run[0][1].style
    x = run[0][0]
    anchor = link = None
    if ink.anchor:
        anchor = Anchor(ink.anchor, x0 + x, baseline + ink.size * ANCHOR_HEADROOM)
    if ink.link:
        last_x, last = run[-1]
        link = Link(ink.link, (x0 + x, baseline - ink.size * LINK_DEPTH, x0 + last_x + last.advance,
                               baseline + ink.size * LINK_HEIGHT))
    return GlyphRun(ink.font, ink.size, ink.color, "".join(g.ch for _, g in run),
                    tuple(x0 + gx for gx, _ in run), baseline, ink.rise, spacing, link, anchor)


def _natural(g) -> float:
    """The advance a glyph has before any added spacing: the face's own at its size."""
    return g.natural if g.natural is not None else advance(g.style.font, g.ch, g.style.size)


def folio(n: int, layout: Layout, style: ResolvedStyle, role) -> TextLine:
    """GB/T 9704 §7.5: 4号 digits between dashes, 7 mm under the type area; odd pages right
    one character in, even pages left one character in (position "outside")."""
    pn = style.page.number
    page = style.page
    glyphs = layout.glyphs([Span(pn.format.replace("{n}", str(n)), role)])
    line = Line(make_units(glyphs), last=True)
    set_line(line, 1e6, "left")
    width = sum(g.advance for g in glyphs)
    odd = n % 2 == 1
    left_margin = page.margin_outside if (page.mirror and not odd) else page.margin_inside
    right_edge = left_margin + page.text_width
    position = side(pn.position, n)
    if position == "right":
        x = right_edge - pn.indent - width
    elif position == "left":
        x = left_margin + pn.indent
    else:
        x = left_margin + (page.text_width - width) / 2
    baseline = page.margin_bottom - pn.distance - ASCENT * pn.size
    return text_line(x, baseline, line)


def page_starts(frames: list[Frame]) -> list[tuple[int, int]]:
    """(page number, position of its first source character) for every page that has one.

    Positions count the model's non-whitespace characters (model.text_positions), so another
    writer can mark where each printed page begins (the EPUB's print page list). The first
    character is the first in reading order; a page that starts with text moved out of order
    (notes gathered at the end) has no place in the running text and is left out.
    """
    starts: list[tuple[int, int]] = []
    for fr in frames:
        note_start(starts, fr)
    return starts


def note_start(starts: list[tuple[int, int]], fr: Frame) -> None:
    """Add a frame's (page number, first source character) to ``starts`` (see page_starts)."""
    first = next((g.offset for placed in fr.lines for _, g in placed.line.placed if g.offset is not None), None)
    if first is not None and (not starts or first > starts[-1][1]):
        starts.append((fr.number, first))
