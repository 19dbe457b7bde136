"""What the parts of a GB/T 9704 document look like as lines of text (版头, 版记, 附件 …).

Hand-written, as report_patterns.py is: no library knows these conventions. Each shape
is a whole-line test on a stripped line, so a rule reads as one sentence.
"""
from __future__ import annotations

import re

from .. import report_patterns as rp

_S = r"[\s\u3000]*"  # spaces people put between the characters of a label (标　　题)

#: Unicode's supplementary private use area A (no document's text is in it): a reader that gives
#: these rules lines with objects in them that only running text can hold (a footnote's
#: reference, a picture: the DOCX reader) writes each object as one character from here
TEXT_OBJECTS = "\U000F0000-\U000FFFFD"
_TEXT_OBJECT = re.compile(f"[{TEXT_OBJECTS}]")


def carries_object(text: str) -> bool:
    """Whether a line holds an object only running text can hold: such a line is no name (an
    issuing body, a 发文机关标志), whose element holds text only, so the object would have to move."""
    return _TEXT_OBJECT.search(text) is not None


def _spaced(word: str) -> str:
    return _S.join(re.escape(c) for c in word)


# --- 版头 -------------------------------------------------------------------------------------
#: 份号: six Arabic digits (GB/T 9704 7.2.1), or written with its label
COPY_NUMBER = re.compile(rf"^(?:份{_S}号{_S}[：:]{_S})?\d{{6}}$")
#: 密级和保密期限: 绝密 机密 秘密, with ★ and the period when given (机密★1年)
SECRECY = re.compile(rf"^(?:{_spaced('绝密')}|{_spaced('机密')}|{_spaced('秘密')}){_S}(?:[★☆*]{_S}\S{{0,10}})?$")
#: 紧急程度
URGENCY = re.compile(rf"^(?:{_spaced('特急')}|{_spaced('加急')}|{_spaced('特提')}|{_spaced('平急')})$")
#: 签发人：names (on its own line, or after the 发文字号 on its line)
SIGNERS = re.compile(rf"^(?P<label>签{_S}发{_S}人{_S}[：:]){_S}(?P<names>\S.*)$")
_DOCNUMBER = r"[\[［(（]?\S{1,20}?[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*第?\s*\d{1,5}\s*号[\]］)）]?"
DOCNUMBER = re.compile(rf"^{_DOCNUMBER}$")
DOCNUMBER_SIGNERS = re.compile(rf"^(?P<number>{_DOCNUMBER})[\s\u3000]+(?P<signers>签{_S}发{_S}人{_S}[：:].*)$")
#: the words an issuing body's name ends with (a 发文机关标志 line without 文件)
ORGAN_ENDS = ("办公厅", "办公室", "人民政府", "政府", "委员会", "党委", "省委", "市委", "县委", "区委", "常委会",
              "部", "厅", "局", "委", "院", "署", "会", "办", "中心", "总局", "总社", "公司", "集团", "银行")


def is_mark_line(text: str) -> bool:
    """A 发文机关标志 line: an issuing body (with 文件 or not), short and without punctuation."""
    bare = "".join(text.split())
    if not 2 <= len(bare) <= 30 or carries_object(bare) or "关于" in bare or any(c in bare for c in "。，；：:,.!?！？《》“”0123456789"):
        return False
    return bare.endswith(MARK_ENDS) or bare.endswith(ORGAN_ENDS)


#: a 发文机关标志 ends its last line with 文件, or, for a 纪要 (GB/T 9704 10.3), with 纪要
MARK_ENDS = ("文件", "纪要")


def split_names(text: str) -> list[str]:
    """Names written one after another: 张三　李四、王五."""
    return [n for n in re.split(r"[\s\u3000、，,；;]+", text) if n]


# --- titles -----------------------------------------------------------------------------------
#: the words a document's title ends with (its genre, 文种), after any bracketed tail
GENRES = ("通知", "通报", "意见", "决定", "决议", "批复", "复函", "函", "答复", "报告", "请示", "公告", "通告",
          "命令", "令", "议案", "纪要", "公报", "规定", "办法", "细则", "条例", "方案", "规划", "预案", "纲要",
          "要点", "计划", "名单", "说明", "标准", "章程", "守则", "规则", "制度", "措施", "指南", "指引", "目录",
          "清单", "总结", "讲话", "建议", "提案", "通则", "纪要", "安排", "部署", "解读", "公示")
_BRACKETED_TAIL = re.compile(r"[（(][^（()）]*[）)]$")


