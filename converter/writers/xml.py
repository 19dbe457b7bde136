"""The canonical model itself, as an XML file: indented UTF-8 with a declaration, written as a stream.

The file is written piece by piece as the model is walked: each structural element (model.STRUCTURAL,
the ones that hold only elements) as its start tag, the indentation, each child in turn, its
end tag; every other element (a paragraph, a cell, a heading: text-bearing, mixed content) whole,
by lxml's serialiser. So the model is never changed (no indentation text is put into it, nothing
is to be put back) and the output never exists whole in memory: 2 MB of Markdown quotes 40 deep
made over a million indentation strings and a 70 MB bytes object when the model was indented
in place and serialised at once. The bytes are those ``model.indent`` followed by
``etree.tostring`` gave (tests/writers/test_xml_writer.py compares them), up to the indentation
cap below.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import BinaryIO, Iterator

from lxml import etree

from .. import model
from ..context import BuildContext
from ..style import ResolvedStyle

#: Indentation stops growing at this depth: a line deeper in the tree is indented as a line at
#: this depth. Indentation costs two spaces a level on every line, so without a cap the file
#: grows with the square of the nesting: 2 MB of Markdown paragraphs each in quotes 40 deep
#: made 70 MB of XML (55 MB capped; the tags themselves, a line each, are most of the rest),
#: and quotes 98 deep, as deep as the Markdown reader goes, about 2.5 times what the cap lets
#: through. Real documents are far shallower (the deepest of our samples, fixtures and corpus
#: indents 8 levels; four levels of sections holding lists nested four deep reach 14), so
#: their files are as they were; past the cap the tags still show the structure, and the
#: reader strips indentation whatever its width (model.strip_formatting), so the file reads
#: back as the same model.
MAX_INDENT_DEPTH = 20

_BUFFER = 1 << 16  # bytes the file gathers before each write to the disk


class XmlWriter:
    suffix = ".xml"
    beside_layout = True  # may write in a second process while the pages are laid out (pipeline.Early)

    def write(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> None:
        with open(target, "wb", buffering=_BUFFER) as f:
            write_xml(doc, f)


def serialize(doc: etree._Element) -> bytes:
    """The model as indented UTF-8 XML with a declaration (stable bytes for the same model)."""
    out = io.BytesIO()
    write_xml(doc, out)
    return out.getvalue()


def write_xml(doc: etree._Element, out: BinaryIO) -> None:
    """Write the model to a binary file as indented UTF-8 XML with a declaration and a final
    newline, piece by piece (a tag, a line's indentation, a paragraph): give it a buffered
    file. The model is only read."""
    write = out.write
    write(f"<?xml version='{doc.getroottree().docinfo.xml_version or '1.0'}' encoding='UTF-8'?>\n".encode("ascii"))
    for piece in _pieces(doc):
        write(piece)
    write(b"\n")


def _pieces(root: etree._Element) -> Iterator[bytes]:
    """The element and everything in it as bytes, indented as model.indent indents (up to the
    cap): a structural element's children each on a line of its own, two spaces deeper.

    Walked with a stack, not by recursion: the depth is the document's, not Python's limit.
    Text a structural element holds between its children is whitespace in a valid model, and
    the indentation takes its place, as model.indent did."""
    if not _opens(root):
        yield _whole(root, _Scope({}))
        return
    tags = _Tags()
    outer = _Scope({})
    scope = _Scope(root.nsmap)
    start, end = tags.of(root, outer, scope)
    yield start
    stack = [(iter(root), scope, end)]
    while stack:
        rest, scope, end = stack[-1]
        pad = _pad(len(stack))
        for child in rest:
            if _opens(child):
                inner = child.nsmap
                inner = scope if inner == scope.nsmap else _Scope(inner)
                start, end = tags.of(child, scope, inner)
                yield pad + start
                stack.append((iter(child), inner, end))
                break
            yield pad + _whole(child, scope)
        else:
            stack.pop()
            yield _pad(len(stack)) + end


#: the qualified names of the structural elements, and the prefix of every qualified model name
_STRUCTURAL = frozenset(model.q(tag) for tag in model.STRUCTURAL)
_MODEL = model.q("")


def _opens(el: etree._Element) -> bool:
    """Whether an element is written as start tag, indented children, end tag (model.indent's
    rule: a structural element with children, by its local name), rather than whole."""
    tag = el.tag
    if tag in _STRUCTURAL:
        return len(el) > 0
    if tag.__class__ is not str or tag.startswith(_MODEL):  # a comment; a model element of mixed content
        return False
    return etree.QName(tag).localname in model.STRUCTURAL and len(el) > 0


_PADS: dict[int, bytes] = {}


def _pad(level: int) -> bytes:
    """The line break and indentation before a node at this depth (the root is at 0)."""
    pad = _PADS.get(level)
    if pad is None:
        pad = _PADS[level] = b"\n" + b"  " * min(level, MAX_INDENT_DEPTH)
    return pad


class _Scope:
    """The namespaces in scope inside an element (its nsmap), with what the walk needs of them."""

    def __init__(self, nsmap: dict) -> None:
        self.nsmap = nsmap
        self.key = tuple(nsmap.items())
        # the usual model: one default namespace, which lxml declares on every element
        # serialised alone, right after its name (unless the element declares namespaces itself)
        self.plain = nsmap == {None: model.NS}


def _whole(el: etree._Element, scope: _Scope) -> bytes:
    """An element (or comment, processing instruction) serialised whole, without its tail,
    as it reads inside its parent."""
    text = etree.tostring(el, encoding="UTF-8", with_tail=False)
    return _inherited_off(text, scope) if el.tag.__class__ is str and scope.nsmap else text


def _inherited_off(text: bytes, scope: _Scope) -> bytes:
    """A serialised element with the namespace declarations that repeat its parent's scope
    (the same prefix bound to the same URI) taken out of its start tag: lxml declares every
    namespace in scope on an element it serialises alone.

    A declaration the element itself repeats from its parent (``<p xmlns="…">`` inside a
    document in that namespace) cannot be told from one lxml adds, and goes too: the file
    means the same."""
    if scope.plain:  # the one declaration, right after the name when the element makes none
        at = text.find(b" ")
        if text.startswith(_PLAIN, at):
            return text[:at] + text[at + len(_PLAIN):]
    at = _START.match(text).end()
    kept = [text[:at]]
    while (m := _DECLARATION.match(text, at)) is not None:
        prefix = m.group(1).decode("utf-8") if m.group(1) is not None else None
        uri = (m.group(2) if m.group(2) is not None else m.group(3)).decode("utf-8")
        if scope.nsmap.get(prefix, _NOWHERE) != uri:
            kept.append(m.group(0))
        at = m.end()
    kept.append(text[at:])
    return b"".join(kept)


_PLAIN = f' xmlns="{model.NS}"'.encode("ascii")
_NOWHERE = object()

# the namespace declarations that open a start tag as libxml2 writes them (before any attribute)
_START = re.compile(rb"<[^\s/>]+")
_DECLARATION = re.compile(rb"""\s+xmlns(?::([^\s=]+))?=(?:"([^"]*)"|'([^']*)')""")


class _Tags:
    """Start and end tags of structural elements, made by lxml's serialiser (its escaping of
    attribute values, its namespace prefixes) from an empty element of the same name,
    attributes and namespaces, and kept: a table's 100,000 rows share one ``<row>``. Kept
    up to a number (sections each have their own id), so that what is kept stays small."""

    KEPT = 1024

    def __init__(self) -> None:
        self._made: dict[tuple, tuple[bytes, bytes]] = {}

    def of(self, el: etree._Element, scope: _Scope, inner: _Scope) -> tuple[bytes, bytes]:
        """``<name …>`` and ``</name>`` of el, which declares the namespaces in scope inside
        it (``inner``) that are not in its parent's (``scope``)."""
        key = (el.tag, tuple(el.items()), scope.key, inner.key)
        tags = self._made.get(key)
        if tags is None:
            empty = etree.tostring(etree.Element(el.tag, el.attrib, nsmap=inner.nsmap), encoding="UTF-8")
            start = _inherited_off(empty, scope)[:-2] + b">"  # "<name …/>" → "<name …>"
            tags = start, b"</" + _START.match(start).group(0)[1:] + b">"
            if len(self._made) >= self.KEPT:
                self._made.clear()
            self._made[key] = tags
        return tags
