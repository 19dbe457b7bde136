"""The DOCX reader's reading layer: what Word shows reaches the model, in order, and nothing else."""
from __future__ import annotations

import io

from lxml import etree

from converter import model, pipeline
from converter.model import q
from converter.readers.docx.numbering import chinese_count, format_number

from docx_packages import drawing as _drawing, make_docx, p, png as _png, r, wrap


def read(tmp_path, body: str, **kw) -> etree._Element:
    return pipeline.read(make_docx(tmp_path / "d.docx", body, **kw))


def body_xml(doc) -> str:
    body = doc.find(q("body"))
    return "".join(etree.tostring(c, encoding="unicode") for c in body).replace(f' xmlns="{model.NS}"', "")


TITLE = p("关于做好安全生产工作的通知")


def test_runs_keep_bold_and_italic_as_emphasis_and_underline_as_text(tmp_path):
    doc = read(tmp_path, TITLE + "<w:p>" + r("要") + r("突出重点", "<w:b/>") + r("，") + r("统筹", "<w:i/>")
               + r("推进", "<w:u w:val=\"single\"/>") + r("。") + "</w:p>")
    assert body_xml(doc) == "<p>要<strong>突出重点</strong>，<em>统筹</em>推进。</p>"


def test_bold_switched_off_and_character_styles(tmp_path):
    styles = wrap("styles", '<w:style w:type="character" w:styleId="S"><w:name w:val="Strong"/></w:style>')
    doc = read(tmp_path, TITLE + "<w:p>" + r("甲", '<w:b w:val="0"/>') + r("乙", '<w:rStyle w:val="S"/>') + "</w:p>",
               parts={"word/styles.xml": styles})
    assert body_xml(doc) == "<p>甲<strong>乙</strong></p>"


def test_line_breaks_tabs_and_symbols(tmp_path):
    doc = read(tmp_path, TITLE + "<w:p>" + r("第一行") + "<w:r><w:br/></w:r>" + r("第二行")
               + '<w:r><w:sym w:font="Symbol" w:char="F0B7"/></w:r><w:r><w:noBreakHyphen/></w:r></w:p>')
    assert body_xml(doc) == "<p>第一行<br/>第二行\u00b7\u2011</p>"


def test_hyperlinks_external_and_internal(tmp_path):
    body = (TITLE + '<w:p><w:hyperlink r:id="rL">' + r("中国政府网") + "</w:hyperlink>"
            + r("和") + '<w:hyperlink w:anchor="sec1">' + r("第一节") + "</w:hyperlink></w:p>")
    found = []
    doc = pipeline.read(make_docx(tmp_path / "d.docx", body, rels=[("rL", "hyperlink", "https://www.gov.cn/",
                                                                    "External")]), found)
    # the internal link names a bookmark no element of the model has: the links transform keeps
    # its words as text and says so (issue 13), rather than leave a link that goes nowhere
    assert body_xml(doc) == '<p><link href="https://www.gov.cn/">中国政府网</link>和第一节</p>'
    assert [d.message for d in found if "#sec1" in d.message]


def test_fields_show_their_result_not_their_instruction(tmp_path):
    field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE \\@ "yyyy" </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("2024") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    link = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "https://example.org/"</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("网站") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    simple = '<w:fldSimple w:instr=" PAGE ">' + r("3") + "</w:fldSimple>"
    doc = read(tmp_path, TITLE + "<w:p>" + r("年份") + field + r("见") + link + r("第") + simple + r("页") + "</w:p>")
    assert body_xml(doc) == '<p>年份2024见<link href="https://example.org/">网站</link>第3页</p>'


def test_a_field_nested_in_an_instruction_is_not_shown(tmp_path):
    def fld(kind):
        return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'

    def instr(text):
        return f"<w:r><w:instrText>{text}</w:instrText></w:r>"

    # IF { PAGE } = 1 "第一页" "其他页", showing 第一页
    body = TITLE + ("<w:p>" + r("见") + fld("begin") + instr(" IF ") + fld("begin") + instr(" PAGE ") + fld("separate")
                    + r("1") + fld("end") + instr(' = 1 "第一页" "其他页" ') + fld("separate") + r("第一页") + fld("end")
                    + r("。") + "</w:p>")
    assert body_xml(read(tmp_path, body)) == "<p>见第一页。</p>"


