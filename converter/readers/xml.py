"""Reading the canonical XML model back, safely: no DTD, no entities, no network."""
from __future__ import annotations

import io
import re
from pathlib import Path

from lxml import etree

from .. import model
from ..errors import InputError
from .decode import MAX_SOURCE_BYTES

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


class XmlReader:
    suffixes = (".xml",)

    def read(self, path: Path) -> etree._Element:
        name = str(path)
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                raise InputError(f"file is larger than {MAX_SOURCE_BYTES:,} bytes", name)
            data = path.read_bytes()
        except OSError as e:
            raise InputError(f"cannot read: {e.strerror or e}", name) from None
        return parse_xml(data, name)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse canonical XML; a DOCTYPE or entity declaration is refused, not expanded."""
    if not data.strip():
        raise InputError("file is empty", name, 1)
    m = _DOCTYPE.search(data)
    if m:
        line = data.count(b"\n", 0, m.start()) + 1
        raise InputError("DOCTYPE and entity declarations are not allowed in canonical XML", name, line)
    # indentation stripped as the parser goes (model.strip_formatting_parsed: no heap of holes)
    parsing = etree.iterparse(io.BytesIO(data), events=("end",), resolve_entities=False, no_network=True,
                              load_dtd=False, dtd_validation=False, huge_tree=False, remove_pis=True,
                              remove_comments=True)
    try:
        for _, element in parsing:
            model.strip_formatting_parsed(element)
        root = parsing.root
    except etree.XMLSyntaxError as e:
        raise InputError(f"not well-formed XML: {e.msg}", name, e.lineno) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:  # one the byte search missed (UTF-16, say)
        raise InputError("DOCTYPE and entity declarations are not allowed in canonical XML", name,
                         _doctype_line(data, info.encoding))
    if root.tag != model.q("document"):
        raise InputError(f"not a canonical document: the root element is {root.tag}, "
                         f"expected {{{model.NS}}}document", name, root.sourceline)
    model.validate(root, name)
    return root


def _doctype_line(data: bytes, encoding: str | None) -> int | None:
    try:
        text = data.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        return None
    at = text.upper().find("<!DOCTYPE")
    return text.count("\n", 0, at) + 1 if at >= 0 else None
