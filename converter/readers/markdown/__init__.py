"""The Markdown reader: CommonMark (markdown-it-py) with the extensions pandoc's Markdown has.

Modules: ``parser`` (markdown-it and its plug-ins, the nesting bound), ``stream`` (its parse, a
block at a time), ``chunks`` (a long paragraph's, a piece at a time), ``tables`` (a long table's
rows, a slice at a time), ``front_matter`` (YAML metadata), ``blocks`` and ``inline`` (tokens →
model), ``html`` (raw HTML, never executed).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ... import model
from ...errors import collecting, report
from ...model import new
from ..decode import read_text
from ..report_patterns import detect_lang
from .blocks import BlockBuilder, assign_heading_ids, follow_anchors
from .front_matter import FrontMatter, as_text, language_tag, names, read_front_matter
from .parser import check_nesting, make_parser
from .stream import Inlines, Tokens, can_define, consumed, split_notes, top_level_blocks
from .tables import expanded

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

#: languages whose text takes no Latin smart punctuation ("--" and '"' stay as typed)
_NO_SMART = ("zh", "ja", "ko")


class MarkdownReader:
    """Reads Markdown into the canonical model; images must live in the source's folder or below."""

    suffixes = (".md", ".markdown")

    def read(self, path: Path) -> etree._Element:
        return parse_markdown(read_text(path), path.parent.resolve(), fallback_title=path.stem)


def parse_markdown(text: str, base_dir: Path, fallback_title: str = "Untitled") -> etree._Element:
    """Build the canonical model of a Markdown text; relative images resolve against base_dir."""
    front, with_front = _front_matter(text)
    lang = language_tag(front.get("lang"), front.line("lang")) if "lang" in front else None
    smart = _smart(front, lang or detect_lang(text))
    parser = make_parser(smart, with_front)
    doc, unused = _Document(parser, smart, base_dir, front, lang).read(text, fallback_title)
    if unused:
        # the footnote plug-in drops notes nobody refers to; refer to them at the end instead
        # (so their text is not lost), after the document's own text
        text = text.rstrip("\n") + "\n\n" + " ".join(f"[^{label[1:]}]" for label in unused) + "\n"
        doc, _ = _Document(parser, smart, base_dir, front, lang).read(text, fallback_title, find_unused=False)
    return doc


def _front_matter(text: str) -> tuple[FrontMatter, bool]:
    """The front matter, and whether the text has one (``---`` then a sentence is a rule)."""
    if not text.startswith("---"):
        return FrontMatter(), True
    first = next(top_level_blocks(make_parser(False), text, {}), [])  # it can only be the first block
    block = next((t for t in first if t.type == "front_matter"), None)
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
    def __init__(self, parser: MarkdownIt, smart: bool, base_dir: Path, front: FrontMatter, lang: str | None):
        self.env: dict = {}
        super().__init__(base_dir, Inlines(parser, self.env, smart))
        self.parser = parser
        self.front = front
        self.lang = lang

    def read(self, text: str, fallback_title: str, find_unused: bool = True) -> tuple[etree._Element, list[str]]:
        """The document, and the labels of the footnotes nobody refers to (when asked to find
        them: the document is then to be read again with references to them at its end)."""
        blocks = _body_blocks(top_level_blocks(self.parser, text, self.env))
        if not can_define(text):  # nothing refers to what follows it: each block read as it comes
            return self.build(_tokens(consumed(_checked(blocks))), fallback_title), []
        main, self.bodies, inside = split_notes(consumed(blocks))
        check_nesting(main)
        for body in self.bodies.values():
            check_nesting(body)
        labels = self.env.get("footnotes", {}).get("refs", {})
        if not (find_unused and labels):
            return self.build(_tokens(consumed([main])), fallback_title), []
        with collecting() as found:  # said only if the document is not read again
            doc = self.build(_tokens(consumed([main])), fallback_title)
        unused = self._unused(labels, inside)
        if not unused:
            for diagnostic in found:
                report(diagnostic)
        return doc, unused

    def _unused(self, labels: dict[str, int], inside: list[Token]) -> list[str]:
        """The footnote labels no text refers to: not in the body, nor in any note's definition
        (those not read yet are parsed for their references)."""
        if all(n != -1 for n in labels.values()):
            return []
        for inline in inside:
            self.parse.scan(inline)
        return [label for label, n in labels.items() if n == -1]

    def build(self, tokens: Tokens, fallback_title: str) -> etree._Element:
        front = self.front
        doc = new("document", version=model.VERSION)
        meta = self.meta()
        if len(meta):
            doc.append(meta)
        title = new("title", parent=doc)
        heading_title = None  # the leading `# Title` that became the title: it keeps its id
        first = tokens.peek()
        if "title" in front and as_text(front.get("title")):
            title.text = as_text(front.get("title"))
        elif first is not None and first.type == "heading_open" and first.tag == "h1":
            heading_title = title
            self.heading(next(tokens), tokens, title, title, None)
        else:
            title.text = fallback_title
        if "subtitle" in front and as_text(front.get("subtitle")):
            new("subtitle", as_text(front.get("subtitle")), doc)
        body = new("body", parent=doc)
        self.flow(tokens, body, None)
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


def _body_blocks(blocks: Iterable[list[Token]]) -> Iterator[list[Token]]:
    """The blocks the body is made of: the front matter, a top-level block, is read apart."""
    for block in blocks:
        if not (block and block[0].type == "front_matter" and not block[0].level):
            yield block


def _tokens(tokens: Iterable[Token]) -> Tokens:
    """The body's tokens to be read, a long table's rows made as they are read."""
    return Tokens(expanded(tokens))


def _checked(blocks: Iterable[list[Token]]) -> Iterator[list[Token]]:
    """The blocks, each checked for nesting before it is read."""
    for block in blocks:
        check_nesting(block)
        yield block
