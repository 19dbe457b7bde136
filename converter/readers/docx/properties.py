"""The document's properties (docProps/core.xml) as the model's metadata: author, subject, keywords.

Only what is not the text's: the title is the document's first lines, not dc:title. The author
is kept unless it is the author the text gives already (the signature's issuing body, which our
DOCX writer records there).
"""
from __future__ import annotations

import re

from lxml import etree

from ... import model
from ...model.outline import metadata

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NS = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
       "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}


def add_properties(doc: etree._Element, pkg) -> None:
    part = pkg.related("", "core-properties") or ("docProps/core.xml" if pkg.has("docProps/core.xml") else None)
    root = pkg.xml(part) if part else None
    if root is None:
        return
    creator = (root.findtext("dc:creator", "", _NS) or "").strip()
    subject = (root.findtext("dc:subject", "", _NS) or "").strip()
    keywords = [k.strip() for k in (root.findtext("cp:keywords", "", _NS) or "").replace("；", ",").replace(";", ",")
                .replace("，", ",").split(",") if k.strip()]
    # the author the text already gives (the signature's issuing body), which our writer records
    derived = [a.strip() for a in "; ".join(metadata(doc).authors).split(";")]
    authors = [a.strip() for a in creator.split(";") if a.strip()]
    if authors == [a for a in derived if a]:
        authors = []
    created = (root.findtext("dcterms:created", "", _NS) or "").strip()[:10]
    date = _drop_title_block(doc, authors, created)
    if not (authors or subject or keywords or date):
        return
    meta = doc.find(model.q("meta"))
    if meta is None:
        meta = model.new("meta")
        doc.insert(0, meta)
    for a in authors:
        model.new("author", a, meta)
    if date:
        model.new("date", date, meta, value=date)
    if subject:
        model.new("subject", subject, meta)
    for k in keywords:
        model.new("keyword", k, meta)


def _drop_title_block(doc: etree._Element, authors: list[str], created: str) -> str | None:
    """Our writers print the front matter's authors and date under the title
    (model.outline.title_block); the paragraphs that open the body with exactly those words (the
    authors joined as the properties name them, then a date: the properties' own, or an ISO
    date, since SOURCE_DATE_EPOCH may have stamped the properties with another) are that
    metadata again, not text. Returns the date when its paragraph was one of them."""
    body = doc.find(model.q("body"))
    if body is None or doc.find(model.q("title")) is None:
        return None
    expected = ([("authors", ", ".join(authors))] if authors else []) + [("date", created)]
    found_date = None
    for kind, text in expected:
        first = body[0] if len(body) else None
        words = (first.text or "").strip() if first is not None and model.tag_of(first) == "p" and not len(first) else None
        if kind == "date" and words and _ISO_DATE.fullmatch(words):
            text = words
        if words and words == text:
            body.remove(first)
            if kind == "date":
                found_date = text
    return found_date
