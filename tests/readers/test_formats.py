"""Which GB/T 9704 format a text source is written in (converter/readers/text/formats.py): a
发文机关标志 over a 函's 发文字号 names the 信函 style (10.1); a mark ending with 文件 keeps the 文件
format, as do web copies of 函 without a 发文机关标志 (tests/readers/real/); a mark ending with 纪要
names the 纪要 style."""
from __future__ import annotations

from pathlib import Path

import pytest

from converter import model
from converter.model import q
from converter.pipeline import read
from converter.readers.text import parse_report
from converter.readers.text.formats import LETTER_STYLE, MINUTES_STYLE
from helpers import SOURCES

REAL = Path(__file__).parent / "real"
BODY = "\n省住房和城乡建设厅：\n\n　　现商请贵厅给予支持。\n\n某市人民政府办公室\n2024年5月20日\n"


def test_the_letter_sample_names_the_letter_style():
    doc = read(SOURCES / "gongwen-letter.txt")
    assert doc.get("style") == LETTER_STYLE
    assert model.plain_text(doc.find(f"{q('masthead')}/{q('mark')}")) == "某市人民政府办公室"
    assert read(SOURCES / "gongwen-minutes.txt").get("style") == MINUTES_STYLE


@pytest.mark.parametrize("number", ["某政办函〔2024〕21号", "国办函〔2024〕12号", "国函[2024]3号",
                                    "某教函（2024）5号", "某教函(2024)5号"])
def test_a_mark_over_a_letter_number_is_a_letter(number):
    doc = parse_report(f"某市人民政府办公室\n\n{number}\n\n关于商请支持城市体检工作的函\n{BODY}")
    assert model.plain_text(doc.find(f"{q('masthead')}/{q('docnumber')}")) == number
    assert doc.get("style") == LETTER_STYLE


@pytest.mark.parametrize("mark, number", [
    ("某市人民政府办公室文件", "某政办函〔2024〕21号"),  # a 函 printed in the 文件 format
    ("某市人民政府办公室", "某政办发〔2024〕21号"),     # not a 函's number
    ("某市人民政府办公室", "某函数办发〔2024〕21号"),   # 函 not right before the year
])
def test_other_documents_keep_the_default_style(mark, number):
    doc = parse_report(f"{mark}\n\n{number}\n\n关于商请支持城市体检工作的通知\n{BODY}")
    assert doc.find(f"{q('masthead')}/{q('mark')}") is not None
    assert doc.get("style") is None


def test_real_letters_without_a_mark_keep_the_default_style():
    """The gov.cn copies of 国办函 / 国函 carry their 文号 but no 发文机关标志: no 版头 to print as a
    信函's."""
    letters = [p for p in sorted(REAL.glob("*.txt")) if "函〔" in p.read_text(encoding="utf-8")[:2000]]
    assert len(letters) >= 6
    for path in letters:
        doc = read(path)
        assert doc.find(f"{q('masthead')}/{q('mark')}") is None, path.name
        assert doc.get("style") is None, path.name
    assert all(read(p).get("style") is None for p in sorted(REAL.glob("*.txt")))
