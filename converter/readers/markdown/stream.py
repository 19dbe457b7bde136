"""markdown-it's parse, read a block at a time, so that a document's tokens are never all held.

``MarkdownIt.parse`` gives the tokens of a whole document at once, each paragraph's inline
tokens with it: 1.7 MB of ``*a* **b** `` made 1.36 million tokens (434 MB, and the syntax tree
as much again: 824 MB for the build). Here the same parser is run in its own steps:

- the core rules before the block rule (``normalize``);
- markdown-it's block rules, one top-level block at a time (``top_level_blocks``: its top-level
  loop, ``ParserBlock.tokenize``, with each block handed out as soon as it is made; a long
  table's rows a slice at a time, when they are read: ``tables``);
- for each inline token, when the reader comes to it, markdown-it's inline parser and the core
  rules that follow the ``inline`` rule (heading attributes, dashes, smart quotes, text join),
  run on that token alone (``Inlines``) — they look at one inline token at a time anyway.

The footnote plug-in's ``footnote_tail`` core rule is not run: it only moves footnote definitions
to the end of the tokens, and the reader takes them from where they stand (``split_notes``,
which keeps that rule's way of grouping them).

Inline parsing needs the whole document's reference and footnote definitions (``env``) first;
only a text with ``]:`` in it can have one (``can_define``), the reader reads the blocks of any
other as they come.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from . import chunks, tables

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


def can_define(text: str) -> bool:
    """Whether the text may hold a link reference or footnote definition: both are a label
    closed by ``]`` right before a colon (CommonMark 4.7; ``[^label]:``)."""
    return "]:" in text


def _core_rules(md: MarkdownIt) -> tuple[list, list]:
    """The active core rules before the ``block`` rule, and those after ``inline`` (less the
    footnote tail); nothing may run between the two."""
    names = md.core.ruler.get_active_rules()
    rules = dict(zip(names, md.core.ruler.getRules(""), strict=True))
    block, inline = names.index("block"), names.index("inline")
    if inline != block + 1:
        raise RuntimeError(f"core rules between block and inline: {names[block + 1:inline]}")
    return ([rules[n] for n in names[:block]],
            [rules[n] for n in names[inline + 1:] if n != "footnote_tail"])


def top_level_blocks(md: MarkdownIt, text: str, env: dict) -> Iterator[list[Token]]:
    """The block tokens of the text, one top-level block at a time (the inline tokens' children
    not yet parsed); ``env`` fills with the definitions as they are met. A long table's body
    rows are one ``table_rows`` token, made into the rows by ``tables.expanded`` when read."""
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore

    core = StateCore(text, md, env)
    for rule in _core_rules(md)[0]:
        rule(core)
    if not core.src:  # as ParserBlock.parse
        return
    state = StateBlock(core.src, md, env, [])
    # ParserBlock.tokenize's loop, at the top level, handing out each block when it is made
    # (and a long table's rows as they are read: tables.py)
    rules = md.block.ruler.getRules("")
    table = dict(zip(md.block.ruler.get_active_rules(), rules, strict=True)).get("table")
    line, end = state.line, state.lineMax
    max_nesting = md.options.maxNesting
    has_empty_lines = False
    while line < end:
        state.line = line = state.skipEmptyLines(line)
        if line >= end or state.sCount[line] < state.blkIndent:
            break
        if state.level >= max_nesting:
            state.line = end
            break
        for rule in rules:
            found = tables.table_block(rule, state, line, end) if rule is table else rule(state, line, end, False)
            if found:
                break
        else:
            raise RuntimeError("none of the block rules matched")
        if isinstance(found, tables.LongTable):  # handed out first: its rows are made as they are read
            tokens, state.tokens = state.tokens, []
            yield tokens
            state.line = found.end()
        if state.line <= line:
            raise RuntimeError("block rule didn't increment state.line")
        state.tight = not has_empty_lines
        line = state.line
        if (line - 1) < end and state.isEmpty(line - 1):
            has_empty_lines = True
        if line < end and state.isEmpty(line):
            has_empty_lines = True
            line += 1
            state.line = line
        if not isinstance(found, tables.LongTable):
            tokens, state.tokens = state.tokens, []
            yield tokens


def split_notes(tokens: Iterable[Token]) -> tuple[list[Token], dict[str, list[Token]], list[Token]]:
    """The tokens outside footnote definitions; each label's definition (``":" + label`` → its
    block tokens, the last of a label's definitions); and every inline token inside one.

    The grouping is the footnote plug-in's ``footnote_tail``, kept as it is (a definition
    nested in another ends the outer one's tokens)."""
    main: list[Token] = []
    bodies: dict[str, list[Token]] = {}
    inside: list[Token] = []
    current: list[Token] = []
    label = ""
    in_note = False
    for tok in tokens:
        if tok.type == "footnote_reference_open":
            in_note, current, label = True, [], tok.meta["label"]
        elif tok.type == "footnote_reference_close":
            in_note = False
            bodies[":" + label] = current
        elif in_note:
            current.append(tok)
            if tok.type == "inline":
                inside.append(tok)
        else:
            main.append(tok)
    return main, bodies, inside


