"""The front of a document: 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人), the title
(over several lines), subtitle, byline, the 文号 under the title, and the addressee."""
from __future__ import annotations

import re

from lxml import etree

from ... import model
from ...model import new
from .. import report_patterns as rp
from . import shapes
from .lines import Line, ends_sentence

#: a title runs over at most this many lines
TITLE_LINES = 4
#: the longest title line (a wrapped body line is longer)
TITLE_LINE = 45
#: an addressee wraps over at most this many lines
ADDRESSEE_LINES = 3


def masthead_at(lines: list[Line], i: int, before_title: bool) -> tuple[int, etree._Element | None]:
    """The 版头 lines starting at lines[i]: (index after them, <masthead> or None).

    Before the title: 份号, 密级, 紧急程度, the 发文机关标志 and the 发文字号 with 签发人, in their
    usual order. Under the title (web copies, Word files): only the 发文字号 and 签发人.
    """
    head = new("masthead")
    j = i
    if before_title:
        for tag, shape in (("copy-number", shapes.COPY_NUMBER), ("secrecy", shapes.SECRECY),
                           ("urgency", shapes.URGENCY)):
            if j < len(lines) - 1 and shape.match(lines[j].text):
                model.set_line(new(tag, lines[j].text, head), lines[j].number)
                j += 1
        j = _mark(lines, j, head)
    j = _docnumber(lines, j, head)
    if not len(head):
        return i, None
    model.set_line(head, lines[i].number)
    return j, head


def _mark(lines: list[Line], j: int, head: etree._Element) -> int:
    """发文机关标志: issuing-body lines ending with one that says 文件, or followed by the 文号."""
    k = j
    while k < len(lines) and k - j < 4 and shapes.is_mark_line(lines[k].text):
        k += 1
        if "".join(lines[k - 1].text.split()).endswith(shapes.MARK_ENDS):
            break
    if k == j:
        return j
    says_file = "".join(lines[k - 1].text.split()).endswith("文件")
    followed_by_number = k < len(lines) and _docnumber_line(lines[k].text)
    if not (says_file or followed_by_number) or k >= len(lines) - 1:
        return j
    mark = new("mark", parent=head)
    model.set_line(mark, lines[j].number)
    for line in lines[j:k]:
        m = _FILE_WORD.match(line.text)  # the body's name, then 文件 (kept as written)
        if m is None and len(mark) and "".join(line.text.split()) == "文件":
            mark[-1].tail = (mark[-1].tail or "") + line.text  # 文件 beside a joint stack of names
            continue
        new("issuer", m.group(1) if m else line.text, mark).tail = m.group(2) if m else None
    return k


_FILE_WORD = re.compile(r"^(.*?\S)([\s\u3000]*文[\s\u3000]*件)$")


def _docnumber_line(text: str) -> bool:
    return bool(shapes.DOCNUMBER.match(text) or shapes.DOCNUMBER_SIGNERS.match(text) or shapes.SIGNERS.match(text))


def _docnumber(lines: list[Line], j: int, head: etree._Element) -> int:
    """发文字号 alone, with 签发人 on its line, or 签发人 on a line of its own (next to it)."""
    seen_number = seen_signers = False
    while j < len(lines) - 1:
        text = lines[j].text
        both = shapes.DOCNUMBER_SIGNERS.match(text)
        if both and not seen_number and not seen_signers:
            model.set_line(new("docnumber", both.group("number"), head), lines[j].number)
            _signers(both.group("signers"), head, lines[j].number)
            seen_number = seen_signers = True
        elif shapes.DOCNUMBER.match(text) and not seen_number:
            model.set_line(new("docnumber", text, head), lines[j].number)
            seen_number = True
        elif shapes.SIGNERS.match(text) and not seen_signers:
            _signers(text, head, lines[j].number)
            seen_signers = True
        else:
            break
        j += 1
    return j


def _signers(text: str, head: etree._Element, line: int) -> None:
    m = shapes.SIGNERS.match(text)
    signers = new("signers", parent=head)
    model.set_line(signers, line)
    new("label", m.group("label"), signers)
    for name in shapes.split_names(m.group("names")):
        new("signer", name, signers)


