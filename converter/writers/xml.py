"""The canonical model itself, as an XML file."""
from __future__ import annotations

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
    """The model as indented UTF-8 XML with a declaration (stable bytes for the same model)."""
    copy = etree.fromstring(etree.tostring(doc))
    model.indent(copy)
    return etree.tostring(copy, xml_declaration=True, encoding="UTF-8") + b"\n"
