"""The plain-text report reader: what structure it finds in fixtures, in memory and in the seed."""
from __future__ import annotations

import json

import pytest

from converter import model
from converter.model.outline import outline
from converter.pipeline import read
from converter.readers.text import parse_report
from helpers import FIXTURES, SOURCES, flat

TEXT = FIXTURES / "text"


def fixture(name: str):
    """The validated model of a fixture, read through the pipeline as a user's file is."""
    return read(TEXT / name)


def sections_of(text: str) -> list[tuple[int, str, str, bool]]:
    return flat(outline(parse_report(text))["sections"])


def leads(doc) -> list[str]:
    return [lead.text for lead in doc.iter(model.q("lead"))]


# --- front matter -----------------------------------------------------------------------------

def test_docnumber_title_addressee():
    doc = fixture("docnumber-addressee.txt")
    out = outline(doc)
    assert out["docnumber"] == "某县政办发〔2024〕12号"
    assert model.plain_text(doc.find(f"{model.q('masthead')}/{model.q('docnumber')}")) == "某县政办发〔2024〕12号"
    assert out["title"] == "某县人民政府办公室关于做好2024年春季防火工作的通知"
    assert out["lang"] == "zh-CN"
    assert out["addressee"] == "各乡（镇）人民政府，县政府各部门："
    assert [s[1:3] for s in flat(out["sections"])] == [("一、", "提高思想认识"), ("二、", "落实工作责任")]
    # the opening paragraph ends with a colon but is long: body text, not a second addressee
    first = doc.find(model.q("body"))[0]
    assert model.tag_of(first) == "p" and first.text.endswith("通知如下：")


def test_title_is_the_first_non_empty_line():
    doc = parse_report("\n\n  年度报告  \n\n正文。\n")
    assert outline(doc)["title"] == "年度报告"
    assert outline(doc)["addressee"] is None


def test_addressee_must_follow_the_title():
    out = outline(parse_report("标题\n第一段正文。\n各部门：\n"))
    assert out["addressee"] is None


# --- sections ---------------------------------------------------------------------------------

def test_four_levels_nested_by_order():
    assert flat(outline(fixture("four-levels.txt"))["sections"]) == [
        (1, "一、", "主要工作", False),
        (2, "（一）", "强化制度建设", False),
        (3, "1.", "完善议事规则", True),
        (4, "（1）", "规范会前准备", True),
        (4, "（2）", "严格会议纪律", False),
        (3, "2.", "健全内控机制", False),
        (2, "（二）", "加强队伍建设", True),
        (1, "二、", "存在问题", True),
        (2, "（一）", "学习不够深入", False),
        (1, "三、", "下一步打算", False),
    ]


def test_section_content_stays_in_its_section():
    doc = fixture("four-levels.txt")
    sec = doc.find(".//" + model.q("section") + "[@id='sec-1-1-1-2']")
    assert model.plain_text(sec) == "（2）严格会议纪律参会人员不得无故缺席。"
    runin = doc.find(".//" + model.q("section") + "[@id='sec-1-1-1']")
    heading = model.child(runin, "heading")
    assert model.plain_text(heading) == "1.完善议事规则。"
    assert model.tag_of(heading.getnext()) == "p"
    assert heading.getnext().text == "修订局务会议议事规则，明确议题范围。"


def test_top_numbering_arabic_is_level_one():
    assert flat(outline(fixture("arabic-top.txt"))["sections"]) == [
        (1, "1.", "审计项目完成情况", True),
        (2, "（1）", "财务收支审计", True),
        (2, "（2）", "经济责任审计", False),
        (1, "2.", "问题整改情况", False),
        (2, "（1）", "已整改问题41个", True),
    ]


def test_numbering_variants():
    assert flat(outline(fixture("variants.txt"))["sections"]) == [
        (1, "(一)", "半角括号", True),
        (2, "1．", "全角圆点", True),
        (3, "(1)", "半角序号", True),
        (3, "（2）", "全角序号", True),
        (2, "2、", "顿号编号", True),
        (1, "(二)", "第二部分", False),
    ]


