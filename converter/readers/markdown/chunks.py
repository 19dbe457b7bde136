"""A long paragraph's inline tokens, parsed a piece at a time where that changes nothing.

markdown-it parses a paragraph's inline content at once: a 1.7 MB paragraph of ``*a* **b** ``
is 1.36 million tokens alive together (about 600 MB while it parses). Here a paragraph longer than CHUNK_CHARS is
cut at a space or a line end, and the piece before the cut is parsed alone. The piece's tokens
are kept (and the rest parsed on from the cut) when that piece leaves nothing open that the text
after the cut could close, so that its tokens are the ones the whole paragraph would have given:

- What is open after a piece shows in its text tokens: the characters of a construct that did not
  close stay in the text (a backtick with no closing one, ``[`` with no ``]``, ``<`` of raw HTML
  with no ``>``, ``$`` of math, ``^`` and ``~`` of super-, subscripts and strikethrough, an
  emphasis ``*`` or ``_`` with no partner, a straight quote that smart punctuation has not paired),
  and so does one escaped (``\\*``) — the piece is then not taken, which is only slower.
- Delimiters that can open nothing are let through: a run of ``*``, ``_`` or ``~`` between spaces,
  and ``_`` inside a word (CommonMark 6.2: neither is left-flanking, or ``_`` is both).
- A link or footnote reference followed by ``(`` may be the start of an inline link whose
  address is on the next line (``[a](⏎b)``): not taken either.
- The cut itself changes nothing: it is a run of spaces, or one line end, between two characters
  that are not white space (nor a backslash before it, which would make a hard break, nor a
  ``$`` after it: the math rule reads the character before a ``$`` even at a text's start, see
  ``_math_start_alike``); emphasis
  takes the end of a piece for white space, as the space or line end after it; markdown-it makes
  a line end a soft break and a space text; smart quotes take both for white space; no construct
  markdown-it finds after a cut looks back across it.
- A piece not taken is grown to twice its length and parsed again, up to the whole paragraph, so
  the work is at most about twice markdown-it's own; what its parse did to the footnotes is taken
  back (a ``[^1]`` it read may be inside a code span of the longer piece). tests/readers/markdown/test_chunks.py
  compares the pieces' tokens with the whole paragraph's on generated markup.

This decides only where markdown-it is asked to parse; the parsing is markdown-it's.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

#: paragraphs longer than this (characters) are parsed in pieces of about this length
CHUNK_CHARS = 32_768

_SPACES = re.compile(r"(?<=[^\s\\]) +(?=[^\s$])")
_LINE_END = re.compile(r"(?<=[^\s\\])\n(?=[^ \t\n$])")
_OPEN = re.compile(r"[`<\[*_~^$]")
_OPEN_SMART = re.compile(r"[`<\[*_~^$\"']")
_INERT = re.compile(r"(?<=\s)(?:\*+|_+|~+)(?=\s)|(?<=[^\W_])_+(?=[^\W_])")


def pieces(content: str, parse: Callable[[str], list[Token]], undo: Callable[[], Callable[[], None]],
           smart: bool, chunk: int = CHUNK_CHARS) -> Iterator[Token]:
    """The inline tokens of a paragraph's content, as ``parse(content)`` gives them, from
    pieces of about ``chunk`` characters (``smart``: smart quotes pair straight quotes).
    ``undo()`` before a parse gives what takes back what that parse did to the parser's
    environment (a piece not taken must not leave its footnote references counted)."""
    start, size = 0, len(content)
    while True:
        want = start + chunk
        while True:
            cut = _cut(content, want) if want < size else None
            if cut is None:
                yield from parse(content[start:])
                return
            end, resume = cut
            take_back = undo()
            tokens = parse(content[start:end])
            if _settled(tokens, smart) and (start or _math_start_alike(content, end)):
                break
            take_back()
            want = start + 2 * (end - start)
        yield from tokens
        tokens = []  # let go of this piece's tokens before the next one is parsed
        yield _separator(content[end:resume])
        start = resume


def _cut(content: str, pos: int) -> tuple[int, int] | None:
    """The first cut at or after pos: where the piece ends and where the rest starts."""
    found = [m for m in (_SPACES.search(content, pos), _LINE_END.search(content, pos)) if m]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    return first.start(), first.end()


def _math_start_alike(content: str, end: int) -> bool:
    """Whether a ``$`` starting the paragraph is read alike in its first piece: the math rule
    (mdit-py-plugins' dollarmath) looks at the character before it as ``src[pos - 1]``, which
    at the start of a text is its last character (a digit or a backslash there makes the ``$``
    no math)."""
    if not content.startswith("$"):
        return True
    last, piece_last = content[-1], content[end - 1]
    return last != "\\" and last.isdigit() == piece_last.isdigit()


def _separator(between: str) -> Token:
    """The token markdown-it makes of the white space at a cut: a soft break, or text."""
    from markdown_it.token import Token

    if between == "\n":
        return Token("softbreak", "br", 0)
    return Token("text", "", 0, content=between)


def _settled(tokens: list[Token], smart: bool) -> bool:
    """Whether a piece's tokens leave nothing open that text after them could close."""
    opening = _OPEN_SMART if smart else _OPEN
    prev = None
    for tok in tokens:
        if tok.type == "text":
            text = tok.content
            if text.startswith("(") and prev is not None and prev.type != "text":
                return False
            if opening.search(text) and opening.search(_INERT.sub("", text)):
                return False
        prev = tok
    return True
