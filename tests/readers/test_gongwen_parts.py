"""Every part of a GB/T 9704 document (issue 11, item 1) read from text, written as canonical
XML and read back: 版头, numbered paragraphs, tables, 附件 bodies, enclosed documents, 版记 and
a web page's record. The fixtures are written for the project (web copies lack 份号 and 印发)."""
from __future__ import annotations

from converter import model
from converter.model.outline import metadata, outline
from converter.pipeline import build, read
from converter.readers.text import parse_report
from converter.readers.xml import parse_xml
from helpers import FIXTURES

TEXT = FIXTURES / "text"
FULL = TEXT / "gongwen-full.txt"
FORWARD = TEXT / "gongwen-forward.txt"


def q(*tags: str) -> str:
    return "/".join(model.q(t) for t in tags)


def test_masthead_parts_in_the_order_written():
    doc = read(FULL)
    head = model.child(doc, "masthead")
    assert [model.tag_of(c) for c in head] == ["copy-number", "secrecy", "urgency", "mark", "docnumber", "signers"]
    out = outline(doc)
    assert (out["copy_number"], out["secrecy"], out["urgency"]) == ("000128", "机密★1年", "特急")
    assert out["issuing_mark"] == ["某市财政局", "某市审计局文件"]
    assert out["docnumber"] == "某财发〔2024〕18号"
    assert out["signers"] == ["王建国", "李红"]
    # a title over three lines, the mark is not the title
    assert out["title"] == "某市财政局 某市审计局关于2024年度专项资金使用情况审计整改工作的请示"  # two names, one space
    assert out["addressee"] == "市人民政府："


def test_numbered_paragraphs_are_not_headings():
    doc = read(FULL)
    out = outline(doc)
    assert [(s["number"], s["heading"]) for s in out["sections"]] == [("一、", "基本情况"), ("二、", "下一步工作")]
    assert [(s["number"], s["heading"], s["runin"]) for s in out["sections"][0]["sections"]] == [
        ("(一)", "整改进度", True), ("(二)", "资金情况", False)]  # half-width brackets kept as written
    numbered = [p for p in doc.iter(model.q("p")) if model.child(p, "number") is not None]
    assert [model.child(p, "number").text for p in numbered] == ["1.", "2."]
    assert model.plain_text(numbered[0]).startswith("1.各项目单位要在12月底前")


def test_tables_tab_separated_and_space_aligned():
    doc = read(FULL)
    tables = list(doc.iter(model.q("table")))
    assert len(tables) == 2 and outline(doc)["tables"] == 2
    first = tables[0]
    assert [c.text for c in first.find(q("thead", "row"))] == ["项目", "预算（万元）", "执行（万元）"]
    assert [[c.text for c in r] for r in first.find(model.q("tbody"))] == [
        ["道路维修", "1200", "1150"], ["校舍改造", "860", "802"]]
    assert tables[1].getparent().tag == model.q("annex")
    assert [c.text for c in tables[1].find(q("thead", "row"))] == ["序号", "责任单位", "完成时限"]


def test_closing_then_attachment_bodies_then_colophon():
    doc = read(FULL)
    assert [model.tag_of(c) for c in doc][-5:] == ["body", "closing", "annex", "annex", "colophon"]
    out = outline(doc)
    assert out["attachments"] == ["2024年度专项资金审计问题清单", "整改责任分工表"]
    assert out["signature"] == {"issuer": "某市财政局 某市审计局", "date": "2024-12-05"}
    assert [r.text for r in doc.iterfind(q("closing", "remark"))] == ["（联系人：张明，电话：12345678）"]
    assert out["attachment_bodies"] == [{"label": "附件1", "title": "2024年度专项资金审计问题清单"},
                                        {"label": "附件2", "title": "整改责任分工表"}]
    annex = doc.find(model.q("annex"))
    assert [s["heading"] for s in outline_sections(annex)] == ["资金拨付不及时", "项目管理不规范"]
    assert out["cc"] == ["市委办公室", "市人大常委会办公室", "市政协办公室"]  # wrapped over two lines
    assert out["printer"] == {"body": "某市财政局办公室", "date": "2024-12-06"}


def outline_sections(parent):
    from converter.model.outline import sections

    return [s.as_json() for s in sections(parent)]


def test_web_copy_record_feeds_the_metadata_and_is_not_the_title():
    doc = read(FORWARD)
    out = outline(doc)
    assert out["title"] == "某省人民政府办公厅转发省财政厅关于加强基层财政管理意见的通知"
    assert out["record"]["索引号"] == "11350000003591037R/2024-00012"
    assert out["record"]["主题词"] == "财政　基层　意见"
    meta = metadata(doc)
    assert meta.keywords == ("财政", "基层", "意见") and meta.date == "2024-03-08"
    assert meta.authors == ("某省人民政府办公厅",) and meta.docnumber == "某政办〔2024〕9号"
    assert out["docnumber"] == "某政办〔2024〕9号"  # under the title
    assert out["addressee"].startswith("各设区市人民政府") and out["addressee"].endswith("各高等院校：")