def test_runin_heading_ends_at_the_first_sentence_end():
    assert sections_of("标题\n一、为什么要改革？因为群众有期盼。\n二、怎么改！分三步走。\n") == [
        (1, "一、", "为什么要改革？", True),
        (1, "二、", "怎么改！", True),
    ]


def test_heading_only_sentence_is_own_line():
    # a numbered line that is one sentence has no body to run into
    assert sections_of("标题\n一、总体情况。\n正文。\n") == [(1, "一、", "总体情况", False)]


def test_no_false_headings():
    doc = fixture("false-headings.txt")
    assert flat(outline(doc)["sections"]) == [(1, "一、", "真正的标题", True)]
    body = model.child(doc, "body")
    lines = (TEXT / "false-headings.txt").read_text(encoding="utf-8").splitlines()
    assert [p.text for p in body.iterfind(model.q("p"))] == lines[2:-1]


@pytest.mark.parametrize("line", ["3.5万元", "2021年", "1,032件", "0.5个工作日", "1、2月份", "一、二季度",
                                  "6.8%", "12.5%", "2023年", "100%", "3.5 million", "二〇二四年"])
def test_numbers_in_text_are_not_numbering(line):
    assert sections_of(f"标题\n{line}的数据见下表。\n") == []


def test_year_after_numbering_is_a_heading():
    # 1.2023年… is item 1 followed by a year, never the decimal 1.2023
    assert sections_of("标题\n1.2023年工作回顾。全年完成任务。\n2.2024年工作安排\n") == [
        (1, "1.", "2023年工作回顾", True),
        (1, "2.", "2024年工作安排", False),
    ]


# --- inline enumeration leads -----------------------------------------------------------------

def test_leads_marked_inside_paragraphs():
    doc = fixture("leads.txt")
    assert leads(doc) == ["一是", "二是", "三是", "十是", "十一是"]
    p = doc.find(".//" + model.q("p"))
    assert model.plain_text(p).startswith("一是完善机制，建立台账；二是强化督导")


def test_leads_not_marked_inside_words():
    doc = parse_report("标题\n全市统一是基本要求，唯一是指没有第二个。\n")
    assert leads(doc) == []


# --- closing parts ----------------------------------------------------------------------------

def test_attachment_note_with_continuation_lines_and_two_issuers():
    doc = fixture("attachments.txt")
    out = outline(doc)
    assert out["attachments"] == ["2024年度专项检查工作方案及检查范围、重点内容和时间安排", "专项检查情况统计表"]
    assert out["signature"] == {"issuer": "某市财政局 某市审计局", "date": "2024-03-15"}
    closing = model.child(doc, "closing")
    assert [model.tag_of(c) for c in closing] == ["attachments", "signature", "remark"]
    assert [n.text for n in closing.iter(model.q("number"))] == ["1.", "2."]
    assert [i.text for i in closing.iter(model.q("issuer"))] == ["某市财政局", "某市审计局"]
    assert closing.find(model.q("signature") + "/" + model.q("date")).text == "2024年3月15日"
    assert model.child(closing, "remark").text == "（联系人：王某，电话：12345678）"
    # the body keeps only its paragraph
    assert model.plain_text(model.child(doc, "body")) == "现将有关事项通知如下，请认真贯彻执行。"


def test_single_unnumbered_attachment():
    out = outline(fixture("single-attachment.txt"))
    assert out["attachments"] == ["2023年度统计报表"]
    assert out["signature"] == {"issuer": "某市统计局", "date": "2024-01-08"}


def test_attachment_label_followed_by_body_text_is_body():
    doc = parse_report("标题\n附件：见下文。\n以上情况请各单位认真研究，提出意见。\n")
    assert model.child(doc, "closing") is None
    assert len(model.child(doc, "body")) == 2


