"""WordprocessingML names, and small helpers to read them with lxml."""
from __future__ import annotations

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSMAP = {
    "w": W_NS,
    "r": R_NS,
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
}
W = f"{{{W_NS}}}"
R = f"{{{R_NS}}}"


def local(el: etree._Element) -> str:
    """An element's local name ('' for comments)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def ns_of(el: etree._Element) -> str:
    return etree.QName(el).namespace or "" if isinstance(el.tag, str) else ""


def wfind(el: etree._Element | None, name: str) -> etree._Element | None:
    """The first w:NAME child."""
    return None if el is None else el.find(W + name)


def attr(el: etree._Element | None, name: str) -> str | None:
    """A w:NAME attribute (WordprocessingML qualifies its attributes)."""
    if el is None:
        return None
    value = el.get(W + name)
    return value if value is not None else el.get(name)


def on(el: etree._Element | None) -> bool:
    """A toggle property (w:b, w:i …) present and not switched off."""
    if el is None:
        return False
    return (attr(el, "val") or "true").lower() not in ("0", "false", "off", "none")


def to_int(value: str | None, default: int, low: int = -(2 ** 31), high: int = 2 ** 31) -> int:
    """A number attribute as Word writes it, or ``default`` when it is missing or is no number
    (a hand-edited package must not stop the reading); clamped to [low, high]."""
    try:
        number = int(float(value)) if value not in (None, "") else default
    except (TypeError, ValueError, OverflowError):
        number = default
    return min(max(number, low), high)


def list_number(ppr: etree._Element | None, num_id: str | None, ilvl: int) -> tuple[str | None, int]:
    """The list (numId) and level (ilvl) a paragraph or style's w:numPr names, else the ones given
    (what the paragraph's style says)."""
    numpr = wfind(ppr, "numPr")
    if numpr is None:
        return num_id, ilvl
    n, i = wfind(numpr, "numId"), wfind(numpr, "ilvl")
    return (attr(n, "val") if n is not None else num_id,
            to_int(attr(i, "val"), 0, 0, 8) if i is not None else ilvl)
