"""The document's properties (docProps/core.xml) as the model's metadata: author, subject, keywords.

Only what is not the text's: the title is the document's first lines, not dc:title. The author
is kept unless it is the signature's issuing body (which our DOCX writer records there).
"""
from __future__ import annotations

from lxml import etree

from ... import model

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
    issuers = "; ".join(i.text or "" for i in doc.iter(model.q("issuer")))
    authors = [a.strip() for a in creator.split(";") if a.strip()] if creator and creator != issuers else []
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
