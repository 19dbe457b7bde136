"""Markdown blocks (markdown-it's block tokens, read in order) into the model: sections,
paragraphs, lists, quotes, tables, definition lists, code, math, figures and footnotes.

Each block's tokens are read once, as they come (a container's up to its closing token), and its
inline content is parsed when it is reached (stream.Inlines), so that only the block being read
is held as tokens.
"""
from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ... import model
from ...errors import InputError, warn
from ...model import new, tag_of
from ...model.identifiers import is_ncname, pandoc_identifier, unique_identifier
from .inline import InlineBuilder, plain
from .stream import Inlines, Tokens

if TYPE_CHECKING:
    from markdown_it.token import Token


class BlockBuilder(InlineBuilder):
    """Builds the body of a document from markdown-it's block tokens."""

    def __init__(self, base_dir: Path, parse: Inlines):
        super().__init__()
        self.base_dir = base_dir
        self.parse = parse
        #: footnote definitions, ":" + label → their block tokens (stream.split_notes)
        self.bodies: dict[str, list[Token]] = {}
        self.open_notes: list[int] = []  # notes being expanded, innermost last
        self.explicit_ids: set[str] = set()

    # --- flows of blocks ---------------------------------------------------------------------
    def flow(self, tokens: Tokens, parent: etree._Element, line: int | None) -> None:
        """Blocks into parent, headings opening nested sections (levels follow the # count), up
        to the closing token of the container they are in (read too) or the end of the tokens.
        line: the container's line (the line of a block that has none of its own).

        Used for the body and inside quotes, list items, notes and definitions alike, so that a
        heading there stays a heading.
        """
        open_: list[tuple[int, etree._Element]] = [(0, parent)]
        for tok in tokens:
            if tok.nesting == -1:
                return
            if tok.type == "heading_open":
                level = int(tok.tag[1])
                while open_[-1][0] >= level:
                    open_.pop()
                sec = new("section", parent=open_[-1][1], level=str(level), runin="false")
                for name in self.pending_anchors:  # <a id="…"></a> just before this heading
                    self.anchors.setdefault(name, sec)
                self.pending_anchors.clear()
                self.heading(tok, tokens, new("heading", parent=sec), sec, line)
                open_.append((level, sec))
            else:
                self.block(tok, tokens, open_[-1][1], line)

    def heading(self, tok: Token, tokens: Tokens, heading: etree._Element, section: etree._Element,
                outer: int | None) -> None:
        """The heading's words, and the id its {#id} attribute gives (pandoc's heading attributes)."""
        line = line_of(tok, outer)
        inline = next(tokens)
        children = self.parse.children(inline, tok)  # sets the id of a {#id}
        next(tokens)  # heading_close
        ident = tok.attrs.get("id")  # from {#id} (parser.heading_attributes)
        self.inline_content(children, heading, line, line_of(inline, line))
        model.set_line(section, line)
        if ident is None:
            return
        if not is_ncname(ident):
            warn(f"heading id {ident!r} is not an identifier (a letter or _ first, then letters, "
                 "digits, - _ .); the heading gets one made from its text", line)
        elif ident in self.explicit_ids:
            warn(f"heading id {ident!r} is given twice; this heading gets one made from its text", line)
        else:
            self.explicit_ids.add(ident)
            section.set("id", ident)

    def contained(self, tokens: Tokens, el: etree._Element, line: int | None) -> etree._Element:
        """A container's blocks (a flow), or an empty paragraph: the model's containers hold one."""
        self.flow(tokens, el, line)
        if _child(el, 0) is None:
            new("p", parent=el)
        return el

    # --- single blocks --------------------------------------------------------------------------
    def block(self, tok: Token, tokens: Tokens, parent: etree._Element, outer: int | None) -> None:
        # the element(s) this block became know their source line: those after the last child
        # before it (found at once; lxml counts children one by one, so len() and slices made
        # 100,000 paragraphs quadratic)
        line = line_of(tok, outer)
        before = _child(parent, -1)
        self._block(tok, tokens, parent, line)
        el = before.getnext() if before is not None else _child(parent, 0)
        while el is not None:
            model.set_line(el, line)
            el = el.getnext()

    def _block(self, tok: Token, tokens: Tokens, parent: etree._Element, line: int | None) -> None:
        kind = tok.type.removesuffix("_open") if tok.nesting == 1 else tok.type
        if kind == "paragraph":
            self.paragraph(tokens, parent, line)
        elif kind in ("bullet_list", "ordered_list"):
            self.list(tok, tokens, parent, line)
        elif kind == "blockquote":
            self.contained(tokens, new("quote", parent=parent), line)
        elif kind in ("fence", "code_block"):
            lang = (tok.info or "").split()[0] if kind == "fence" and tok.info else None
            new("codeblock", tok.content.rstrip("\n"), parent, lang=lang if lang and _is_token(lang) else None)
        elif kind == "hr":
            new("rule", parent=parent)
        elif kind == "table":
            self.table(tokens, parent, line)
        elif kind == "dl":
            self.deflist(tokens, parent, line)
        elif kind in ("math_block", "math_block_label"):
            p = new("p", parent=parent)
            self.math(tok.content, p, line, "block")
            if kind == "math_block_label" and tok.info:
                model.append_text(p, f" ({tok.info})")
        elif kind == "html_block":
            self.html_block(tok.content, parent, line)
        elif kind == "heading":  # only met outside a flow: a flow makes sections of headings
            self.flow(Tokens(_heading_tokens(tok, tokens)), parent, line)
        else:
            raise InputError(f"unsupported Markdown construct {kind!r}", line=line)

    def paragraph(self, tokens: Tokens, parent: etree._Element, line: int | None) -> None:
        inline = next(tokens)
        children = Tokens(self.parse.paragraph(inline))
        start = line_of(inline, line)
        seen, picture = _leading(children)  # enough of them to tell a picture on its own
        if picture is not None:
            self.figure(picture, parent, start)
        else:
            p = new("p", parent=parent)
            self.inline_content(chain(seen, children), p, line, start)
            if _child(p, 0) is None and not (p.text or "").strip():  # only comments or anchors
                parent.remove(p)
        next(tokens)  # paragraph_close

    def list(self, tok: Token, tokens: Tokens, parent: etree._Element, line: int | None) -> None:
        ordered = tok.type == "ordered_list_open"
        lst = new("list", parent=parent, type="ordered" if ordered else "bullet")
        if ordered and tok.attrs.get("start") not in (None, 1, "1"):
            lst.set("start", str(tok.attrs["start"]))
        for item in tokens:
            if item.nesting == -1:  # the list's closing token
                return
            checked = item.meta.get("checked") if item.meta else None
            it = new("item", parent=lst, checked=None if checked is None else str(bool(checked)).lower())
            self.contained(tokens, it, line_of(item, line))

    def deflist(self, tokens: Tokens, parent: etree._Element, line: int | None) -> None:
        dl = new("deflist", parent=parent)
        for part in tokens:
            if part.nesting == -1:  # the definition list's closing token
                return
            part_line = line_of(part, line)
            if part.type == "dt_open":
                inline = next(tokens)
                self.inline_content(self.parse.children(inline), new("term", parent=dl), part_line,
                                    line_of(inline, part_line))
                next(tokens)  # dt_close
            else:
                self.contained(tokens, new("definition", parent=dl), part_line)

    def table(self, tokens: Tokens, parent: etree._Element, line: int | None) -> None:
        table = new("table", parent=parent)
        for part in tokens:  # thead, tbody
            if part.nesting == -1:  # the table's closing token
                break
            section = new(part.type.removesuffix("_open"), parent=table)
            part_line = line_of(part, line)
            for tr in tokens:
                if tr.nesting == -1:  # the section's closing token
                    break
                row = new("row", parent=section)
                row_line = line_of(tr, part_line)
                model.set_line(row, row_line)
                for cell_tok in tokens:
                    if cell_tok.nesting == -1:  # the row's closing token
                        break
                    cell = new("cell", parent=row)
                    align = (cell_tok.attrs.get("style") or "").replace("text-align:", "").strip()
                    if align in ("left", "center", "right"):
                        cell.set("align", align)
                    for inline in tokens:  # the cell's inline token, then its closing one
                        if inline.nesting == -1:
                            break
                        self.inline_content(self.parse.children(inline), cell, row_line,
                                            line_of(inline, line_of(cell_tok, row_line)))
        if table.find(model.q("tbody")) is None:
            new("tbody", parent=table)

    # --- images ----------------------------------------------------------------------------------
    def figure(self, img: Token, parent: etree._Element, line: int | None) -> None:
        fig = new("figure", parent=parent)
        outer, self.image_line = self.image_line, line
        try:
            self.image(img, fig)
        finally:
            self.image_line = outer
        title = img.attrs.get("title")
        if title:
            new("caption", str(title), fig)

    def image(self, img: Token, parent: etree._Element) -> None:
        # whether the picture can be used is the image rule's (model.images): one that cannot
        # is a warning of the build and a frame with its alt text in every output
        src = str(img.attrs.get("src", ""))
        alt = plain(img.children or ()) or None  # the description's words, emphasis and code included
        el = new("image", parent=parent, src=src, alt=alt,
                 title=str(img.attrs["title"]) if img.attrs.get("title") else None)
        model.set_line(el, self.image_line)

    # --- footnotes -------------------------------------------------------------------------------
    def footnote(self, note_id: int, el: etree._Element) -> None:
        """The note's blocks at the place it is referred to (each reference gets its own copy)."""
        body = self.note_body(note_id)
        if note_id in self.open_notes:
            raise InputError("a footnote refers to itself (directly or through other notes)",
                             line=line_of(body[0], None) if body else None)
        self.open_notes.append(note_id)
        note = new("footnote", parent=el)
        outer, self.image_line = self.image_line, None
        try:
            self.flow(Tokens(body), note, None)  # a note's blocks stand at the end: no outer line
        finally:
            self.image_line = outer
        if _child(note, 0) is None:
            new("p", parent=note)
        self.open_notes.pop()

    def note_body(self, note_id: int) -> list[Token]:
        """The block tokens of a note: its definition's, or a paragraph of an inline note's text."""
        from markdown_it.token import Token

        note = self.parse.env.get("footnotes", {}).get("list", {}).get(note_id, {})
        if "tokens" in note:  # ^[…]: its inline tokens were parsed with the text around it
            # the one reference to an inline note is read once: its tokens are let go of now
            inline = self.parse.inline_note(note["content"], note["tokens"])
            note["content"], note["tokens"] = "", []
            return [Token("paragraph_open", "p", 1), inline, Token("paragraph_close", "p", -1)]
        if "label" in note:
            return self.bodies.get(":" + note["label"], [])
        return []


