"""Read-only views of a model: its metadata and its outline (what `converter inspect` shows)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from . import XML_LANG, child, children, plain_text, q, tag_of

_HEADING_END = "。．.：:"


@dataclass(frozen=True)
class Metadata:
    """Document properties every writer puts in its own metadata slots."""

    title: str
    lang: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None  # ISO YYYY-MM-DD
    subject: str | None = None
    keywords: tuple[str, ...] = ()
    docnumber: str | None = None


def metadata(doc: etree._Element) -> Metadata:
    """Metadata from <meta>, falling back to what the text says (the signature)."""
    meta = child(doc, "meta")
    sig = doc.find(f"{q('closing')}/{q('signature')}")
    authors = [a.text or "" for a in meta.iterfind(q("author"))] if meta is not None else []
    if not authors and sig is not None:
        authors = [i.text or "" for i in sig.iterfind(q("issuer"))]
    date_el = meta.find(q("date")) if meta is not None else None
    if date_el is None and sig is not None:
        date_el = sig.find(q("date"))
    subject = meta.findtext(q("subject")) if meta is not None else None
    keywords = tuple(k.text or "" for k in meta.iterfind(q("keyword"))) if meta is not None else ()
    sub = child(doc, "subtitle")
    num = child(doc, "docnumber")
    return Metadata(
        title=_squash(plain_text(child(doc, "title"))),
        lang=doc.get(XML_LANG, "und"),
        subtitle=_squash(plain_text(sub)) if sub is not None else None,
        authors=tuple(a for a in authors if a),
        date=date_el.get("value") if date_el is not None else None,
        subject=subject,
        keywords=keywords,
        docnumber=_squash(plain_text(num)) if num is not None else None,
    )


def heading_text(heading: etree._Element) -> str:
    """A heading's words: without its numbering and without a final full stop or colon."""
    parts = [heading.text or ""]
    for c in heading:
        if tag_of(c) not in ("number", "footnote"):
            parts.append(words(c))
        parts.append(c.tail or "")
    return _squash("".join(parts)).rstrip(_HEADING_END).strip()


def words(el: etree._Element) -> str:
    """Text of an element without the footnotes inside it."""
    parts = [el.text or ""]
    for c in el:
        if tag_of(c) != "footnote":
            parts.append(words(c))
        parts.append(c.tail or "")
    return "".join(parts)


def heading_label(heading: etree._Element) -> str:
    """A heading as a reader names it: numbering and words as written, no final full stop
    ("一、总体情况", "2.1 Procurement"): for bookmarks and tables of contents."""
    return _squash(words(heading)).rstrip(_HEADING_END).strip()


def number_text(el: etree._Element) -> str:
    """The numbering as written ('' when the element has none)."""
    num = child(el, "number")
    return (num.text or "").strip() if num is not None else ""


@dataclass
class OutlineEntry:
    level: int
    number: str
    heading: str
    runin: bool
    id: str | None
    sections: list["OutlineEntry"] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "level": self.level,
            "number": self.number,
            "heading": self.heading,
            "runin": self.runin,
            "sections": [s.as_json() for s in self.sections],
        }


def sections(parent: etree._Element) -> list[OutlineEntry]:
    """The section tree under a body or section element."""
    out = []
    for sec in parent.iterfind(q("section")):
        head = child(sec, "heading")
        out.append(
            OutlineEntry(
                level=int(sec.get("level")),
                number=number_text(head),
                heading=heading_text(head),
                runin=sec.get("runin") in ("true", "1"),
                id=sec.get("id"),
                sections=sections(sec),
            )
        )
    return out


def outline(doc: etree._Element) -> dict:
    """The structure a reader found, in the fixed shape of `converter inspect --json`."""
    meta = metadata(doc)
    addressee = child(doc, "addressee")
    closing = child(doc, "closing")
    attachments: list[str] = []
    issuer = date = None
    if closing is not None:
        for att in closing.iter(q("attachment")):
            attachments.append(heading_text(att))
        sig = child(closing, "signature")
        if sig is not None:
            issuers = [i.text or "" for i in sig.iterfind(q("issuer"))]
            issuer = " ".join(issuers) or None
            d = child(sig, "date")
            date = d.get("value") if d is not None else None
    return {
        "title": meta.title,
        "lang": meta.lang,
        "addressee": _squash(plain_text(addressee)) if addressee is not None else None,
        "sections": [s.as_json() for s in sections(child(doc, "body"))],
        "attachments": attachments,
        "signature": {"issuer": issuer, "date": date},
    }


def _squash(s: str) -> str:
    return " ".join(s.split())


__all__ = ["Metadata", "metadata", "outline", "sections", "heading_text", "heading_label", "number_text", "OutlineEntry", "children"]