def test_a_table_of_contents_is_text_not_headings(tmp_path):
    styles = wrap("styles", '<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>')
    toc = ('<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
           '<w:r><w:instrText> TOC \\o "1-3" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
           + r("一、总体要求") + "<w:r><w:tab/></w:r>" + r("1") + "</w:p>"
           + p("二、主要任务\t2", '<w:pStyle w:val="TOC1"/>')[:-6] + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    body = TITLE + toc + p("一、总体要求") + p("正文。") + p("二、主要任务") + p("正文。")
    doc = read(tmp_path, body, parts={"word/styles.xml": styles})
    assert [s.findtext(f"{q('heading')}/{q('number')}") for s in doc.iter(q("section"))] == ["一、", "二、"]
    first = doc.find(q("body"))[0]
    assert model.tag_of(first) == "p" and model.plain_text(first).replace("\t", "") == "一、总体要求1"


def test_tracked_changes_are_read_as_accepted_and_said_so(tmp_path):
    body = TITLE + ("<w:p>" + r("原有") + '<w:ins w:id="1" w:author="a">' + r("新增") + "</w:ins>"
                    '<w:del w:id="2" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>'
                    '<w:moveFrom w:id="3" w:author="a"><w:r><w:t>移走</w:t></w:r></w:moveFrom>' + r("文字") + "</w:p>")
    got = pipeline.read_source(make_docx(tmp_path / "d.docx", body))
    assert body_xml(got.doc) == "<p>原有新增文字</p>"
    assert any("tracked changes read as accepted" in d.message and d.level == "info" for d in got.diagnostics)


def test_comments_hidden_text_and_bookmarks_are_not_content(tmp_path):
    body = TITLE + ('<w:p><w:commentRangeStart w:id="0"/><w:bookmarkStart w:id="0" w:name="b"/>' + r("正文")
                    + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r><w:bookmarkEnd w:id="0"/>'
                    + r("隐藏", "<w:vanish/>") + "<w:proofErr w:type=\"spellStart\"/>" + r("内容") + "</w:p>")
    assert body_xml(read(tmp_path, body)) == "<p>正文内容</p>"


def test_content_controls_and_smart_tags_are_read_through(tmp_path):
    body = TITLE + ('<w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent>' + p("控件里的段落")
                    + "</w:sdtContent></w:sdt>" + '<w:p><w:smartTag w:element="date">' + r("三月") + "</w:smartTag></w:p>")
    assert body_xml(read(tmp_path, body)) == "<p>控件里的段落</p><p>三月</p>"


def test_text_boxes_come_after_their_paragraph_and_only_once(tmp_path):
    textbox = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
               '<wp:docPr id="1" name="tb"/><a:graphic><a:graphicData uri="x"><wps:wsp><wps:txbx><w:txbxContent>'
               + p("文本框里的话") + "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
               "</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
               + p("文本框里的话") + "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>")
    doc = read(tmp_path, TITLE + "<w:p>" + r("锚定段落") + textbox + "</w:p>" + p("后一段"))
    assert body_xml(doc) == "<p>锚定段落</p><p>文本框里的话</p><p>后一段</p>"


def test_legacy_vml_text_box(tmp_path):
    vml = '<w:r><w:pict><v:shape><v:textbox><w:txbxContent>' + p("旧式文本框") + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    assert body_xml(read(tmp_path, TITLE + "<w:p>" + r("段落") + vml + "</w:p>")) == "<p>段落</p><p>旧式文本框</p>"


NOTES = wrap("footnotes", '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>' + r(" 注释的") + r("要点", "<w:b/>") + "</w:p></w:footnote>")
ENDNOTES = wrap("endnotes", '<w:endnote w:id="2"><w:p><w:r><w:endnoteRef/></w:r>' + r(" 尾注内容") + "</w:p></w:endnote>")


def test_footnotes_and_endnotes_are_read_where_they_are_referred_to(tmp_path):
    body = TITLE + ("<w:p>" + r("正文") + '<w:r><w:footnoteReference w:id="1"/></w:r>' + r("继续")
                    + '<w:r><w:endnoteReference w:id="2"/></w:r></w:p>')
    doc = read(tmp_path, body, parts={"word/footnotes.xml": NOTES, "word/endnotes.xml": ENDNOTES})
    assert body_xml(doc) == ('<p>正文<footnote id="fn-1"><p>注释的<strong>要点</strong></p></footnote>继续'
                             '<footnote id="fn-2"><p>尾注内容</p></footnote></p>')


