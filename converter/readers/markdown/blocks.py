"""Markdown blocks (markdown-it's syntax tree) into the model: sections, paragraphs, lists,
quotes, tables, definition lists, code, math, figures and footnotes."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ... import model
from ...errors import InputError, warn
from ...model import new, tag_of
from ...model.identifiers import is_ncname, pandoc_identifier, unique_identifier
from .inline import InlineBuilder, plain

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

class BlockBuilder(InlineBuilder):
    """Builds the body of a document from markdown-it's top-level blocks."""

    def __init__(self, base_dir: Path):
        super().__init__()
        self.base_dir = base_dir
        self.notes: dict[int, list[SyntaxTreeNode]] = {}
        self.open_notes: list[int] = []  # notes being expanded, innermost last
        self.explicit_ids: set[str] = set()

    # --- flows of blocks ---------------------------------------------------------------------
    def flow(self, blocks: list[SyntaxTreeNode], parent: etree._Element) -> None:
        """Blocks into parent, headings opening nested sections (levels follow the # count).

        Used for the body and inside quotes, list items, notes and definitions alike, so that a
        heading there stays a heading.
        """
        open_: list[tuple[int, etree._Element]] = [(0, parent)]
        for node in blocks:
            if node.type == "heading":
                level = int(node.tag[1])
                while open_[-1][0] >= level:
                    open_.pop()
                sec = new("section", parent=open_[-1][1], level=str(level), runin="false")
                for name in self.pending_anchors:  # <a id="…"></a> just before this heading
                    self.anchors.setdefault(name, sec)
                self.pending_anchors.clear()
                self.heading(node, new("heading", parent=sec), sec)
                open_.append((level, sec))
            else:
                self.block(node, open_[-1][1])

    def heading(self, node: SyntaxTreeNode, heading: etree._Element, section: etree._Element) -> None:
        """The heading's words, and the id its {#id} attribute gives (pandoc's heading attributes)."""
        inline = node.children[0]
        ident = node.attrs.get("id")  # from {#id} (parser.heading_attributes)
        self.inlines(inline, heading, line_of(node))
        model.set_line(section, line_of(node))
        if ident is None:
            return
        if not is_ncname(ident):
            warn(f"heading id {ident!r} is not an identifier (a letter or _ first, then letters, "
                 "digits, - _ .); the heading gets one made from its text", line_of(node))
        elif ident in self.explicit_ids:
            warn(f"heading id {ident!r} is given twice; this heading gets one made from its text",
                 line_of(node))
        else:
            self.explicit_ids.add(ident)
            section.set("id", ident)

    def contained(self, node: SyntaxTreeNode, el: etree._Element) -> etree._Element:
        """A container's blocks (a flow), or an empty paragraph: the model's containers hold one."""
        self.flow(list(node.children), el)
        if not len(el):
            new("p", parent=el)
        return el

    # --- single blocks --------------------------------------------------------------------------
    def block(self, node: SyntaxTreeNode, parent: etree._Element) -> None:
        # the element(s) this node became know their source line: those after the last child
        # before it (found at once; lxml counts children one by one, so len() and slices made
        # 100,000 paragraphs quadratic)
        before = _child(parent, -1)
        self._block(node, parent)
        el = before.getnext() if before is not None else _child(parent, 0)
        while el is not None:
            model.set_line(el, line_of(node))
            el = el.getnext()

    def _block(self, node: SyntaxTreeNode, parent: etree._Element) -> None:
        kind, line = node.type, line_of(node)
        if kind == "paragraph":
            self.paragraph(node, parent)
        elif kind in ("bullet_list", "ordered_list"):
            self.list(node, parent)
        elif kind == "blockquote":
            self.contained(node, new("quote", parent=parent))
        elif kind in ("fence", "code_block"):
            lang = (node.info or "").split()[0] if kind == "fence" and node.info else None
            new("codeblock", node.content.rstrip("\n"), parent, lang=lang if lang and _is_token(lang) else None)
        elif kind == "hr":
            new("rule", parent=parent)
        elif kind == "table":
            self.table(node, parent)
        elif kind == "dl":
            self.deflist(node, parent)
        elif kind in ("math_block", "math_block_label"):
            p = new("p", parent=parent)
            self.math(node.content, p, line, "block")
            if kind == "math_block_label" and node.info:
                model.append_text(p, f" ({node.info})")
        elif kind == "html_block":
            self.html_block(node.content, parent, line)
        elif kind == "heading":  # only met outside a flow: a flow makes sections of headings
            self.flow([node], parent)
        else:
            raise InputError(f"unsupported Markdown construct {kind!r}", line=line)

    def paragraph(self, node: SyntaxTreeNode, parent: etree._Element) -> None:
        inline = node.children[0]
        only = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
        if len(only) == 1 and only[0].type == "image":
            self.figure(only[0], parent)
        else:
            p = new("p", parent=parent)
            self.inlines(inline, p, line_of(node))
            if not len(p) and not (p.text or "").strip():  # only comments or anchors: no paragraph
                parent.remove(p)

    def list(self, node: SyntaxTreeNode, parent: etree._Element) -> None:
        kind = node.type
        lst = new("list", parent=parent, type="bullet" if kind == "bullet_list" else "ordered")
        if kind == "ordered_list" and node.attrs.get("start") not in (None, 1, "1"):
            lst.set("start", str(node.attrs["start"]))
        for item in node.children:
            checked = item.meta.get("checked") if item.meta else None
            it = new("item", parent=lst, checked=None if checked is None else str(bool(checked)).lower())
            self.contained(item, it)

    def deflist(self, node: SyntaxTreeNode, parent: etree._Element) -> None:
        dl = new("deflist", parent=parent)
        for part in node.children:
            if part.type == "dt":
                self.inlines(part.children[0], new("term", parent=dl), line_of(part))
            else:
                self.contained(part, new("definition", parent=dl))

    def table(self, node: SyntaxTreeNode, parent: etree._Element) -> None:
        table = new("table", parent=parent)
        for part in node.children:  # thead, tbody
            section = new(part.type, parent=table)
            for tr in part.children:
                row = new("row", parent=section)
                model.set_line(row, line_of(tr))
                for cell_node in tr.children:
                    cell = new("cell", parent=row)
                    align = (cell_node.attrs.get("style") or "").replace("text-align:", "").strip()
                    if align in ("left", "center", "right"):
                        cell.set("align", align)
                    if cell_node.children:
                        self.inlines(cell_node.children[0], cell, line_of(tr))
        if table.find(model.q("tbody")) is None:
            new("tbody", parent=table)

    # --- images ----------------------------------------------------------------------------------
    def figure(self, img: SyntaxTreeNode, parent: etree._Element) -> None:
        fig = new("figure", parent=parent)
        self.image(img, fig)
        title = img.attrs.get("title")
        if title:
            new("caption", str(title), fig)

    def image(self, img: SyntaxTreeNode, parent: etree._Element) -> None:
        # whether the picture can be used is the image rule's (model.images): one that cannot
        # is a warning of the build and a frame with its alt text in every output
        src = str(img.attrs.get("src", ""))
        alt = plain(img) or None  # the description's words, emphasis and code included
        el = new("image", parent=parent, src=src, alt=alt,
                 title=str(img.attrs["title"]) if img.attrs.get("title") else None)
        model.set_line(el, line_of(img))

    # --- footnotes -------------------------------------------------------------------------------
    def footnote(self, note_id: int, el: etree._Element) -> None:
        """The note's blocks at the place it is referred to (each reference gets its own copy)."""
        if note_id in self.open_notes:
            raise InputError("a footnote refers to itself (directly or through other notes)",
                             line=self._note_line(note_id))
        self.open_notes.append(note_id)
        note = new("footnote", parent=el)
        self.flow(self.notes.get(note_id, []), note)
        if not len(note):
            new("p", parent=note)
        self.open_notes.pop()

    def _note_line(self, note_id: int) -> int | None:
        blocks = self.notes.get(note_id) or []
        return line_of(blocks[0]) if blocks else None


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


def line_of(node: SyntaxTreeNode) -> int | None:
    """The source line a node starts on (its nearest block's)."""
    while node is not None and node.parent is not None:  # the root has no token, hence no map
        if node.map:
            return node.map[0] + 1
        node = node.parent
    return None


def _is_token(text: str) -> bool:
    return bool(text) and not any(c.isspace() for c in text)


def _child(parent: etree._Element, index: int) -> etree._Element | None:
    """The first (0) or last (-1) child, or None: found at once (len() counts them all)."""
    try:
        return parent[index]
    except IndexError:
        return None
