"""Which side of the page the page number stands on, and whether the style prints on both
sides of the sheet: one rule for the layout and the DOCX.

``[page.number] position`` is ``outside`` (GB/T 9704 §7.5: odd pages right, even pages left),
``inside`` (the other way round), or ``left``, ``right``, ``center`` on every page.
"""
from __future__ import annotations

#: position → (side on odd pages, side on even pages)
SIDES = {"outside": ("right", "left"), "inside": ("left", "right"), "center": ("center", "center"),
         "left": ("left", "left"), "right": ("right", "right")}


def side(position: str, page_number: int) -> str:
    """"left", "right" or "center" for page ``page_number`` (1 is an odd, right-hand page)."""
    odd, even = SIDES[position]
    return odd if page_number % 2 == 1 else even


def double_sided(mirror: bool, position: str | None) -> bool:
    """Whether the pages are printed on both sides of the sheet: the margins are mirrored, or
    the page number changes sides between odd and even pages (GB/T 9704's outside numbers are
    a 双面印刷 document's). Then a 版记 stands on an even page, the back of the last sheet."""
    return mirror or (position is not None and SIDES[position][0] != SIDES[position][1])