def _leading(children: Tokens) -> tuple[list[Token], Token | None]:
    """The first inline tokens, read up to the second that is not white space; and the picture,
    when they are one picture and white space only (a figure)."""
    seen: list[Token] = []
    significant = 0
    for tok in children:
        seen.append(tok)
        if not (tok.type == "text" and not tok.content.strip()):
            significant += 1
            if significant == 2:
                break
    pictures = [t for t in seen if not (t.type == "text" and not t.content.strip())]
    if len(pictures) == 1 and pictures[0].type == "image":
        return seen, pictures[0]
    return seen, None


def _heading_tokens(tok: Token, tokens: Tokens) -> Iterator[Token]:
    """A heading's three tokens (open, inline, close), the first already read."""
    yield tok
    yield next(tokens)
    yield next(tokens)


def assign_heading_ids(doc: etree._Element, title: etree._Element | None = None) -> None:
    """Every section without an id gets pandoc's: from its heading's words, unique in the document
    (ids given in the source are taken first, so a link to one of them goes there). ``title`` is
    the title made of the leading ``# Title``, when it was: the first heading, so the first id."""
    taken = {el.get("id") for el in doc.iter() if el.get("id")}
    if title is not None and not title.get("id"):
        title.set("id", unique_identifier(pandoc_identifier(_words(title)), taken))
    for sec in doc.iter(model.q("section")):
        if not sec.get("id"):
            sec.set("id", unique_identifier(pandoc_identifier(_words(model.child(sec, "heading"))), taken))