def test_chinese_numeral_date():
    doc = fixture("cn-date.txt")
    assert outline(doc)["signature"] == {"issuer": "某市人民政府", "date": "2024-03-15"}
    assert doc.find(".//" + model.q("date")).text == "二〇二四年三月十五日"


@pytest.mark.parametrize("line, iso", [
    ("2024年3月15日", "2024-03-15"),
    ("2024年12月1日", "2024-12-01"),
    ("二〇二四年三月十五日", "2024-03-15"),
    ("二〇二三年十二月三十一日", "2023-12-31"),
    ("15 January 2024", "2024-01-15"),
    ("January 15, 2024", "2024-01-15"),
    ("2024-01-15", "2024-01-15"),
])
def test_date_forms(line, iso):
    assert outline(parse_report(f"标题\n正文。\n某单位\n{line}\n"))["signature"]["date"] == iso


@pytest.mark.parametrize("line", ["2024年2月30日", "二〇二四年一二月一日", "32 January 2024", "Smarch 3, 2024"])
def test_impossible_dates_are_body_text(line):
    doc = parse_report(f"标题\n正文。\n某单位\n{line}\n")
    assert model.child(doc, "closing") is None
    assert model.plain_text(model.child(doc, "body")).endswith(line)


def test_remark_only_after_a_date():
    doc = parse_report("标题\n正文。\n（此件公开发布）\n")
    assert model.child(doc, "closing") is None


# --- English reports --------------------------------------------------------------------------

def test_english_report_dmy():
    doc = fixture("english-dmy.txt")
    out = outline(doc)
    assert out["lang"] == "en"
    assert out["title"] == "Annual Review 2023"
    assert out["addressee"] == "To the Board of Directors:"
    assert flat(out["sections"]) == [
        (1, "1.", "Scope", True),
        (1, "2.", "Findings", False),
        (2, "2.1", "Procurement", True),
        (2, "2.2", "Payroll", False),
        (1, "3.", "Recommendations", True),
    ]
    assert out["signature"] == {"issuer": "Jane Smith, Director of Finance", "date": "2024-01-15"}
    # hard-wrapped lines are one paragraph, and "3.5 million" at a line start is not a heading
    scope = doc.find(".//" + model.q("section"))
    assert [p.text for p in scope.iterfind(model.q("p"))] == [
        "This review covers the procurement and payroll processes of the head office. "
        "We examined 1,032 cases worth about 3.5 million dollars, or 6.8% of the total."
    ]
    payroll = doc.find(".//" + model.q("section") + "[@id='sec-2-2']")
    assert model.plain_text(payroll) == "2.2 PayrollOvertime claims rose in one regional office."


def test_english_report_mdy_with_attachments():
    out = outline(fixture("english-mdy.txt"))
    assert flat(out["sections"]) == [(1, "1.", "Summary", True), (1, "2.", "Outlook", True)]
    assert out["attachments"] == ["Regional figures", "Staff list"]
    assert out["signature"] == {"issuer": "John Doe Chief Executive", "date": "2024-01-15"}


def test_english_wrapped_line_starting_with_a_number_continues():
    text = ("Review\n\n1. Scope. We examined every payment made in\n"
            "12. This sentence continues the one above.\n")
    assert sections_of(text) == [(1, "1.", "Scope", True)]


def test_english_narrow_wrap_is_not_an_own_line_heading():
    # a short first line without a full stop is a heading only if the next line starts anew
    text = ("Review\n\n1. We examined cases from the four\nregional offices. All were fine.\n"
            "2. Findings\nThe review found nothing.\n")
    assert sections_of(text) == [
        (1, "1.", "We examined cases from the four regional offices", True),
        (1, "2.", "Findings", False),
    ]


def test_english_abbreviation_does_not_end_a_runin_heading():
    assert sections_of("Review\n\n1. Costs, e.g. travel. Travel rose.\n") == [(1, "1.", "Costs, e.g. travel", True)]


