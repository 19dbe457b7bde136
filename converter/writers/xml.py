"""The canonical model itself, as an XML file."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from lxml import etree

from .. import model
from ..context import BuildContext
from ..style import ResolvedStyle


class XmlWriter:
    suffix = ".xml"

    def write(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> None:
        target.write_bytes(serialize(doc))


def serialize(doc: etree._Element) -> bytes:
    """The model as indented UTF-8 XML with a declaration (stable bytes for the same model)."""
    with _indented(doc):
        return etree.tostring(doc, xml_declaration=True, encoding="UTF-8") + b"\n"


@contextmanager
def _indented(doc: etree._Element) -> Iterator[None]:
    """The model indented in place (model.indent) while the block runs, and as it was after it:
    no copy of the model is made (100,000 table rows are a model of 400,000 elements), and only
    the text it had where indent writes is kept aside (a model read in holds none:
    readers strip it, model.strip_formatting)."""
    structural = [model.q(tag) for tag in sorted(model.STRUCTURAL)]
    kept = []
    for node in doc.iter(*structural):  # where indent writes: their text, their children's tails
        if node.text is not None:
            kept.append((node, "text", node.text))
        kept += [(c, "tail", c.tail) for c in node if c.tail is not None]
    model.indent(doc)
    try:
        yield
    finally:
        for node in doc.iter(*structural):
            if len(node):
                node.text = None
                for c in node:
                    c.tail = None
        for node, kind, value in kept:
            setattr(node, kind, value)
