"""The canonical document model: an lxml tree in one namespace, checked against a RELAX NG schema."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from collections.abc import Iterator

from lxml import etree

from ..errors import SchemaError

NS = "urn:x-converter:document:1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
VERSION = "1"


def q(tag: str) -> str:
    """The qualified (Clark) name of a model element."""
    return f"{{{NS}}}{tag}"


def tag_of(el: etree._Element) -> str:
    """The local name of a model element ('' for comments and processing instructions)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def new(tag: str, text: str | None = None, parent: etree._Element | None = None, **attrs: str) -> etree._Element:
    """Create a model element (appended to parent when given)."""
    attrs = {k.rstrip("_"): v for k, v in attrs.items() if v is not None}
    el = etree.Element(q(tag), attrs, nsmap={None: NS}) if parent is None else etree.SubElement(parent, q(tag), attrs)
    if text is not None:
        el.text = text
    return el


#: libxml2 keeps a hand-set line number in an unsigned short; beyond it the line is unknown
_MAX_SET_LINE = 65535


def set_line(el: etree._Element, line: int | None) -> None:
    """Record the source line an element comes from (1-based).

    Lines live in lxml's ``sourceline``, which is never serialised: the canonical XML output
    stays free of them, and the XML reader gets them from the parser. Lines past 65,535 cannot
    be set by hand (libxml2 keeps them in 16 bits) and stay unknown rather than wrong.
    """
    if line is not None and 0 < line <= _MAX_SET_LINE:
        el.sourceline = line


def line_of(el: etree._Element) -> int | None:
    """The source line of an element: its own, else the nearest one before it in the document
    (a previous sibling, a parent), so a late error can always say ``file:line``."""
    node: etree._Element | None = el
    while node is not None:
        if node.sourceline:
            return node.sourceline
        prev = node.getprevious()
        while prev is not None and not isinstance(prev.tag, str):
            prev = prev.getprevious()
        if prev is not None:
            last = _last_with_line(prev)
            if last is not None:
                return last
        node = node.getparent()
    return None


def _last_with_line(el: etree._Element) -> int | None:
    """The line of the last element inside el (el included) that knows its line."""
    for node in reversed(list(el.iter())):
        if isinstance(node.tag, str) and node.sourceline:
            return node.sourceline
    return None


def append_text(el: etree._Element, text: str) -> None:
    """Add text at the end of an element's mixed content (after its last child, if any)."""
    try:  # the last child, found at once (len() counts every child: quadratic in long paragraphs)
        last = el[-1]
    except IndexError:
        last = None
    if last is not None:
        last.tail = (last.tail or "") + text
    else:
        el.text = (el.text or "") + text


def child(el: etree._Element, tag: str) -> etree._Element | None:
    """The first child with this local name, or None."""
    return el.find(q(tag))


def children(el: etree._Element) -> list[etree._Element]:
    """Element children (no comments)."""
    return [c for c in el if isinstance(c.tag, str)]


@lru_cache(maxsize=1)
def schema() -> etree.RelaxNG:
    """The shipped RELAX NG schema, parsed once."""
    with resources.files(__package__).joinpath("document.rng").open("rb") as f:
        return etree.RelaxNG(etree.parse(f))


def schema_path() -> str:
    """Filesystem path of the schema, for users and external validators."""
    return str(resources.files(__package__).joinpath("document.rng"))


def validate(doc: etree._Element, file: str | None = None) -> None:
    """Raise SchemaError naming the first problem unless the document matches the schema."""
    rng = schema()
    if not rng.validate(doc):
        errors = list(rng.error_log)
        # an attribute's error is the cause; the errors after it only say its element did not fit
        err = next((e for e in errors if e.type_name == "RELAXNG_ERR_INVALIDATTR"), errors[-1] if errors else None)
        line = err.line if err is not None and err.line > 0 else None
        msg = err.message if err is not None else "document does not match the schema"
        raise SchemaError(f"not a valid canonical document: {msg}{_attribute_value(doc, msg, line)}", file, line)


def _attribute_value(doc: etree._Element, message: str, line: int | None) -> str:
    """' (start="1000…")': the value an "Invalid attribute NAME for element TAG" error is about."""
    m = re.fullmatch(r"Invalid attribute (\S+) for element (\S+)", message.strip())
    if not m:
        return ""
    for el in doc.iter(q(m.group(2))):
        if (line is None or el.sourceline == line) and el.get(m.group(1)) is not None:
            value = el.get(m.group(1))
            shown = value if len(value) <= 40 else value[:40] + "…"
            hint = ATTRIBUTE_HINTS.get((m.group(2), m.group(1)))
            return f' ({m.group(1)}="{shown}"' + (f": {hint})" if hint else ")")
    return ""


#: what the schema allows, said in words, for the attributes whose range users meet (the schema,
#: document.rng, is the rule)
ATTRIBUTE_HINTS = {
    ("list", "start"): "a list starts at a whole number from 0 to 2147483647, the numbers Word's lists can hold",
}


def plain_text(el: etree._Element) -> str:
    """All text content of an element in document order, metadata excluded (what a reader sees)."""
    return "".join(_ordered_text(el))


def _ordered_text(el: etree._Element):
    if tag_of(el) == "meta":
        return
    if el.text:
        yield el.text
    for c in el:
        if isinstance(c.tag, str):
            yield from _ordered_text(c)
        if c.tail:
            yield c.tail