def title_at(lines: list[Line], i: int, cjk: bool) -> tuple[int, str]:
    """The title starting at lines[i]: (index after it, its text with the lines joined).

    A Chinese title is complete when it ends with its genre (…的通知); until then short lines
    without sentence punctuation continue it (国务院办公厅转发民政部关于 / 清理整顿社会团体意见的通知).
    A first line that never reaches a genre within TITLE_LINES lines is the whole title.
    """
    first = lines[i].text
    if not cjk:
        return i + 1, first
    text, j = first, i + 1
    done = shapes.ends_with_genre(first)
    while j < len(lines) and j - i < TITLE_LINES and _continues_title(lines[j].text, done):
        text += lines[j].text
        j += 1
        if shapes.ends_with_genre(text):
            return j, text
    # no genre within reach: a line that breaks after 的, 和, 关于 … still goes on (a title
    # without a genre word, such as an attachment's: …口岸区的 / 查验区界址点坐标)
    text, j = first, i + 1
    while (j < len(lines) and j - i < TITLE_LINES and text.endswith(shapes.OPEN_ENDS)
           and _continues_title(lines[j].text, False)):
        text += lines[j].text
        j += 1
    return j, text


def _continues_title(text: str, done: bool) -> bool:
    if len(text) > TITLE_LINE or "\t" in text or ends_sentence(text) or rp.match_numbering(text) or shapes.date_of(text):
        return False
    if (_docnumber_line(text) or shapes.BYLINE.match(text) or shapes.ANNEX_LABEL.match(text)
            or shapes.PAGE_NUMBER.match(text)):
        return False
    # a complete title continues only with 的通知 (关于印发XX办法 / 的通知)
    return not done or (text.startswith(shapes.CONTINUES) and shapes.ends_with_genre(text))


def byline_at(lines: list[Line], i: int) -> tuple[int, etree._Element | None]:
    """A byline under a title: （民政部　一九九七年一月二十八日）, with its issuer and date marked."""
    if i >= len(lines) - 1:
        return i, None
    text = lines[i].text
    before, issuer, date = shapes.byline_parts(text)
    if issuer is None and date is None:
        return i, None
    byline = new("byline")
    model.set_line(byline, lines[i].number)
    pos = 0
    last = None
    for tag, part in (("issuer", issuer), ("date", date)):
        if part is None:
            continue
        k = text.index(part, pos)
        if last is None:
            byline.text = text[:k]
        else:
            last.tail = text[pos:k]
        last = new(tag, part, byline, value=shapes.date_of(part) if tag == "date" else None)
        pos = k + len(part)
    last.tail = text[pos:]
    return i + 1, byline


#: a 主送 longer than ADDRESSEE_LINES short lines (GB/T 9704 7.3.1 moves such a one to the 版记)
#: is still one when it is a flush-left list of this many names or more, none longer than
#: LONG_NAME characters (a body paragraph ending with a colon has longer clauses)
MANY_BODIES, LONG_NAME = 6, 20


def _list_of_bodies(text: str) -> bool:
    names = [n for n in re.split(r"[、，,]", text.rstrip("：:")) if n.strip()]
    return len(names) >= MANY_BODIES and max(len(n.strip()) for n in names) <= LONG_NAME


def addressee_at(lines: list[Line], i: int, short: int) -> tuple[int, str | None]:
    """The addressee (主送机关) at lines[i], possibly wrapped: it ends with a colon, holds no
    full stop, and reads as a list of bodies (each line short, ending with 、 or ， if wrapped)."""
    text = ""
    for j in range(i, min(i + ADDRESSEE_LINES, len(lines) - 1)):
        line = lines[j].text
        if "。" in line or rp.match_numbering(line) or rp.ATTACHMENT_LABEL.match(line) or "如下" in line:
            return i, None
        text += line
        if line[-1] in "：:":
            limit = short * ADDRESSEE_LINES
            long_list = not lines[i].indented and _list_of_bodies(text)
            return (j + 1, text) if len(text) <= limit or long_list else (i, None)
        # a wrapped addressee is a list of bodies: its first line names several or breaks after one
        if line[-1] not in "、，," and not any(c in line for c in "、，,"):
            return i, None
    return i, None
