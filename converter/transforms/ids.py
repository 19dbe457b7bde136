"""Give every section a stable id from its position (sec-2-1), for links, bookmarks and the TOC."""
from __future__ import annotations

from lxml import etree

from ..model import q
from ..model.identifiers import unique_identifier as _unique


def assign_ids(doc: etree._Element) -> None:
    """Set ``id`` on sections, attachment bodies, enclosed documents and footnotes that lack one;
    ids come from position, never chance."""
    taken = {el.get("id") for el in doc.iter() if el.get("id")}

    def walk(parent: etree._Element, prefix: str) -> None:
        for n, sec in enumerate(parent.iterfind(q("section")), start=1):
            ident = f"{prefix}-{n}"
            if not sec.get("id"):
                sec.set("id", _unique(ident, taken))
            walk(sec, ident)

    body = doc.find(q("body"))
    if body is not None:
        walk(body, "sec")
    # attachment bodies and enclosed documents, and the sections inside them
    for tag in ("annex", "enclosure"):
        for n, part in enumerate(doc.iterfind(q(tag)), start=1):
            if not part.get("id"):
                part.set("id", _unique(f"{tag}-{n}", taken))
            inner = part.find(q("body")) if tag == "enclosure" else part
            if inner is not None:
                walk(inner, f"{part.get('id')}-sec")
    for n, note in enumerate(doc.iter(q("footnote")), start=1):
        if not note.get("id"):
            note.set("id", _unique(f"fn-{n}", taken))


#: ids come early: later passes (links, tables of contents) refer to sections by id
assign_ids.priority = 100
