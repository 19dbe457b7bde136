"""The structure builder: paragraphs, tables, numbered sections and numbered paragraphs.

Levels follow the order in which numbering shapes appear (the first shape met is level 1).
A numbered line is a heading only when its heading phrase is heading-sized: own-line and
short, or run-in and ending at the first 。！？： within HEADING_SPAN characters. Otherwise
the number leads a numbered paragraph (1.各地区要……，确保……。), which opens no section.

Regulations (办法, 规定, 细则, 章程) are numbered 第一章 / 第一节 / 第一条: chapters and sections
are headings as above; an article is always a section whose heading is its number (第一条),
run into its body, with its caption when it has one (第一条　工作机构 on its own line, or
第一条（目的）… bracketed before the body). Inside an article, （一） 1. （1） number its
items (项, 目), never headings.
"""
from __future__ import annotations

import re

from lxml import etree

from ... import model
from ...model import new
from .. import report_patterns as rp
from .lines import Line
from .tables import find_flattened, find_table

#: a numbered Latin line this short without a full stop is a heading on its own line, even
#: when the body follows on the next line without a blank line (hard-wrapped lines are longer)
HEADING_LINE_LATIN = 60
#: the longest Chinese heading phrase; measured on real documents, where headings run to
#: 26 characters (关于棉粮、糖粮挂钩奖售粮的供应价格和经营费用负担问题) and a first sentence
#: read as body text starts at about 35 (原则同意《河北雄安新区总体规划（2018—2035年）》…)
HEADING_SPAN = 30
#: marks that end a run-in Chinese heading
CJK_RUNIN_END = "。！？：:"
#: the longest caption of an article on its own line (第六条　项目执行程序); an article's
#: sentence without its full stop is longer
ARTICLE_CAPTION = 15
#: a caption in brackets between an article's number and its body: 第一条（目的）, 第一条【目的】
_BRACKETED_CAPTION = re.compile(rf"^[（(【〔\[][^（()）【】〔〕\[\]。]{{1,{HEADING_SPAN}}}[）)】〕\]]")
_CLAUSE_MARKS = "。，；：！？、,;:!?"


def build_flow(parent: etree._Element, lines: list[Line], cjk: bool, short: int, titled: bool = False) -> None:
    """Paragraphs, tables and sections of lines, appended to parent (a body, annex …).

    ``titled``: the lines are an attachment's whose title names a table (…统计表): cells
    pasted one a line at their start are that table."""
    sections = _Sections(parent, cjk, short)
    pending: list[Line] = []
    i = 0
    while i < len(lines):
        table = (find_flattened(lines, i, titled=titled and i == 0) if cjk else None) \
            or find_table(lines, i, sections.continues_numbering)
        if table is None:
            pending.append(lines[i])
            i += 1
            continue
        sections.add_all(paragraphs(pending, cjk))
        pending = []
        # again, now that the headings before it are known: one that goes on their numbering
        # ends the table
        table = find_table(lines, i, sections.continues_numbering) or table
        sections.add_block(table.element)
        i = table.end
    sections.add_all(paragraphs(pending, cjk))


def paragraphs(lines: list[Line], cjk: bool) -> list[tuple[int, str]]:
    """Group lines into paragraphs: (first line number, text).

    Chinese reports keep one paragraph per line. Latin text may be hard-wrapped, so a
    paragraph runs until a blank line, an indented line, a numbered line that follows the
    end of a sentence, or the line after a numbered heading that stands on its own line.
    """
    if cjk:
        return [(line.number, line.text) for line in lines]
    paras: list[tuple[int, str]] = []
    after_heading = False  # the last paragraph is a short numbered line without a full stop
    for line in lines:
        starts = (not paras or line.blank_before or line.indented
                  # "2. Findings" then "The review found …", but not "1. We examined cases
                  # from the four" then "regional offices." (a narrow hard wrap)
                  or (after_heading and not line.text[0].islower())
                  or _starts_numbered_paragraph(line, paras[-1][1]))
        if starts:
            paras.append((line.number, line.text))
        else:
            n, text = paras[-1]
            paras[-1] = (n, text + " " + line.text)
        after_heading = starts and _is_heading_line(line.text)
    return paras


def _starts_numbered_paragraph(line: Line, before: str) -> bool:
    """A numbered Latin line starts a paragraph unless it continues a sentence: the line
    before it must end one (so a wrapped line that starts with "12. " is left alone)."""
    ends_sentence = before.rstrip().rstrip("\"'”’)]")[-1:] in ".:;!?"
    return ends_sentence and rp.match_numbering(line.text) is not None


def _is_heading_line(text: str) -> bool:
    """A short numbered Latin line without a sentence end: a heading on its own line."""
    num = rp.match_numbering(text)
    return (num is not None and len(text) <= HEADING_LINE_LATIN
            and rp.latin_sentence_end(num.rest.strip() + " ") is None)


