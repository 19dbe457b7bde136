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
from .shaping import glyph_chars, is_mark, visual_order
from .pages import Anchor, Bookmark, GlyphRun, Link, Page, PlacedImage, Rule, TextLine, anchor_names

PAGE_DIGITS = "0123456789"
#: how far a link's area reaches below and above its baseline, in ems
LINK_DEPTH, LINK_HEIGHT = 0.2, 0.85
#: an anchor opens the view this many ems above its baseline
ANCHOR_HEADROOM = 1.5
#: a bookmark opens the view this many points above its line's top
BOOKMARK_HEADROOM = 4
#: a mark's origin stands this many ems before the end of the glyph it sits on (see _mark_origin)
MARK_HAIR = 0.01


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
    out.lines = [text_line(placed.x, top - placed.y, placed.line) for placed in fr.lines]
    out.rules += [rule for placed in fr.lines for rule in strike_rules(placed.x, top - placed.y, placed.line)]
    if number_role is not None and (page.number.first_page or fr.number > 1) and not fr.unnumbered:
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
    return TextLine(tuple(runs))


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
        reading = _rtl_cluster("".join(text), g.shaped, gx, ink) if rtl and len(text) > 1 else None
        if reading is not None:
            clusters.append(("".join(text), reading))
            continue
        texts = glyph_texts("".join(text), len(g.shaped), rtl)
        hairs = _hairs(g.shaped)
        # HarfBuzz gives a cluster's glyphs in the order they are seen (the painters draw them so)
        for s, t, hair in zip(g.shaped, texts, hairs):
            placed.append(_mark_origin(s, gx, ink.size, t, hair) if hair else
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


def _rtl_cluster(chars: str, shaped, pen: float, ink: Ink) -> tuple | None:
    """A right-to-left cluster of several characters (a letter and its harakat or niqqud, a
    ligature) placed for reading: a glyph per character, each with its origin where a text
    extractor reads the cluster back in logical order. None when the face does not say which
    glyph stands for which characters, or the cluster is not one advancing glyph (a letter or
    a ligature of letters) with marks.

    poppler (pdftotext) reads a line in the order of the glyphs' origins and then reverses
    right-to-left text character by character — a text of several characters for one glyph
    (a ToUnicode ligature, an ActualText) included: ``رَّ`` given as one string comes back
    ``َّر``. So here the advancing glyph's letters take equal slots of its width (its last
    letter the glyph itself, at its left edge; the others empty glyphs, id -1, to the right),
    and each mark stands a hair or more before the slot of the letter it follows, the later
    ones further left. Every glyph is still drawn where HarfBuzz put it: the offset from its
    reading origin is the glyph font's (as in _mark_origin); a glyph standing for several
    marks is the first of them, the rest empty glyphs."""
    advancing = [k for k, s in enumerate(shaped) if s.units != 0]
    owners = _owners(chars, shaped, glyph_chars(ink.font))
    if len(advancing) != 1 or owners is None:
        return None
    base = shaped[advancing[0]]
    letters = [i for i in owners[advancing[0]] if not is_mark(chars[i])]
    if not letters or any(not is_mark(chars[i]) for k, got in enumerate(owners) if k != advancing[0] for i in got):
        return None
    if any(i < letters[0] and is_mark(chars[i]) for i in range(len(chars))):
        return None  # a mark before the cluster's first letter: nothing to follow
    scale = ink.size / base.upem
    hair = max(1, round(MARK_HAIR * base.upem))
    x, pens = pen, []
    for s in shaped:
        pens.append(x)
        x += s.advance
    left = pens[advancing[0]] + base.dx
    slot = base.advance / len(letters)
    slot_units = round(base.units / len(letters))
    # the letters from the left: the last one first (right to left), each in its slot
    origin = {i: left + n * slot for n, i in enumerate(reversed(letters))}
    # the character each glyph is read as: the advancing glyph its last letter, a mark glyph its
    # first mark (any other character it stands for is an empty glyph)
    carrier = {(max(letters) if k == advancing[0] else min(got)): k for k, got in enumerate(owners)}
    out = []
    for i in sorted(letters, reverse=True):  # leftmost first, as they are drawn
        marks = [j for j in range(len(chars)) if is_mark(chars[j]) and _host(j, letters) == i]
        for n, j in enumerate(sorted(marks, reverse=True)):  # the last mark furthest left
            at = origin[i] - (len(marks) - n) * hair * scale
            k = carrier.get(j)
            if k is None:
                out.append((-1, at, 0.0, 0, chars[j], None))
            else:
                s = shaped[k]
                units = round((pens[k] + s.dx - at) / scale)
                out.append((s.gid, at, 0.0, s.units, chars[j], (units, s.oy)))
        if carrier.get(i) == advancing[0]:
            if len(letters) == 1:
                out.append((base.gid, left, base.dy, base.units, chars[i], None))
            else:  # read as its slot: an advance of its own (a glyph of the glyph font)
                out.append((base.gid, left, 0.0, slot_units, chars[i], (0, round(base.dy / scale))))
        else:
            out.append((-1, origin[i], 0.0, slot_units, chars[i], None))
    return tuple(out)


def _owners(chars: str, shaped, known: dict[int, str]) -> list[list[int]] | None:
    """Per glyph of a cluster, the indices of the characters it stands for (the face's word
    for each glyph: shaping.glyph_chars; one glyph it says nothing of takes what is left);
    None when that does not account for every character exactly once."""
    free = list(range(len(chars)))
    owners: list[list[int]] = []
    for s in shaped:
        got = []
        for ch in known.get(s.gid, ""):
            i = next((i for i in free if chars[i] == ch), None)
            if i is None:
                return None
            free.remove(i)
            got.append(i)
        owners.append(sorted(got))
    unknown = [k for k, got in enumerate(owners) if not got]
    if len(unknown) > 1 or bool(unknown) != bool(free):
        return None
    if unknown:
        owners[unknown[0]] = free
    return owners


def _host(j: int, letters: list[int]) -> int:
    """The letter a mark follows: the nearest before it in logical order."""
    return max(i for i in letters if i < j)


def _hairs(shaped) -> list[int]:
    """Per glyph of a cluster: 0, or for a mark (a glyph that advances nothing) how many hairs
    before the pen its origin stands — marks that share a pen get distinct places, the first
    drawn furthest back, so that their order by place is the order they are drawn in."""
    out = [0] * len(shaped)
    k = 0
    while k < len(shaped):
        if shaped[k].units != 0:
            k += 1
            continue
        end = k
        while end < len(shaped) and shaped[end].units == 0:
            end += 1
        for j in range(k, end):
            out[j] = end - j
        k = end
    return out


def _mark_origin(s, pen: float, size: float, text: str, hairs: int) -> tuple:
    """A mark (a glyph that advances nothing, placed on another) as drawn: its origin ``hairs``
    hairs before the pen, its offset from there carried by the glyph itself (the painters'
    glyph font makes a glyph of the mark so displaced: fonts.glyphfont).

    Where the mark is drawn does not change. Text extractors place a character at its glyph's
    origin and read a line in the order of those places (poppler, which also reverses
    right-to-left text character by character). HarfBuzz's offsets put a mark's origin inside
    its base: poppler read Thai นั้น as นั ้น, and every haraka and niqqud before its letter.
    At the pen — the base's right edge in left-to-right text, its left edge in right-to-left
    text, where HarfBuzz draws the mark before the base — the mark comes after its base when
    the line is read in logical order."""
    hair = max(1, round(MARK_HAIR * s.upem))
    return (s.gid, pen - hairs * hair * size / s.upem, 0.0, s.units, text, (s.ox + hairs * hair, s.oy))


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
    return GlyphRun(ink.font, ink.size, ink.color, "".join(g.ch for _, g in run),
                    tuple(x0 + gx for gx, _ in run), baseline, ink.rise, spacing, link, anchor,
                    embolden=ink.embolden)


#: a strike-through line: this many ems above the baseline (the middle of a lowercase x), this thick
STRIKE_HEIGHT, STRIKE_WIDTH = 0.3, 0.06


def strike_rules(x0: float, baseline: float, line: Line) -> list[Rule]:
    """A line through each stretch of struck-out glyphs of a set line (in page coordinates)."""
    rules: list[Rule] = []
    stretch: list = []  # [(x, glyph)] of one ink

    def flush():
        if stretch:
            (x1, first), (x2, last) = stretch[0], stretch[-1]
            y = baseline + first.style.rise + first.style.size * STRIKE_HEIGHT
            rules.append(Rule(x0 + x1, y, x0 + x2 + last.advance, y, first.style.size * STRIKE_WIDTH,
                              first.style.color))

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
