"""The document's properties (docProps/core.xml) as the model's metadata: author, subject, keywords.

Only what is not the text's: the title is the document's first lines, not dc:title. The author
is kept unless it is the author the text gives already (the signature's issuing body, which our
DOCX writer records there).
"""
from __future__ import annotations

from lxml import etree

from ... import model
from ...model.outline import metadata

_NS = {"dc": "http://purl.org/dc/elements/1.1/",
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
    if not (authors or subject or keywords):
        return
    meta = doc.find(model.q("meta"))
    if meta is None:
        meta = model.new("meta")
        doc.insert(0, meta)
    for a in authors:
        model.new("author", a, meta)
    if subject:
        model.new("subject", subject, meta)
    for k in keywords:
        model.new("keyword", k, meta)
