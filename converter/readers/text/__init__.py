"""The plain-text reader: official documents (GB/T 9704, as people paste them) and English reports.

The modules, in the order they read a text: ``lines`` (the source's lines), ``record`` (a
web page's metadata block), ``front`` (版头, title, addressee), ``parts`` (where the closing
is and what follows it: attachment bodies, enclosed documents, 版记), ``closing`` (附件说明,
signature, 附注), ``tables`` and ``sections`` (the body's structure). ``shapes`` and
``..report_patterns`` say what the lines look like.
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from ... import model
from ...errors import Diagnostic, InputError
from ...model import new
from .. import report_patterns as rp
from ..decode import normalize_line_ends, read_text
from . import attendance, formats, shapes
from .lines import SHORT_CJK, SHORT_LATIN, Line, split_lines
from .parts import Reader
from .record import meta_from, record_at
from .tables import _PIPE_RULE

__all__ = ["TextReader", "parse_report", "Line"]


class TextReader:
    """Reads a plain-text report (Chinese official genre or English) into the canonical model."""

    suffixes = (".txt", ".text")

    def __init__(self) -> None:
        #: what the last read() noticed (a text read as plain paragraphs …)
        self.diagnostics: list[Diagnostic] = []

    def read(self, path: Path) -> etree._Element:
        self.diagnostics = []
        return parse_report(read_text(path), self.diagnostics)


def parse_report(text: str, diagnostics: list[Diagnostic] | None = None) -> etree._Element:
    """Build the canonical model of a report from its decoded text (any line ends).

    A text the reader cannot place into the shape of a document (its reading would lose or
    reorder a character, or break the schema) is read as plain paragraphs, with a warning.
    """
    text = normalize_line_ends(text)
    lines = split_lines(text)
    if not lines:
        raise InputError("no text to convert", line=1)
    lang = rp.detect_lang(text)
    try:
        doc = _structured(lines, lang)
        model.validate(doc)
        if _ink(model.plain_text(doc)) != _ink(text):
            raise ValueError("the structured reading does not keep the text")
    except (ValueError, LookupError, AttributeError, TypeError, model.SchemaError) as e:
        doc = _plain(lines, lang)
        if diagnostics is not None:
            diagnostics.append(Diagnostic("warning", f"read as plain paragraphs: the text does not fit the shape "
                                          f"of a document ({e})", None, lines[0].number))
    return doc


def _structured(lines: list[Line], lang: str) -> etree._Element:
    cjk = lang.startswith("zh")
    doc = new("document", version=model.VERSION)
    doc.set(model.XML_LANG, lang)
    i, record = record_at(lines, 0)
    if record is not None:
        meta = meta_from(record)
        if meta is not None:
            doc.append(meta)
        doc.append(record)
        if i >= len(lines):
            raise ValueError("nothing but a web page's record")
    Reader(lines, cjk, SHORT_CJK if cjk else SHORT_LATIN).read(doc, i)
    if cjk:
        attendance.gather(doc)
        formats.minutes_style(doc)
        formats.letter_style(doc)
    _keywords_from_colophon(doc)
    return doc


def _keywords_from_colophon(doc: etree._Element) -> None:
    """主题词 in the 版记 (documents before GB/T 9704-2012) are the document's keywords."""
    meta = model.child(doc, "meta")
    if meta is not None and meta.find(model.q("keyword")) is not None:
        return
    for p in doc.iterfind(f"{model.q('colophon')}/{model.q('p')}"):
        m = shapes.KEYWORDS.match(p.text or "")
        if not m:
            continue
        if meta is None:
            meta = new("meta")
            doc.insert(0, meta)
        for word in shapes.split_names(p.text[m.end():]):
            new("keyword", word, meta)


def _plain(lines: list[Line], lang: str) -> etree._Element:
    """The first line as the title, every other line a paragraph."""
    doc = new("document", version=model.VERSION)
    doc.set(model.XML_LANG, lang)
    model.set_line(new("title", lines[0].text, doc), lines[0].number)
    body = new("body", parent=doc)
    for line in lines[1:]:
        model.set_line(new("p", line.text, body), line.number)
    return doc


def _ink(text: str) -> str:
    """The characters a reading must keep: no whitespace, no pipe-table markup."""
    kept = (line for line in text.split("\n") if not _PIPE_RULE.match(line.strip()) or not line.strip())
    return "".join("".join(kept).split()).replace("|", "")
