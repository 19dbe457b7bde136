"""What the lines of a plain-text report look like: numbering, dates, leads, closing parts.

Hand-written because no library knows the conventions of Chinese official documents
(GB/T 9704 numbering 一、（一）1.（1）, 一是…二是 leads, 附件 notes, dates like 2023年3月15日).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

CN_DIGITS = "零〇一二三四五六七八九十百"
_CN = f"[{CN_DIGITS}]+"

# Numbering kinds, in the order GB/T 9704 nests them. A kind is only a *shape*: the level a
# shape gets in a document depends on the order in which shapes appear (see TextReader).
# Each pattern refuses numbers that belong to the text: 3.5万元, 1、2月份, 一、二季度, 1,032件.
NUMBERING: list[tuple[str, re.Pattern[str]]] = [
    ("cn", re.compile(rf"^({_CN})、(?![{CN_DIGITS}])")),
    ("paren-cn", re.compile(rf"^([（(]{_CN}[）)])")),
    # 2.1 Procurement, but not "3.5 million" at the start of a wrapped line (English headings
    # never start with a lower-case word) nor "3.5 万元" typed with a space before the unit
    ("dotted", re.compile(r"^(\d{1,3}(?:[.．]\d{1,3}){1,3})[.．]?(?=[\s\u3000]+(?![a-z%％万亿元]))")),
    # 1. 1． 1、 but not 3.5 or 1、2月份; a year may follow (1.2023年工作回顾), as 1.2023年
    # makes no sense as a decimal
    ("arabic", re.compile(r"^(\d{1,3}[.．、])(?=\d{4}年|[^\d.．、,，%％])")),
    ("paren-arabic", re.compile(r"^([（(]\d{1,3}[）)])")),
    ("circled", re.compile(r"^([\u2460-\u2473])")),  # ① … ⑳
    # regulations (办法, 规定, 细则, 章程 …): 第一编, 第一章 总则, 第一节 …, 第一条 …
    ("volume", re.compile(rf"^(第{_CN}编)")),
    ("chapter", re.compile(rf"^(第{_CN}章)")),
    ("part", re.compile(rf"^(第{_CN}节)")),
    # not a reference to an article that starts a line: 第二十条第（一）项, 第三条规定的…
    ("article", re.compile(rf"^(第{_CN}条)(?![第的款项中之所]|规定)")),
]
#: the numbering of regulations: 编, 章, 节 and 条
REGULATION_KINDS = frozenset({"volume", "chapter", "part", "article"})


@dataclass(frozen=True)
class Numbering:
    kind: str  # a NUMBERING key; "dotted" kinds carry their depth: "dotted-2"
    text: str  # as written, e.g. "一、" or "（1）"
    rest: str  # what follows it on the line


def match_numbering(line: str) -> Numbering | None:
    """The section numbering a paragraph starts with, if any."""
    for kind, pattern in NUMBERING:
        m = pattern.match(line)
        if not m:
            continue
        if kind == "dotted":
            kind = f"dotted-{m.group(1).count('.') + m.group(1).count('．') + 1}"
            number = line[: m.end()]
        else:
            number = m.group(0)
        rest = line[len(number):]
        if not rest.strip():
            return None  # a bare number is not a heading
        return Numbering(kind, number, rest)
    return None


# Inline enumeration leads: 一是 … 十是, at the start of a paragraph or after a pause mark
LEAD = re.compile(r"(?:^|(?<=[。；;！？：:，,]))([一二三四五六七八九十]{1,3}是)(?=\S)")

# Sentence ends that close a run-in heading
CJK_SENTENCE_END = "。！？"
_LATIN_ABBREV = {"e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "no", "vs", "st", "fig", "art", "sec"}
LATIN_SENTENCE_END = re.compile(r"[.!?:](?=\s)")

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
_CN_YEAR_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}

DATE_PATTERNS = [
    ("cn", re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")),
    ("cn-words", re.compile(r"^([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$")),
    ("dmy", re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$")),
    ("mdy", re.compile(r"^([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{4})$")),
    ("iso", re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
]


def parse_date(line: str) -> str | None:
    """ISO date (YYYY-MM-DD) of a line that is only a date, else None."""
    for kind, pattern in DATE_PATTERNS:
        m = pattern.match(line)
        if not m:
            continue
        try:
            if kind in ("cn", "iso"):
                y, mo, d = (int(g) for g in m.groups())
            elif kind == "cn-words":
                y = int("".join(str(_CN_YEAR_DIGITS[c]) for c in m.group(1)))
                mo, d = cn_number(m.group(2)), cn_number(m.group(3))
            elif kind == "dmy":
                d, mo, y = int(m.group(1)), _MONTHS.get(m.group(2).lower()), int(m.group(3))
            else:
                mo, d, y = _MONTHS.get(m.group(1).lower()), int(m.group(2)), int(m.group(3))
            if mo is None:
                return None
            return date(y, mo, d).isoformat()
        except ValueError:
            return None
    return None


_CN_UNITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def cn_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23 (up to 99); ValueError for anything else (一二, 十十)."""
    tens, ten, ones = s.partition("十")
    if not ten:
        tens, ones = "", s
    try:
        value = (_CN_UNITS[tens] if tens else (1 if ten else 0)) * 10 + (_CN_UNITS[ones] if ones else 0)
    except KeyError:
        raise ValueError(f"not a Chinese number from 1 to 99: {s}") from None
    if value == 0:
        raise ValueError(f"not a Chinese number from 1 to 99: {s}")
    return value