def test_forwarded_document_with_its_own_parts():
    doc = read(FORWARD)
    out = outline(doc)
    assert out["signature"] == {"issuer": "某省人民政府办公厅", "date": "2024-03-08"}
    assert out["enclosures"] == [{"title": "关于加强基层财政管理的意见", "issuer": "省财政厅", "date": "2024-02-20"}]
    enc = doc.find(model.q("enclosure"))
    assert model.plain_text(model.child(enc, "byline")) == "（省财政厅　二〇二四年二月二十日）"
    assert model.plain_text(model.child(enc, "addressee")) == "各设区市人民政府："
    assert [s["heading"] for s in outline_sections(model.child(enc, "body"))] == ["总体要求", "主要措施"]
    table = enc.find(".//" + model.q("table"))  # a pipe table with its header row
    assert [c.text for c in table.find(q("thead", "row"))] == ["项目", "目标"]
    assert out["cc"] == ["省委办公厅", "省人大常委会办公厅"]


def test_every_part_survives_canonical_xml(tmp_path):
    for src in (FULL, FORWARD):
        build(src, tmp_path, ["xml"])
        again = parse_xml((tmp_path / (src.stem + ".xml")).read_bytes(), src.stem)
        assert outline(again) == outline(read(src))
        assert model.plain_text(again) == model.plain_text(read(src))


def test_a_heading_phrase_is_heading_sized():
    """A run-in heading ends at 。：！？ within HEADING_SPAN characters; else a numbered paragraph."""
    doc = parse_report("标题\n一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。\n"
                       "二、原则同意《河北雄安新区总体规划（2018—2035年）》（以下简称《总体规划》）。请认真组织实施。\n"
                       "三、清障施救车辆对专用车道内的车辆实施清障施救的；\n")
    assert [(s["number"], s["heading"]) for s in outline(doc)["sections"]] == [("一、", "元旦")]
    assert len([p for p in doc.iter(model.q("p")) if model.child(p, "number") is not None]) == 2


def test_rows_of_a_table_are_never_headings():
    doc = parse_report("标题\n正文。\n序号\t名称\t数量\n一、知识产权保护方面（共2项）\n1\t专利\t3\n2\t商标\t4\n")
    assert outline(doc)["sections"] == []
    rows = list(doc.iter(model.q("row")))
    assert [c.text for c in rows[1]] == ["一、知识产权保护方面（共2项）"] and rows[1][0].get("colspan") == "3"


def test_text_that_does_not_fit_is_plain_paragraphs_with_a_warning(monkeypatch):
    from converter.readers import text as reader

    def refuse(lines, lang):
        raise ValueError("no shape")

    monkeypatch.setattr(reader, "_structured", refuse)
    noticed: list = []
    doc = reader.parse_report("标题\n一、甲\n乙。\n", noticed)
    assert [model.tag_of(c) for c in model.child(doc, "body")] == ["p", "p"]
    assert len(noticed) == 1 and noticed[0].level == "warning" and noticed[0].line == 1
    assert "plain paragraphs" in noticed[0].message


def test_a_misplaced_part_in_canonical_xml_names_its_line(tmp_path):
    from converter.errors import SchemaError

    bad = tmp_path / "bad.xml"
    bad.write_text('<document xmlns="urn:x-converter:document:1" version="1" xml:lang="zh-CN">\n'
                   '<title>标题</title>\n<body><p>正文。</p></body>\n<masthead><urgency>特急</urgency></masthead>\n'
                   '</document>\n', encoding="utf-8")
    try:
        read(bad)
    except SchemaError as e:
        assert str(e).startswith(f"{bad}:4: ")
    else:
        raise AssertionError("a 版头 after the body was accepted")


def test_the_reader_warning_reaches_the_command_line(monkeypatch, tmp_path, capsys):
    from converter.cli import main
    from converter.readers import text as reader

    def refuse(lines, lang):
        raise ValueError("no shape")

    monkeypatch.setattr(reader, "_structured", refuse)
    src = tmp_path / "odd.txt"
    src.write_text("标题\n正文。\n", encoding="utf-8")
    assert main(["inspect", str(src)]) == 0
    assert f"{src}:1: warning: read as plain paragraphs" in capsys.readouterr().err


