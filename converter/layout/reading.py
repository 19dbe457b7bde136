"""Where a text extractor reads each glyph of a shaped cluster (layout.shaping): the origins
and texts the painters give the glyphs, so that pdftotext and copy-paste give the words back
in logical order, marks after their letters.

poppler reads a line in the order of its glyphs' origins and reverses right-to-left text
character by character. HarfBuzz's offsets put a mark's origin inside its base, so marks came
back before (or apart from) their letters. Here a mark's origin stands at the pen (its base's
logical end) and its drawing is displaced back by the glyph font (fonts.glyphfont: a glyph
key with an offset); in right-to-left text every character of a cluster gets a glyph of its
own (rtl_cluster), since poppler reverses a text of several characters for one glyph too.
Nothing moves on the page: only where each glyph is read.
"""
from __future__ import annotations

from ..fonts.find import FontFace
from .shaping import glyph_chars, is_mark

#: a mark's origin stands this many ems before the pen (a hair: the order, not the place)
MARK_HAIR = 0.01


def rtl_cluster(chars: str, shaped, pen: float, face: FontFace, size: float) -> tuple | None:
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
    reading origin is the glyph font's (as in mark_origin); a glyph standing for several
    marks is the first of them, the rest empty glyphs."""
    advancing = [k for k, s in enumerate(shaped) if s.units != 0]
    owners = _owners(chars, shaped, glyph_chars(face))
    if len(advancing) != 1 or owners is None:
        return None
    base = shaped[advancing[0]]
    letters = [i for i in owners[advancing[0]] if not is_mark(chars[i])]
    if not letters or any(not is_mark(chars[i]) for k, got in enumerate(owners) if k != advancing[0] for i in got):
        return None
    if any(i < letters[0] and is_mark(chars[i]) for i in range(len(chars))):
        return None  # a mark before the cluster's first letter: nothing to follow
    scale = size / base.upem
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


def hairs_of(shaped) -> list[int]:
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


def mark_origin(s, pen: float, size: float, text: str, hairs: int) -> tuple:
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
