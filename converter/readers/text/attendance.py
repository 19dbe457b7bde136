"""纪要 (GB/T 9704 10.3): the 出席 / 请假 / 列席 lines at the end of the body become the closing's
attendance lists (formats.py tells a 纪要 by its 发文机关标志)."""
from __future__ import annotations

import re

from lxml import etree

from ... import model
from ...model import child, new

#: a label, as written (出席, 请假 or 缺席, 列席), and its colon
LABEL = re.compile(r"^[\s\u3000]*(出席|请假|缺席|列席)[ \u3000]*[：:][ \u3000]*")
KINDS = {"出席": "present", "请假": "absent", "缺席": "absent", "列席": "attending"}


def gather(doc: etree._Element) -> None:
    """Move the body's last paragraphs that are attendance lines (出席：names …) into the
    closing, before its signature. Left in the body when an attachment note follows them (the
    closing's order would no longer be the source's)."""
    body = child(doc, "body")
    if body is None:
        return
    holder = body  # the body's last paragraphs: those of its last (sub)section when it ends with one
    while len(holder) and isinstance(holder[-1].tag, str) and model.tag_of(holder[-1]) == "section":
        holder = holder[-1]
    paras = [c for c in holder if isinstance(c.tag, str)]
    lines = []
    for p in reversed(paras):
        if model.tag_of(p) != "p" or len(p) or not LABEL.match(p.text or ""):
            break
        lines.insert(0, p)
    if not lines:
        return
    closing = child(doc, "closing")
    if closing is not None and child(closing, "attachments") is not None:
        return
    if closing is None:
        closing = new("closing")
        body.addnext(closing)
        model.set_line(closing, model.line_of(lines[0]))
    attendance = new("attendance")
    closing.insert(0, attendance)
    for p in lines:
        m = LABEL.match(p.text)
        item = new("attendees", parent=attendance, kind=KINDS[m.group(1)])
        new("label", p.text[: m.end()], item).tail = p.text[m.end():]
        model.set_line(item, model.line_of(p))
        holder.remove(p)
    if not len(body):  # the parse falls back to plain paragraphs (text/__init__.py)
        raise ValueError("a 纪要's body holds nothing but its attendance lines")

