"""Chinese-aware line breaking and justification (W3C clreq, GB/T 15834 rules).

Hand-written because no Python library breaks CJK text by these rules: reportlab's own CJK
wrapping lets ，：；？！》” start a line, never handles a line ending in （ or “, hangs
punctuation into the margin and does not justify (DESIGN.md §5–§6).

The breaker works on *units*: runs of characters that must stay on one line (a character
with the closing marks after it, an opening mark with what follows, a Latin word, a number
with its unit, —— and ……). Lines break only between units, so kinsoku is kept by
construction; a unit that does not fit may still stay if squeezing punctuation makes room,
else it moves to the next line. Every line but the last is then justified.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from ..text.scripts import is_ideograph, is_wide, is_wordchar
from ..text.segment import is_thai, word_starts
from .shaping import is_mark

# Must not start a line (closing and pausing marks), full- and half-width forms.
NO_START = set("、，。．：；！？’”）］｝〕〗〙》〉」』】…‥—～·・%‰℃°′″,.:;!?)]}>")
# Must not end a line (opening marks).
NO_END = set("‘“（［｛〔〖〘《〈「『【([{<")
# Full-width marks whose glyph fills half the em box: squeezable by half an em.
CLOSING_HALF = set("、，。．：；’”）］｝〕〗〙》〉」』】")
OPENING_HALF = set("‘“（［｛〔〖〘《〈「『【")
# Spaces a line may break at (a no-break space, U+00A0, is not one of them).
BREAKING_SPACES = set(" \t\u2002\u2003\u2009")
# Marks that never split from their twin: —— and …….
TWINS = set("—…")
UNIT_SUFFIX = set("%‰℃°′″")
LATIN_JOIN = set(".,:/-_@#&+=?~'’")


def glued(prev: str, ch: str, next_ch: str = "") -> bool:
    """True when no line break may fall between two adjacent characters."""
    if ch in NO_START or prev in NO_END:
        return True
    # a combining mark or joiner stays with its base, and a conjunct's letters with the virama
    # or joiner between them (क्ष: क ् ष)
    if is_mark(ch) or is_mark(prev) and is_wordchar(ch):
        return True
    if prev in TWINS and ch == prev:
        return True
    if is_wordchar(prev) and is_wordchar(ch):
        return True
    # 6.8%  1,032  -20  3.5  www.example.org/a-b : joiners inside a Latin word or number
    if is_wordchar(prev) and ch in LATIN_JOIN and next_ch and is_wordchar(next_ch):
        return True
    if prev in LATIN_JOIN and is_wordchar(ch):
        return True
    # a number and its unit: 1,032件 2021年 15.2万 (one following character)
    if prev.isdigit() and is_wide(ch) and not unicodedata.category(ch).startswith("P"):
        return True
    if prev.isdigit() and ch in UNIT_SUFFIX:
        return True
    return False


@dataclass(slots=True)  # one per character of a document: no __dict__ each
class Glyph:
    """One character as set: its advance, and how much squeezing may take off it."""

    ch: str
    font: object  # the face that draws it (a fonts.find.FontFace)
    size: float
    advance: float
    squeeze_end: float = 0.0  # removable at a line end (trailing half of a closing mark)
    squeeze_start: float = 0.0  # removable at a line start (leading half of an opening mark)
    stretch: bool = True  # may take justification space after it
    style: object = None  # whatever the caller needs to draw it (role, link …)
    offset: int | None = None  # position among the model's non-whitespace characters; None: generated
    trailing: float = 0.0  # space after the glyph that is dropped at a line end (CJK–Latin spacing)
    level: int = 0  # bidirectional embedding level: odd runs right to left (layout.shaping)
    #: the glyphs HarfBuzz made of the cluster this character starts (an empty tuple: a later
    #: character of a cluster); None: not shaped, drawn as the character's own glyph
    shaped: tuple | None = None
    natural: float | None = None  # the face's own advance at ``size`` (a painter's), when known


@dataclass
class Unit:
    glyphs: list[Glyph]
    space: bool = False  # an inter-word space: breakable, dropped at line edges

    @property
    def width(self) -> float:
        return sum(g.advance for g in self.glyphs)

    @property
    def text(self) -> str:
        return "".join(g.ch for g in self.glyphs)


@dataclass
class Line:
    units: list[Unit]
    last: bool = False  # the paragraph's last line: not justified
    #: per glyph: (x offset from the line start, glyph), filled by set_line
    placed: list[tuple[float, Glyph]] = field(default_factory=list)
    width: float = 0.0  # natural width after squeezing
    end: float = 0.0  # where the last glyph's (squeezed) advance ends, from the line start


def add_cjk_latin_spacing(glyphs: list[Glyph], fraction: float = 0.25) -> None:
    """A quarter em between ideographs and Latin letters or digits (中文 abc 中文, 2021 年),
    as Word's autospace and CSS text-autospace do; dropped again at a line end."""
    for a, b in zip(glyphs, glyphs[1:]):
        if is_ideograph(a.ch) and is_wordchar(b.ch) or is_wordchar(a.ch) and is_ideograph(b.ch):
            extra = fraction * min(a.size, b.size)
            a.advance += extra
            a.trailing += extra




