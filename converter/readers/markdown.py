"""The Markdown reader: CommonMark (markdown-it-py) with GFM tables, footnotes and YAML front matter."""
from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from typing import TYPE_CHECKING

from lxml import etree

from .. import model
from ..errors import InputError
from ..model import new
from ..model.images import resolve_image
from .decode import read_text
from .report_patterns import detect_lang

if TYPE_CHECKING:  # the parser is imported when a Markdown file is read, not when readers are listed
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


class MarkdownReader:
    """Reads Markdown into the canonical model; images must live in the source's folder or below."""

    suffixes = (".md", ".markdown")

    def read(self, path: Path) -> etree._Element:
        return parse_markdown(read_text(path), path.parent.resolve(), fallback_title=path.stem)


def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    return (MarkdownIt("commonmark", {"linkify": False})
            .enable(["table", "strikethrough"])
            .use(front_matter_plugin)
            .use(footnote_plugin))


def parse_markdown(text: str, base_dir: Path, fallback_title: str = "Untitled") -> etree._Element:
    """Build the canonical model of a Markdown text; relative images resolve against base_dir."""
    from markdown_it.tree import SyntaxTreeNode

    parser = _parser()
    env: dict = {}
    tokens = parser.parse(text, env)
    unused = [label for label, n in env.get("footnotes", {}).get("refs", {}).items() if n == -1]
    if unused:
        # the footnote plug-in drops notes nobody refers to; refer to them at the end instead
        # (so their text is not lost), after the document's own text
        text = text.rstrip("\n") + "\n\n" + " ".join(f"[^{label[1:]}]" for label in unused) + "\n"
        tokens = parser.parse(text, {})
    return _Builder(base_dir, text).build(SyntaxTreeNode(tokens), fallback_title)