# --- the outline, as `converter inspect --json` prints it --------------------------------------

OUTLINE_KEYS = {"title", "lang", "addressee", "sections", "attachments", "signature",
                # issue 11: the rest of a GB/T 9704 document
                "docnumber", "copy_number", "secrecy", "urgency", "issuing_mark", "signers", "cc", "printer",
                "attachment_bodies", "enclosures", "tables", "record"}
SECTION_KEYS = {"level", "number", "heading", "runin", "sections"}


def check_shape(out: dict) -> None:
    assert set(out) == OUTLINE_KEYS
    assert isinstance(out["title"], str) and isinstance(out["lang"], str)
    assert out["addressee"] is None or isinstance(out["addressee"], str)
    assert isinstance(out["attachments"], list) and all(isinstance(a, str) for a in out["attachments"])
    assert set(out["signature"]) == {"issuer", "date"}
    assert out["signature"]["issuer"] is None or isinstance(out["signature"]["issuer"], str)
    date = out["signature"]["date"]
    assert date is None or (isinstance(date, str) and len(date) == 10 and date[4] == date[7] == "-")
    for key in ("docnumber", "copy_number", "secrecy", "urgency"):
        assert out[key] is None or isinstance(out[key], str)
    for key in ("issuing_mark", "signers", "cc"):
        assert isinstance(out[key], list) and all(isinstance(v, str) for v in out[key])
    assert set(out["printer"]) == {"body", "date"}
    assert all(set(a) == {"label", "title"} for a in out["attachment_bodies"])
    assert all(set(e) == {"title", "issuer", "date"} for e in out["enclosures"])
    assert type(out["tables"]) is int
    assert out["record"] is None or all(isinstance(k, str) and isinstance(v, str) for k, v in out["record"].items())

    def walk(sections):
        for s in sections:
            assert set(s) == SECTION_KEYS
            assert type(s["level"]) is int and isinstance(s["number"], str)
            assert isinstance(s["heading"], str) and type(s["runin"]) is bool
            walk(s["sections"])

    walk(out["sections"])
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out


@pytest.mark.parametrize("name", sorted(p.name for p in TEXT.glob("*.txt")))
def test_outline_shape_of_every_fixture(name):
    check_shape(outline(fixture(name)))


def test_outline_nulls_where_absent():
    out = outline(parse_report("Only a title\n"))
    check_shape(out)
    assert out == {"title": "Only a title", "lang": "en", "addressee": None, "sections": [],
                   "attachments": [], "signature": {"issuer": None, "date": None},
                   "docnumber": None, "copy_number": None, "secrecy": None, "urgency": None, "issuing_mark": [],
                   "signers": [], "cc": [], "printer": {"body": None, "date": None}, "attachment_bodies": [],
                   "enclosures": [], "tables": 0, "record": None}


def test_outline_nested_shape():
    out = outline(parse_report("标题\n一、甲\n（一）乙。正文。\n"))
    assert out["sections"] == [{"level": 1, "number": "一、", "heading": "甲", "runin": False, "sections": [
        {"level": 2, "number": "（一）", "heading": "乙", "runin": True, "sections": []}]}]


# --- the corpus seed --------------------------------------------------------------------------

SEED_HEADINGS = [
    ("一、", "深入学习领会、完整准确贯彻习近平法治思想"),
    ("二、", "严格落实法治政府建设责任"),
    ("三、", "持续提升行政立法质效"),
    ("四、", "深入推进公正文明执法"),
    ("五、", "着力提升各领域法治化水平"),
    ("六、", "深入推进“放管服”改革"),
    ("七、", "依法有效化解社会矛盾"),
    ("八、", "完善法治政府推进机制"),
]


