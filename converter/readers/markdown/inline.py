"""Inline Markdown (markdown-it's inline tokens, read in order) into the model's mixed content.

markdown-it gives a paragraph's inline content as a flat list of tokens (``em_open``, ``text``,
``em_close`` …); they are read once, in order, and each mark's tokens go into its element, so
that no tree of them is built (see stream.py).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lxml import etree

from ... import model
from ...errors import warn
from ...model import new, tag_of
from ...model.addresses import as_uri, followable
from .html import Tag, classify, pieces
from .stream import Tokens

if TYPE_CHECKING:
    from markdown_it.token import Token

#: markdown-it inline mark (``em_open`` … ``em_close``) → the model element it becomes
_WRAPPERS = {"em": "em", "strong": "strong", "s": "strike", "sub": "sub", "sup": "sup"}
#: token kinds whose content is their words (the others' words are inside them)
_WORDS = ("text", "code_inline", "math_inline")


class InlineBuilder:
    """Inline content: text, marks, links, math, raw HTML, footnotes (built by the block builder)."""

    def __init__(self) -> None:
        self.warned: set[str] = set()  # kinds of warnings given once per document
        self.anchors: dict[str, etree._Element] = {}  # HTML anchor name → the section it names
        self.pending_anchors: list[str] = []  # anchors waiting for the next heading
        self.in_html_block = False
        self.image_line: int | None = None  # the line of the inline content being read

    # --- hooks the block builder provides -----------------------------------------------
    def image(self, token: Token, parent: etree._Element) -> None:
        raise NotImplementedError

    def footnote(self, note_id: int, parent: etree._Element) -> None:
        raise NotImplementedError

    # --- inline content ------------------------------------------------------------------
    def inline_content(self, tokens: Iterable[Token], el: etree._Element, line: int | None,
                       start_line: int | None) -> None:
        """An inline token's children as the mixed content of el. line: the line they start on;
        start_line: the line pictures are placed at (the inline token's first line)."""
        outer, self.image_line = self.image_line, start_line
        try:
            self.inlines(Tokens(tokens), el, line)
        finally:
            self.image_line = outer

    def inlines(self, tokens: Tokens, el: etree._Element, line: int | None) -> None:
        """Tokens into el's mixed content, up to the end of the mark they are inside (its closing
        token is read too) or of the tokens; line: where they start. Line breaks count lines for
        the tokens of this mark only, and raw HTML opened inside a mark ends with it."""
        stack: list[tuple[etree._Element, str | None]] = [(el, None)]  # open raw-HTML marks
        prev: Token | None = None
        for tok in tokens:
            if tok.nesting == -1:
                return
            target = stack[-1][0]
            kind = tok.type
            if kind == "html_inline":
                self.html(classify(tok.content), stack, line)
            elif kind in ("softbreak", "hardbreak"):
                self._break(prev, tok, tokens.peek(), target)
                line = line + 1 if line else line
            elif tag_of(target) == "code":  # inside <code>/<kbd>: its words, no marks
                model.append_text(target, _words_of(tok, tokens))
            else:
                self.inline(tok, tokens, target, line)
            prev = tok

    def inline(self, tok: Token, tokens: Tokens, el: etree._Element, line: int | None) -> None:
        kind = tok.type
        if kind == "text":
            model.append_text(el, tok.content)
        elif tok.nesting == 1 and kind.removesuffix("_open") in _WRAPPERS:
            self.inlines(tokens, new(_WRAPPERS[kind.removesuffix("_open")], parent=el), line)
        elif kind == "code_inline":
            new("code", tok.content, el)
        elif kind == "link_open":
            self.link(tok, tokens, el, line)
        elif kind == "image":
            self.image(tok, el)
        elif kind == "footnote_ref":
            self.footnote(tok.meta["id"], el)
        elif kind in ("math_inline", "math_inline_double"):
            self.math(tok.content, el, line, "block" if kind == "math_inline_double" else None)
        elif tok.nesting == 1:  # a mark without a meaning here: its words are kept
            words = _words_until_close(tokens)
            model.append_text(el, tok.content or words or "")
        else:  # a token kind without a meaning here: its text is kept
            model.append_text(el, tok.content or plain(tok.children or ()))

    def _break(self, prev: Token | None, tok: Token, after: Token | None, el: etree._Element) -> None:
        """A line break: a br, or a space (none between two wide characters: CJK text wraps
        without spaces). prev and after: the tokens around it inside the same mark."""
        if tag_of(el) == "code":  # inside <code>/<kbd>: code holds text only
            model.append_text(el, " ")
            return
        if tok.type == "hardbreak":
            new("br", parent=el)
            return
        before = prev.content[-1:] if prev is not None and prev.type == "text" else ""
        next_ = after.content[:1] if after is not None and after.type == "text" else ""
        model.append_text(el, "" if _wide(before) and _wide(next_) else " ")

    # --- links ---------------------------------------------------------------------------
    def link(self, tok: Token, tokens: Tokens, el: etree._Element, line: int | None) -> None:
        """A link whose address may be followed; any other keeps its text, with a warning."""
        link = self.link_to(str(tok.attrs.get("href", "")), el, line)
        if link is not None and tok.attrs.get("title"):
            link.set("title", str(tok.attrs["title"]))
        self.inlines(tokens, el if link is None else link, line)

    def link_to(self, href: str, el: etree._Element, line: int | None) -> etree._Element | None:
        """A new link element in el, or None (and a warning) when the address may not be followed."""
        uri = as_uri(href) if followable(href) else None
        if uri is None:
            why = ("only http, https, mailto and tel addresses, relative ones and #ids are followed"
                   if not followable(href) else "it cannot be written as an address")
            warn(f"link to {href!r}: {why}; printed as text", line)
            return None
        link = new("link", parent=el, href=uri)
        model.set_line(link, line)  # transforms name the line of a link that goes nowhere
        return link

    def anchor(self, name: str, where: etree._Element) -> None:
        """An HTML anchor (<a id>): links to it go to the section it is in, or, in a raw HTML
        block of its own, to the heading that follows it."""
        section = None if self.in_html_block else next(where.iterancestors(model.q("section")), None)
        if section is None:
            self.pending_anchors.append(name)
        else:
            self.anchors.setdefault(name, section)

    # --- math ------------------------------------------------------------------------------
    def math(self, tex: str, el: etree._Element, line: int | None, display: str | None = None) -> None:
        """TeX kept as written, in a math element; the fallback is said once per document."""
        new("math", tex.strip("\n"), el, display=display)
        self.once("math", "math is kept as its TeX source and set as code (no formula typesetting)", line)

    # --- raw HTML --------------------------------------------------------------------------
    def html(self, tag: Tag, stack: list[tuple[etree._Element, str | None]], line: int | None) -> None:
        """One piece of raw HTML, inside the marks it opened before (``stack``: the element
        text goes to, and the HTML tag that opened it)."""
        target = stack[-1][0]
        if tag.kind == "comment":
            return
        if tag.anchor:
            self.anchor(tag.anchor, target)
        if tag.kind == "open":
            stack.append((self._opened(tag, target, line), tag.tag))
        elif tag.kind == "close" and any(name == tag.tag for _, name in stack[1:]):
            while stack[-1][1] != tag.tag:
                stack.pop()
            stack.pop()
        elif tag.kind == "empty" and tag.name == "br":
            if tag_of(target) == "code":
                model.append_text(target, " ")
            else:
                new("br", parent=target)
        elif tag.kind == "empty":
            return
        else:  # markup the model has no element for (or a stray closing tag): kept as text
            model.append_text(target, tag.source)
            self.once("html", f"raw HTML is kept as text, never executed (first: {tag.source[:40]!r})", line)

    def _opened(self, tag: Tag, target: etree._Element, line: int | None) -> etree._Element:
        """Where the text after an opening tag goes: a new mark, a link, or the same place."""
        if tag_of(target) == "code" or tag_of(target) == "link" and tag.href is not None:
            return target  # inside code only words; links do not nest
        if tag.href is not None:
            link = self.link_to(tag.href, target, line) if tag.href else None
            return target if link is None else link
        return new(tag.name, parent=target) if tag.name else target

    def html_block(self, content: str, parent: etree._Element, line: int | None) -> None:
        """A raw HTML block: its text and the marks the model knows, as a paragraph."""
        p = new("p", parent=parent)
        stack: list[tuple[etree._Element, str | None]] = [(p, None)]
        self.in_html_block = True
        for piece in pieces(content.strip("\n")):
            if isinstance(piece, Tag):
                self.html(piece, stack, line)
            else:
                model.append_text(stack[-1][0], piece)
        self.in_html_block = False
        if not model.plain_text(p).strip() and not len(p):
            parent.remove(p)  # comments only
        elif p.text:
            p.text = p.text.lstrip()

    def once(self, kind: str, message: str, line: int | None) -> None:
        """A warning given once per document for a kind of fallback."""
        if kind not in self.warned:
            self.warned.add(kind)
            warn(message, line)


def plain(tokens: Iterable[Token]) -> str:
    """The words of inline tokens and of everything inside them (a picture's: its description)."""
    return "".join(t.content if t.type in _WORDS else plain(t.children) if t.children else ""
                   for t in tokens)


def _words_of(tok: Token, tokens: Tokens) -> str:
    """The words inside a token (the tokens up to its closing one, read too, when it opens a
    mark), or, when nothing is inside, its content."""
    if tok.nesting == 1:
        words = _words_until_close(tokens)
        return tok.content if words is None else words
    return plain(tok.children) if tok.children else tok.content


def _words_until_close(tokens: Tokens) -> str | None:
    """The words of the tokens up to the closing token of the mark just opened (read too);
    None when there are none in between."""
    words = []
    depth = 1
    inside = False
    for tok in tokens:
        depth += tok.nesting
        if depth == 0:
            break
        inside = True
        if tok.type in _WORDS:
            words.append(tok.content)
        elif tok.children:
            words.append(plain(tok.children))
    return "".join(words) if inside else None


def _wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")