class _Builder:
    def __init__(self, base_dir: Path, text: str):
        self.base_dir = base_dir
        self.text = text
        self.notes: dict[int, list[SyntaxTreeNode]] = {}
        self.open_notes: list[int] = []  # notes being expanded, innermost last

    # --- document ----------------------------------------------------------------------
    def build(self, root: SyntaxTreeNode, fallback_title: str) -> etree._Element:
        blocks = list(root.children)
        front = self._front_matter(blocks)
        for node in blocks:
            if node.type == "footnote_block":
                for note in node.children:
                    self.notes[note.meta["id"]] = [c for c in note.children if c.type != "footnote_anchor"]
        blocks = [b for b in blocks if b.type not in ("front_matter", "footnote_block")]

        doc = new("document", version=model.VERSION)
        meta = self._meta(front)
        if len(meta):
            doc.append(meta)
        title = new("title", parent=doc)
        if "title" in front:
            title.text = str(front["title"])
        elif blocks and blocks[0].type == "heading" and blocks[0].tag == "h1":
            model.set_line(title, _line(blocks[0]))
            self.inlines(blocks.pop(0).children[0], title)
        else:
            title.text = fallback_title
        if "subtitle" in front:
            new("subtitle", str(front["subtitle"]), doc)
        body = new("body", parent=doc)
        self.flow(blocks, body)
        lang = str(front.get("lang") or detect_lang(model.plain_text(doc)))
        doc.set(model.XML_LANG, lang)
        if front.get("style"):
            doc.set("style", str(front["style"]))
        return doc

    def _front_matter(self, blocks: list[SyntaxTreeNode]) -> dict:
        node = next((b for b in blocks if b.type == "front_matter"), None)
        if node is None:
            return {}
        import yaml

        try:
            data = yaml.safe_load(node.content) or {}
        except ValueError as e:  # PyYAML builds dates itself: date: 2024-02-30
            raise InputError(f"front matter has an impossible value: {e}", line=2) from None
        except yaml.YAMLError as e:
            line = getattr(getattr(e, "problem_mark", None), "line", 0) + 2
            raise InputError(f"front matter is not valid YAML: {getattr(e, 'problem', e)}", line=line) from None
        if not isinstance(data, dict):
            raise InputError("front matter must be a YAML mapping (key: value)", line=1)
        # a key with no value (title:) is absent, not the text "None"
        return {str(k).lower(): v for k, v in data.items() if v is not None}

    def _meta(self, front: dict) -> etree._Element:
        meta = new("meta")
        authors = front.get("author") or front.get("authors") or []
        for author in authors if isinstance(authors, list) else [authors]:
            if author is not None:
                new("author", str(author), meta)
        if "date" in front:
            value = front["date"]
            iso = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else _iso_date(str(value))
            new("date", str(value), meta, value=iso[:10] if iso else None)
        subject = front.get("subject") or front.get("description")
        if subject:
            new("subject", str(subject), meta)
        keywords = front.get("keywords") or []
        for kw in keywords if isinstance(keywords, list) else str(keywords).split(","):
            if str(kw).strip():
                new("keyword", str(kw).strip(), meta)
        return meta

    # --- blocks --------------------------------------------------------------------------
    def flow(self, blocks: list[SyntaxTreeNode], body: etree._Element) -> None:
        """Blocks into body, headings opening nested sections (levels follow the # count)."""
        open_: list[tuple[int, etree._Element]] = [(0, body)]
        for node in blocks:
            if node.type == "heading":
                level = int(node.tag[1])
                while open_[-1][0] >= level:
                    open_.pop()
                sec = new("section", parent=open_[-1][1], level=str(level), runin="false")
                model.set_line(sec, _line(node))
                self.inlines(node.children[0], new("heading", parent=sec))
                open_.append((level, sec))
            else:
                self.block(node, open_[-1][1])

    def block(self, node: SyntaxTreeNode, parent: etree._Element) -> None:
        before = len(parent)
        self._block(node, parent)
        for el in parent[before:]:  # the element(s) this node became know their source line
            model.set_line(el, _line(node))

    def _block(self, node: SyntaxTreeNode, parent: etree._Element) -> None:
        kind = node.type
        if kind == "paragraph":
            inline = node.children[0]
            only = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
            if len(only) == 1 and only[0].type == "image":
                self._figure(only[0], parent)
            else:
                self.inlines(inline, new("p", parent=parent))
        elif kind in ("bullet_list", "ordered_list"):
            lst = new("list", parent=parent, type="bullet" if kind == "bullet_list" else "ordered")
            if kind == "ordered_list" and node.attrs.get("start") not in (None, 1, "1"):
                lst.set("start", str(node.attrs["start"]))
            for item in node.children:
                it = new("item", parent=lst)
                for child in item.children:
                    self.block(child, it)
                if not len(it):
                    new("p", parent=it)
        elif kind == "blockquote":
            quote = new("quote", parent=parent)
            for child in node.children:
                self.block(child, quote)
            if not len(quote):
                new("p", parent=quote)
        elif kind in ("fence", "code_block"):
            lang = (node.info or "").split()[0] if kind == "fence" and node.info else None
            new("codeblock", node.content.rstrip("\n"), parent, lang=lang or None)
        elif kind == "hr":
            new("rule", parent=parent)
        elif kind == "table":
            self._table(node, parent)
        elif kind == "html_block":
            # raw HTML is never executed: it is kept, as text
            new("p", node.content.rstrip("\n"), parent)
        elif kind == "heading":  # a heading inside a list item or quote: a strong paragraph
            self.inlines(node.children[0], new("strong", parent=new("p", parent=parent)))
        else:
            raise InputError(f"unsupported Markdown construct {kind!r}", line=_line(node))

    def _table(self, node: SyntaxTreeNode, parent: etree._Element) -> None:
        table = new("table", parent=parent)
        for part in node.children:  # thead, tbody
            section = new(part.type, parent=table)
            for tr in part.children:
                row = new("row", parent=section)
                model.set_line(row, _line(tr))
                for cell_node in tr.children:
                    cell = new("cell", parent=row)
                    align = (cell_node.attrs.get("style") or "").replace("text-align:", "").strip()
                    if align in ("left", "center", "right"):
                        cell.set("align", align)
                    if cell_node.children:
                        self.inlines(cell_node.children[0], cell)
        if table.find(model.q("tbody")) is None:
            new("tbody", parent=table)

    def _figure(self, img: SyntaxTreeNode, parent: etree._Element) -> None:
        fig = new("figure", parent=parent)
        self._image(img, fig)
        title = img.attrs.get("title")
        if title:
            new("caption", str(title), fig)

    def _image(self, img: SyntaxTreeNode, parent: etree._Element) -> None:
        src = str(img.attrs.get("src", ""))
        self._check_image(src, _line(img))
        alt = _plain(img) or None  # the description's words, emphasis and code included
        new("image", parent=parent, src=src, alt=alt, title=str(img.attrs["title"]) if img.attrs.get("title") else None)

    def _check_image(self, src: str, line: int | None) -> None:
        """Images come from the source's own folder or below, exist, and are PNG or JPEG."""
        path = resolve_image(src, self.base_dir, line)
        try:
            with path.open("rb") as f:
                head = f.read(8)
        except OSError as e:
            raise InputError(f"image {src!r} cannot be read: {e.strerror or e}", line=line) from None
        if not any(head.startswith(magic) for magic in IMAGE_TYPES):
            raise InputError(f"image {src!r} is not a PNG or JPEG file", line=line)

    # --- inline content ---------------------------------------------------------------------
    def inlines(self, inline: SyntaxTreeNode, el: etree._Element) -> None:
        """The children of an inline node as mixed content of el."""
        children = list(inline.children)
        for k, node in enumerate(children):
            kind = node.type
            if kind == "text":
                model.append_text(el, node.content)
            elif kind == "softbreak":
                before = children[k - 1].content[-1:] if k and children[k - 1].type == "text" else ""
                after = children[k + 1].content[:1] if k + 1 < len(children) and children[k + 1].type == "text" else ""
                model.append_text(el, "" if _wide(before) and _wide(after) else " ")
            elif kind == "hardbreak":
                new("br", parent=el)
            elif kind in ("em", "strong"):
                self.inlines(node, new(kind, parent=el))
            elif kind == "s":  # no strike-through in the model: its words are kept as they are
                self.inlines(node, el)
            elif kind == "code_inline":
                new("code", node.content, el)
            elif kind == "link":
                self.inlines(node, new("link", parent=el, href=str(node.attrs.get("href", ""))))
            elif kind == "image":
                self._image(node, el)
            elif kind == "html_inline":
                model.append_text(el, node.content)  # kept as text, never executed
            elif kind == "footnote_ref":
                self._footnote(node.meta["id"], el)
            else:
                model.append_text(el, node.content)

    def _footnote(self, note_id: int, el: etree._Element) -> None:
        """The note's blocks at the place it is referred to (each reference gets its own copy)."""
        if note_id in self.open_notes:
            raise InputError("a footnote refers to itself (directly or through other notes)",
                             line=self._note_line(note_id))
        self.open_notes.append(note_id)
        note = new("footnote", parent=el)
        for b in self.notes.get(note_id, []):
            self.block(b, note)
        if not len(note):
            new("p", parent=note)
        self.open_notes.pop()

    def _note_line(self, note_id: int) -> int | None:
        blocks = self.notes.get(note_id) or []
        return _line(blocks[0]) if blocks else None


def _plain(node: SyntaxTreeNode) -> str:
    """The words of an inline node and everything inside it."""
    return "".join(c.content if c.type in ("text", "code_inline") else _plain(c) for c in node.children)


def _wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")


def _line(node: SyntaxTreeNode) -> int | None:
    while node is not None:
        if node.map:
            return node.map[0] + 1
        node = node.parent
    return None


def _iso_date(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        return None
