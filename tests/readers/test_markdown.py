"""The Markdown reader: CommonMark and its plug-ins into the canonical model."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from converter import model
from converter.cli import main
from converter.errors import InputError
from converter.model.outline import outline
from converter.pipeline import read
from converter.readers.markdown import parse_markdown
from helpers import FIXTURES, SOURCES, markdown_words

MD = FIXTURES / "markdown"


def md(text: str, base: Path = MD):
    doc = parse_markdown(text, base, fallback_title="fallback")
    model.validate(doc)
    return doc


def find(doc, tag):
    return doc.findall(".//" + model.q(tag))


def test_front_matter_fills_the_metadata():
    doc = md("---\ntitle: Report\nsubtitle: Sub\nauthor: [A. One, B. Two]\ndate: 2024-05-20\n"
             "lang: zh-CN\nstyle: gongwen\nkeywords: a, b\ndescription: About it\n---\n\nBody.\n")
    assert doc.findtext(model.q("title")) == "Report"
    assert doc.findtext(model.q("subtitle")) == "Sub"
    assert [a.text for a in find(doc, "author")] == ["A. One", "B. Two"]
    assert find(doc, "date")[0].get("value") == "2024-05-20"
    assert doc.get(model.XML_LANG) == "zh-CN" and doc.get("style") == "gongwen"
    assert [k.text for k in find(doc, "keyword")] == ["a", "b"]
    assert find(doc, "subject")[0].text == "About it"


def test_title_from_a_leading_h1_else_the_file_name():
    doc = md("# The Title\n\nText.\n\n# Chapter\n")
    assert doc.findtext(model.q("title")) == "The Title"
    assert [s.get("level") for s in find(doc, "section")] == ["1"]
    assert md("Just text.\n").findtext(model.q("title")) == "fallback"


def test_headings_nest_by_level():
    doc = md("# T\n\n## A\n\ntext\n\n### A.1\n\n###### deep\n\n## B\n")
    tree = outline(doc)["sections"]
    assert [s["heading"] for s in tree] == ["A", "B"]
    assert tree[0]["sections"][0]["heading"] == "A.1"
    assert tree[0]["sections"][0]["sections"][0]["level"] == 6


def test_inline_constructs():
    doc = md("# T\n\nA *b* **c** `d` [e](https://x.org) <https://y.org> f  \ng\nh <b>raw</b>\n")
    p = find(doc, "p")[0]
    assert [model.tag_of(c) for c in p] == ["em", "strong", "code", "link", "link", "br", "strong"]
    assert find(doc, "link")[1].get("href") == "https://y.org"
    assert "g h raw" in model.plain_text(p)  # soft break → space; <b> is the model's strong


def test_soft_breaks_between_chinese_characters_add_no_space():
    doc = md("# 标题\n\n第一行\n第二行\n")
    assert find(doc, "p")[0].text == "第一行第二行"


def test_lists_nested_with_start_numbers():
    doc = md("# T\n\n3. three\n4. four\n   - inner\n\n- a\n- b\n")
    lists = find(doc, "list")
    assert lists[0].get("type") == "ordered" and lists[0].get("start") == "3"
    assert lists[1].get("type") == "bullet"  # nested inside item four
    assert lists[1].getparent().getparent() is lists[0]


def test_tables_with_alignment():
    doc = md("# T\n\n| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n")
    (table,) = find(doc, "table")
    assert [c.get("align") for c in find(table, "cell")[:3]] == ["left", "center", "right"]
    assert len(find(table, "row")) == 2 and table.find(model.q("thead")) is not None


def test_footnotes_go_where_they_are_referred_to():
    doc = md("# T\n\nText[^n] more.\n\nUnused note below.\n\n[^n]: The *note*.\n[^u]: Never referred to.\n")
    notes = find(doc, "footnote")
    assert model.plain_text(notes[0]) == "The note."
    assert model.plain_text(notes[0].getparent()) == "TextThe note. more."
    # a note nobody refers to is not lost: it is referred to at the end
    assert len(notes) == 2 and model.plain_text(notes[1]) == "Never referred to."


def test_blocks_quote_code_rule_html():
    from converter.errors import collecting

    with collecting() as warnings:
        doc = md("# T\n\n> quoted\n\n```python\nx = 1\n  y\n```\n\n---\n\n<div>raw</div>\n")
    assert [w.line for w in warnings] == [12]  # raw HTML is kept as text, and said so
    assert model.plain_text(find(doc, "quote")[0]) == "quoted"
    code = find(doc, "codeblock")[0]
    assert code.get("lang") == "python" and code.text == "x = 1\n  y"
    assert find(doc, "rule")
    assert "<div>raw</div>" in model.plain_text(doc)


def test_an_image_alone_is_a_figure_with_alt_and_caption():
    doc = md('# T\n\n![A dot](dot.png "The caption")\n')
    (fig,) = find(doc, "figure")
    img = fig.find(model.q("image"))
    assert img.get("src") == "dot.png" and img.get("alt") == "A dot"
    assert fig.findtext(model.q("caption")) == "The caption"


@pytest.mark.parametrize("src, message", [
    ("../model/dot.png", "outside"),
    ("missing.png", "cannot be read"),
    ("https://example.org/x.png", "remote images are not downloaded"),
    ("pandoc-style.md", "not a PNG, JPEG, GIF or SVG"),
])
def test_bad_images_are_kept_and_warned_about_with_a_line(src, message):
    """The reader keeps the picture (its address and alt text); the image rule says it cannot be
    used, with the line, and the outputs print its alt text in a frame."""
    from converter.model.images import image_warnings

    doc = md(f"# T\n\ntext\n\n![x]({src})\n")
    (img,) = find(doc, "image")
    assert img.get("src") == src and img.get("alt") == "x"
    ((where, warning, line),) = image_warnings(doc, MD)
    assert where == src and message in warning and line == 5


def test_invalid_front_matter_is_an_error():
    with pytest.raises(InputError, match="YAML"):
        md("---\ntitle: [unclosed\n---\n\ntext\n")


@pytest.mark.parametrize("src", [*sorted(SOURCES.glob("*.md")), MD / "pandoc-style.md"], ids=lambda p: p.name)
def test_every_word_reaches_the_model(src):
    doc = read(src)
    text = model.plain_text(doc)
    words = re.findall(r"\w+", text)
    for word in set(markdown_words(src.read_text(encoding="utf-8"))):
        assert word in words or word in text, word


def test_inspect_json_on_markdown(capsys):
    import json

    assert main(["inspect", str(SOURCES / "handbook.md"), "--json"]) == 0
    tree = json.loads(capsys.readouterr().out)
    assert tree["title"] == "Publishing Handbook" and tree["lang"] == "en"
    assert tree["sections"][0]["heading"] == "Why one source" and tree["sections"][0]["number"] == ""
    assert tree["signature"] == {"issuer": None, "date": None}


def test_front_matter_keys_without_values_are_absent_and_bad_dates_are_errors():
    doc = md("---\ntitle:\nauthor: [Ann, null]\n---\n\n# Heading title\n\nText.\n")
    assert doc.findtext(model.q("title")) == "Heading title"  # not "None"
    assert [a.text for a in find(doc, "author")] == ["Ann"]
    with pytest.raises(InputError, match="impossible value") as e:
        md("---\ndate: 2024-02-30\n---\n\nText.\n")
    assert e.value.line is not None


def test_yaml_aliases_in_front_matter_are_refused_at_their_line_before_expansion():
    bomb = "---\ntitle: T\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi")) + "keywords: [*i, *i]\n---\n\nText.\n"
    with pytest.raises(InputError, match="aliases") as e:
        md(bomb)  # 9⁹ values if expanded: refused at once
    assert e.value.line == 4
    quoted = md("---\ntitle: T\nkeywords: [a, '*b', '&c']\n---\n\nText.\n")  # quoted: text, no alias
    assert [k.text for k in find(quoted, "keyword")] == ["a", "*b", "&c"]


def test_a_footnote_that_refers_to_itself_is_an_error_with_a_line():
    with pytest.raises(InputError, match="refers to itself") as e:
        md("# T\n\nText[^a].\n\n[^a]: See also[^b].\n[^b]: And back[^a].\n")
    assert e.value.line == 5


def test_alt_text_keeps_emphasis_and_code_words():
    doc = md("# T\n\n![alt with *emph* and `code`](dot.png)\n")
    assert find(doc, "image")[0].get("alt") == "alt with emph and code"
