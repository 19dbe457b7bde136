"""Read-only views of a model: its metadata and its outline (what `converter inspect` shows)."""
from __future__ import annotations

import re
import unicodedata
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
    record = record_fields(doc) or {}
    title = _squash(plain_text(own_title(doc))) or record.get("标题", "")
    return Metadata(
        title=title,
        lang=doc.get(XML_LANG, "und"),
        subtitle=_squash(plain_text(sub)) if sub is not None else None,
        authors=tuple(a for a in authors if a),
        date=date_el.get("value") if date_el is not None else None,
        subject=subject,
        keywords=keywords,
        docnumber=docnumber(doc),
    )


def own_title(doc: etree._Element) -> etree._Element | None:
    """The document's title: its own, or, for a document that is an attachment (附件4 and its
    title first), that attachment body's title."""
    title = child(doc, "title")
    if title is None and len(doc) and tag_of(first_part(doc)) == "annex":
        title = child(first_part(doc), "title")
    return title


def main_flow(doc: etree._Element) -> etree._Element | None:
    """Where the document's own sections are: its body, or the attachment body it is."""
    body = child(doc, "body")
    if body is None and tag_of(first_part(doc)) == "annex":
        return first_part(doc)
    return body


def first_part(doc: etree._Element) -> etree._Element | None:
    """The first element of the document's text (after its meta and record)."""
    return next((c for c in children(doc) if tag_of(c) not in ("meta", "record")), None)


#: record labels that name the document number (the title's is 标题)
_RECORD_DOCNUMBER = ("发文字号", "文号")


def docnumber(doc: etree._Element) -> str | None:
    """The 发文字号 as written (without brackets around it), from the 版头 or under the title,
    else from a web page's record; None when the document has none."""
    for el in [child(doc, "docnumber")] + [child(m, "docnumber") for m in doc.iterfind(q("masthead"))]:
        if el is not None:
            return _squash(plain_text(el)).strip("（）()")
    record = record_fields(doc) or {}
    return next((record[k] for k in _RECORD_DOCNUMBER if record.get(k)), None)


def record_fields(doc: etree._Element) -> dict[str, str] | None:
    """A web page's metadata record as label → value: labels without spaces and colon, values
    as written (None when the document has no record)."""
    records = [r for r in doc.iterfind(q("record"))]
    if not records:
        return None
    out: dict[str, str] = {}
    for rec in records:
        for fld in rec.iterfind(q("field")):
            label = "".join((fld.findtext(q("label")) or "").split()).rstrip("：:")
            out.setdefault(label, (fld.findtext(q("value")) or "").strip())
    return out


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
    return " ".join(words(heading).split()).rstrip(_HEADING_END).strip()


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
    """The section tree under a body or section element (none under None)."""
    out = []
    if parent is None:
        return out
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


@dataclass
class NavEntry:
    """An entry of a document's navigation (PDF bookmarks, EPUB table of contents)."""

    element: etree._Element  # a section, annex or enclosure (its id is the link target)
    label: str
    entries: list["NavEntry"] = field(default_factory=list)


def navigation(doc: etree._Element) -> list[NavEntry]:
    """What a reader navigates by: the body's sections, then each attachment body (its label
    and title) and each enclosed document (its title), with their own sections under them."""

    def nav(parent: etree._Element | None) -> list[NavEntry]:
        if parent is None:
            return []
        return [NavEntry(sec, heading_label(child(sec, "heading")), nav(sec)) for sec in parent.iterfind(q("section"))]

    out = nav(child(doc, "body"))
    for part in children(doc):
        if tag_of(part) == "annex":
            label_el = child(part, "label")  # its text may follow a print page marker
            label = " ".join(plain_text(label_el).split()) if label_el is not None else ""
            title = child(part, "title")
            words_ = " ".join(plain_text(title).split()) if title is not None else ""
            out.append(NavEntry(part, f"{label} {words_}".strip(), nav(part)))
        elif tag_of(part) == "enclosure":
            out.append(NavEntry(part, " ".join(plain_text(child(part, "title")).split()), nav(child(part, "body"))))
    return out


