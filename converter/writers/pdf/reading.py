"""What a line with right-to-left text tells text extractors it says: the ActualText of the line.

poppler (pdftotext, and copy-paste in Evince or Okular) has no bidirectional algorithm. It
reads a line's characters in the order of their places, left to right — an ActualText's
characters included, spread over the span's width in the order given — and then, for a page
whose characters are mostly left to right ("primaryLR"), reverses each stretch that starts
with a right-to-left letter and runs up to the next left-to-right letter or number
(TextOutputDev.cc, reorderText); on a page mostly right to left it reads from the right and
reverses the left-to-right stretches instead. Drawn in the order they are seen, a number in
a right-to-left run (שלום 1,032 in an English sentence) comes back before its words, and the
full stop of an Arabic sentence on an English page before the sentence.

So a line with right-to-left text carries, in a marked-content span, the text that this
reading turns into the line's logical text: each stretch poppler reverses given reversed,
and where needed between a mark of its own direction and one of the other (U+200F RLM,
U+200E LRM), which make poppler's stretch start and end exactly where it does in the logical
text — at its first and last letters or marks, not at the spaces and punctuation after it.
poppler then gives the logical text, with those marks after the stretches that needed them
(invisible; verify.compare_text reads past them).

Characters are classed as poppler classes them (checked against pdftotext 22.12 with probe
PDFs): right to left R and AL; left to right or numeric L, EN, ES, ET, CS and AN (`1,032`,
`15.5%`, `٫`); the rest (spaces, other punctuation, marks) neutral.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

LRM, RLM = "\u200e", "\u200f"
RIGHT, LEFT, NEUTRAL, MARK = 0, 1, 2, 3


@lru_cache(maxsize=4096)
def kind(ch: str) -> int:
    """How poppler's reading classes a character (MARK: a combining mark, neutral to it)."""
    bidi = unicodedata.bidirectional(ch)
    if bidi in ("R", "AL"):
        return RIGHT
    if bidi in ("L", "EN", "ES", "ET", "CS", "AN"):
        return LEFT
    return MARK if bidi == "NSM" else NEUTRAL


def page_reads_left_to_right(texts) -> bool:
    """poppler's primary direction of a page of these texts: at least as many left-to-right
    characters (bidi class L) as right-to-left ones (R, AL)."""
    count = 0
    for text in texts:
        for ch in text:
            bidi = unicodedata.bidirectional(ch)
            if bidi == "L":
                count += 1
            elif bidi in ("R", "AL"):
                count -= 1
    return count >= 0


def span_text(logical: str, left_to_right: bool) -> str:
    """The text to give a line whose characters in logical order are ``logical``, so that
    poppler reads ``logical`` back (with direction marks after the stretches it reverses),
    on a page it reads left to right or right to left."""
    if left_to_right:
        return _reversed_stretches(logical, RIGHT, RLM, LRM)
    # read from the right: the stretches of left-to-right text are the ones poppler reverses
    return _reversed_stretches(logical, LEFT, LRM, RLM)[::-1]


def _reversed_stretches(text: str, start: int, opening: str, closing: str) -> str:
    """``text`` with each stretch poppler reverses — from a character of kind ``start`` up to
    the next character of the other strong kind, trimmed to its last character of kind
    ``start`` or mark — reversed; after an ``opening`` mark of the stretch's kind where it
    ends in a mark (poppler's stretch starts at a strong character), before a ``closing``
    mark of the other kind where spaces or punctuation follow it (which poppler's stretch
    would take in)."""
    other = LEFT if start == RIGHT else RIGHT
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if kind(text[i]) != start:
            out.append(text[i])
            i += 1
            continue
        j = i
        while j < n and kind(text[j]) != other:
            j += 1
        end = j
        while kind(text[end - 1]) not in (start, MARK):
            end -= 1
        out.append((opening if kind(text[end - 1]) == MARK else "") + text[i:end][::-1]
                   + (closing if end < n and kind(text[end]) != other else ""))
        i = end
    return "".join(out)