def cjk_heading_split(rest: str) -> int | None | bool:
    """Where a Chinese heading phrase ends in the text after its number.

    Returns the index after the run-in heading's closing mark, ``None`` for an own-line
    heading (the whole line), or ``False`` when the line is a numbered paragraph.
    """
    ends = [k for k in (rest.find(c) for c in CJK_RUNIN_END) if k >= 0]
    k = min(ends) if ends else None
    if k is None:
        return None if len(rest) <= HEADING_SPAN and rest[-1] not in "；;，,、" else False
    if k > HEADING_SPAN:
        return False
    if not rest[k + 1 :].strip():
        # a line that is one clause ending in 。 with commas, or a lead-in ending in ：, is a
        # numbered sentence; a short phrase with a full stop (（一）加强组织领导。) a heading
        if rest[k] in "：:" or any(c in rest[:k] for c in "，；,;"):
            return False
        return None
    return k + 1


def article_split(rest: str) -> int | None:
    """Where an article's heading ends in the text after its number (第一条): ``None`` when the
    line is the number and a caption alone (第五条　申请条件), after a bracketed caption
    (第一条（目的）为了……), else 0 — the heading is the number, the rest its body."""
    m = _BRACKETED_CAPTION.match(rest)
    if m:
        return m.end() if rest[m.end():].strip() else None
    if len(rest) <= ARTICLE_CAPTION and not any(c in rest for c in _CLAUSE_MARKS):
        return None
    return 0


class _Sections:
    """Builds the section tree; levels follow the order in which numbering shapes appear."""

    def __init__(self, root: etree._Element, cjk: bool, short: int):
        self.cjk = cjk
        self.short = short
        self.kinds: list[str] = []  # numbering shapes, outermost first
        self.last: dict[str, int] = {}  # the last number of each shape a heading used
        self.open: list[tuple[int, etree._Element]] = [(0, root)]
        self.articles: set[etree._Element] = set()  # the open sections that are articles (第一条)

    def add_all(self, paragraphs: list[tuple[int, str]]) -> None:
        for number, text in paragraphs:
            num = rp.match_numbering(text)
            if num is None:
                self._paragraph(text, number)
            else:
                self._numbered(num, number)

    def continues_numbering(self, text: str) -> bool:
        """A line numbered next in a shape the headings use (三、 after 二、): a heading."""
        num = rp.match_numbering(text)
        if num is None or num.kind not in self.last:
            return False
        return _value(num.text) == self.last[num.kind] + 1

    def add_block(self, el: etree._Element) -> None:
        self.open[-1][1].append(el)

    def _level(self, kind: str) -> int:
        if kind in self.kinds:
            del self.kinds[self.kinds.index(kind) + 1 :]
        else:
            self.kinds.append(kind)
        return min(len(self.kinds), 6)

    def _numbered(self, num: rp.Numbering, line: int) -> None:
        rest = num.rest.lstrip()
        gap = num.rest[: len(num.rest) - len(rest)]  # kept as written: "1. Scope", "一、总体"
        if num.kind == "article":
            split: int | None | bool = article_split(rest)
        elif num.kind not in rp.REGULATION_KINDS and self._in_article():
            split = False  # an article's items (项): （一）…；
        elif self.cjk:
            split = cjk_heading_split(rest)
        else:
            split = self._latin_split(rest)
        if split is False:
            p = self._paragraph("", line)
            new("number", num.text, p).tail = gap
            _mark_leads(p, rest)
            return
        level = self._level(num.kind)
        value = _value(num.text)
        if value is not None:
            self.last[num.kind] = value
        while self.open[-1][0] >= level:
            self.open.pop()
        sec = new("section", parent=self.open[-1][1], level=str(level), runin="false")
        model.set_line(sec, line)
        self.open.append((level, sec))
        if num.kind == "article":
            self.articles.add(sec)
        heading = new("heading", parent=sec)
        new("number", num.text, heading)
        if split is None:
            heading[0].tail = gap + rest
        else:
            sec.set("runin", "true")
            body = rest[split:].lstrip()
            # the space between a run-in heading and its body stays with the heading
            heading[0].tail = gap + rest[: len(rest) - len(body)]
            self._paragraph(body, line)

    def _in_article(self) -> bool:
        return any(el in self.articles for _, el in self.open)

    def _latin_split(self, rest: str) -> int | None:
        """Where a Latin run-in heading ends (after its first sentence), or None (own line)."""
        k = rp.latin_sentence_end(rest)
        if k is None or not rest[k + 1 :].strip():
            return None
        return k + 1

    def _paragraph(self, text: str, line: int) -> etree._Element:
        p = new("p", parent=self.open[-1][1])
        model.set_line(p, line)
        _mark_leads(p, text)
        return p


def _value(number: str) -> int | None:
    """The value of a numbering as written: 三、 → 3, （12） → 12, 2.1 → None."""
    if "\u2460" <= number[:1] <= "\u2473":  # ① … ⑳
        return ord(number[0]) - 0x2460 + 1
    digits = "".join(c for c in number if c.isdigit() or c in rp.CN_DIGITS)
    if not digits or "." in number.rstrip(".．") :
        return None
    if digits.isdigit():
        return int(digits)
    try:
        return rp.cn_number(digits)
    except ValueError:
        return None


def _mark_leads(p: etree._Element, text: str, after_number: bool = False) -> None:
    """Paragraph text with 一是 … 十是 wrapped in <lead>, after what p already holds."""
    pos = 0
    for m in rp.LEAD.finditer(text):
        model.append_text(p, text[pos : m.start()])
        new("lead", m.group(1), p)
        pos = m.end()
    model.append_text(p, text[pos:])