def outline(doc: etree._Element) -> dict:
    """The structure a reader found, in the fixed shape of `converter inspect --json`."""
    meta = metadata(doc)
    addressee = child(doc, "addressee")
    closing = child(doc, "closing")
    attachments: list[str] = []
    if closing is not None:
        for att in closing.iter(q("attachment")):
            attachments.append(_squash(heading_text(att)))
    masthead = _masthead_parts(doc)
    return {
        "title": meta.title,
        "lang": meta.lang,
        "addressee": _squash(plain_text(addressee)) if addressee is not None else None,
        "sections": [s.as_json() for s in sections(main_flow(doc))],
        "attachments": attachments,
        "signature": signature_of(closing),
        "docnumber": meta.docnumber,
        **masthead,
        "cc": cc_bodies(doc),
        "printer": printer_of(doc),
        "attachment_bodies": [{"label": _tight(a.findtext(q("label")) or "").rstrip("：:.．"),
                               "title": _text_or_none(child(a, "title"))} for a in doc.iterfind(q("annex"))],
        "enclosures": [enclosure_of(e) for e in doc.iterfind(q("enclosure"))],
        "tables": sum(1 for _ in doc.iter(q("table"))),
        "record": record_fields(doc),
    }


def signature_of(closing: etree._Element | None) -> dict:
    """{"issuer", "date"} of a closing's signature (issuer lines joined by a space)."""
    issuer = date = None
    sig = child(closing, "signature") if closing is not None else None
    if sig is not None:
        issuer = " ".join(i.text or "" for i in sig.iterfind(q("issuer"))) or None
        d = child(sig, "date")
        date = d.get("value") if d is not None else None
    return {"issuer": issuer, "date": date}


def _masthead_parts(doc: etree._Element) -> dict:
    """份号, 密级, 紧急程度, 发文机关标志 lines and 签发人 of the document's own 版头."""
    found: dict = {"copy_number": None, "secrecy": None, "urgency": None, "issuing_mark": [], "signers": []}
    for head in doc.iterfind(q("masthead")):
        for key, tag in (("copy_number", "copy-number"), ("secrecy", "secrecy"), ("urgency", "urgency")):
            el = child(head, tag)
            if el is not None and found[key] is None:
                found[key] = _squash(el.text or "")
        mark = child(head, "mark")
        if mark is not None:
            found["issuing_mark"] += mark_lines(mark)
        found["signers"] += [s.text or "" for s in head.iter(q("signer"))]
    return found


def mark_lines(mark: etree._Element) -> list[str]:
    """The 发文机关标志 as its lines: each issuing body with the words written after it (文件)."""
    lines = []
    for issuer in mark.iterfind(q("issuer")):
        lines.append(_tight((issuer.text or "") + " " + (issuer.tail or "")))
    if lines and (mark.text or "").strip():
        lines[0] = _squash(mark.text) + lines[0]
    return lines


#: what separates the bodies of a 抄送 line
_CC_SPLIT = "，、,；;"


def cc_bodies(doc: etree._Element) -> list[str]:
    """The bodies after 抄送：, split at commas, without the final full stop."""
    out: list[str] = []
    for colophon in doc.iterfind(q("colophon")):
        for cc in colophon.iterfind(q("cc")):
            text = _squash(plain_text(cc))
            for sep in "：:":
                if sep in text:
                    text = text.split(sep, 1)[1]
                    break
            out += [part.strip() for part in _split_outside_brackets(text.strip().rstrip("。."), _CC_SPLIT)
                    if part.strip()]
    return out


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split at separators that are not inside brackets: 各县（市、区）语委办 stays one body."""
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "（(〔[【":
            depth += 1
        elif ch in "）)〕]】":
            depth = max(depth - 1, 0)
        elif ch in separators and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    return parts + [text[start:]]


def printer_of(doc: etree._Element) -> dict:
    """{"body", "date"} of the 版记's 印发 line."""
    for colophon in doc.iterfind(q("colophon")):
        printer = child(colophon, "printer")
        if printer is not None:
            body = child(printer, "issuer")
            date = child(printer, "date")
            return {"body": _squash(body.text or "") if body is not None else None,
                    "date": date.get("value") if date is not None else None}
    return {"body": None, "date": None}


