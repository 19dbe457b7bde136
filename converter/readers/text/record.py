"""A pasted web page's metadata block (索引号, 主题分类, 发文机关, 成文日期, 标题 …) as a record.

Government sites show it as a table above the article; copied, it becomes lines of
``label：value`` pairs, separated by tabs or runs of spaces, one or several a line.
"""
from __future__ import annotations

import re

from lxml import etree

from ... import model
from ...model import new
from .lines import Line
from .shapes import _S, date_of, split_names

#: labels of the metadata blocks of Chinese government web pages
LABELS = ("索引号", "信息索引号", "主题分类", "所属主题", "发文机关", "发布机构", "发布机关", "制发机关", "发文单位",
          "成文日期", "发文日期", "标题", "信息名称", "名称", "发文字号", "文号", "文件编号", "发布日期", "发布时间",
          "主题词", "关键词", "公文种类", "体裁分类", "组配分类", "服务对象", "信息来源", "来源", "生成日期",
          "公开方式", "公开范围", "公开时限", "有效性", "效力状态", "时效", "实施日期", "废止日期", "失效日期",
          "统一编号", "登记号", "所属机构", "责任部门", "内容概述", "文种", "分类", "年份")
_LABEL = re.compile(
    r"(?:^|(?<=[\s\u3000]))(?P<label>" + "|".join(_S.join(re.escape(c) for c in w)
                                                 for w in sorted(LABELS, key=len, reverse=True))
    + rf"){_S}[：:]")
#: a record has at least this many fields (one "来源：新华社" line is body text)
MIN_FIELDS = 2


def fields_of(text: str) -> list[tuple[str, str]] | None:
    """The (label as written with its colon, value) pairs of a record line, or None when the
    line is not made only of such pairs."""
    matches = list(_LABEL.finditer(text))
    if not matches or matches[0].start() != 0:
        return None
    pairs = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        pairs.append((m.group(0), text[m.end():end].strip(" \t\u3000")))
    return pairs


def record_at(lines: list[Line], start: int, min_fields: int = MIN_FIELDS) -> tuple[int, etree._Element | None]:
    """The record starting at lines[start]: (index after it, <record>), or (start, None).

    Under a title one field is enough (发布日期：2020-01-31): a body does not start so."""
    end, pairs = start, []
    while end < len(lines):
        found = fields_of(lines[end].text)
        if found is None:
            break
        pairs.append((lines[end].number, found))
        end += 1
    if sum(len(p) for _, p in pairs) < min_fields or end >= len(lines):
        return start, None
    record = new("record")
    for number, found in pairs:
        for label, value in found:
            field = new("field", parent=record)
            model.set_line(field, number)
            new("label", label, field)
            new("value", value, field)
    model.set_line(record, lines[start].number)
    return end, record


def meta_from(record: etree._Element) -> etree._Element | None:
    """What a record tells the document's metadata that its text may not: keywords, subject,
    issuing body, date written (成文日期) and date published, the index number."""
    values = {"".join((f.findtext(model.q("label")) or "").split()).rstrip("：:"): (f.findtext(model.q("value")) or "").strip()
              for f in record.iterfind(model.q("field"))}
    meta = new("meta")
    issuer = values.get("发文机关") or values.get("发布机构") or values.get("发布机关")
    if issuer:
        new("author", issuer, meta)
    written = values.get("成文日期") or values.get("发文日期")
    if written and date_of(written):
        new("date", written, meta, value=date_of(written))
    if values.get("主题分类"):
        new("subject", values["主题分类"], meta)
    for word in split_names(values.get("主题词") or values.get("关键词") or ""):
        new("keyword", word, meta)
    published = values.get("发布日期") or values.get("发布时间")
    if published and date_of(published):
        new("property", date_of(published), meta, name="published")
    if values.get("索引号"):
        new("property", values["索引号"], meta, name="index-number")
    return meta if len(meta) else None