def make_units(glyphs: list[Glyph]) -> list[Unit]:
    """Group glyphs into unbreakable units; spaces become their own breakable units, and each
    word of a Thai run (text.segment) a unit of its own."""
    units: list[Unit] = []
    words = _word_starts(glyphs)
    for i, g in enumerate(glyphs):
        if g.ch in BREAKING_SPACES:
            if units and units[-1].space:
                units[-1].glyphs.append(g)
            else:
                units.append(Unit([g], space=True))
            continue
        next_ch = glyphs[i + 1].ch if i + 1 < len(glyphs) else ""
        if (units and not units[-1].space and i not in words
                and glued(units[-1].glyphs[-1].ch, g.ch, next_ch)):
            units[-1].glyphs.append(g)
        else:
            units.append(Unit([g]))
    return units


def _word_starts(glyphs: list[Glyph]) -> set[int]:
    """Indices of the glyphs that start a word inside a run written without spaces (Thai); never
    inside a shaped cluster. (A zero-width space, U+200B, is a break opportunity already: glued
    never holds it to its neighbours.)"""
    starts = word_starts("".join(g.ch for g in glyphs))
    return {i for i in starts if glyphs[i].shaped != ()}  # (): a later character of a cluster


def _split_long(unit: Unit, measure: float) -> list[Unit]:
    """A unit wider than the measure (a URL, a long number) broken at a sensible point."""
    parts: list[Unit] = []
    current: list[Glyph] = []
    width = 0.0
    for g in unit.glyphs:
        if current and width + g.advance > measure:
            # prefer to break after a joiner such as / - . inside the current piece
            cut = max((k for k, c in enumerate(current) if c.ch in "/-._?&"), default=-1)
            if 0 < cut < len(current) - 1:
                parts.append(Unit(current[: cut + 1]))
                current = current[cut + 1 :]
            else:
                parts.append(Unit(current))
                current = []
            width = sum(c.advance for c in current)
        current.append(g)
        width += g.advance
    if current:
        parts.append(Unit(current))
    return parts


def squeezable(units: list[Unit]) -> float:
    """How much punctuation squeezing can take off a line made of these units."""
    glyphs = [g for u in units for g in u.glyphs]
    total = 0.0
    for a, b in zip(glyphs, glyphs[1:]):
        # two adjacent full-width marks: 1.5 em instead of 2 (the first loses half an em)
        if a.squeeze_end and (b.squeeze_end or b.squeeze_start):
            total += a.squeeze_end
    if glyphs and glyphs[-1].squeeze_end:
        total += glyphs[-1].squeeze_end
    if glyphs and glyphs[0].squeeze_start:
        total += glyphs[0].squeeze_start
    return total


def break_lines(glyphs: list[Glyph], measure: Callable[[int], float], split: float | None = None) -> list[Line]:
    """Break a paragraph into lines; ``measure(i)`` is the width available to line i.

    A unit wider than ``split`` (default ``measure(0)``, the first line's) is cut to fit it:
    a caller breaking a paragraph in parts (layout.paginate) gives the paragraph's own."""
    split = measure(0) if split is None else split
    units: list[Unit] = []
    for u in make_units(glyphs):
        units += _split_long(u, split * 0.98) if u.width > split and not u.space else [u]
    lines: list[Line] = []
    current: list[Unit] = []
    width = 0.0
    for unit in units:
        avail = measure(len(lines))
        if unit.space and not current:
            continue  # no space at a line start
        if width + unit.width <= avail + 0.01 or not current:
            current.append(unit)
            width += unit.width
            continue
        if not unit.space and width + unit.width - squeezable(current + [unit]) <= avail + 0.01:
            current.append(unit)  # squeezing the punctuation keeps the unit on this line
            lines.append(Line(current))
            current, width = [], 0.0
            continue
        lines.append(Line(current))
        current, width = ([], 0.0) if unit.space else ([unit], unit.width)
    if current:
        lines.append(Line(current))
    for line in lines:
        while line.units and line.units[-1].space:
            line.units.pop()
    lines = [ln for ln in lines if ln.units]
    if lines:
        lines[-1].last = True
        _avoid_lone_last(lines, measure)
    return lines