def enclosure_of(enc: etree._Element) -> dict:
    """An enclosed document: its title, and issuer and date from its byline, else its signature."""
    byline = child(enc, "byline")
    issuer = date = None
    if byline is not None:
        i, d = child(byline, "issuer"), child(byline, "date")
        issuer = _squash(i.text or "") if i is not None else None
        date = d.get("value") if d is not None else None
    sig = signature_of(child(enc, "closing"))
    return {"title": _text_or_none(child(enc, "title")) or "", "issuer": issuer or sig["issuer"],
            "date": date or sig["date"]}


def _text_or_none(el: etree._Element | None) -> str | None:
    return (_squash(plain_text(el)) or None) if el is not None else None


def _squash(s: str) -> str:
    """Whitespace as a reader means it: runs become one space, and a space between two wide
    (CJK) characters goes when it is letter-spacing — a single character on either side
    (协 调 委 员 会, 王 琛) — and stays between two names (中共某委员会 某学校)."""
    words = s.split()
    out = words[:1]
    for prev, word in zip(words, words[1:]):
        spacing = _is_wide(prev[-1]) and _is_wide(word[0]) and (len(prev) == 1 or len(word) == 1)
        if not spacing:
            out.append(" ")
        out.append(word)
    return "".join(out)


def _tight(s: str) -> str:
    """No space next to a wide character at all: 附件 2 → 附件2 (Latin words keep theirs)."""
    words = s.split()
    out = words[:1]
    for word in words[1:]:
        if not (_is_wide(out[-1][-1]) or _is_wide(word[0])):
            out.append(" ")
        out.append(word)
    return "".join(out)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


__all__ = ["Metadata", "metadata", "outline", "navigation", "NavEntry", "docnumber", "record_fields", "sections", "heading_text", "heading_label", "number_text", "OutlineEntry", "children"]


# --- the title block ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TitleBlock:
    """What every output prints under the title (and subtitle): the front matter's authors and
    date that the text itself does not show (a report's signature already names its issuer)."""

    authors: tuple[str, ...] = ()
    date: str | None = None  # as written in the front matter

    @property
    def lines(self) -> list[str]:
        """The block's lines: the authors joined, then the date."""
        return [t for t in (", ".join(self.authors), self.date) if t]


def title_block(doc: etree._Element) -> TitleBlock:
    """The document's title block (see TitleBlock): empty without a title or without metadata,
    and for a document that signs itself (an official document: its signature names the
    issuer, and its metadata's authors are the issuing bodies, GB/T 9704 prints none under the
    title)."""
    meta = child(doc, "meta")
    if meta is None or child(doc, "title") is None or signs_itself(doc):
        return TitleBlock()
    shown = re.sub(r"\s+", "", plain_text(doc))
    authors = tuple(a.text.strip() for a in meta.iterfind(q("author"))
                    if a.text and a.text.strip() and re.sub(r"\s+", "", a.text) not in shown)
    date_el = meta.find(q("date"))
    date = (date_el.text or date_el.get("value") or "").strip() if date_el is not None else ""
    dated = {d.get("value") for d in doc.iter(q("date")) if d.getparent() is not meta}
    if date and (re.sub(r"\s+", "", date) in shown or date_el.get("value") in dated):
        date = ""  # the text shows it (a signature's date, written its own way)
    return TitleBlock(authors, date or None)


def signs_itself(doc: etree._Element) -> bool:
    """Whether the document closes with a signature (a letter, an official document): its
    issuer is named there, not under its title, and its head is its first page."""
    return doc.find(f"{q('closing')}/{q('signature')}") is not None


def ends_title(el: etree._Element) -> bool:
    """Whether the title block goes right after this title or subtitle (the last of them)."""
    nxt = el.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    return not (nxt is not None and etree.QName(nxt).localname == "subtitle")