def consumed(blocks: Iterable[list[Token]]) -> Iterator[Token]:
    """The tokens of the blocks in order, each list let go of the tokens it hands out (so a
    token read and converted can be freed)."""
    for block in blocks:
        block.reverse()
        while block:
            yield block.pop()


class Tokens:
    """Tokens read once and in order, with a look at the next one."""

    __slots__ = ("_it", "_next")

    def __init__(self, tokens: Iterable[Token]):
        self._it = iter(tokens)
        self._next = next(self._it, None)

    def __iter__(self) -> Tokens:
        return self

    def __next__(self) -> Token:
        tok = self._next
        if tok is None:
            raise StopIteration
        self._next = next(self._it, None)
        return tok

    def peek(self) -> Token | None:
        """The token the next read gives, or None at the end."""
        return self._next


class Inlines:
    """markdown-it's inline parse of one inline token at a time, as ``MarkdownIt.parse`` would
    leave its children."""

    def __init__(self, md: MarkdownIt, env: dict, smart: bool):
        self.md = md
        self.env = env
        self.smart = smart
        self.after = _core_rules(md)[1]

    def children(self, inline: Token, before: Token | None = None) -> list[Token]:
        """The inline tokens of an inline token (``before``: the block token opening it, which
        the heading-attributes rule sets the id of). The token itself is left as it is, so a
        footnote definition's tokens can be read again where it is referred to again."""
        if inline.meta.get("parsed"):  # an inline note's text (parsed with the text around it)
            return inline.children
        return self._parse(inline.content, inline.map, before)

    def paragraph(self, inline: Token, before: Token | None = None) -> Iterator[Token]:
        """The inline tokens of a paragraph; a long one (over CHUNK_CHARS) parsed a piece at a
        time where that gives the same tokens (see chunks.py)."""
        if inline.meta.get("parsed") or len(inline.content) <= chunks.CHUNK_CHARS:
            return iter(self.children(inline, before))
        return chunks.pieces(inline.content, lambda text: self._parse(text, inline.map, before), self._undo,
                             self.smart, chunks.CHUNK_CHARS)

    def scan(self, inline: Token) -> None:
        """Parse an inline token for what it does to ``env`` only (the footnotes it refers to)."""
        self._parse(inline.content, inline.map, None)

    def inline_note(self, content: str, tokens: list[Token]) -> Token:
        """The inline token of an inline note (``^[…]``: parsed with the text around it), with
        the core rules run on it as on any other."""
        from markdown_it.token import Token

        tok = Token("inline", "", 0, content=content, children=tokens, meta={"parsed": True})
        self._after(tok, None)
        return tok

    def _undo(self) -> Callable[[], None]:
        """What takes back the footnotes a parse to come refers to or defines inline (the
        footnote plug-in numbers them in ``env`` as it meets them)."""
        notes = self.env.get("footnotes")
        before = len(notes["list"]) if notes else 0

        def take_back() -> None:
            notes = self.env.get("footnotes")
            if not notes:
                return
            for label, n in notes["refs"].items():
                if n >= before:  # first referred to by that parse
                    notes["refs"][label] = -1
            for n in [n for n in notes["list"] if n >= before]:
                del notes["list"][n]
        return take_back

    def _parse(self, content: str, map_: list[int] | None, before: Token | None) -> list[Token]:
        from markdown_it.token import Token

        tok = Token("inline", "", 0, map=map_, content=content, children=[])
        self.md.inline.parse(content, self.md, self.env, tok.children)
        self._after(tok, before)
        return tok.children

    def _after(self, tok: Token, before: Token | None) -> None:
        from markdown_it.rules_core import StateCore

        state = StateCore("", self.md, self.env, [before, tok] if before is not None else [tok])
        for rule in self.after:
            rule(state)
