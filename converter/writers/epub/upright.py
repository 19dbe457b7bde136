"""Digits standing upright in vertical writing.

In vertical-rl text a reading system lays runs of Latin digits on their side (rotated 90°),
as it does Latin words. Chinese vertical setting stands them up instead: a run of one or two
digits is set horizontally in one character cell (tate-chū-yoko, CSS ``text-combine-upright``),
a longer run of digits (a year, ``2021``) has each digit upright, one under the other
(``text-orientation: upright``). Numbers with a decimal point, thousands separator or percent
sign, and digits touching Latin letters (``A4``, ``No1``), stay as the reading system sets them.
"""
from __future__ import annotations

import re

from lxml import etree

from .xhtml import XHTML_NS

#: a numeric token and its neighbours: only whole runs of digits are touched
_TOKEN = re.compile(r"(?<![0-9A-Za-z.,%])[0-9]+(?![0-9A-Za-z.,%])")
#: digits in these elements stay as they are: code, and note reference marks
_SKIP = {"code", "pre", "kbd", "samp", "script", "style", "title"}
COMBINED, UPRIGHT = "tcy", "upright"  # the span classes css.py styles


def stand_digits_upright(root: etree._Element) -> None:
    """Wrap the digit runs in the text of an XHTML tree in ``span.tcy`` / ``span.upright``."""
    for el in list(root.iter(f"{{{XHTML_NS}}}*")):
        if _skipped(el):
            continue
        children = list(el)  # before any span is added
        if el.text:
            _wrap_text(el, el.text, inside=True)
        for child in children:
            if child.tail:
                _wrap_text(child, child.tail, inside=False)


def _skipped(el: etree._Element) -> bool:
    for node in (el, *el.iterancestors()):
        name = etree.QName(node).localname
        if name in _SKIP or "noteref" in (node.get("class") or "").split():
            return True
        if name == "span" and node.get("class") in (COMBINED, UPRIGHT):
            return True
    return False


def _wrap_text(anchor: etree._Element, text: str, inside: bool) -> None:
    """Replace ``text`` (``anchor``'s own text when ``inside``, else its tail) by text and spans."""
    pieces = []
    last = 0
    for m in _TOKEN.finditer(text):
        pieces.append((text[last:m.start()], m.group(), COMBINED if len(m.group()) <= 2 else UPRIGHT))
        last = m.end()
    if not pieces:
        return
    rest = text[last:]
    spans = []
    for _, digits, cls in pieces:
        span = etree.Element(f"{{{XHTML_NS}}}span", {"class": cls})
        span.text = digits
        spans.append(span)
    for span, after in zip(spans, [p[0] for p in pieces[1:]] + [rest]):
        span.tail = after or None
    if inside:
        anchor.text = pieces[0][0] or None
        for i, span in enumerate(spans):
            anchor.insert(i, span)
    else:
        anchor.tail = pieces[0][0] or None
        parent = anchor.getparent()
        at = parent.index(anchor) + 1
        for i, span in enumerate(spans):
            parent.insert(at + i, span)
