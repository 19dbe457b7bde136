"""Which side of the page the page number stands on: one rule for the layout and the DOCX.

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