_NOTE_REF = '<w:r><w:footnoteReference w:id="1"/></w:r>'
_BODY = TITLE + p("各区人民政府：") + p("请认真贯彻执行。") + p("特此通知。") + "<w:p/>"


def _signature(doc) -> etree._Element | None:
    return doc.find(f"{q('closing')}/{q('signature')}")


def test_a_line_carrying_a_note_above_the_date_stays_body_text_with_its_note_in_place(tmp_path):
    """An issuer holds a name only: a line with a note reference is read as a paragraph, its note
    where it is referred to; the date under it is still the signature's (nothing moves)."""
    body = _BODY + "<w:p>" + r("某市人民政府") + _NOTE_REF + "</w:p>" + p("2024年3月15日")
    doc = read(tmp_path, body, parts={"word/footnotes.xml": NOTES})
    assert body_xml(doc).endswith('<p>某市人民政府<footnote id="fn-1"><p>注释的<strong>要点</strong></p></footnote></p>')
    sig = _signature(doc)
    assert sig.find(q("issuer")) is None and sig.find(q("date")).get("value") == "2024-03-15"
    assert model.plain_text(doc).split("请认真贯彻执行。特此通知。")[1].startswith("某市人民政府注释的要点2024年3月15日")


def test_an_issuer_and_date_on_one_line_with_a_note_stay_one_paragraph(tmp_path):
    body = _BODY + "<w:p>" + r("某市人民政府") + _NOTE_REF + r("　2024年3月15日") + "</w:p>"
    doc = read(tmp_path, body, parts={"word/footnotes.xml": NOTES})
    assert body_xml(doc).endswith('<p>某市人民政府<footnote id="fn-1"><p>注释的<strong>要点</strong></p></footnote>'
                                  '　2024年3月15日</p>')
    assert _signature(doc) is None


def test_an_issuer_broken_over_two_lines_by_a_soft_break_is_still_the_issuer(tmp_path):
    """A line break is no object a name cannot hold (it is a space there): the signature stays."""
    body = _BODY + "<w:p>" + r("某市人民") + "<w:r><w:br/></w:r>" + r("政府") + "</w:p>" + p("2024年3月15日")
    sig = _signature(read(tmp_path, body))
    assert [i.text for i in sig.iter(q("issuer"))] == ["某市人民政府"]


def _numbering(levels: str) -> str:
    return wrap("numbering", f'<w:abstractNum w:abstractNumId="0">{levels}</w:abstractNum>'
                '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')


def _lvl(ilvl: int, fmt: str, text: str, suff: str = "nothing") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="{suff}"/>'
            f'<w:lvlText w:val="{text}"/></w:lvl>')


