"""Does an output's extracted text say exactly what the source says? The test ``check`` applies.

The comparison is exact, character by character, after the normalisation the README documents:
whitespace is ignored (line breaks and justification are layout), and what writers add by design
is allowed only where they add it —

- a list item may start with a generated number, bullet or task box (``3.``, ``•``, ``☒``);
- a footnote reference may carry a note mark (``1``, ``a``), and a note's text may start with one;
- a note's text may sit anywhere after its reference (at the foot of a page, at the end), once,
  and the notes gathered at the end may be headed by a notes label (``Notes``, ``注释``) directly
  above the first of them — a ``Release Notes`` heading elsewhere is text like any other;
- a table's header row may be repeated (on the pages a table continues onto);
- the document's 主送 may stand in the 版记 instead of under the title (GB/T 9704 7.3.1: a 主送
  that leaves page 1 no body text moves there; layout.front), printed as ``主送：names。``.

Everything else must be there, in order: a changed digit, a deleted sentence or an added word
fails. Written by hand: the allowances are ours, no diff library knows them. The matcher reads
ahead a few characters at each allowed place, so it is linear in the text's length.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from . import model
from .layout.front import MOVED_END, MOVED_LABEL, without_final_colon
from .model.outline import title_block

#: headings the writers give the notes they gather at the end of a document
NOTES_LABELS = ("Notes", "注释", "注")
#: characters a generated mark is made of: list numbers and bullets, a task's box, note marks
_MARK = re.compile(r"[0-9A-Za-z.)(\]\[）（、．•◦▪‣·*–—\-†‡§⁰¹²³⁴⁵⁶⁷⁸⁹☐☒]")
#: the longest generated mark (a list start of 10²³ is 24 characters)
MAX_MARK = 40
#: how far the matcher looks ahead to decide where a generated mark ends
LOOKAHEAD = 12


class _Slot:
    """A place where a writer may print a generated mark."""

    def __repr__(self) -> str:
        return "SLOT"


SLOT = _Slot()


@dataclass(frozen=True)
class _Movable:
    """The document's 主送 (its characters): here, or at the 版记 (``LANDING``)."""

    text: str


class _Landing:
    """Where a moved 主送 is printed: the start of the 版记 (or the text's end when it has none)."""

    def __repr__(self) -> str:
        return "LANDING"


LANDING = _Landing()
Token = "str | _Slot | int"  # a character, a slot, or a footnote reference (the note's index)


def nonspace(text: str) -> str:
    return re.sub(r"\s+", "", text)


class Reference:
    """The text an output must carry, as tokens: the main text with its slots and note
    references, and each footnote's own tokens."""

    def __init__(self, doc: etree._Element, origin: str):
        self.origin = origin  # where the text came from, for messages
        self.text = model.plain_text(doc)
        self.notes: list[list] = []
        self.main: list = []
        _walk(doc, self.notes, self.main)
        if _Movable in map(type, self.main) and LANDING not in self.main:
            self.main.append(LANDING)  # a 版记 of its own
        #: table header rows, which a paginated output repeats on every page a table spans
        self.headers = [h for h in (nonspace(model.plain_text(t)) for t in doc.iter(model.q("thead"))) if h]
        #: what outputs print besides the text: pictures' alt texts, in a frame where a picture
        #: cannot be shown, and the title block's lines (front matter's authors and date)
        self.printed = [nonspace(img.get("alt") or img.get("src") or "") for img in doc.iter(model.q("image"))]
        self.printed += [nonspace(line) for line in title_block(doc).lines]


def _walk(el: etree._Element, notes: list[list], out: list) -> None:
    tag = model.tag_of(el)
    if tag == "meta":
        return
    if tag == "footnote":
        index = len(notes)
        notes.append([])
        out.append(index)  # the reference: a mark may be printed here
        body: list = [SLOT]  # a note may start with its number
        _children(el, notes, body)
        notes[index] = body
        return
    if tag == "item":
        out.append(SLOT)
    _children(el, notes, out)


def _children(el: etree._Element, notes: list[list], out: list) -> None:
    out.extend(nonspace(el.text or ""))
    top = el.getparent() is None
    for child in el:
        if top and model.tag_of(child) == "addressee" and child.find(f".//{model.q('footnote')}") is None:
            out.append(_Movable(nonspace(model.plain_text(child))))
        elif isinstance(child.tag, str):
            if top and model.tag_of(child) == "colophon":
                out.append(LANDING)
            _walk(child, notes, out)
        out.extend(nonspace(child.tail or ""))


@dataclass
class Verdict:
    ok: bool
    detail: str


class _Mismatch(Exception):
    def __init__(self, pos: int, tokens: list, index: int):
        self.pos, self.tokens, self.index = pos, tokens, index