def _avoid_lone_last(lines: list[Line], measure: Callable[[int], float]) -> None:
    """A paragraph's last line of one character takes a unit from the line above."""
    if len(lines) < 2:
        return
    last, prev = lines[-1], lines[-2]
    if len(last.units) != 1 or len(last.units[0].glyphs) - _trailing_marks(last.units[0]) > 1:
        return
    movable = [k for k, u in enumerate(prev.units) if not u.space]
    if len(movable) < 3:
        return
    k = movable[-1]
    room = measure(len(lines) - 1) - sum(u.width for u in last.units) + squeezable(last.units)
    if prev.units[k].width > room + 0.01:
        return  # the last line has no room for another character
    moved = prev.units[k:]
    del prev.units[k:]
    while prev.units and prev.units[-1].space:
        prev.units.pop()
    last.units[:0] = [u for u in moved if not u.space]


def _trailing_marks(unit: Unit) -> int:
    return sum(1 for g in unit.glyphs if g.ch in NO_START)


def set_line(line: Line, avail: float, align: str, rtl: bool = False) -> None:
    """Place the glyphs of a line: squeeze what is needed, then justify or align.

    ``rtl``: a right-to-left paragraph, whose lines start at the right ("left" and the last
    line of a justified paragraph align right)."""
    glyphs = [g for u in line.units for g in u.glyphs]
    spaces = {id(g) for u in line.units if u.space for g in u.glyphs}
    advances = [g.advance for g in glyphs]
    offset = 0.0
    natural = sum(advances)
    overflow = natural - avail
    # squeeze: adjacent marks first, then the line-end mark, then a line-start opening mark
    if overflow > 0.01:
        for i in range(len(glyphs) - 1):
            a, b = glyphs[i], glyphs[i + 1]
            if overflow <= 0.01:
                break
            if a.squeeze_end and (b.squeeze_end or b.squeeze_start):
                take = min(a.squeeze_end, overflow)
                advances[i] -= take
                overflow -= take
    if overflow > 0.01 and glyphs and glyphs[-1].squeeze_end:
        take = min(glyphs[-1].squeeze_end, overflow)
        advances[-1] -= take
        overflow -= take
    if glyphs and glyphs[-1].trailing:
        advances[-1] -= glyphs[-1].trailing
        overflow -= glyphs[-1].trailing
    if overflow > 0.01 and glyphs and glyphs[0].squeeze_start:
        take = min(glyphs[0].squeeze_start, overflow)
        advances[0] -= take
        offset = -take  # the opening mark's glyph sits in its right half: draw it further left
        overflow -= take
    natural = sum(advances)
    line.width = natural
    slack = max(0.0, avail - natural)
    # a line of Thai words without a space between them takes none: pdftotext (and copy-paste)
    # would read the widened gaps as spaces the text does not have; nor a Thai line whose few
    # spaces would gape
    gaps = _stretch_points(glyphs, spaces)
    extra = [0.0] * len(glyphs)
    if align == "justify" and not line.last and gaps and slack > 0 and not _gaping(line, slack / len(gaps)):
        share = slack / len(gaps)
        for i in gaps:
            extra[i] = share
        start = 0.0
    elif align == "right" or rtl and align in ("left", "justify"):
        start = slack
    elif align == "center":
        start = slack / 2
    else:
        start = 0.0
    x = start
    line.placed = []
    for i, g in enumerate(glyphs):
        line.placed.append((x + (offset if i == 0 else 0.0), g))
        x += advances[i] + extra[i]
    line.end = x


#: a line of Thai words is justified only while each space takes at most this many ems more
THAI_MAX_STRETCH = 1.0


def _gaping(line: Line, share: float) -> bool:
    """Whether justifying would open gaps too wide: a line of Thai words (breaks between words,
    text.segment) has few spaces, one a phrase, and a short line's slack would all go there;
    such a line is set ragged instead (its words take no space: that would be read as spaces)."""
    thai = any(not a.space and not b.space and is_thai(a.glyphs[-1].ch) and is_thai(b.glyphs[0].ch)
               for a, b in zip(line.units, line.units[1:]))
    return thai and share > THAI_MAX_STRETCH * line.units[0].glyphs[0].size


def _stretch_points(glyphs: list[Glyph], spaces: set[int]) -> list[int]:
    """Indices of glyphs after which justification space may go.

    Latin text stretches at its spaces; CJK text between every pair of characters, except
    inside a word or number and never after the line's last glyph.
    """
    points = []
    has_spaces = bool(spaces)
    for i, g in enumerate(glyphs[:-1]):
        nxt = glyphs[i + 1]
        if id(g) in spaces:
            points.append(i)
        elif not g.stretch or (is_wordchar(g.ch) and (is_wordchar(nxt.ch) or nxt.ch in LATIN_JOIN)):
            continue
        elif g.ch in LATIN_JOIN and is_wordchar(nxt.ch):
            continue
        elif has_spaces and not (is_wide(g.ch) or is_wide(nxt.ch)):
            continue  # in Latin text only spaces stretch
        else:
            points.append(i)
    return points