def _numbered(text: str, ilvl: int) -> str:
    return p(text, f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr>')


def test_automatic_numbering_becomes_the_text_the_rules_read(tmp_path):
    numbering = _numbering(_lvl(0, "chineseCounting", "%1、") + _lvl(1, "chineseCounting", "（%2）")
                           + _lvl(2, "decimal", "%3.") + _lvl(3, "decimal", "（%4）"))
    body = TITLE + "".join([_numbered("总体情况", 0), _numbered("组织领导", 1), _numbered("健全机制。", 2),
                            _numbered("细化分工", 3), _numbered("压实责任", 3), _numbered("主要做法", 0),
                            _numbered("强化督查", 1)])
    tree = _outline(read(tmp_path, body, parts={"word/numbering.xml": numbering}))
    assert tree == [("一、", "总体情况", [("（一）", "组织领导", [("1.", "健全机制。", [("（1）", "细化分工", []),
                                                                                   ("（2）", "压实责任", [])])])]),
                    ("二、", "主要做法", [("（一）", "强化督查", [])])]


def test_numbering_formats_word_offers():
    assert [chinese_count(n) for n in (1, 10, 11, 20, 23, 100, 105)] == ["一", "十", "十一", "二十", "二十三", "一百", "一百零五"]
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(2, "ideographTraditional") == "乙"
    assert format_number(4, "upperRoman") == "IV"
    assert format_number(28, "lowerLetter") == "bb"
    assert format_number(7, "decimalFullWidth") == "７"


def test_bullets_become_lists_and_tab_after_latin_numbers_is_a_space(tmp_path):
    numbering = wrap("numbering", '<w:abstractNum w:abstractNumId="0">' + _lvl(0, "bullet", "•", "tab")
                     + '</w:abstractNum><w:abstractNum w:abstractNumId="1">' + _lvl(0, "decimal", "%1.", "tab")
                     + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                     '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>')
    body = ("<w:p>" + r("Annual review") + "</w:p>" + _numbered("first point", 0) + _numbered("second point", 0)
            + p("Scope of the work", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>')
            + p("The review covered every office."))
    doc = read(tmp_path, body, parts={"word/numbering.xml": numbering})
    assert body_xml(doc).startswith('<list type="bullet"><item><p>first point</p></item><item><p>second point</p></item></list>')
    assert _outline(doc) == [("1.", " Scope of the work", [])]


def test_heading_styles_and_outline_levels_make_headings_without_numbers(tmp_path):
    styles = wrap("styles", '<w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/></w:style>'
                  '<w:style w:type="paragraph" w:styleId="H2"><w:name w:val="标题 2"/><w:basedOn w:val="H1"/></w:style>')
    body = (TITLE + p("前言。") + p("背景", '<w:pStyle w:val="H1"/>') + p("背景正文。") + p("细节", '<w:pStyle w:val="H2"/>')
            + p("细节正文。") + p("结语", '<w:outlineLvl w:val="0"/>') + p("结语正文。"))
    doc = read(tmp_path, body, parts={"word/styles.xml": styles})
    assert _outline(doc) == [(None, "背景", [(None, "细节", [])]), (None, "结语", [])]
    assert [model.plain_text(x) for x in doc.find(q("body"))] == ["前言。", "背景背景正文。细节细节正文。", "结语结语正文。"]


def test_a_hidden_paragraph_mark_joins_a_run_in_heading_to_its_paragraph(tmp_path):
    body = (TITLE + p("一、总体要求") + p("（一）加强组织领导。", "<w:rPr><w:vanish/><w:specVanish/></w:rPr>")
            + p("各地要成立专班。"))
    doc = read(tmp_path, body)
    sec = doc.find(f".//{q('section')}/{q('section')}")
    assert sec.get("runin") == "true" and model.plain_text(sec) == "（一）加强组织领导。各地要成立专班。"


_FRAMED = ('<w:framePr w:hSpace="0" w:vSpace="0" w:wrap="around" w:vAnchor="text" w:hAnchor="text" '
           'w:x="0" w:y="0" w:h="579" w:hRule="atLeast"/>')
_STYLES = wrap("styles", '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
               '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>')


def test_a_heading_framed_in_the_text_runs_in_with_the_paragraph_after_it(tmp_path):
    """Our writer's run-in heading (a frame the body wraps around, since LibreOffice ignores the
    style separator): heading and body are one line, with a space between Latin words."""
    body = (TITLE + p("一、总体要求") + p("（一）加强组织领导。", '<w:pStyle w:val="Heading2"/>' + _FRAMED)
            + p("各地要成立专班。") + p("（二）压实责任。", '<w:pStyle w:val="Heading2"/>') + p("逐级落实。"))
    doc = read(tmp_path, body, parts={"word/styles.xml": _STYLES})
    first, second = doc.findall(f".//{q('section')}/{q('section')}")
    assert first.get("runin") == "true" and model.plain_text(first) == "（一）加强组织领导。各地要成立专班。"
    assert second.get("runin") == "false"  # no frame: a heading on its own line
    latin = (p("Annual Review") + p("1. Scope", '<w:pStyle w:val="Heading2"/>') + p("Some text.")
             + p("1.1 Units.", '<w:pStyle w:val="Heading2"/>' + _FRAMED) + p("Every unit was reviewed."))
    doc = read(tmp_path, latin, parts={"word/styles.xml": _STYLES})
    assert "1.1 Units. Every unit was reviewed." in [model.plain_text(s) for s in doc.iter(q("section"))]


def test_a_frame_anchored_to_the_page_is_no_run_in_heading(tmp_path):
    body = (TITLE + p("一、总体要求", '<w:pStyle w:val="Heading2"/>' + _FRAMED.replace('w:vAnchor="text"',
                                                                                    'w:vAnchor="page"'))
            + p("各地要成立专班。"))
    doc = read(tmp_path, body, parts={"word/styles.xml": _STYLES})
    assert [s.get("runin") for s in doc.iter(q("section"))] == ["false"]


def test_line_breaks_in_a_title_are_its_lines_not_its_text(tmp_path):
    title = ('<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>' + r("某市人民政府办公室关于做好") + "<w:r><w:br/></w:r>"
             + r("2024年防汛抗旱工作的通知") + "</w:p>")
    doc = read(tmp_path, title + p("各区人民政府："), parts={"word/styles.xml": _STYLES})
    assert model.plain_text(doc.find(q("title"))) == "某市人民政府办公室关于做好2024年防汛抗旱工作的通知"
    assert doc.find(f"{q('title')}/{q('br')}") is None
    latin = ('<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>' + r("Annual Review of") + "<w:r><w:br/></w:r>"
             + r("Internal Controls") + "</w:p>")
    doc = read(tmp_path, latin + p("To the Board:"), parts={"word/styles.xml": _STYLES})
    assert model.plain_text(doc.find(q("title"))) == "Annual Review of Internal Controls"


def test_a_page_break_before_an_attachment_body_is_the_models_own(tmp_path):
    """附件 bodies start on a new page in the model: the break before 附件1 is not kept, and the
    closing above it is still read as one."""
    body = (TITLE + p("各区人民政府：") + p("请认真贯彻执行。") + p("附件：1.任务分工表") + p("某市人民政府")
            + p("2024年4月22日") + p("附件1", "<w:pageBreakBefore/>") + p("任务分工表") + p("一、水库安全鉴定。"))
    doc = read(tmp_path, body)
    assert doc.find(f"{q('closing')}/{q('signature')}/{q('issuer')}").text == "某市人民政府"
    assert doc.find(f"{q('annex')}/{q('label')}").text == "附件1"
    assert doc.find(f".//{q('pagebreak')}") is None


def test_tables_with_merged_cells_and_header_rows(tmp_path):
    def tc(text: str, pr: str = "") -> str:
        return f"<w:tc>{f'<w:tcPr>{pr}</w:tcPr>' if pr else ''}{p(text) if text else '<w:p/>'}</w:tc>"

    table = ("<w:tbl>"
             '<w:tr><w:trPr><w:tblHeader/></w:trPr>' + tc("项目") + tc("时间") + tc("单位") + "</w:tr>"
             "<w:tr>" + tc("自查") + tc("3月") + tc("各部门", '<w:vMerge w:val="restart"/>') + "</w:tr>"
             "<w:tr>" + tc("整改") + tc("5月") + tc("", "<w:vMerge/>") + "</w:tr>"
             "<w:tr>" + tc("合计", '<w:gridSpan w:val="2"/>') + tc("办公室") + "</w:tr></w:tbl>")
    doc = read(tmp_path, TITLE + p("情况见下表。") + table + p("表后的话。"))
    assert body_xml(doc) == (
        "<p>情况见下表。</p><table><thead><row><cell>项目</cell><cell>时间</cell><cell>单位</cell></row></thead><tbody>"
        '<row><cell>自查</cell><cell>3月</cell><cell rowspan="2">各部门</cell></row>'
        "<row><cell>整改</cell><cell>5月</cell></row>"
        '<row><cell colspan="2">合计</cell><cell>办公室</cell></row></tbody></table><p>表后的话。</p>')


def test_a_cell_with_several_paragraphs_and_a_nested_table_keeps_every_character(tmp_path):
    nested = "<w:tbl><w:tr><w:tc>" + p("内甲") + "</w:tc><w:tc>" + p("内乙") + "</w:tc></w:tr></w:tbl>"
    table = "<w:tbl><w:tr><w:tc>" + p("第一段") + p("第二段") + nested + "</w:tc></w:tr></w:tbl>"
    doc = read(tmp_path, TITLE + table)
    assert body_xml(doc) == "<table><tbody><row><cell>第一段<br/>第二段<br/>内甲 内乙</cell></row></tbody></table>"


def test_pictures_keep_their_description_and_their_size(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path / "cache"))
    # 200 × 100 pixels shown 2 × 1 inches: 100 dpi
    body = TITLE + "<w:p>" + _drawing("rP", 2 * 914400, 914400, "柱状图：各季度件数") + "</w:p>"
    got = pipeline.read_source(make_docx(tmp_path / "d.docx", body, parts={"word/media/image1.png": _png(200, 100)},
                                         rels=[("rP", "image", "media/image1.png")]))
    fig = got.doc.find(f".//{q('figure')}")
    image = fig.find(q("image"))
    assert image.get("alt") == "柱状图：各季度件数"
    path = got.resource_dir / image.get("src")
    assert path.is_file() and str(got.resource_dir).startswith(str(tmp_path / "cache"))
    from PIL import Image

    with Image.open(path) as im:
        assert im.size == (200, 100)
        assert [round(v) for v in im.info["dpi"]] == [100, 100]


def test_a_picture_inside_a_sentence_stays_inline(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path / "cache"))
    body = TITLE + "<w:p>" + r("图标") + _drawing("rP", 914400, 914400, "徽标") + r("之后") + "</w:p>"
    doc = pipeline.read(make_docx(tmp_path / "d.docx", body, parts={"word/media/image1.png": _png(10, 10)},
                                  rels=[("rP", "image", "media/image1.png")]))
    p_el = doc.find(q("body"))[0]
    assert model.plain_text(p_el) == "图标之后" and p_el.find(q("image")).get("alt") == "徽标"