def compare(ref: Reference, extracted: str) -> Verdict:
    """Whether ``extracted`` says exactly what ``ref`` says, with the allowances above."""
    out = nonspace(extracted)
    if out == nonspace(ref.text):
        return Verdict(True, f"equal to {ref.origin}")
    matcher = _Matcher(out, ref)
    try:
        pos = matcher.match(ref.main, 0)
        while pos < len(out):  # after the main text: the notes gathered at the end, nothing else
            after = matcher.interlude(pos)
            if after is None:
                return Verdict(False, f"text that is not in {ref.origin}: {out[pos:pos + 30]!r}")
            pos = after
    except _Mismatch as m:
        done = sum(1 for t in m.tokens[:m.index] if isinstance(t, str))
        total = sum(1 for t in m.tokens if isinstance(t, str))
        where = "" if m.tokens is ref.main else " (in a footnote)"
        expected = "".join(t for t in m.tokens[m.index:m.index + 40] if isinstance(t, str))[:20]
        return Verdict(False, f"differs from {ref.origin} at character {done} of {total}{where}: expected "
                              f"{expected!r}, found {out[m.pos:m.pos + 20]!r}")
    if matcher.pending:
        missing = "".join(t for t in ref.notes[matcher.pending[0]] if isinstance(t, str))
        return Verdict(False, f"footnote text not found: {missing[:30]!r}")
    return Verdict(True, f"equal to {ref.origin} apart from {matcher.marks} generated mark(s) "
                         f"(numbers, bullets, note marks)")


class _Matcher:
    def __init__(self, out: str, ref: Reference):
        self.out, self.ref = out, ref
        self.pending: list[int] = []  # notes referred to whose text has not been met yet
        self.moved: str | None = None  # a 主送 not found under the title: due in the 版记
        self.marks = 0
        #: what outputs may print that is not the text (framed alt texts, the title block), each
        #: once, where the text does not go on: a picture's frame stands after its paragraph, so
        #: its alt text is met there, not at the first place the same words occur
        self.extras = [p for p in ref.printed if p]

    def match(self, tokens: list, pos: int) -> int:
        """Match ``tokens`` at ``pos``; the position after them, or _Mismatch."""
        out, i = self.out, 0
        while i < len(tokens):
            token = tokens[i]
            if isinstance(token, _Movable):  # the 主送 here, or else in the 版记
                if out.startswith(token.text, pos):
                    pos += len(token.text)
                else:
                    self.moved = token.text
                i += 1
            elif token is LANDING:
                if self.moved is not None:
                    printed = MOVED_LABEL + without_final_colon(self.moved) + MOVED_END
                    if not out.startswith(printed, pos):
                        raise _Mismatch(pos, [*printed], 0)
                    pos, self.moved = pos + len(printed), None
                i += 1
            elif not isinstance(token, str):
                if isinstance(token, int):
                    self.pending.append(token)
                pos = self._skip_mark(pos, tokens, i + 1)
                i += 1
            elif pos < len(out) and out[pos] == token:
                pos += 1
                i += 1
            else:
                after = self.interlude(pos)
                if after is None:
                    raise _Mismatch(pos, tokens, i)
                pos = after
        return pos

    def _skip_mark(self, pos: int, tokens: list, j: int) -> int:
        """Past the generated mark at ``pos``: the shortest run of mark characters after which
        the text goes on as ``tokens[j:]`` does (none when nothing fits)."""
        ahead = _literal_run(tokens, j)
        out = self.out
        for k in range(MAX_MARK + 1):
            if out.startswith(ahead, pos + k):
                if k:
                    self.marks += 1
                return pos + k
            if pos + k >= len(out) or not _MARK.match(out, pos + k):
                break
        return pos

    def interlude(self, pos: int) -> int | None:
        """What a writer may put between two characters of the text: a note referred to
        earlier (with the notes label above it), a repeated table header, or a framed alt
        text or title block line."""
        for n, note in enumerate(list(self.pending)):
            saved, extras = list(self.pending), list(self.extras)
            # the note after a notes label (maybe after the last reference's own mark, which the
            # end of the text left unskipped), else right here: each is tried, since a note may
            # start with a label's characters (1 注释 1. 注……; found by fuzzing)
            starts = self._after_label(pos) + [pos]
            for start in starts:
                self.pending, self.extras = saved[:n] + saved[n + 1:], list(extras)
                try:
                    return self.match(self.ref.notes[note], start)
                except _Mismatch:
                    pass
            self.pending, self.extras = saved, extras
        for header in self.ref.headers:
            if self.out.startswith(header, pos):
                return pos + len(header)
        for i, extra in enumerate(self.extras):
            if self.out.startswith(extra, pos):
                del self.extras[i]
                return pos + len(extra)
        return None

    def _after_label(self, pos: int) -> list[int]:
        """The positions just after a notes label at ``pos`` or after a mark there."""
        out, found = self.out, []
        for k in range(pos, min(len(out), pos + MAX_MARK) + 1):
            found += [k + len(label) for label in NOTES_LABELS if out.startswith(label, k)]
            if k >= len(out) or not _MARK.match(out, k):
                break
        return found


def _literal_run(tokens: list, j: int) -> str:
    """The characters the text goes on with from ``tokens[j]`` (slots right there skipped), up
    to the next slot or note reference: another mark may follow that one."""
    run = []
    for token in tokens[j:]:
        if isinstance(token, str):
            run.append(token)
            if len(run) == LOOKAHEAD:
                break
        elif run:
            break
    return "".join(run)
