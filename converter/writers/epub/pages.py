"""Print page numbers: a marker where each page of the print edition (the layout's pages, which
the PDF paints) begins.

The pipeline hands the layout's ``ctx.pagination.starts``: (page number, position of the page's
first character), positions counted as ``model.text_positions`` counts them.  ``mark_pages``
puts a marker element at each position in a copy of the model (splitting a text node where a
page begins inside it); the XHTML translator renders it as an empty
``<span epub:type="pagebreak" role="doc-pagebreak" id="page-N" aria-label="N"/>`` and
``hoist_markers`` then moves a marker that starts a heading or paragraph out in front of it,
so that the heading's accessible name does not begin with a page number.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from lxml import etree

from ...model import text_positions

#: the marker's name in the model copy: outside the model's namespace, never in a saved model
MARKER = "{urn:x-converter:epub}printpage"
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: XHTML elements a marker at their very start may leave (it then stands right before them)
_HOISTABLE = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "span", "a", "em", "strong", "code", "pre", "time"}


@dataclass(frozen=True)
class PageTarget:
    """One entry of the page list: the page's label and where its marker is."""

    label: str
    path: str  # package path of the content document
    id: str


def mark_pages(doc: etree._Element, starts: list[tuple[int, int]]) -> tuple[etree._Element, list[int]]:
    """A copy of ``doc`` with a marker element (``MARKER``, attribute ``n``) where each page
    starts, and the pages that got none.

    A page must start after the page before it; one that does not (the PDF prints notes at the
    end of the document and reports the note's place in the text) gets no marker, nor does a
    position past the end of the text.
    """
    copy = etree.fromstring(etree.tostring(doc))
    nodes = [(pos, el, kind) for (el, kind), pos in text_positions(copy).items()
             if _ink(el.text if kind == "text" else el.tail)]
    nodes.sort(key=lambda n: n[0])
    firsts = [pos for pos, _, _ in nodes]
    kept, dropped = [], []
    for number, pos in sorted(starts):
        if kept and pos <= kept[-1][1]:
            dropped.append(number)
        else:
            kept.append((number, pos))
    # last page first: splitting a text node keeps the start of the part left of the split
    for number, pos in reversed(kept):
        i = bisect.bisect_right(firsts, pos) - 1
        start, el, kind = nodes[i] if i >= 0 else (0, None, "")
        text = el.text if kind == "text" else el.tail if el is not None else ""
        if el is None or pos - start >= _ink(text):
            dropped.append(number)
            continue
        _insert(el, kind, _index_of_ink(text, pos - start), str(number))
    return copy, sorted(dropped)


def _insert(el: etree._Element, kind: str, index: int, number: str) -> None:
    marker = etree.Element(MARKER, n=number)
    if kind == "text":
        marker.tail, el.text = el.text[index:], el.text[:index]
        el.insert(0, marker)
    else:
        marker.tail, el.tail = el.tail[index:], el.tail[:index]
        el.addnext(marker)  # lxml keeps el's (shortened) tail before the marker


def _ink(text: str | None) -> int:
    return len("".join(text.split())) if text else 0


def _index_of_ink(text: str, k: int) -> int:
    """The index in ``text`` of its k-th (from 0) non-whitespace character."""
    seen = -1
    for i, ch in enumerate(text):
        if not ch.isspace():
            seen += 1
            if seen == k:
                return i
    return len(text)


def hoist_markers(root: etree._Element) -> None:
    """Move each page marker that is the very first content of a heading, paragraph or
    inline element out in front of it (repeatedly): the same text position, outside."""
    for marker in list(root.iter(f"{{{XHTML_NS}}}span")):
        if marker.get("role") != "doc-pagebreak":
            continue
        parent = marker.getparent()
        while (parent is not None and etree.QName(parent).localname in _HOISTABLE
               and not parent.text and parent.index(marker) == 0 and parent.getparent() is not None):
            tail, marker.tail = marker.tail, None
            parent.text = tail
            parent.addprevious(marker)
            parent = marker.getparent()