def test_a_picture_word_cannot_give_us_is_left_out_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path / "cache"))
    body = TITLE + "<w:p>" + _drawing("rP", 914400, 914400, "流程图") + "</w:p>" + p("正文")
    got = pipeline.read_source(make_docx(tmp_path / "d.docx", body, parts={"word/media/image1.emf": b"\x01\x00\x00\x00EMF"},
                                         rels=[("rP", "image", "media/image1.emf")]))
    assert got.doc.find(f".//{q('image')}") is None
    assert any("image1.emf" in d.message and "流程图" in d.message for d in got.diagnostics)


def test_the_letterhead_in_the_first_page_header_is_the_issuing_mark(tmp_path):
    page = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("1") + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    header = wrap("hdr", p("某某市人民政府文件") + page)
    sect = '<w:headerReference w:type="first" r:id="rH"/><w:titlePg/>'
    doc = read(tmp_path, TITLE + p("正文。"), parts={"word/header1.xml": header},
               rels=[("rH", "header", "header1.xml")], sect=sect)
    mark = doc.find(f"{q('masthead')}/{q('mark')}")
    assert mark is not None and model.plain_text(mark) == "某某市人民政府文件"
    assert doc.findtext(q("title")) == "关于做好安全生产工作的通知"
    assert "文件" not in model.plain_text(doc.find(q("body"))) and "1" not in model.plain_text(doc)


