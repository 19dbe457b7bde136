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
from functools import reduce
from itertools import compress
from operator import attrgetter, or_
from typing import Callable

from ..text.scripts import is_ideograph, is_wide, is_wordchar
from ..text.segment import in_one_run, word_starts, written_without_spaces
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
    kind = _pair_kind(prev, ch)
    return kind == GLUED or kind == GLUED_BEFORE_WORD and bool(next_ch) and is_wordchar(next_ch)


#: what _pair_kind says of two adjacent characters: a break may fall between them; none may;
#: none may when a letter or digit follows (a joiner inside a word: 1,032  a-b)
FREE, GLUED, GLUED_BEFORE_WORD = 0, 1, 2
#: _pair_kind's answers, by pair: a document has a few thousand distinct pairs, and the breaker
#: asks of every character
_PAIRS: dict[tuple[str, str], int] = {}


#: _PAIRS is emptied when it holds this many (a long-running server sees many documents)
MAX_PAIRS = 200_000


def _pair_kind(prev: str, ch: str) -> int:
    kind = _PAIRS.get((prev, ch))
    if kind is None:
        if len(_PAIRS) >= MAX_PAIRS:
            _PAIRS.clear()
        kind = _PAIRS[(prev, ch)] = _classify_pair(prev, ch)
    return kind


def _classify_pair(prev: str, ch: str) -> int:
    """The rules of ``glued`` for one pair; GLUED_BEFORE_WORD where the answer depends on the
    character after the pair."""
    if ch in NO_START or prev in NO_END:
        return GLUED
    # a combining mark or joiner stays with its base, and a conjunct's letters with the virama
    # or joiner between them (क्ष: क ् ष)
    if is_mark(ch) or is_mark(prev) and is_wordchar(ch):
        return GLUED
    if prev in TWINS and ch == prev:
        return GLUED
    if is_wordchar(prev) and is_wordchar(ch):
        return GLUED
    if prev in LATIN_JOIN and is_wordchar(ch):
        return GLUED
    # a number and its unit: 1,032件 2021年 15.2万 (one following character)
    if prev.isdigit() and is_wide(ch) and not unicodedata.category(ch).startswith("P"):
        return GLUED
    if prev.isdigit() and ch in UNIT_SUFFIX:
        return GLUED
    # 6.8%  1,032  -20  3.5  www.example.org/a-b : joiners inside a Latin word or number
    if is_wordchar(prev) and ch in LATIN_JOIN:
        return GLUED_BEFORE_WORD
    return FREE


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


@dataclass(slots=True)  # about one per character of CJK text
class Unit:
    glyphs: list[Glyph]
    space: bool = False  # an inter-word space: breakable, dropped at line edges

    @property
    def width(self) -> float:
        return sum([g.advance for g in self.glyphs])

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
    kinds = _SPACING_KINDS
    sides = [kinds.get(g.ch) or _spacing_kind(g.ch) for g in glyphs]
    if IDEOGRAPH not in sides or LETTER not in sides:
        return  # nothing to space (a paragraph of one script)
    for k in range(len(glyphs) - 1):
        if sides[k] | sides[k + 1] == IDEOGRAPH | LETTER:
            a, b = glyphs[k], glyphs[k + 1]
            extra = fraction * min(a.size, b.size)
            a.advance += extra
            a.trailing += extra


#: which side of CJK–Latin spacing a character is on (never 0: see _CLASSES)
IDEOGRAPH, LETTER, NEITHER = 1, 2, 4
_SPACING_KINDS: dict[str, int] = {}


def _spacing_kind(ch: str) -> int:
    kind = _SPACING_KINDS[ch] = IDEOGRAPH if is_ideograph(ch) else LETTER if is_wordchar(ch) else NEITHER
    return kind


def make_units(glyphs: list[Glyph]) -> list[Unit]:
    """Group glyphs into unbreakable units; spaces become their own breakable units, and each
    word of a Thai, Lao, Khmer or Myanmar run (text.segment) a unit of its own."""
    units: list[Unit] = []
    words = _word_starts(glyphs)
    joins = _JOINS
    last = len(glyphs) - 1
    current: list[Glyph] | None = None  # the glyphs of the last unit when it is not a space
    prev = ""
    for i, g in enumerate(glyphs):
        ch = g.ch
        if ch in BREAKING_SPACES:
            if current is None and units:
                units[-1].glyphs.append(g)
            else:
                units.append(Unit([g], space=True))
                current = None
            prev = ch
            continue
        if current is not None and not (words and i in words):
            kind = joins.get((prev, ch))
            if kind is None:
                kind = _join_kind(prev, ch)
            if kind == GLUED or kind == GLUED_BEFORE_WORD and i < last and is_wordchar(glyphs[i + 1].ch):
                current.append(g)
                prev = ch
                continue
        current = [g]
        units.append(Unit(current))
        prev = ch
    return units


#: make_units' answers, by pair: _pair_kind's, and GLUED inside a run of Thai, Lao, Khmer or
#: Myanmar (where only word_starts breaks a unit)
_JOINS: dict[tuple[str, str], int] = {}


def _join_kind(prev: str, ch: str) -> int:
    if len(_JOINS) >= MAX_PAIRS:
        _JOINS.clear()
    kind = _JOINS[(prev, ch)] = GLUED if in_one_run(prev, ch) else _classify_pair(prev, ch)
    return kind


