"""Print page numbers: a marker where each page of the print edition (the layout's pages, which
the PDF paints) begins.

The pipeline hands the layout's ``ctx.pagination.starts``: (page number, position of the page's
first character), positions counted as ``model.text_positions`` counts them.  ``mark_pages``
puts a marker element at each position in the model while the e-book is written (splitting a
text node where a page begins inside it) and takes them out again afterwards, as it found it
(no copy of the model: 100,000 table rows are 400,000 elements); the XHTML translator renders
it as an empty
``<span epub:type="pagebreak" role="doc-pagebreak" id="page-N" aria-label="N"/>`` and
``hoist_markers`` then moves a marker that starts a heading or paragraph out in front of it,
so that the heading's accessible name does not begin with a page number.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from lxml import etree

from ...model import text_nodes

#: the marker's name in the model while the e-book is written: outside the model's namespace,
#: never in a saved model
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


@contextmanager
def mark_pages(doc: etree._Element, starts: list[tuple[int, int]]) -> Iterator[list[int]]:
    """``doc`` with a marker element (``MARKER``, attribute ``n``) where each page starts while
    the block runs (it gets the pages that got none), and as it was after the block.

    A page must start after the page before it; one that does not (the PDF prints notes at the
    end of the document and reports the note's place in the text) gets no marker, nor does a
    position past the end of the text.
    """
    kept, dropped = [], []
    for number, pos in sorted(starts):
        if kept and pos <= kept[-1][1]:
            dropped.append(number)
        else:
            kept.append((number, pos))
    # the pages that start in each text node, as (non-whitespace characters before, page): the
    # text nodes are read in order, the pages' positions ascend
    dropped += [number for number, pos in kept if pos < 0]
    waiting = [(number, pos) for number, pos in reversed(kept) if pos >= 0]  # the next one last
    cuts: list[tuple[etree._Element, str, str, list[tuple[int, int]]]] = []
    for el, kind, first in text_nodes(doc):
        if not waiting:
            break
        text = el.text if kind == "text" else el.tail
        end = first + _ink(text)
        node_marks = []
        while waiting and waiting[-1][1] < end:
            number, pos = waiting.pop()
            node_marks.append((pos - first, number))
        if node_marks:
            cuts.append((el, kind, text, node_marks))
    dropped += [number for number, _ in waiting]  # past the end of the text
    markers = []
    try:
        for el, kind, text, node_marks in cuts:  # each text node cut once, however many pages start in it
            indices = _indices_of_ink(text, [k for k, _ in node_marks])
            markers.append((el, kind, text, _split(el, kind, text, indices, [str(number) for _, number in node_marks])))
        yield sorted(dropped)
    finally:
        for el, kind, text, made in reversed(markers):
            for marker in made:
                marker.getparent().remove(marker)
            setattr(el, kind, text)


def _split(el: etree._Element, kind: str, text: str, indices: list[int], numbers: list[str]) -> list[etree._Element]:
    """Cut ``el``'s text (or tail) at ascending ``indices`` and put a marker in each cut, each
    marker followed by the text up to the next cut (the text set once, not once per page); the
    markers."""
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
    return markers


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
