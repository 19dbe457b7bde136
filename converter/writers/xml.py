"""The canonical model itself, as an XML file."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .. import model
from ..context import BuildContext
from ..style import ResolvedStyle


class XmlWriter:
    suffix = ".xml"

    def write(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> None:
        target.write_bytes(serialize(doc))


def serialize(doc: etree._Element) -> bytes:
    """The model as indented UTF-8 XML with a declaration (stable bytes for the same model).

    Indented in place and put back as it was afterwards, rather than indenting a copy: a copy
    of a model of 340,000 elements is another 130 MB."""
    kept = [(el, part, value) for el, part, value in _formatting(doc) if value is not None]
    try:
        model.indent(doc)
        return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", with_tail=False) + b"\n"
    finally:
        _unindent(doc)
        for el, part, value in kept:
            setattr(el, part, value)


def _formatting(el: etree._Element) -> Iterator[tuple[etree._Element, str, str | None]]:
    """The texts model.indent replaces (it goes where it goes), as they are now."""
    if model.tag_of(el) not in model.STRUCTURAL or not len(el):
        return
    yield el, "text", el.text
    for c in el:
        yield from _formatting(c)
        yield c, "tail", c.tail


def _unindent(el: etree._Element) -> None:
    """The texts model.indent set, emptied."""
    if model.tag_of(el) not in model.STRUCTURAL or not len(el):
        return
    el.text = None
    for c in el:
        _unindent(c)
        c.tail = None