def test_page_headers_and_footers_are_not_content(tmp_path):
    header = wrap("hdr", p("内部资料 注意保存，第一页页眉里的普通句子。"))
    doc = read(tmp_path, TITLE + p("正文。"), parts={"word/header1.xml": header},
               rels=[("rH", "header", "header1.xml")], sect='<w:headerReference w:type="default" r:id="rH"/>')
    assert "内部资料" not in model.plain_text(doc) and doc.find(q("meta")) is None


def test_page_breaks(tmp_path):
    body = TITLE + "<w:p>" + r("前") + '<w:r><w:br w:type="page"/></w:r>' + r("后") + "</w:p>" + p("另页", "<w:pageBreakBefore/>")
    assert body_xml(read(tmp_path, body)) == "<p>前</p><pagebreak/><p>后</p><pagebreak/><p>另页</p>"


def test_a_document_of_only_a_table_takes_its_file_name_as_title(tmp_path):
    doc = read(tmp_path, "<w:tbl><w:tr><w:tc>" + p("甲") + "</w:tc></w:tr></w:tbl>")
    assert doc.findtext(q("title")) == "d" and model.plain_text(doc.find(q("body"))) == "甲"


def _outline(doc) -> list:
    def walk(el):
        out = []
        for sec in el.iterfind(q("section")):
            h = sec.find(q("heading"))
            number = h.findtext(q("number"))
            text = model.plain_text(h)[len(number or ""):]
            out.append((number, text, walk(sec)))
        return out
    return walk(doc.find(q("body")))


def test_a_gif_picture_becomes_a_png_with_the_same_pixels(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path / "cache"))
    gif = io.BytesIO()
    Image.new("P", (30, 20), 3).save(gif, "GIF")
    body = TITLE + "<w:p>" + _drawing("rP", 914400, 609600, "动图") + "</w:p>"
    got = pipeline.read_source(make_docx(tmp_path / "d.docx", body, parts={"word/media/image1.gif": gif.getvalue()},
                                         rels=[("rP", "image", "media/image1.gif")]))
    src = got.doc.find(f".//{q('image')}").get("src")
    assert src.endswith(".png")
    with Image.open(got.resource_dir / src) as im:
        assert im.format == "PNG" and im.size == (30, 20) and [round(v) for v in im.info["dpi"]] == [30, 30]
