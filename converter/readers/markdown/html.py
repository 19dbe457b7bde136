"""Raw HTML in Markdown: never executed, never passed on as markup.

Comments are dropped. The inline tags whose meaning the model has become model elements:
``b strong`` → strong, ``i em`` → em, ``sub sup``, ``s del strike`` → strike, ``code kbd tt`` →
code, ``br`` → a line break; ``span`` gives its text; ``<a href>`` is a link (its address
filtered like any other) and ``<a id>`` / ``<a name>`` an anchor that links may name (the reader
sends them to the heading it belongs to). Any other tag is kept as text (the reader warns once
per document).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

#: tag name → the model element it becomes ('' for a tag whose text is kept without a mark)
ELEMENTS = {"b": "strong", "strong": "strong", "i": "em", "em": "em", "sub": "sub", "sup": "sup",
            "s": "strike", "del": "strike", "strike": "strike", "code": "code", "kbd": "code",
            "tt": "code", "span": "", "br": "br", "a": ""}

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b([^>]*?)(/?)>\s*$", re.S)
_ATTR = re.compile(r"""([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_PIECES = re.compile(r"<!--.*?-->|<\?.*?\?>|<![A-Z][^>]*>|<!\[CDATA\[.*?\]\]>|</?[A-Za-z][^>]*>", re.S)


@dataclass(frozen=True)
class Tag:
    """One piece of raw HTML: a comment, a tag the model knows, or markup it does not."""

    kind: str  # "comment" | "open" | "close" | "empty" (br, <x/>) | "other"
    name: str = ""  # the model element ('' for span), for open, close and empty
    source: str = ""  # the markup as written
    tag: str = ""  # the HTML tag name (a closing tag ends the last open one of its name)
    href: str | None = None  # <a href>: the address
    anchor: str | None = None  # <a id> / <a name>: the name links use


def classify(markup: str) -> Tag:
    """What a piece of raw HTML (one tag or comment, as markdown-it gives it inline) is."""
    if markup.startswith("<!--"):
        return Tag("comment", source=markup)
    m = _TAG.match(markup)
    if not m or m.group(2).lower() not in ELEMENTS:
        return Tag("other", source=markup)
    tag = m.group(2).lower()
    name = ELEMENTS[tag]
    if name == "br":
        return Tag("empty", "br", markup, tag)
    if m.group(1):
        return Tag("close", name, markup, tag)
    attrs = {a.group(1).lower(): html.unescape(next(v for v in a.groups()[1:] if v is not None))
             for a in _ATTR.finditer(m.group(3))}
    href = attrs.get("href") if tag == "a" else None
    anchor = (attrs.get("id") or attrs.get("name")) if tag == "a" else None
    if tag == "a" and href is None and anchor is None:
        return Tag("other", source=markup)  # an <a> that neither goes nor is gone to
    kind = "empty" if m.group(4) else "open"  # <b/>: opens and closes nothing
    return Tag(kind, "link" if href is not None else name, markup, tag, href, anchor)


def pieces(block: str) -> list[str | Tag]:
    """A raw HTML block split into text (entities decoded) and tags, in order."""
    out: list[str | Tag] = []
    pos = 0
    for m in _PIECES.finditer(block):
        if m.start() > pos:
            out.append(html.unescape(block[pos:m.start()]))
        out.append(classify(m.group()))
        pos = m.end()
    if pos < len(block):
        out.append(html.unescape(block[pos:]))
    return out
