"""The table spans transform: spans capped by the table's real size, once, for every writer."""
import zipfile

from converter import model
from converter.pipeline import build, read

from helpers import canonical_xml


def _spans(doc):
    return [(c.text, c.get("colspan"), c.get("rowspan")) for c in doc.iter(model.q("cell"))]


def test_spans_a_table_fills_are_kept_without_a_word(tmp_path):
    src = canonical_xml(tmp_path, '<table><thead><row><cell colspan="3">Group</cell></row></thead><tbody>'
                         '<row><cell rowspan="2">a</cell><cell>b</cell><cell>c</cell></row>'
                         '<row><cell colspan="2">d</cell></row></tbody></table>')
    found = []
    doc = read(src, found)
    assert _spans(doc) == [("Group", "3", None), ("a", None, "2"), ("b", None, None), ("c", None, None),
                           ("d", "2", None)]
    assert found == []


def test_spans_beyond_the_table_are_capped_with_a_warning_at_their_line(tmp_path):
    src = canonical_xml(tmp_path, '<table><tbody><row><cell colspan="1000000">wide</cell></row>\n'
                         '<row><cell>a</cell><cell rowspan="99999999999">tall</cell></row>\n'
                         '<row><cell>b</cell></row></tbody></table>')
    found = []
    doc = read(src, found)
    assert _spans(doc) == [("wide", "2", None), ("a", None, None), ("tall", None, "2"), ("b", None, None)]
    assert [(d.line, d.message.split(":")[0]) for d in found] == [
        (4, 'table cell colspan="1000000" is more than the table holds'),
        (5, 'table cell rowspan="99999999999" is more than the table holds')]


def test_a_column_no_cell_starts_in_is_not_counted(tmp_path):
    src = canonical_xml(tmp_path, '<table><tbody><row><cell colspan="3">x</cell><cell>y</cell></row>'
                         '<row><cell>a</cell><cell colspan="3">b</cell></row></tbody></table>')
    doc = read(src, [])
    assert _spans(doc) == [("x", "2", None), ("y", None, None), ("a", None, None), ("b", "2", None)]


def test_every_writer_sees_the_capped_grid(tmp_path):
    src = canonical_xml(tmp_path, '<table><tbody><row><cell colspan="1000000">x</cell></row></tbody></table>')
    built = build(src, tmp_path / "out", ["docx", "xml"])
    assert built
    with zipfile.ZipFile(tmp_path / "out" / "doc.docx") as z:
        document = z.read("word/document.xml").decode()
    assert document.count("<w:gridCol ") == 1 and "w:gridSpan" not in document
    assert "colspan" not in (tmp_path / "out" / "doc.xml").read_text(encoding="utf-8")
