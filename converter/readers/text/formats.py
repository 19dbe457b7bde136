"""Which GB/T 9704-2012 format a text source is written in (a text source cannot name its style):
a 发文机关标志 ending with 纪要 is a 纪要's (10.3, `gongwen-minutes`); a 发文机关标志 not ending with
文件 over a 函's 发文字号 (`某政办函〔2024〕21号`, `国函〔2006〕38号`) is a 信函's (10.1, the format
of 函, `gongwen-letter`). A document that names a style keeps it."""
from __future__ import annotations

import re

from lxml import etree

from ... import model
from ...model import q

#: the style a 纪要 is built with unless the build asks for another
MINUTES_STYLE = "gongwen-minutes"
#: the style a 信函 is built with unless the build asks for another
LETTER_STYLE = "gongwen-letter"
#: a 函's 发文字号: 函 right before the year's bracket (〔 [ （ or ()
LETTER_NUMBER = re.compile(r"函[ \u3000]*[〔\[（(]")


def _mark(doc: etree._Element) -> str | None:
    """The 发文机关标志 as written, without spaces (`浙 江 省 教 育 厅` is 浙江省教育厅), or None."""
    mark = doc.find(f"{q('masthead')}/{q('mark')}")
    return None if mark is None else "".join("".join(mark.itertext()).split())


def minutes_style(doc: etree._Element) -> None:
    """A 发文机关标志 ending with 纪要 (…会议纪要) names the minutes style, unless the document
    names one."""
    mark = _mark(doc)
    if mark is not None and doc.get("style") is None and mark.endswith("纪要"):
        doc.set("style", MINUTES_STYLE)


def letter_style(doc: etree._Element) -> None:
    """A 发文机关标志 over a 函's 发文字号 names the letter style, unless the document names one.
    A mark ending with 文件 keeps the 文件 format: a 函 may be printed in it. Web copies without a
    发文机关标志 (国办函〔2005〕57号 on gov.cn) have no 版头 to print as a 信函's and stay as they are."""
    mark = _mark(doc)
    number = doc.find(f"{q('masthead')}/{q('docnumber')}")
    if (mark is None or mark.endswith("文件") or number is None or doc.get("style") is not None
            or not LETTER_NUMBER.search(model.plain_text(number))):
        return
    doc.set("style", LETTER_STYLE)
