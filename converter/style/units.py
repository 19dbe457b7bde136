"""Lengths in a style sheet: pt, mm, cm, in, em and the Chinese type size names, to points."""
from __future__ import annotations

import math
import re

from ..errors import StyleError

POINTS_PER = {"pt": 1.0, "mm": 72 / 25.4, "cm": 720 / 25.4, "in": 72.0}

#: 字号: the traditional Chinese type sizes, in points
CHINESE_SIZES = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16,
    "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9, "六号": 7.5, "小六": 6.5,
}

_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in|em)?\s*$")


def to_points(value: object, em: float | None = None, where: str = "") -> float:
    """A length in points; ``em`` is the font size that ``em`` units refer to (None: not allowed)."""
    if isinstance(value, bool):
        raise StyleError(f"{where}: expected a length, got {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise StyleError(f"{where}: {value} is not a length (NaN and infinity are not allowed)")
        return float(value)
    if not isinstance(value, str):
        raise StyleError(f"{where}: expected a length, got {value!r}")
    if value.strip() in CHINESE_SIZES:
        return float(CHINESE_SIZES[value.strip()])
    m = _LENGTH.match(value)
    if not m:
        raise StyleError(f"{where}: {value!r} is not a length (use pt, mm, cm, in, em or a size name such as 三号)")
    number, unit = float(m.group(1)), m.group(2) or "pt"
    if unit == "em":
        if em is None:
            raise StyleError(f"{where}: em is not allowed here")
        return number * em
    return number * POINTS_PER[unit]


#: the largest type size or line pitch a style may give (Word's own limit is 1638 pt)
MAX_SIZE = 1000.0
#: the longest length a style may give: a page side, a margin, a space (PDF's limit: 200 in)
MAX_LENGTH = 14400.0


def checked(points: float, where: str, *, positive: bool = False, signed: bool = False,
            most: float = MAX_LENGTH) -> float:
    """A length that a page can hold: finite (no NaN, no infinity), not negative unless
    ``signed`` (a hanging indent), above zero when ``positive`` (a size, a pitch, a page side),
    and at most ``most`` points; else a StyleError naming the key (``where``)."""
    if not math.isfinite(points):
        raise StyleError(f"{where}: {points} is not a length (NaN and infinity are not allowed)")
    if positive and points <= 0:
        raise StyleError(f"{where}: {points:g} pt: must be more than 0")
    if not signed and points < 0:
        raise StyleError(f"{where}: {points:g} pt: must not be negative")
    if abs(points) > most:
        raise StyleError(f"{where}: {points:g} pt is more than the {most:g} pt a page can use")
    return points


PAGE_SIZES_MM = {"A3": (297, 420), "A4": (210, 297), "A5": (148, 210), "B5": (176, 250),
                 "Letter": (215.9, 279.4), "Legal": (215.9, 355.6)}