def test_seed_structure(seed):
    doc = read(seed)
    out = outline(doc)
    check_shape(out)
    assert out["title"] == "乌鲁木齐市人民政府2021年度法治政府建设情况报告"
    assert out["lang"] == "zh-CN"
    assert out["addressee"] is None
    assert out["attachments"] == [] and out["signature"] == {"issuer": None, "date": None}
    assert [(s["level"], s["number"], s["heading"], s["runin"], s["sections"]) for s in out["sections"]] == [
        (1, number, heading, True, []) for number, heading in SEED_HEADINGS
    ]
    body = model.child(doc, "body")
    # the opening paragraph (indented with an ASCII space) comes before the sections; plain
    # text cannot say where section 八 ends, so the concluding paragraph stays in it
    assert [model.tag_of(c) for c in body] == ["p"] + ["section"] * 8
    assert body[0].text.startswith("2021年，我市")
    assert body[-1][-1].text.startswith("一年来，我市法治政府建设取得了一定成效")
    enumerations = ["", "", "一二", "一二", "一二三四", "一二", "一二三", "一二三"]
    assert [leads(sec) for sec in body.iterfind(model.q("section"))] == [
        [f"{n}是" for n in numerals] for numerals in enumerations
    ]


# --- the project's own samples ------------------------------------------------------------------

def test_sample_gongwen_report():
    out = outline(read(SOURCES / "gongwen-report.txt"))
    assert out["addressee"] == "各区（县）人民政府，市政府各部门："
    assert [(level, number, runin) for level, number, _, runin in flat(out["sections"])] == [
        (1, "一、", False), (1, "二、", False), (2, "（一）", False), (3, "1.", True), (4, "（1）", True),
        (4, "（2）", False), (3, "2.", False), (2, "（二）", True), (2, "（三）", False), (1, "三、", False),
        (1, "四、", True), (2, "（一）", True), (2, "（二）", True), (3, "1．", True), (3, "2、", True),
        (2, "（三）", True),
    ]
    assert out["attachments"] == ["2023年度政务服务事项办理情况统计表", "2024年度政务服务重点任务分工方案"]
    assert out["signature"] == {"issuer": "某市人民政府", "date": "2024-03-15"}


def test_sample_annual_review():
    out = outline(read(SOURCES / "annual-review.txt"))
    assert out["lang"] == "en" and out["addressee"] == "To the Board of Directors:"
    assert flat(out["sections"]) == [
        (1, "1.", "Scope", True), (1, "2.", "Findings", False), (2, "2.1", "Procurement", True),
        (2, "2.2", "Payroll", True), (2, "2.3", "Grants", True), (1, "3.", "Recommendations", True),
        (1, "4.", "Conclusion", True),
    ]
    assert out["signature"] == {"issuer": "Jane Smith, Director of Finance", "date": "2024-01-15"}


def test_sample_gongwen_notice_has_every_part():
    """sources/gongwen-notice.txt: a full 公文 with 版头, tables, attachment bodies and 版记."""
    out = outline(read(SOURCES / "gongwen-notice.txt"))
    assert (out["copy_number"], out["urgency"], out["issuing_mark"]) == ("000036", "加急", ["某市人民政府办公室文件"])
    assert out["docnumber"] == "某政办发〔2024〕15号"
    assert out["title"] == "某市人民政府办公室关于做好2024年防汛抗旱工作的通知"
    assert [(level, number) for level, number, _, _ in flat(out["sections"])] == [
        (1, "一、"), (1, "二、"), (2, "（一）"), (2, "（二）"), (2, "（三）"), (1, "三、")]
    assert out["tables"] == 2
    assert out["signature"] == {"issuer": "某市人民政府办公室", "date": "2024-04-22"}
    assert [b["label"] for b in out["attachment_bodies"]] == ["附件1", "附件2"]
    assert out["attachments"] == [b["title"] for b in out["attachment_bodies"]]
    assert out["cc"] == ["市委办公室", "市人大常委会办公室", "市政协办公室", "市中级法院", "市检察院"]
    assert out["printer"] == {"body": "某市人民政府办公室", "date": "2024-04-23"}
