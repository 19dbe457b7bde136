"""Word's automatic list numbering (numbering.xml) turned into the text it shows: 一、 （一） 1. ①

Hand-written: python-docx reads numbering.xml but computes no list numbers. Counters follow
ECMA-376 §17.9: one counter per level and per list instance (w:num), a level's counter restarts
when a higher level advances, w:startOverride and w:lvlRestart are honoured.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .ooxml import W, attr, to_int, wfind

_CN = "〇一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def chinese_count(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (as Word's chineseCounting shows)."""
    if n <= 0:
        return str(n)
    if n >= 1000:
        return "".join(_CN[int(d)] for d in str(n))
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = _CN[hundreds] + "百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    if ones:
        out += _CN[ones]
    return out


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """One counter in a w:numFmt."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand"):
        text = chinese_count(n)
        return text.translate(str.maketrans("一二三四五六七八九十百", "壹贰叁肆伍陆柒捌玖拾佰")) \
            if fmt == "chineseLegalSimplified" else text
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "none":
        return ""
    return str(n)  # decimal and every format we do not know: digits, never nothing


@dataclass(frozen=True)
class Level:
    fmt: str
    text: str  # w:lvlText, e.g. "%1、" or "（%2）"
    start: int
    restart: int | None  # w:lvlRestart: restart after this (1-based) level; 0 = never
    legal: bool  # w:isLgl: every counter shown as decimal
    suffix: str  # tab | space | nothing
    style: str | None  # w:pStyle: the paragraph style this level belongs to


@dataclass(frozen=True)
class Shown:
    """What a numbered paragraph shows before its text."""

    text: str  # "一、", "（1）", "•"
    bullet: bool
    level: int  # 0-based list level
    num_id: str
    suffix: str
    value: int = 1  # the counter of its own level


class Numbering:
    """The list numbers of one document, computed in reading order (call ``next`` per paragraph)."""

    def __init__(self, root: etree._Element | None):
        self.abstract: dict[str, dict[int, Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        if root is None:
            return
        for a in root.iterfind(W + "abstractNum"):
            self.abstract[attr(a, "abstractNumId")] = {to_int(attr(lv, "ilvl"), 0, 0, 8): _level(lv)
                                                       for lv in a.iterfind(W + "lvl")}
        for num in root.iterfind(W + "num"):
            ref = wfind(num, "abstractNumId")
            starts, levels = {}, {}
            for o in num.iterfind(W + "lvlOverride"):
                ilvl = to_int(attr(o, "ilvl"), 0, 0, 8)
                so = wfind(o, "startOverride")
                if so is not None:
                    starts[ilvl] = to_int(attr(so, "val"), 0, 0, 10 ** 6)
                lv = wfind(o, "lvl")
                if lv is not None:
                    levels[ilvl] = _level(lv)
            self.nums[attr(num, "numId")] = (attr(ref, "val") if ref is not None else "", starts, levels)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        abstract_id, _, overrides = entry
        return overrides.get(ilvl) or self.abstract.get(abstract_id, {}).get(ilvl)

    def next(self, num_id: str, ilvl: int) -> Shown | None:
        """Advance the list's counter at this level and give the text the paragraph shows."""
        if num_id in ("", "0") or num_id not in self.nums:
            return None  # numId 0 removes numbering a style gave
        lvl = self.level(num_id, ilvl)
        if lvl is None:
            return None
        counters = self.counters.setdefault(num_id, [None] * 9)
        starts = self.nums[num_id][1]
        current = counters[ilvl]
        counters[ilvl] = (starts.get(ilvl, lvl.start) if current is None else current + 1)
        for deeper in range(ilvl + 1, 9):  # a level advancing restarts the levels below it
            below = self.level(num_id, deeper)
            if below is None or below.restart is None or below.restart > ilvl:
                counters[deeper] = None
        if lvl.fmt == "bullet":
            return Shown(lvl.text, True, ilvl, num_id, lvl.suffix, counters[ilvl] or 1)

        def counter(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            other = self.level(num_id, k)
            value = counters[k] if counters[k] is not None else (other.start if other else 1)
            fmt = "decimal" if lvl.legal and other is not None else (other.fmt if other else "decimal")
            return format_number(value, fmt)

        return Shown(re.sub(r"%([1-9])", counter, lvl.text), False, ilvl, num_id, lvl.suffix, counters[ilvl] or 1)


def _level(lv: etree._Element) -> Level:
    def val(name: str, default: str | None = None) -> str | None:
        e = wfind(lv, name)
        return attr(e, "val") if e is not None else default

    restart = val("lvlRestart")
    return Level(fmt=val("numFmt", "decimal") or "decimal", text=val("lvlText", "") or "",
                 start=to_int(val("start"), 1, 0, 10 ** 6), restart=to_int(restart, 0, 0, 9) if restart is not None else None,
                 legal=wfind(lv, "isLgl") is not None, suffix=val("suff", "tab") or "tab",
                 style=val("pStyle"))