DOCNUMBER = re.compile(r"^\S{1,16}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号$")
ATTACHMENT_LABEL = re.compile(r"^(?:(附件|附\s*件|Attachments?|Annex(?:es)?|Enclosures?)\s*[：:]|附\s*件(?=1[.．、]\S))",
                              re.IGNORECASE)
_ATTACHMENT_NUMBER = re.compile(r"^(?:(\d{1,3})[.．、]|[（(](\d{1,3})[）)])")


def attachment_number(text: str, expected: int) -> str | None:
    """The numbering of attachment item number ``expected`` at the start of ``text``, or None.

    Items are numbered 1, 2, 3 … in order, which tells ``1.2023年度统计表`` (item 1, a name
    that starts with a year) from a wrapped name that happens to start with digits.
    """
    m = _ATTACHMENT_NUMBER.match(text)
    if m and int(m.group(1) or m.group(2)) == expected and text[m.end():].strip():
        return m.group(0)
    return None


def starts_with_number(text: str) -> bool:
    """A line that starts like a numbered item (1. 1、 （1）): never a signature line."""
    return _ATTACHMENT_NUMBER.match(text) is not None


REMARK = re.compile(r"^[（(].*[）)]$")


def is_cjk(ch: str) -> bool:
    """Han ideographs and CJK punctuation, the characters that make a text Chinese."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3FFFF
            or 0xF900 <= o <= 0xFAFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF)


def detect_lang(text: str) -> str:
    """'zh-CN' when Han characters make up a fifth of the letters, else 'en'."""
    counts = Counter(text)  # each distinct character looked at once (a report has a few thousand)
    han = sum(n for ch, n in counts.items() if 0x4E00 <= ord(ch) <= 0x9FFF or 0x3400 <= ord(ch) <= 0x4DBF)
    letters = sum(n for ch, n in counts.items() if ch.isalpha())
    return "zh-CN" if letters and han / letters >= 0.2 else "en"


def latin_sentence_end(text: str) -> int | None:
    """Index of the first sentence-ending mark (not an abbreviation's dot), or None."""
    for m in LATIN_SENTENCE_END.finditer(text):
        word = re.search(r"(\S+)$", text[: m.start()])
        if m.group() == "." and word and word.group(1).lower().rstrip(".") in _LATIN_ABBREV:
            continue
        return m.start()
    return None
