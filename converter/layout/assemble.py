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
from .reading import hairs_of, mark_origin, rtl_cluster
from .shaping import visual_order
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
    out.images = [PlacedImage(block.path, block.alt, x, top - y - h, w, h, block.info.raster,
                              block.info.vector) for block, x, y, w, h in fr.images]
    # a rule is (x1, y1, x2, y2) or (x1, y1, x2, y2, thickness, colour)
    out.rules = [Rule(r[0], top - r[1], r[2], top - r[3], *r[4:]) for r in fr.rules]
    lines, rules = out.lines, out.rules
    for placed in fr.lines:
        line, strikes = line_parts(placed.x, top - placed.y, placed.line)
        lines.append(line)
        rules += strikes
    if number_role is not None and (page.number.first_page or fr.number > 1) and not fr.unnumbered:
        out.lines.append(folio(fr.number, layout, style, number_role))
    return out


def drop_dangling_links(pages: list[Page], names: set[str] | frozenset[str] | None = None) -> None:
    """An internal link whose target is not among ``names`` — the places the layout puts on
    its pages (layout.destinations), by default those on ``pages`` — stays text (``#nowhere``):
    no link area goes to a place that does not exist (the model's checks say where it is)."""
    if names is None:
        names = anchor_names(pages)
    for page in pages:
        for k, line in enumerate(page.lines):
            if any(r.link and r.link.internal and r.link.target[1:] not in names for r in line.runs):
                page.lines[k] = TextLine(tuple(
                    replace(r, link=None) if r.link and r.link.internal and r.link.target[1:] not in names else r
                    for r in line.runs))


def line_parts(x0: float, baseline: float, line: Line) -> tuple[TextLine, list[Rule]]:
    """A set line's runs (text_line) and the lines through its struck-out glyphs (strike_rules).

    Every character of a document passes here: a line of unshaped glyphs, nearly every line,
    is read in one pass that keeps the run's first and last glyph at hand (text_line's general
    loop rebuilds each run glyph by glyph), and its strike-throughs come from its runs, not
    from its glyphs again. The same runs and rules as text_line and strike_rules."""
    placed = line.placed
    runs: list[GlyphRun] = []
    inks = []  # each run's ink, and its first and last glyph as (x, glyph)
    start, spacing, first = 0, 0.0, None
    px = pg = None
    for k, (x, g) in enumerate(placed):
        if g.shaped is not None or g.level:
            return text_line(x0, baseline, line), strike_rules(x0, baseline, line)
        if k:
            natural = pg.natural
            gap = x - px - (natural if natural is not None else _natural(pg))
            style = g.style
            if (style is first or style == first) and (k - start == 1 or abs(gap - spacing) < 0.005):
                if k - start == 1:
                    spacing = gap
                px, pg = x, g
                continue
            runs.append(_glyph_run(x0, baseline, placed[start:k], spacing))
            inks.append((first, placed[start], placed[k - 1]))
        start, spacing, first = k, 0.0, g.style
        px, pg = x, g
    if placed:
        runs.append(_glyph_run(x0, baseline, placed[start:], spacing))
        inks.append((first, placed[start], placed[-1]))
    return TextLine(tuple(runs)), _run_strikes(x0, baseline, inks)


def _run_strikes(x0: float, baseline: float, inks: list) -> list[Rule]:
    """strike_rules from a line's runs: a stretch of struck-out glyphs of one ink spans the
    runs of that ink next to each other (a run ends where its ink or its spacing changes)."""
    rules: list[Rule] = []
    stretch = None  # [ink, (x, first glyph), (x, last glyph)]
    for ink, begin, end in inks:
        if stretch is not None and ink == stretch[0]:
            stretch[2] = end
            continue
        if stretch is not None:
            rules.append(_strike(x0, baseline, stretch[1], stretch[2]))
        stretch = [ink, begin, end] if ink.strike else None
    if stretch is not None:
        rules.append(_strike(x0, baseline, stretch[1], stretch[2]))
    return rules


def text_line(x0: float, baseline: float, line: Line) -> TextLine:
    """A set line as runs of one ink with even spacing (a PDF draws each with one operator);
    shaped glyphs (layout.shaping) as runs of one ink and one direction, in visual order."""
    runs: list[GlyphRun] = []
    run: list = []  # [(x, glyph)]
    spacing = 0.0
    placed = line.placed
    if any(g.shaped is not None or g.level for _, g in placed):
        placed = _visual(line)

    def flush():
        if run:
            runs.append(_glyph_run(x0, baseline, run, spacing))

    for x, g in placed:
        if run and (g.shaped is not None or run[0][1].shaped is not None):
            # a destination at a glyph does not end a shaped run: it may fall inside a cluster
            same = (_unanchored(g.style) == _unanchored(run[0][1].style)
                    and (g.shaped is None) == (run[0][1].shaped is None) and g.level % 2 == run[0][1].level % 2)
            if same:
                run.append((x, g))
                continue
            flush()
            run = [(x, g)]
            continue
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
    rtl = line.placed is not placed and any(g.level % 2 for _, g in line.placed)
    return TextLine(tuple(runs), "".join(g.ch for _, g in line.placed) if rtl else None)


def _unanchored(ink):
    """An ink without the destination its glyph makes (the rest of how it is drawn)."""
    return replace(ink, anchor=None) if getattr(ink, "anchor", None) else ink


