"""Vertical e-books: digit runs stand upright (issue 12) — one or two digits combined in one
cell (text-combine-upright), longer runs upright digit under digit; numbers with a point or a
percent sign and digits touching Latin letters are left to the reading system."""
from __future__ import annotations

import zipfile

from lxml import etree

from converter.pipeline import build
from converter.writers.epub.upright import stand_digits_upright
from converter.writers.epub.xhtml import XHTML_NS

SOURCE = "关于第3批试点的通知\n\n　　2021年共开展12次检查，覆盖15.2万户、99.7%的企业，A4纸张按第25条执行。\n"


def spans(xhtml: bytes) -> list[tuple[str, str]]:
    root = etree.fromstring(xhtml)
    return [(s.get("class"), s.text) for s in root.iter(f"{{{XHTML_NS}}}span") if s.get("class") in ("tcy", "upright")]


def book(tmp_path, style):
    src = tmp_path / "notice.txt"
    src.write_text(SOURCE, encoding="utf-8")
    epub = build(src, tmp_path / style, ["epub"], style=style).outputs[0]
    with zipfile.ZipFile(epub) as z:
        docs = [z.read(n) for n in sorted(z.namelist()) if n.endswith(".xhtml") and "nav" not in n]
        css = next(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
    return docs, css


def test_vertical_book_stands_digits_upright(tmp_path):
    docs, css = book(tmp_path, "ebook-vertical")
    found = [s for d in docs for s in spans(d)]
    assert ("tcy", "3") in found and ("tcy", "12") in found and ("tcy", "25") in found
    assert ("upright", "2021") in found
    texts = {t for _, t in found}
    assert not texts & {"15", "2", "99", "7", "4"}  # 15.2, 99.7%, A4 stay as they are
    assert "text-combine-upright: all" in css and "text-orientation: upright" in css
    # nothing lost, nothing added
    text = "".join("".join(etree.fromstring(d).find(f"{{{XHTML_NS}}}body").itertext()) for d in docs)
    assert "".join(SOURCE.split()) in "".join(text.split())


def test_horizontal_book_is_untouched(tmp_path):
    docs, css = book(tmp_path, "gongwen")
    assert not [s for d in docs for s in spans(d)]
    assert "text-combine-upright" not in css


def test_code_and_tails_around_inline_elements():
    root = etree.fromstring(f'<body xmlns="{XHTML_NS}"><p>第1章<em>共8节</em>第10页<code>x = 12</code>末9</p></body>')
    stand_digits_upright(root)
    assert [(s.get("class"), s.text) for s in root.iter(f"{{{XHTML_NS}}}span")] == [
        ("tcy", "1"), ("tcy", "8"), ("tcy", "10"), ("tcy", "9")]
    assert "".join(root.itertext()) == "第1章共8节第10页x = 12末9"
