"""The Markdown reader: CommonMark (markdown-it-py) with the extensions pandoc's Markdown has.

Modules: ``parser`` (markdown-it and its plug-ins, the nesting bound), ``front_matter`` (YAML
metadata), ``blocks`` and ``inline`` (syntax tree → model), ``html`` (raw HTML, never executed).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree

from ... import model
from ...model import new
from ..decode import read_text
from ..report_patterns import detect_lang
from .blocks import BlockBuilder, assign_heading_ids, follow_anchors
from .front_matter import FrontMatter, as_text, language_tag, names, read_front_matter
from .parser import check_nesting, make_parser

#: languages whose text takes no Latin smart punctuation ("--" and '"' stay as typed)
_NO_SMART = ("zh", "ja", "ko")


class MarkdownReader:
    """Reads Markdown into the canonical model; images must live in the source's folder or below."""

    suffixes = (".md", ".markdown")

    def read(self, path: Path) -> etree._Element:
        return parse_markdown(read_text(path), path.parent.resolve(), fallback_title=path.stem)


def parse_markdown(text: str, base_dir: Path, fallback_title: str = "Untitled") -> etree._Element:
    """Build the canonical model of a Markdown text; relative images resolve against base_dir."""
    from markdown_it.tree import SyntaxTreeNode

    front, with_front = _front_matter(text)
    lang = language_tag(front.get("lang"), front.line("lang")) if "lang" in front else None
    smart = _smart(front, lang or detect_lang(text))
    parser = make_parser(smart, with_front)
    env: dict = {}
    tokens = parser.parse(text, env)
    unused = [label for label, n in env.get("footnotes", {}).get("refs", {}).items() if n == -1]
    if unused:
        # the footnote plug-in drops notes nobody refers to; refer to them at the end instead
        # (so their text is not lost), after the document's own text
        text = text.rstrip("\n") + "\n\n" + " ".join(f"[^{label[1:]}]" for label in unused) + "\n"
        tokens = parser.parse(text, {})
    check_nesting(tokens)
    tree = SyntaxTreeNode(tokens)
    try:
        return _Document(base_dir, front, lang).build(tree, fallback_title)
    finally:
        _unlink(tree)


def _unlink(tree) -> None:
    """Cut the syntax tree's parent links, so that reference counting frees it now: builds run
    with the cyclic collector paused (pipeline.gc_paused), and 100,000 table rows kept 680 MB of
    tree alive until the outputs were written."""
    stack = [tree]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        node.children, node.parent = [], None


def _front_matter(text: str) -> tuple[FrontMatter, bool]:
    """The front matter, and whether the text has one (``---`` then a sentence is a rule)."""
    if not text.startswith("---"):
        return FrontMatter(), True
    tokens = make_parser(False).parse(text)
    block = next((t for t in tokens if t.type == "front_matter"), None)
    if block is None:
        return FrontMatter(), True
    found = read_front_matter(block.content)
    return (found, True) if found is not None else (FrontMatter(), False)


def _smart(front: FrontMatter, lang: str) -> bool:
    """Smart punctuation: on for Latin text unless the front matter says ``smart: false``."""
    if "smart" in front:
        return bool(front.get("smart")) and str(front.get("smart")).lower() not in ("false", "no", "off", "0")
    return not lang.lower().startswith(_NO_SMART)


class _Document(BlockBuilder):
    def __init__(self, base_dir: Path, front: FrontMatter, lang: str | None):
        super().__init__(base_dir)
        self.front = front
        self.lang = lang

    def build(self, root, fallback_title: str) -> etree._Element:
        blocks = list(root.children)
        for node in blocks:
            if node.type == "footnote_block":
                for note in node.children:
                    self.notes[note.meta["id"]] = [c for c in note.children if c.type != "footnote_anchor"]
        blocks = [b for b in blocks if b.type not in ("front_matter", "footnote_block")]
        front = self.front

        doc = new("document", version=model.VERSION)
        meta = self.meta()
        if len(meta):
            doc.append(meta)
        title = new("title", parent=doc)
        heading_title = None  # the leading `# Title` that became the title: it keeps its id
        if "title" in front and as_text(front.get("title")):
            title.text = as_text(front.get("title"))
        elif blocks and blocks[0].type == "heading" and blocks[0].tag == "h1":
            heading_title = title
            self.heading(blocks.pop(0), title, title)
        else:
            title.text = fallback_title
        if "subtitle" in front and as_text(front.get("subtitle")):
            new("subtitle", as_text(front.get("subtitle")), doc)
        body = new("body", parent=doc)
        self.flow(blocks, body)
        assign_heading_ids(doc, heading_title)
        follow_anchors(doc, self.anchors)
        doc.set(model.XML_LANG, self.lang or detect_lang(model.plain_text(doc)))
        if front.get("style"):
            doc.set("style", as_text(front.get("style")))
            # the pipeline names this line when the style does not exist
            if front.line("style"):
                doc.sourceline = front.line("style")
        return doc

    def meta(self) -> etree._Element:
        front = self.front
        meta = new("meta")
        for author in names(front.get("author") or front.get("authors") or []):
            new("author", author, meta)
        if "date" in front:
            value = front.get("date")
            iso = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else _iso_date(as_text(value))
            new("date", as_text(value) if not isinstance(value, (dt.date, dt.datetime)) else str(value),
                meta, value=iso[:10] if iso else None)
        subject = front.get("subject") or front.get("description")
        if subject and as_text(subject):
            new("subject", as_text(subject), meta)
        keywords = front.get("keywords") or []
        for kw in keywords if isinstance(keywords, list) else str(keywords).split(","):
            if as_text(kw):
                new("keyword", as_text(kw), meta)
        return meta


def _iso_date(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        return None