def ends_with_genre(text: str) -> bool:
    """A title is complete when it ends with its genre: …的通知, …办法（试行）."""
    bare = "".join(text.split())
    while True:
        m = _BRACKETED_TAIL.search(bare)
        if not m or m.start() == 0:
            break
        bare = bare[: m.start()]
    return bare.rstrip("》〉”").endswith(GENRES)


#: a title's continuation may open with these (…印发XX办法 / 的通知)
CONTINUES = ("的", "和", "及", "与", "暨")
#: a title line ending with these is not the end of the title
OPEN_ENDS = ("的", "和", "及", "与", "暨", "关于", "对", "、", "《")


# --- the closing and after it -----------------------------------------------------------------
#: a line that is only an attachment's label: 附件 / 附件1 / 附件 2 / 附件三 / 附件：
ANNEX_LABEL = re.compile(rf"^附{_S}件{_S}(?:[0-9０-９]{{1,3}}[.．]?|[一二三四五六七八九十]{{1,3}})?{_S}[：:]?$")
#: an attachment's label and its title on one line, parted by spaces or a colon: 附件1　XX报名表,
#: 附件2：XX名单 (not 附件1.XX, the first item of a note)
ANNEX_LABEL_TITLE = re.compile(rf"^(?P<label>附{_S}件{_S}(?:[0-9０-９]{{1,3}}|[一二三四五六七八九十]{{1,3}})"
                               rf"(?:{_S}[：:])?)(?P<gap>[\s\u3000]*)(?P<title>[^\s\u3000：:.．、].*)$")
#: 附：… — something appended under a signature that is not an attachment body (附件)
APPENDED = re.compile(r"^附[：:]")
CC = re.compile(rf"^抄{_S}送{_S}[：:]")
#: 主题词 (a 版记 line of documents before GB/T 9704-2012)
KEYWORDS = re.compile(rf"^主{_S}题{_S}词{_S}[：:]")
#: a page number of a printed copy pasted with its text: - 3 -, — 3 —, -3-
PAGE_NUMBER = re.compile(r"^[-—–－]\s*\d{1,4}\s*[-—–－]$")
MAIN_TO = re.compile(rf"^主{_S}送{_S}[：:]")
_DATE = r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇零○Ｏ一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)"
#: 印发机关 and 印发日期 on one line: 湖南省人民政府办公厅　　2019年1月3日印发
PRINTER = re.compile(rf"^(?P<body>\S.*?)[\s\u3000]+(?P<date>{_DATE}{_S}印{_S}发)$")
#: an issuer and the date on one line (a signature typed on one line)
ISSUER_DATE = re.compile(rf"^(?P<issuer>[^\s\u3000。，；：:{TEXT_OBJECTS}]{{2,30}})[\s\u3000]+(?P<date>{_DATE})$")
#: 附注 lines without brackets: contact lines under the date
CONTACT = re.compile(rf"^(?:联{_S}系{_S}人|联系电话|联系方式|电{_S}话|传{_S}真|地{_S}址|邮{_S}编|邮政编码|电子邮箱|邮{_S}箱)\s*[：:]")


def date_of(text: str) -> str | None:
    """The ISO date of a date line (2018年12月6日, 二〇一八年十二月六日 …), spaces tolerated."""
    return rp.parse_date(text) or rp.parse_date("".join(text.split()))


def printer_date(text: str) -> str | None:
    """The ISO date in a 印发 date (2019年1月3日印发)."""
    m = re.match(_DATE, "".join(text.split()))
    return date_of(m.group(0)) if m else None


def is_remark(text: str) -> bool:
    """附注 under the date: in round brackets (（此件公开发布）), or a contact line (联系人：…)."""
    return bool(rp.REMARK.match(text)) or bool(CONTACT.match(text))


# --- bylines ----------------------------------------------------------------------------------
BYLINE = re.compile(r"^[（(](?P<inner>[^（()）]*(?:[（(][^（()）]*[）)][^（()）]*)*)[）)]$")


def byline_parts(text: str) -> tuple[str | None, str | None, str | None]:
    """(before, issuer, date) inside a byline such as （民政部　一九九七年一月二十八日）.

    Returns Nones when the brackets hold neither a date nor an issuing body at their end.
    """
    m = BYLINE.match(text)
    if not m or carries_object(text):  # its issuer and date hold text only
        return None, None, None
    words = [w for w in re.split(r"[\s\u3000]+", m.group("inner")) if w]
    date = words[-1] if words and date_of(words[-1]) else None
    rest = words[:-1] if date else words
    issuer = rest[-1] if rest and is_mark_line(rest[-1]) else None
    return (" ".join(rest[:-1]) if issuer else " ".join(rest)) or None, issuer, date
