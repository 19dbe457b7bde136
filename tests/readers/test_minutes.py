"""纪要 (GB/T 9704 10.3) in the text reader: a mark ending with 纪要 over its 文号 is the 发文机关标志
and names the minutes style; the body's last 出席 / 请假 / 列席 lines are the closing's attendance
lists, each its label as written and its names; the same lines elsewhere stay body text.
The expected structure was written by reading sources/gongwen-minutes.txt (written by hand in
the form of a government 常务会议纪要: no real 纪要 text with attendance lines was found in the
search corpora)."""
from __future__ import annotations

from converter import model
from converter.model import q
from converter.pipeline import read
from converter.readers.text import parse_report
from helpers import SOURCES


def attendance_of(doc):
    return [(a.get("kind"), a.find(q("label")).text, a.find(q("label")).tail)
            for a in doc.iter(q("attendees"))]


def test_the_minutes_sample():
    doc = read(SOURCES / "gongwen-minutes.txt")
    assert doc.get("style") == "gongwen-minutes"
    assert [i.text for i in doc.iter(q("issuer"))][:1] == ["某市人民政府常务会议纪要"]
    assert model.plain_text(doc.find(f"{q('masthead')}/{q('docnumber')}")) == "某政阅〔2024〕9号"
    assert model.plain_text(doc.find(q("title"))) == "某市人民政府第二十三次常务会议纪要"
    assert attendance_of(doc) == [
        ("present", "出席：", "王建国　李明华　张晓东　陈立新　刘　芳　赵志强　周海波　吴国平"),
        ("absent", "请假：", "孙学军（在外学习）"),
        ("attending", "列席：", "市政府办公室、市发展改革委、市财政局、市住房城乡建设局、市水务局、市应急管理局、"
                                "市市场监管局主要负责同志"),
    ]
    closing = doc.find(q("closing"))
    assert model.tag_of(closing[0]) == "attendance"
    assert "出席" not in model.plain_text(doc.find(q("body")))
    model.validate(doc)


def test_attendance_before_a_signature_and_without_a_mark():
    text = ("关于城市更新工作的会议纪要\n\n　　会议研究了城市更新工作。\n　　出席：王建国　李明华\n"
            "　　列席：市财政局\n\n某市人民政府办公室\n2024年6月13日\n")
    doc = parse_report(text)
    assert attendance_of(doc) == [("present", "出席：", "王建国　李明华"), ("attending", "列席：", "市财政局")]
    closing = doc.find(q("closing"))
    assert [model.tag_of(c) for c in closing] == ["attendance", "signature"]
    assert doc.get("style") is None  # no 发文机关标志: the build's default style


def test_attendance_lines_inside_the_body_stay_text():
    text = ("关于城市更新工作的会议纪要\n\n　　出席：王建国　李明华\n　　会议研究了城市更新工作，议定如下事项。\n")
    doc = parse_report(text)
    assert attendance_of(doc) == []
    assert "出席：王建国" in model.plain_text(doc.find(q("body")))


def test_the_xml_reads_back_unchanged(tmp_path):
    from converter.pipeline import build

    result = build(SOURCES / "gongwen-minutes.txt", tmp_path / "a", ["xml"])
    xml = result.outputs[0]
    again = build(xml, tmp_path / "b", ["xml"]).outputs[0]
    assert again.read_bytes() == xml.read_bytes()
    assert attendance_of(read(xml)) == attendance_of(read(SOURCES / "gongwen-minutes.txt"))