#: elements that hold only elements (never text): whitespace inside them is formatting
STRUCTURAL = frozenset({
    "document", "meta", "body", "section", "closing", "attachments", "signature",
    "list", "item", "table", "thead", "tbody", "row", "quote", "figure", "footnote",
    "masthead", "signers", "annex", "enclosure", "colophon", "printer", "record", "field",
    "deflist", "definition", "attendance",
})


def indent(el: etree._Element, level: int = 0) -> None:
    """Indent structural elements in place; text-bearing (mixed) content is left untouched."""
    if tag_of(el) not in STRUCTURAL or not len(el):
        return
    pad = "\n" + "  " * (level + 1)
    el.text = pad
    for c in el:
        indent(c, level + 1)
        c.tail = pad
    el[-1].tail = "\n" + "  " * level


def strip_formatting(el: etree._Element) -> None:
    """Remove whitespace-only text inside structural elements (the inverse of indent)."""
    for node in el.iter():
        if node is not el:
            _strip_before(node)
        _strip_end(node)


def strip_formatting_parsed(el: etree._Element) -> None:
    """strip_formatting a piece at a time, for a parser that has just met the end of ``el`` (its
    children are parsed, its tail is not): the whitespace-only text before ``el`` in a structural
    parent, and, when ``el`` is structural, its text if it has no children and its last child's
    tail. Called for every element as it ends, it removes what strip_formatting removes.

    Whitespace freed as it is read is taken again by what is parsed next; freed after the whole
    parse, the indentation of 100,000 rows left as many holes in the heap, which the DOCX writer's
    rows were then made in, again and again, all over it (1.2 times its time)."""
    _strip_before(el)
    _strip_end(el)


def _strip_before(el: etree._Element) -> None:
    """The whitespace-only text just before ``el`` when its parent is structural."""
    parent = el.getparent()
    if parent is None or tag_of(parent) not in STRUCTURAL:
        return
    before = el.getprevious()
    if before is None:
        if parent.text and not parent.text.strip():
            parent.text = None
    elif before.tail and not before.tail.strip():
        before.tail = None


def _strip_end(el: etree._Element) -> None:
    """The whitespace-only text at the end of a structural ``el``: after its last child, or all
    of its text when it has none."""
    if tag_of(el) not in STRUCTURAL:
        return
    if len(el):
        last = el[-1]
        if last.tail and not last.tail.strip():
            last.tail = None
    elif el.text and not el.text.strip():
        el.text = None


def text_positions(doc: etree._Element) -> dict[tuple[etree._Element, str], int]:
    """Where each text node starts, counted in non-whitespace characters of plain_text(doc).

    Keys are (element, "text") and (element, "tail"), for the texts that are not empty. Writers use these positions to tell each
    other where things are (the PDF says at which character each page starts; the EPUB puts its
    print page markers there) without either knowing the other's layout.
    """
    return counted_positions(doc)[0]


def counted_positions(el: etree._Element, start: int = 0) -> tuple[dict[tuple[etree._Element, str], int], int]:
    """text_positions of an element (its own tail left out), counted from ``start``, and the
    count after it: the walk of text_nodes, held."""
    positions: dict[tuple[etree._Element, str], int] = {}
    last = None
    for node, kind, at in text_nodes(el):
        positions[(node, kind)] = start + at
        last = node, kind, at
    if last is None:
        return positions, start
    node, kind, at = last  # the count after the last text, worked out once
    return positions, start + at + _ink(node.text if kind == "text" else node.tail)


def text_nodes(doc: etree._Element) -> Iterator[tuple[etree._Element, str, int]]:
    """The texts that are not empty, in document order, as (element, "text" | "tail", where
    it starts), read as it goes (nothing held): the one walk that counts text positions
    (text_positions and counted_positions keep what it gives)."""
    count = 0
    # an explicit stack rather than recursion (a generator per level would cost a frame per element)
    stack: list[tuple[etree._Element, Iterator]] = []
    el = doc
    while True:
        if el is not None:  # entering an element: its text, then its children
            if tag_of(el) != "meta":
                if el.text:  # an empty text has no place to tell (and 400,000 table cells' rows
                    yield el, "text", count  # would hold a key and an element each)
                    count += _ink(el.text)
                stack.append((el, iter(el)))
            elif stack and el.tail:  # (a <meta>'s tail is text of its parent's)
                yield el, "tail", count
                count += _ink(el.tail)
            el = None
        if not stack:
            return
        parent, kids = stack[-1]
        c = next(kids, None)
        if c is None:
            stack.pop()
            if stack and parent.tail:
                yield parent, "tail", count
                count += _ink(parent.tail)
            continue
        if isinstance(c.tag, str):
            el = c
        elif c.tail:
            yield c, "tail", count
            count += _ink(c.tail)


def ink(text: str | None) -> int:
    """The non-whitespace characters of a text: what text positions count."""
    return len("".join(text.split())) if text else 0


_ink = ink


def remove_keeping_tail(el: etree._Element) -> None:
    """Remove an element from its parent; the text after it stays where it was."""
    parent, prev = el.getparent(), el.getprevious()
    if parent is None:
        return
    if el.tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