def test_parts_after_the_closing_in_any_order():
    text = ("某县人民政府关于同意设立某镇的批复\n某政函〔2024〕3号\n签发人：赵六\n县民政局：\n你局请示收悉。同意设立某镇。\n"
            "某县人民政府\n2024年5月6日\n联系电话：1234567\n抄送：县委办公室。\n主送：县民政局。\n"
            "附件 1\n某镇行政区划图说明\n说明正文。\n某县人民政府办公室　2024年5月7日印发\n")
    doc = parse_report(text)
    out = outline(doc)
    assert out["docnumber"] == "某政函〔2024〕3号" and out["signers"] == ["赵六"]  # under the title, lines apart
    assert out["addressee"] == "县民政局："
    assert [r.text for r in doc.iterfind(q("closing", "remark"))] == ["联系电话：1234567"]
    assert [model.tag_of(c) for c in doc][-4:] == ["closing", "colophon", "annex", "colophon"]
    assert out["cc"] == ["县委办公室"]
    assert model.plain_text(doc.find(q("colophon", "addressee"))) == "主送：县民政局。"
    assert out["attachment_bodies"] == [{"label": "附件1", "title": "某镇行政区划图说明"}]
    assert out["printer"] == {"body": "某县人民政府办公室", "date": "2024-05-07"}


def test_a_joint_mark_and_half_width_colons_are_kept_as_written():
    doc = parse_report("中共某市委办公室\n某市人民政府办公室\n文件\n某办发〔2024〕1号\n关于加强值班工作的通知\n各区委、区政府:\n"
                       "(一)加强值守:各单位要严格执行值班制度。\n")
    out = outline(doc)
    assert out["issuing_mark"] == ["中共某市委办公室", "某市人民政府办公室文件"]  # 文件 beside the stack
    assert [i.text for i in doc.iterfind(q("masthead", "mark", "issuer"))] == ["中共某市委办公室", "某市人民政府办公室"]
    assert out["addressee"] == "各区委、区政府:"
    assert [(s["number"], s["heading"], s["runin"]) for s in out["sections"]] == [("(一)", "加强值守", True)]


def test_keywords_line_of_an_older_colophon_feeds_the_metadata():
    doc = parse_report("某局关于开展考核工作的通知\n各单位：\n请认真组织实施。\n二〇〇九年十二月十四日\n"
                       "主题词： 事业单位 考核 通知\n某局办公室 2009年12月15日印发\n")
    out = outline(doc)
    assert out["signature"] == {"issuer": None, "date": "2009-12-14"}
    assert out["printer"] == {"body": "某局办公室", "date": "2009-12-15"}
    assert metadata(doc).keywords == ("事业单位", "考核", "通知")
    model.validate(doc)


def test_a_long_list_of_addressees_is_still_the_addressee():
    """A 主送 of 60-odd bodies (GB/T 9704 7.3.1 moves such a one to the 版记) is the addressee,
    not a body paragraph; an indented paragraph ending with a colon stays body text."""
    out = outline(read(TEXT / "gongwen-long-addressee.txt"))
    assert out["addressee"].startswith("各区（县）人民政府，市发展改革委") and out["addressee"].endswith("各有关单位：")
    names = "、".join(f"市第{n}局" for n in range(1, 40))
    doc = parse_report(f"某市人民政府关于开展检查的通知\n　　{names}：\n　　请认真执行。\n")
    assert outline(doc)["addressee"] is None


def test_joint_issuers_on_one_line_are_the_signature():
    """Three issuers typed on one line apart by runs of spaces (26 characters, longer than one
    issuer may be) over the date: the signature, one issuer each, not body text."""
    doc = read(FIXTURES / "text" / "gongwen-joint-signers.txt")
    sig = doc.find(f"{model.q('closing')}/{model.q('signature')}")
    assert [i.text for i in sig.iterfind(model.q("issuer"))] == ["某省发展和改革委员会", "某省财政厅", "某省交通运输厅"]
    assert sig.find(model.q("date")).get("value") == "2024-07-01"
    assert not model.plain_text(doc.find(model.q("body"))).endswith("某省交通运输厅")


def test_a_long_line_of_spaced_words_over_a_date_stays_body_text():
    """Joint issuers are each short: a line whose parts are long, or that is longer than a short
    line, is body text."""
    long_part = "某省发展和改革委员会交通运输处综合规划科第一办公室　　某省财政厅"  # 25 characters
    too_long = "　　".join(["某省发展和改革委员会"] * 4)
    for line in (long_part, too_long):
        doc = parse_report(f"关于某事项的请示\n\n省人民政府：\n　　现将有关事项请示如下。\n\n{line}\n2024年7月1日\n")
        assert [i.text for i in doc.iter(model.q("issuer"))] == []
        assert line in model.plain_text(doc.find(model.q("body")))
