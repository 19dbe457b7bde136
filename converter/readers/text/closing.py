"""The closing of a document: 附件说明, signature (issuing body and date) and 附注 under it.

The closing is no longer taken from the last lines: real documents follow it with contact
lines, 抄送, attachment bodies and forwarded documents. So the closing is found at a date
line, and the caller decides (from what follows) which date line closes the document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ... import model
from ...model import new
from .. import report_patterns as rp
from . import shapes
from .lines import Line


@dataclass
class Closing:
    body_end: int  # index of the first line of the closing (the body ends before it)
    end: int  # index after its last line (the date, or the last 附注)
    element: etree._Element


def date_line(line: Line) -> str | None:
    """The ISO date of a line that is a signature's date (alone, or after the issuer)."""
    m = shapes.ISSUER_DATE.match(line.text)
    return shapes.date_of(m.group("date") if m else line.text)


def closing_at(lines: list[Line], start: int, d: int, short: int) -> Closing:
    """The closing whose date is lines[d]; the body starts at lines[start]."""
    # a paste with a blank line after every line (the date too) separates nothing by them
    spaced = lines[d].blank_before
    after = d + 1
    remarks: list[Line] = []
    while after < len(lines) and shapes.is_remark(lines[after].text) and not shapes.ANNEX_LABEL.match(lines[after].text):
        remarks.append(lines[after])
        after += 1
    date = lines[d]
    same_line = shapes.ISSUER_DATE.match(date.text)
    issuers: list[Line] = []
    top = d
    if not same_line:
        # the issuing body: up to three short lines right above the date; a blank line above
        # one of them separates the signature block from the body or the attachment note
        while top - 1 >= start + 1 and len(issuers) < 3 and _is_signature_line(lines[top - 1].text, short):
            top -= 1
            issuers.insert(0, lines[top])
            if lines[top].blank_before and not spaced:
                break
    body_end, attachments = attachment_note(lines, start, top, short)
    closing = new("closing")
    model.set_line(closing, lines[body_end].number)
    if attachments is not None:
        closing.append(attachments)
    sig = new("signature", parent=closing)
    model.set_line(sig, (issuers[0] if issuers else date).number)
    if same_line:
        new("issuer", same_line.group("issuer"), sig)
        date_text = date.text[same_line.start("date"):]
    else:
        for line in issuers:  # joint issuers typed on one line stand apart by runs of spaces
            for name in _JOINT.split(line.text):
                new("issuer", name, sig)
        date_text = date.text
    new("date", date_text, sig, value=date_line(date))
    for line in remarks:
        model.set_line(new("remark", line.text, closing), line.number)
    return Closing(body_end, after, closing)


_JOINT = re.compile(r"(?: {2,}|\u3000{2,}|[ \u3000]{3,}|\t)")


def _is_signature_line(text: str, short: int) -> bool:
    # numbered lines (attachment items such as 2.2024年度分工方案) are never an issuing body
    # nor is a line carrying a note or a picture: it stays body text, the object where it was
    return (_short_names(text, short) and text[-1] not in "。；;，,：:.!?！？" and not shapes.carries_object(text)
            and not rp.starts_with_number(text) and rp.match_numbering(text) is None
            and not rp.ATTACHMENT_LABEL.match(text) and not shapes.ANNEX_LABEL.match(text)
            and not shapes.APPENDED.match(text)
            and "\t" not in text)


def _short_names(text: str, short: int) -> bool:
    """Short enough for an issuing body: one name of at most ``short // 2 + 4`` characters, or
    joint issuers on one line (apart by runs of spaces, _JOINT), each that short, the line no
    longer than a short line (某省发展和改革委员会　　某省财政厅　　某省交通运输厅)."""
    limit = short // 2 + 4
    if len(text) <= limit:
        return True
    names = _JOINT.split(text.strip())
    return len(names) > 1 and len(text) <= short and all(0 < len(n) <= limit for n in names)


def attachment_note(lines: list[Line], start: int, end: int, short: int) -> tuple[int, etree._Element | None]:
    """The attachment note (附件：1.… with continuation lines) at the end of lines[start:end].

    Only the last 附件 label is considered, and everything after it must be attachment items
    (numbered 1, 2, 3 … in order) or wrapped names; otherwise the label is body text.
    """
    k = next((k for k in range(end - 1, start - 1, -1) if rp.ATTACHMENT_LABEL.match(lines[k].text)), None)
    if k is None:
        return end, None
    label = rp.ATTACHMENT_LABEL.match(lines[k].text)
    node = new("attachments")
    model.set_line(node, lines[k].number)
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
