"""The plain-text report reader: title, addressee, numbered sections, leads, attachments, signature."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .. import model
from ..errors import InputError
from ..model import new
from . import report_patterns as rp
from .decode import normalize_line_ends, read_text

#: lines longer than this are body text, not an addressee, signature or own-line heading
SHORT_CJK = 40
SHORT_LATIN = 80
#: a numbered Latin line this short without a full stop is a heading on its own line, even
#: when the body follows on the next line without a blank line (hard-wrapped lines are longer)
HEADING_LINE_LATIN = 60


@dataclass
class Line:
    number: int  # 1-based line number in the source
    text: str  # stripped of indentation and trailing blanks
    indented: bool
    blank_before: bool


class TextReader:
    """Reads a plain-text report (Chinese official genre or English) into the canonical model."""

    suffixes = (".txt", ".text")

    def read(self, path: Path) -> etree._Element:
        return parse_report(read_text(path))


def parse_report(text: str) -> etree._Element:
    """Build the canonical model of a report from its decoded text (any line ends)."""
    text = normalize_line_ends(text)
    lines = _lines(text)
    if not lines:
        raise InputError("no text to convert", line=1)
    lang = rp.detect_lang(text)
    cjk = lang.startswith("zh")
    short = SHORT_CJK if cjk else SHORT_LATIN
    doc = new("document", version=model.VERSION)
    doc.set(model.XML_LANG, lang)

    i = 0
    if len(lines) > 1 and rp.DOCNUMBER.match(lines[0].text):
        new("docnumber", lines[0].text, doc)
        i = 1
    new("title", lines[i].text, doc)
    i += 1
    if i < len(lines) and lines[i].text.startswith("—") and not lines[i].blank_before:
        new("subtitle", lines[i].text, doc)
        i += 1
    if i < len(lines) and _is_addressee(lines[i].text, short):
        new("addressee", lines[i].text, doc)
        i += 1

    end, closing = _closing(lines, i, short)
    body = new("body", parent=doc)
    _Sections(body, cjk, short).add_all(_paragraphs(lines[i:end], cjk))
    if closing is not None:
        doc.append(closing)
    return doc


def _lines(text: str) -> list[Line]:
    out: list[Line] = []
    blank = False
    for n, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        out.append(Line(n, stripped, indented=raw[:1].isspace(), blank_before=blank))
        blank = False
    return out


def _is_addressee(text: str, short: int) -> bool:
    return (len(text) <= short and text[-1] in "：:" and "。" not in text
            and rp.match_numbering(text) is None and not rp.ATTACHMENT_LABEL.match(text))


def _closing(lines: list[Line], start: int, short: int) -> tuple[int, etree._Element | None]:
    """Find the closing parts at the end; returns where the body ends and the <closing> element."""
    end = len(lines)
    remarks: list[Line] = []
    # a remark line (附注, in parentheses) follows the date
    while end - 1 > start and rp.REMARK.match(lines[end - 1].text) and rp.parse_date(lines[end - 2].text):
        end -= 1
        remarks.insert(0, lines[end])
    date_line = None
    if end - 1 > start and rp.parse_date(lines[end - 1].text):
        end -= 1
        date_line = lines[end]
    else:
        end += len(remarks)  # no date: those were ordinary paragraphs
        remarks = []
    issuers: list[Line] = []
    if date_line is not None:
        # the issuing body: up to three short lines right above the date; a blank line above
        # one of them separates the signature block from the body or the attachment note
        while (end - 1 > start and len(issuers) < 3 and _is_signature_line(lines[end - 1].text, short)):
            end -= 1
            issuers.insert(0, lines[end])
            if lines[end].blank_before:
                break
    end, attachments = _attachments(lines, start, end, short)

    if date_line is None and attachments is None:
        return len(lines), None
    closing = new("closing")
    if attachments is not None:
        closing.append(attachments)
    if date_line is not None:
        sig = new("signature", parent=closing)
        for line in issuers:
            new("issuer", line.text, sig)
        new("date", date_line.text, sig, value=rp.parse_date(date_line.text))
    for line in remarks:
        new("remark", line.text, closing)
    return end, closing


def _is_signature_line(text: str, short: int) -> bool:
    # numbered lines (attachment items such as 2.2024年度分工方案) are never an issuing body
    return (len(text) <= short // 2 + 4 and text[-1] not in "。；;，,：:.!?！？"
            and not rp.starts_with_number(text) and rp.match_numbering(text) is None
            and not rp.ATTACHMENT_LABEL.match(text))


def _attachments(lines: list[Line], start: int, end: int, short: int) -> tuple[int, etree._Element | None]:
    """The attachment note (附件：1.… with continuation lines) at the end of lines[start:end].

    Only the last 附件 label is considered, and everything after it must be attachment items
    (numbered 1, 2, 3 … in order) or wrapped names; otherwise the label is body text.
    """
    k = next((k for k in range(end - 1, start - 1, -1) if rp.ATTACHMENT_LABEL.match(lines[k].text)), None)
    if k is None:
        return end, None
    label = rp.ATTACHMENT_LABEL.match(lines[k].text)
    node = new("attachments")
    first = lines[k].text[label.end():]
    # spaces between the parts are kept as written: Latin text needs them ("Attachments: 1. Budget")
    new("label", lines[k].text[: label.end()] + first[: len(first) - len(first.lstrip())], node)
    items: list[etree._Element] = []
    for text in [first.strip()] + [ln.text for ln in lines[k + 1 : end]]:
        if not text:
            continue
        number = rp.attachment_number(text, len(items) + 1)
        if number is not None:
            item = new("attachment", parent=node)
            new("number", number, item).tail = text[len(number):]
            items.append(item)
        elif not _is_attachment_name(text, short):
            return end, None
        elif not items:  # a single attachment, not numbered
            items.append(new("attachment", text, node))
        else:  # a wrapped attachment name continues the previous one
            model.append_text(items[-1], text)
    if not items:
        return end, None
    return k, node


def _is_attachment_name(text: str, short: int) -> bool:
    """Attachment names are short and carry no punctuation after them (GB/T 9704)."""
    return len(text) <= short and text[-1] not in "。；;，,：:！？!?"


def _paragraphs(lines: list[Line], cjk: bool) -> list[tuple[int, str]]:
    """Group lines into paragraphs: (first line number, text).

    Chinese reports keep one paragraph per line. Latin text may be hard-wrapped, so a
    paragraph runs until a blank line, an indented line, a numbered line that follows the
    end of a sentence, or the line after a numbered heading that stands on its own line.
    """
    if cjk:
        return [(line.number, line.text) for line in lines]
    paras: list[tuple[int, str]] = []
    after_heading = False  # the last paragraph is a short numbered line without a full stop
    for line in lines:
        starts = (not paras or line.blank_before or line.indented
                  # "2. Findings" then "The review found …", but not "1. We examined cases
                  # from the four" then "regional offices." (a narrow hard wrap)
                  or (after_heading and not line.text[0].islower())
                  or _starts_numbered_paragraph(line, paras[-1][1]))
        if starts:
            paras.append((line.number, line.text))
        else:
            n, text = paras[-1]
            paras[-1] = (n, text + " " + line.text)
        after_heading = starts and _is_heading_line(line.text)
    return paras


def _starts_numbered_paragraph(line: Line, before: str) -> bool:
    """A numbered Latin line starts a paragraph unless it continues a sentence: the line
    before it must end one (so a wrapped line that starts with "12. " is left alone)."""
    ends_sentence = before.rstrip().rstrip("\"'”’)]")[-1:] in ".:;!?"
    return ends_sentence and rp.match_numbering(line.text) is not None


def _is_heading_line(text: str) -> bool:
    """A short numbered Latin line without a sentence end: a heading on its own line."""
    num = rp.match_numbering(text)
    return (num is not None and len(text) <= HEADING_LINE_LATIN
            and rp.latin_sentence_end(num.rest.strip() + " ") is None)


class _Sections:
    """Builds the section tree; levels follow the order in which numbering shapes appear."""

    def __init__(self, body: etree._Element, cjk: bool, short: int):
        self.cjk = cjk
        self.short = short
        self.kinds: list[str] = []  # numbering shapes, outermost first
        self.open: list[tuple[int, etree._Element]] = [(0, body)]

    def add_all(self, paragraphs: list[tuple[int, str]]) -> None:
        for _, text in paragraphs:
            num = rp.match_numbering(text)
            if num is None:
                self._paragraph(text)
            else:
                self._section(num)

    def _level(self, kind: str) -> int:
        if kind in self.kinds:
            del self.kinds[self.kinds.index(kind) + 1 :]
        else:
            self.kinds.append(kind)
        return min(len(self.kinds), 6)

    def _section(self, num: rp.Numbering) -> None:
        level = self._level(num.kind)
        while self.open[-1][0] >= level:
            self.open.pop()
        sec = new("section", parent=self.open[-1][1], level=str(level), runin="false")
        self.open.append((level, sec))
        heading = new("heading", parent=sec)
        new("number", num.text, heading)
        rest = num.rest.lstrip()
        gap = num.rest[: len(num.rest) - len(rest)]  # kept as written: "1. Scope", "一、总体"
        split = self._runin_split(rest)
        if split is None:
            heading[0].tail = gap + rest
        else:
            sec.set("runin", "true")
            body = rest[split:].lstrip()
            # the space between a run-in heading and its body stays with the heading
            heading[0].tail = gap + rest[: len(rest) - len(body)]
            self._paragraph(body)

    def _runin_split(self, rest: str) -> int | None:
        """Where a run-in heading ends (after its first sentence), or None for an own-line heading."""
        if self.cjk:
            ends = [rest.find(c) for c in rp.CJK_SENTENCE_END if c in rest]
            k = min(ends) if ends else None
            if k is None and len(rest) > self.short:
                k = next((rest.find(c) for c in "：；" if 0 <= rest.find(c) < self.short), None)
        else:
            k = rp.latin_sentence_end(rest)
        if k is None or not rest[k + 1 :].strip():
            return None
        return k + 1

    def _paragraph(self, text: str) -> None:
        p = new("p", parent=self.open[-1][1])
        _mark_leads(p, text)


def _mark_leads(p: etree._Element, text: str) -> None:
    """Paragraph text with 一是 … 十是 wrapped in <lead>."""
    pos = 0
    last: etree._Element | None = None
    for m in rp.LEAD.finditer(text):
        chunk = text[pos : m.start()]
        if last is None:
            p.text = chunk
        else:
            last.tail = chunk
        last = new("lead", m.group(1), p)
        pos = m.end()
    if last is None:
        p.text = text
    else:
        last.tail = text[pos:]
