"""Inline Markdown (markdown-it's inline tokens) into the model's mixed content."""
from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from lxml import etree

from ... import model
from ...errors import warn
from ...model import new, tag_of
from ...model.addresses import as_uri, followable
from .html import Tag, classify, pieces

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

#: markdown-it inline node → the model element it becomes (its content is inline too)
_WRAPPERS = {"em": "em", "strong": "strong", "s": "strike", "sub": "sub", "sup": "sup"}


class InlineBuilder:
    """Inline content: text, marks, links, math, raw HTML, footnotes (built by the block builder)."""

    def __init__(self) -> None:
        self.warned: set[str] = set()  # kinds of warnings given once per document
        self.anchors: dict[str, etree._Element] = {}  # HTML anchor name → the section it names
        self.pending_anchors: list[str] = []  # anchors waiting for the next heading
        self.in_html_block = False

    # --- hooks the block builder provides -----------------------------------------------
    def image(self, node: SyntaxTreeNode, parent: etree._Element) -> None:
        raise NotImplementedError

    def footnote(self, note_id: int, parent: etree._Element) -> None:
        raise NotImplementedError

    # --- inline content ------------------------------------------------------------------
    def inlines(self, inline: SyntaxTreeNode, el: etree._Element, line: int | None) -> None:
        """The children of an inline node as mixed content of el; line: where they start."""
        children = list(inline.children)
        stack: list[tuple[etree._Element, str | None]] = [(el, None)]  # open raw-HTML marks
        for k, node in enumerate(children):
            target = stack[-1][0]
            if node.type == "html_inline":
                self.html(classify(node.content), stack, line)
            elif node.type in ("softbreak", "hardbreak"):
                self._break(children, k, target)
                line = line + 1 if line else line
            elif tag_of(target) == "code":  # inside <code>/<kbd>: its words, no marks
                model.append_text(target, plain(node) if node.children else node.content)
            else:
                self.inline(node, target, line)

    def inline(self, node: SyntaxTreeNode, el: etree._Element, line: int | None) -> None:
        kind = node.type
        if kind == "text":
            model.append_text(el, node.content)
        elif kind in _WRAPPERS:
            self.inlines(node, new(_WRAPPERS[kind], parent=el), line)
        elif kind == "code_inline":
            new("code", node.content, el)
        elif kind == "link":
            self.link(node, el, line)
        elif kind == "image":
            self.image(node, el)
        elif kind == "footnote_ref":
            self.footnote(node.meta["id"], el)
        elif kind in ("math_inline", "math_inline_double"):
            self.math(node.content, el, line, "block" if kind == "math_inline_double" else None)
        else:  # a token kind without a meaning here: its text is kept
            model.append_text(el, node.content or plain(node))

    def _break(self, children: list, k: int, el: etree._Element) -> None:
        if tag_of(el) == "code":  # inside <code>/<kbd>: code holds text only
            model.append_text(el, " ")
            return
        if children[k].type == "hardbreak":
            new("br", parent=el)
            return
        before = children[k - 1].content[-1:] if k and children[k - 1].type == "text" else ""
        after = children[k + 1].content[:1] if k + 1 < len(children) and children[k + 1].type == "text" else ""
        model.append_text(el, "" if _wide(before) and _wide(after) else " ")

    # --- links ---------------------------------------------------------------------------
    def link(self, node: SyntaxTreeNode, el: etree._Element, line: int | None) -> None:
        """A link whose address may be followed; any other keeps its text, with a warning."""
        link = self.link_to(str(node.attrs.get("href", "")), el, line)
        if link is not None and node.attrs.get("title"):
            link.set("title", str(node.attrs["title"]))
        self.inlines(node, el if link is None else link, line)

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


def plain(node: SyntaxTreeNode) -> str:
    """The words of an inline node and everything inside it."""
    return "".join(c.content if c.type in ("text", "code_inline", "math_inline") else plain(c)
                   for c in node.children)


def _wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")
