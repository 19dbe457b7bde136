"""Source lines in the model (issue 10, item 7): every reader records them, the canonical XML
output carries none, and a late error can always name a line."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from converter import model
from converter.readers.markdown import parse_markdown


def lines_by_tag(doc) -> list[tuple[str, int | None]]:
    return [(model.tag_of(e), e.sourceline) for e in doc.iter() if model.tag_of(e) in
            ("title", "p", "section", "table", "row", "list")]


def test_markdown_blocks_know_their_lines():
    doc = parse_markdown("# T\n\npara\n\n## Sec\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- x\n- y\n", Path("."))
    assert lines_by_tag(doc) == [("title", 1), ("p", 3), ("section", 5), ("table", 7), ("row", 7),
                                 ("row", 9), ("list", 11), ("p", 11), ("p", 12)]


def test_line_of_falls_back_to_the_nearest_known_line():
    doc = parse_markdown("# T\n\npara\n\n## Sec\n\ntext\n", Path("."))
    heading = doc.find(".//" + model.q("heading"))
    assert heading.sourceline is None and model.line_of(heading) == 5
    assert model.line_of(model.child(doc, "body")) == 1  # after the title


def test_lines_never_reach_the_serialised_model():
    doc = parse_markdown("# T\n\npara\n", Path("."))
    assert b"line" not in etree.tostring(doc)


def test_lines_past_what_libxml2_stores_stay_unknown_not_wrong():
    el = model.new("p")
    model.set_line(el, 70000)
    assert el.sourceline is None
    model.set_line(el, 12)
    assert el.sourceline == 12


def test_text_reader_records_the_line_of_every_part():
    from converter.pipeline import read
    from helpers import FIXTURES

    src = FIXTURES / "text" / "gongwen-full.txt"
    lines = src.read_text(encoding="utf-8").split("\n")
    doc = read(src)
    for el in doc.iter():
        if model.tag_of(el) in ("title", "p", "section", "table", "row", "annex", "colophon", "cc", "printer",
                                "masthead", "signature", "remark", "attachments"):
            assert el.sourceline, model.tag_of(el)
            first = model.plain_text(el).strip()[:1]
            assert first in lines[el.sourceline - 1], (model.tag_of(el), el.sourceline, first)


def test_xml_reader_takes_lines_from_the_parser(tmp_path):
    from converter.pipeline import build
    from converter.readers.xml import parse_xml
    from helpers import FIXTURES

    build(FIXTURES / "text" / "gongwen-full.txt", tmp_path, ["xml"])
    data = (tmp_path / "gongwen-full.xml").read_bytes()
    assert b"sourceline" not in data and b"line=" not in data
    doc = parse_xml(data, "gongwen-full.xml")
    p = doc.find(".//" + model.q("p"))
    text = data.decode("utf-8").split("\n")
    assert (model.plain_text(p)[:4]) in text[p.sourceline - 1]
