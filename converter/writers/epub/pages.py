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
from copy import deepcopy
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
    copy = deepcopy(doc)  # keeps the source lines (a re-parsed copy would be all on line 1)
    nodes = [(pos, el, kind, ink) for (el, kind), pos in text_positions(copy).items()
             if (ink := _ink(el.text if kind == "text" else el.tail))]
    nodes.sort(key=lambda n: n[0])
    firsts = [pos for pos, _, _, _ in nodes]
    kept, dropped = [], []
    for number, pos in sorted(starts):
        if kept and pos <= kept[-1][1]:
            dropped.append(number)
        else:
            kept.append((number, pos))
    # the pages that start in each text node, as (non-whitespace characters before, page)
    marks: dict[int, list[tuple[int, int]]] = {}
    for number, pos in kept:
        i = bisect.bisect_right(firsts, pos) - 1
        if i < 0 or pos - nodes[i][0] >= nodes[i][3]:
            dropped.append(number)
        else:
            marks.setdefault(i, []).append((pos - nodes[i][0], number))
    for i, node_marks in marks.items():  # each text node walked once, however many pages start in it
        _, el, kind, _ = nodes[i]
        text = el.text if kind == "text" else el.tail
        indices = _indices_of_ink(text, [k for k, _ in node_marks])
        _split(el, kind, text, indices, [str(number) for _, number in node_marks])
    return copy, sorted(dropped)


def _split(el: etree._Element, kind: str, text: str, indices: list[int], numbers: list[str]) -> None:
    """Cut ``el``'s text (or tail) at ascending ``indices`` and put a marker in each cut, each
    marker followed by the text up to the next cut (the text set once, not once per page)."""
    bounds = [*indices, len(text)]
    markers = []
    for k, number in enumerate(numbers):
        marker = etree.Element(MARKER, n=number)
        marker.tail = text[bounds[k]:bounds[k + 1]]
        markers.append(marker)
    if kind == "text":
        el.text = text[: bounds[0]]
        for k, marker in enumerate(markers):
            el.insert(k, marker)
    else:
        el.tail = text[: bounds[0]]
        prev = el
        for marker in markers:
            prev.addnext(marker)  # lxml keeps prev's tail before the marker
            prev = marker


def _ink(text: str | None) -> int:
    return len("".join(text.split())) if text else 0


def _indices_of_ink(text: str, ks: list[int]) -> list[int]:
    """The indices in ``text`` of its k-th (from 0) non-whitespace characters, for ascending
    ``ks``, in one pass (a page start past the last one gives ``len(text)``)."""
    out: list[int] = []
    seen = -1
    it = iter(ks)
    want = next(it, None)
    for i, ch in enumerate(text):
        if want is None:
            break
        if not ch.isspace():
            seen += 1
            while want is not None and seen == want:
                out.append(i)
                want = next(it, None)
    return out + [len(text)] * (len(ks) - len(out))


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