def _word_starts(glyphs: list[Glyph]) -> set[int]:
    """Indices of the glyphs that start a word inside a run written without spaces (Thai); never
    inside a shaped cluster. (A zero-width space, U+200B, is a break opportunity already: glued
    never holds it to its neighbours.)"""
    starts = word_starts("".join(map(_CH, glyphs)))
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
    ends = list(map(_SQUEEZE_END, glyphs))
    # two adjacent full-width marks: 1.5 em instead of 2 (the first loses half an em); only the
    # few glyphs that can lose anything are looked at
    for i in compress(range(len(glyphs) - 1), ends):
        b = glyphs[i + 1]
        if b.squeeze_end or b.squeeze_start:
            total += ends[i]
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
    widths: list[float] = []
    first = measure(0)
    for u in make_units(glyphs):
        w = u.glyphs[0].advance if len(u.glyphs) == 1 else u.width  # most CJK units: one glyph
        if w > split and not u.space:
            for part in _split_long(u, split * 0.98):
                units.append(part)
                widths.append(part.width)
        else:
            units.append(u)
            widths.append(w)
    lines: list[Line] = []
    current: list[Unit] = []
    width = 0.0
    avail = first  # measure(len(lines)), asked again when a line is added
    for unit, uw in zip(units, widths):
        if unit.space and not current:
            continue  # no space at a line start
        if width + uw <= avail + 0.01 or not current:
            current.append(unit)
            width += uw
            continue
        if not unit.space and width + uw - squeezable(current + [unit]) <= avail + 0.01:
            current.append(unit)  # squeezing the punctuation keeps the unit on this line
            lines.append(Line(current))
            avail = measure(len(lines))
            current, width = [], 0.0
            continue
        lines.append(Line(current))
        avail = measure(len(lines))
        current, width = ([], 0.0) if unit.space else ([unit], uw)
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
    justified = False
    if align == "justify" and not line.last and slack > 0:
        gaps = _stretch_points(glyphs, spaces)
        if gaps and not _gaping(line, slack / len(gaps)):
            share = slack / len(gaps)
            for i in gaps:
                advances[i] += share
            justified = True
    if justified:
        start = 0.0
    elif align == "right" or rtl and align in ("left", "justify"):
        start = slack
    elif align == "center":
        start = slack / 2
    else:
        start = 0.0
    x = start
    placed = line.placed = []
    append = placed.append
    for g, a in zip(glyphs, advances):
        append((x, g))
        x += a
    if offset and placed:
        placed[0] = (start + offset, placed[0][1])
    line.end = x


#: a line of Thai words is justified only while each space takes at most this many ems more
THAI_MAX_STRETCH = 1.0


def _gaping(line: Line, share: float) -> bool:
    """Whether justifying would open gaps too wide: a line of Thai, Lao, Khmer or Myanmar words
    (breaks between words, text.segment) has few spaces, one a phrase, and a short line's slack
    would all go there; such a line is set ragged instead (its words take no space: that would
    be read as spaces)."""
    if share <= THAI_MAX_STRETCH * line.units[0].glyphs[0].size:
        return False
    return any(not a.space and not b.space and written_without_spaces(a.glyphs[-1].ch)
               and written_without_spaces(b.glyphs[0].ch) for a, b in zip(line.units, line.units[1:]))


def _stretch_points(glyphs: list[Glyph], spaces: set[int]) -> list[int]:
    """Indices of glyphs after which justification space may go.

    Latin text stretches at its spaces; CJK text between every pair of characters, except
    inside a word or number and never after the line's last glyph.
    """
    has_spaces = bool(spaces)
    classes = _CLASSES
    kinds = [classes.get(g.ch) or _char_class(g.ch) for g in glyphs]
    if not has_spaces and not reduce(or_, set(kinds), 0) & (WORD | JOIN) and all(map(_STRETCH, glyphs)):
        return list(range(len(glyphs) - 1))  # CJK text without words or numbers: every gap
    points = []
    for i in range(len(glyphs) - 1):
        g = glyphs[i]
        if has_spaces and id(g) in spaces:
            points.append(i)
            continue
        kind, nxt = kinds[i], kinds[i + 1]
        if not g.stretch or kind & WORD and nxt & (WORD | JOIN):
            continue
        elif kind & JOIN and nxt & WORD:
            continue
        elif has_spaces and not (kind | nxt) & WIDE:
            continue  # in Latin text only spaces stretch
        else:
            points.append(i)
    return points


_STRETCH, _SQUEEZE_END, _CH = attrgetter("stretch"), attrgetter("squeeze_end"), attrgetter("ch")
#: a character's class for justification (_char_class): a letter or digit of a Latin-like
#: script, a joiner inside a Latin word, a wide character; OTHER: none of them (never 0, so
#: that ``_CLASSES.get(ch) or …`` only computes what is not known)
WORD, JOIN, WIDE, OTHER = 1, 2, 4, 8
_CLASSES: dict[str, int] = {}


def _char_class(ch: str) -> int:
    kind = (WORD if is_wordchar(ch) else 0) | (JOIN if ch in LATIN_JOIN else 0) | (WIDE if is_wide(ch) else 0)
    kind = _CLASSES[ch] = kind or OTHER
    return kind
