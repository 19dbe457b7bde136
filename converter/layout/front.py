"""Page 1 of a GB/T 9704 document must show body text (7.3.1): 如主送机关名称过多导致公文首页
不能显示正文时，应当将主送机关名称移至版记. One decision for every writer — the PDF's layout,
the DOCX and the EPUB each ask ``addressee_in_colophon`` (a pure function of the model and the
style), so the three move the same 主送 or none.

In the 版记 the 主送 reads as 抄送 does (7.4.2): ``主送：`` + the names, ending with 。, on the
line above 抄送 with no rule between them.
"""
from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from ..model import XML_LANG, child, children, tag_of
from ..style import ResolvedStyle

#: the label a moved 主送 is printed with in the 版记, and the mark it ends with (7.4.2)
MOVED_LABEL = "主送："
MOVED_END = "。"
_COLONS = "：:"


def addressee_in_colophon(doc: etree._Element, style: ResolvedStyle) -> bool:
    """Whether the document's 主送 moves to the 版记: on a GB/T 9704 page (a style with a
    document grid), when with it the 版头, title and 主送 leave page 1 no line for the body and
    without it they would (a 版头 that fills page 1 by itself is not the 主送's doing)."""
    if not addressee_may_move(doc, style):
        return False
    addressee = child(doc, "addressee")
    return not _body_on_page_one(doc, style, addressee) and _body_on_page_one(doc, style, None)


def addressee_may_move(doc: etree._Element, style: ResolvedStyle) -> bool:
    """Whether ``addressee_in_colophon`` has a 主送 to decide about (it lays page 1 out to)."""
    return style.grid is not None and child(doc, "addressee") is not None


def _body_on_page_one(doc: etree._Element, style: ResolvedStyle, addressee: etree._Element | None) -> bool:
    """Whether a line of body text fits on page 1 under the parts before the body (and the
    addressee when given), laid out as the layout sets them."""
    from .blocks import BlockTranslator  # the layout's own blocks and pagination, on the front only
    from .fontbook import FontBook
    from .paginate import Layout

    front = etree.Element(doc.tag, doc.attrib, nsmap=doc.nsmap)
    for c in children(doc):
        if tag_of(c) == "body":
            break
        if tag_of(c) != "meta" and (tag_of(c) != "addressee" or c is addressee):
            front.append(copy.deepcopy(c))
    lang = doc.get(XML_LANG, "und")
    layout = Layout(style, FontBook(style, lang))
    layout.run(BlockTranslator(style, Path("."), lang).translate(front))
    return len(layout.pages) == 1 and layout.fits_a_line(style.role("body"))


def ends_with_colon(text: str | None) -> bool:
    return bool(text) and text.rstrip()[-1:] in _COLONS


def without_final_colon(text: str) -> str:
    """The 主送's last words without the colon it closed with under the title."""
    stripped = text.rstrip()
    return stripped[:-1] if stripped[-1:] in _COLONS else text


def moved_addressee(el: etree._Element) -> etree._Element:
    """A detached copy of the 主送 as the 版记 prints it after ``主送：``: its closing colon
    dropped (the writer adds 。)."""
    out = copy.deepcopy(el)
    out.tail = None
    last = out[-1] if len(out) and isinstance(out[-1].tag, str) and ends_with_colon(out[-1].tail) else None
    if last is not None:
        last.tail = without_final_colon(last.tail)
    elif not len(out) and ends_with_colon(out.text):
        out.text = without_final_colon(out.text)
    return out
