"""A property: whatever paragraphs, runs, notes, tables and text boxes a Word document has, every
character it shows reaches the model, in reading order (and nothing it does not show)."""
from __future__ import annotations

import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter import model, pipeline

from docx_packages import make_docx, wrap
from helpers import nonspace

# the characters official documents are made of, and the lines the structure rules look for
WORDS = st.text(alphabet="政府工作报告关于通知一二三四五六七八九十年月日（）、，。：；1234567890.ABCabc 　",
                min_size=1, max_size=12)
LINES = st.sampled_from(["一、总体要求", "（一）加强领导。", "1.完善制度", "附件：1.统计表", "某市人民政府",
                         "2024年3月15日", "（此件公开发布）", "各区（县）人民政府：", "一是", "某政发〔2024〕7号"])
RPR = st.sampled_from(["", "<w:b/>", "<w:i/>", "<w:b/><w:i/>", '<w:u w:val="single"/>'])


@st.composite
def run(draw):
    kind = draw(st.sampled_from(["text", "text", "text", "break", "tab", "deleted", "hidden", "field", "note"]))
    text = draw(st.one_of(WORDS, LINES))
    rpr = draw(RPR)
    if kind == "text":
        return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>', text, None
    if kind == "break":
        return "<w:r><w:br/></w:r>", "", None
    if kind == "tab":
        return "<w:r><w:tab/></w:r>", "", None
    if kind == "deleted":
        return f"<w:del w:id=\"9\" w:author=\"a\"><w:r><w:delText>{escape(text)}</w:delText></w:r></w:del>", "", None
    if kind == "hidden":
        return f'<w:r><w:rPr><w:vanish/></w:rPr><w:t>{escape(text)}</w:t></w:r>', "", None
    if kind == "field":
        return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
                f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{escape(text)}</w:t></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>'), text, None
    return "<w:r><w:footnoteReference w:id=\"{id}\"/></w:r>", text, text  # the note's text, at its reference


@st.composite
def block(draw):
    kind = draw(st.sampled_from(["p", "p", "p", "p", "empty", "table", "textbox"]))
    if kind == "empty":
        return "<w:p/>", []
    if kind == "table":
        rows = draw(st.lists(st.lists(WORDS, min_size=1, max_size=3), min_size=1, max_size=3))
        xml = "<w:tbl>" + "".join("<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{escape(c)}</w:t></w:r></w:p></w:tc>" for c in row)
                                  + "</w:tr>" for row in rows) + "</w:tbl>"
        return xml, [("text", c) for row in rows for c in row]
    runs = draw(st.lists(run(), min_size=1, max_size=5))
    shown: list[tuple[str, str]] = []
    parts = []
    for xml, text, note in runs:
        if note is not None:
            shown.append(("note", note))
        elif text:
            shown.append(("text", text))
        parts.append(xml)
    if kind == "textbox":
        box = draw(WORDS)
        parts.append('<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>'
                     f"{escape(box)}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
        shown.append(("text", box))  # read after its paragraph, which ends here
    return "<w:p>" + "".join(parts) + "</w:p>", shown


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=WORDS.filter(lambda t: t.strip()), blocks=st.lists(block(), min_size=1, max_size=12))
def test_every_shown_character_reaches_the_model_in_order(first, blocks):
    notes: list[str] = []
    body = [f"<w:p><w:r><w:t>{escape(first)}</w:t></w:r></w:p>"]
    expected = [first]
    for xml, shown in blocks:
        for kind, text in shown:
            if kind == "note":
                notes.append(text)
                xml = xml.replace('w:id="{id}"', f'w:id="{len(notes)}"', 1)
            expected.append(text)
        body.append(xml)
    footnotes = wrap("footnotes", "".join(f'<w:footnote w:id="{k}"><w:p><w:r><w:t>{escape(t)}</w:t></w:r></w:p></w:footnote>'
                                          for k, t in enumerate(notes, start=1)))
    with tempfile.TemporaryDirectory() as tmp:
        path = make_docx(Path(tmp) / "d.docx", "".join(body), parts={"word/footnotes.xml": footnotes})
        doc = pipeline.read(path)
    assert nonspace(model.plain_text(doc)) == nonspace("".join(expected))


def test_a_note_on_the_line_above_a_date_stays_in_order():
    """Found by a random run of the property above (2026-12-01)."""
    body = ('<w:p><w:r><w:t>0</w:t></w:r></w:p><w:p><w:r><w:t>0</w:t></w:r></w:p>'
            '<w:p><w:r><w:t>1</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
            '<w:p><w:r><w:t>0001年1月1日</w:t></w:r></w:p>')
    footnotes = wrap("footnotes", '<w:footnote w:id="1"><w:p><w:r><w:t>0</w:t></w:r></w:p></w:footnote>')
    with tempfile.TemporaryDirectory() as tmp:
        doc = pipeline.read(make_docx(Path(tmp) / "d.docx", body, parts={"word/footnotes.xml": footnotes}))
    assert nonspace(model.plain_text(doc)) == "0010" + "0001年1月1日"