def _visual(line: Line) -> list:
    """A line's glyphs in the order they are seen, each at its place from the line's start: the
    widths the line was set with (advance and justification), laid out in visual order."""
    placed = line.placed
    ends = [x for x, _ in placed[1:]] + [line.end]
    widths = [end - x for (x, _), end in zip(placed, ends)]
    x = placed[0][0] if placed else 0.0
    out = []
    for k in visual_order([g.level for _, g in placed]):
        out.append((x, placed[k][1]))
        x += widths[k]
    return out


def glyph_texts(chars: str, glyphs: int, rtl: bool) -> list[str]:
    """The text each glyph of a cluster stands for, in the order the glyphs are seen (what a
    PDF's ToUnicode map says of them): as many glyphs as characters, one each — read in the
    glyphs' order (right to left in a right-to-left run), which is the characters' order; one
    glyph, all of them (a ligature); else none ("": the painter says the cluster's text in
    another way, the PDF's ActualText)."""
    if glyphs == len(chars):
        return list(chars[::-1] if rtl else chars)
    if glyphs == 1:
        return [chars]
    return [""] * glyphs


def _shaped_run(x0: float, baseline: float, run: list) -> GlyphRun:
    """A run of shaped glyphs: its clusters (text and glyph ids at their places) in the order
    they are seen, and its characters in logical order."""
    ink: Ink = run[0][1].style
    rtl = run[0][1].level % 2 == 1
    clusters = []
    for k, (x, g) in enumerate(run):
        if not g.shaped:
            continue  # a later character of a cluster: its text goes with the cluster's first
        # the cluster's characters: this one and the unshaped ones after it in logical order
        # (before it in a right-to-left run, where logical order runs leftwards)
        text, step = [g.ch], (-1 if rtl else 1)
        j = k + step
        while 0 <= j < len(run) and run[j][1].shaped == ():
            text.append(run[j][1].ch)
            j += step
        gx, placed = x0 + x, []
        reading = rtl_cluster("".join(text), g.shaped, gx, ink.font, ink.size) if rtl and len(text) > 1 else None
        if reading is not None:
            clusters.append(("".join(text), reading))
            continue
        texts = glyph_texts("".join(text), len(g.shaped), rtl)
        hairs = hairs_of(g.shaped)
        # HarfBuzz gives a cluster's glyphs in the order they are seen (the painters draw them
        # so); where a text extractor reads each is layout.reading's
        for s, t, hair in zip(g.shaped, texts, hairs):
            placed.append(mark_origin(s, gx, ink.size, t, hair) if hair else
                          (s.gid, gx + s.dx, s.dy, s.units, t, None))
            gx += s.advance
        clusters.append(("".join(text), tuple(placed)))
    logical = list(reversed(run)) if rtl else run
    xs = tuple(x0 + x for x, _ in logical)
    anchor = link = None
    left = min(xs)
    right = max(x0 + x + g.advance for x, g in run)
    name = next((g.style.anchor for _, g in logical if g.style.anchor), None)
    if name:
        anchor = Anchor(name, left, baseline + ink.size * ANCHOR_HEADROOM)
    if ink.link:
        link = Link(ink.link, (left, baseline - ink.size * LINK_DEPTH, right, baseline + ink.size * LINK_HEIGHT))
    return GlyphRun(ink.font, ink.size, ink.color, "".join(g.ch for _, g in logical), xs, baseline, ink.rise,
                    0.0, link, anchor, tuple(clusters), rtl, ink.embolden)


def _glyph_run(x0: float, baseline: float, run: list, spacing: float) -> GlyphRun:
    if run[0][1].shaped is not None:
        return _shaped_run(x0, baseline, run)
    ink: Ink = run[0][1].style
    x = run[0][0]
    anchor = link = None
    if ink.anchor:
        anchor = Anchor(ink.anchor, x0 + x, baseline + ink.size * ANCHOR_HEADROOM)
    if ink.link:
        last_x, last = run[-1]
        link = Link(ink.link, (x0 + x, baseline - ink.size * LINK_DEPTH, x0 + last_x + last.advance,
                               baseline + ink.size * LINK_HEIGHT))
    return GlyphRun(ink.font, ink.size, ink.color, "".join([g.ch for _, g in run]),
                    tuple([x0 + gx for gx, _ in run]), baseline, ink.rise, spacing, link, anchor,
                    embolden=ink.embolden)


#: a strike-through line: this many ems above the baseline (the middle of a lowercase x), this thick
STRIKE_HEIGHT, STRIKE_WIDTH = 0.3, 0.06


def strike_rules(x0: float, baseline: float, line: Line) -> list[Rule]:
    """A line through each stretch of struck-out glyphs of a set line (in page coordinates)."""
    rules: list[Rule] = []
    stretch: list = []  # [(x, glyph)] of one ink

    def flush():
        if stretch:
            rules.append(_strike(x0, baseline, stretch[0], stretch[-1]))

    for x, g in line.placed:
        if not g.style.strike:
            flush()
            stretch = []
        elif stretch and g.style != stretch[-1][1].style:
            flush()
            stretch = [(x, g)]
        else:
            stretch.append((x, g))
    flush()
    return rules


def _strike(x0: float, baseline: float, begin: tuple, end: tuple) -> Rule:
    """The line through struck-out glyphs, from ``begin`` to ``end`` ((x, glyph) each)."""
    (x1, first), (x2, last) = begin, end
    y = baseline + first.style.rise + first.style.size * STRIKE_HEIGHT
    return Rule(x0 + x1, y, x0 + x2 + last.advance, y, first.style.size * STRIKE_WIDTH, first.style.color)


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