def follow_anchors(doc: etree._Element, anchors: dict[str, etree._Element]) -> None:
    """Links to an HTML anchor (``#name`` of an ``<a id>``) go to the section it belongs to."""
    from urllib.parse import unquote

    ids = {el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}
    for link in doc.iter(model.q("link")):
        href = link.get("href", "")
        name = unquote(href[1:]) if href.startswith("#") else None
        if name and name not in ids and name in anchors:
            link.set("href", "#" + anchors[name].get("id"))


def _words(el: etree._Element) -> str:
    """An element's text without its footnotes, images by their alt text (pandoc's stringify)."""
    parts = [el.text or ""]
    for c in el:
        if tag_of(c) == "image":
            parts.append(c.get("alt") or "")
        elif isinstance(c.tag, str) and tag_of(c) != "footnote":
            parts.append(_words(c))
        parts.append(c.tail or "")
    return "".join(parts)


def line_of(tok: Token, outer: int | None) -> int | None:
    """The source line a block token starts on, else the line of the block it is in."""
    return tok.map[0] + 1 if tok.map else outer


def _is_token(text: str) -> bool:
    return bool(text) and not any(c.isspace() for c in text)


def _child(parent: etree._Element, index: int) -> etree._Element | None:
    """The first (0) or last (-1) child, or None: found at once (len() counts them all)."""
    try:
        return parent[index]
    except IndexError:
        return None
