"""签发人, joint issuance and the 信函 in the EPUB (GB/T 9704 7.2.3–7.2.5, 10.1): the XHTML's
structure, the CSS that places it, epubcheck; a book without them carries none of those rules."""
from __future__ import annotations

import zipfile

from lxml import etree

from converter.check import check, failed
from converter.pipeline import build
from helpers import FIXTURES, SOURCES

XHTML = "{http://www.w3.org/1999/xhtml}"
TEXT = FIXTURES / "text"


def book(tmp_path, source, style="gongwen"):
    out = build(source, tmp_path, ["epub"], style=style).outputs[0]
    with zipfile.ZipFile(out) as z:
        css = next(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
        docs = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.endswith(".xhtml")]
    return out, css, docs


def by_class(docs, tag, cls):
    return [e for d in docs for e in d.iter(f"{XHTML}{tag}") if cls in (e.get("class") or "").split()]


def test_signers_and_joint_mark(tmp_path):
    out, css, docs = book(tmp_path, TEXT / "gongwen-joint-signers.txt")
    joint = by_class(docs, "div", "joint")[0]
    issuers = [("".join(p.itertext())) for p in joint.find(f"{XHTML}div").iter(f"{XHTML}p")]
    assert issuers == ["某省发展和改革委员会", "某省财政厅", "某省交通运输厅"]
    assert "".join(joint[-1].itertext()) == "文件" and joint[-1].get("class") == "mark"
    line = by_class(docs, "div", "signers")[0]
    number, signers = line
    assert "".join(number.itertext()) == "某发改交通〔2024〕112号"
    names = signers.find(f"{XHTML}span[@class='signers']")
    assert [e.tag for e in names] == [f"{XHTML}span", f"{XHTML}span", f"{XHTML}br", f"{XHTML}span"]  # two a line
    assert "div.joint {\n  display: table;\n  margin: 0 auto;" in css
    assert "div.signers > p.docnumber {\n  display: table-cell;\n  vertical-align: bottom;" in css
    assert 'span.signers span.signer {\n  font-family: "Liberation Serif", "FandolKai"' in css  # 楷体
    assert "hr.letter" not in css
    assert not failed(check([out]))  # epubcheck and the text in order


def test_letter(tmp_path):
    out, css, docs = book(tmp_path, TEXT / "gongwen-letter-secret.txt", "gongwen-letter")
    head = by_class(docs, "div", "letter")[0]
    assert [e.get("class") for e in head if e.get("class")] == ["masthead"] * 3 + ["mark", "letter", "docnumber letter"]
    assert "border-top: 0.8mm solid #e60012;\n  border-bottom: 0.25mm solid #e60012;" in css
    assert "div.masthead.letter > div.mark {\n  order: -2;" in css
    assert "p.docnumber.letter {\n  text-align: right;" in css
    assert not by_class(docs, "hr", "separator")
    assert not failed(check([out]))


def test_a_book_without_them_has_none_of_their_rules(tmp_path):
    _, css, _ = book(tmp_path, SOURCES / "gongwen-notice.txt")
    assert "signers" not in css and "joint" not in css and ".letter" not in css


def test_letter_colophon_without_rules(tmp_path):
    """GB/T 9704 10.1: a 信函's 版记 without rules — its div of class letter, whose rule takes the
    版记's borders off (a 印发 line the source writes stays, without its rule); the sample is read
    as a 信函 without naming the style."""
    src = tmp_path / "printer.txt"
    src.write_text((SOURCES / "gongwen-letter.txt").read_text(encoding="utf-8")
                   + "\n某市人民政府办公室　　　　2024年5月20日印发\n", encoding="utf-8")
    out = build(src, tmp_path / "out", ["epub"]).outputs[0]
    with zipfile.ZipFile(out) as z:
        css = next(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
        docs = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.endswith(".xhtml")]
    colophon = by_class(docs, "div", "colophon")
    assert len(colophon) == 1 and colophon[0].get("class") == "colophon letter"
    assert ["".join(p.itertext()) for p in colophon[0]] == ["抄送：市住房城乡建设局，市自然资源局。",
                                                            "某市人民政府办公室 2024年5月20日印发"]
    assert "div.colophon.letter {\n  border-top: none;\n  border-bottom: none;\n}" in css
    assert "div.colophon.letter > p.printer {\n  border-top: none;\n}" in css
    assert not failed(check([out]))
    _, plain, docs = book(tmp_path / "notice", SOURCES / "gongwen-notice.txt")
    assert by_class(docs, "div", "colophon")[0].get("class") == "colophon"
