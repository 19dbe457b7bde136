"""The DOCX signature follows the PDF's rule (layout/signature.py) and keeps with the body."""
from __future__ import annotations

import zipfile

import pytest
from lxml import etree

import office
from converter.pipeline import build
from converter.style import load_style

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 72 / 25.4


def test_issuer_and_date_in_word_and_libreoffice(tmp_path):
    src = tmp_path / "notice.txt"
    src.write_text("关于测试落款位置的通知\n\n　　本段正文用于测试落款位置。\n\n某市人民政府\n2024年3月15日\n", encoding="utf-8")
    docx = build(src, tmp_path / "out", ["docx"], style="gongwen").outputs[0]
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    paras = body.findall(f"{W}p")
    styles = [p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in paras]
    sig = styles.index("Signature")
    assert paras[sig - 1].find(f"{W}pPr/{W}keepNext") is not None  # never alone on a page
    assert paras[sig].find(f"{W}pPr/{W}keepNext") is not None
    date = paras[styles.index("Date")].find(f"{W}pPr")
    assert date.find(f"{W}jc").get(f"{W}val") == "left"
    assert int(date.find(f"{W}ind").get(f"{W}left")) > 0
    # LibreOffice with the embedded fonts only: the date starts two characters right of the issuer
    pdf = office.to_pdf([docx], tmp_path / "lo", hide_fonts=True)[docx]
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(pdf) as doc:
        words = {w["text"]: w for w in doc.pages[-1].extract_words()}
    issuer = words["某市人民政府"]
    day = next(w for t, w in words.items() if t.startswith("2024"))
    char = load_style("gongwen").role("signature").size * 0.98
    assert day["x0"] - issuer["x0"] == pytest.approx(2 * char, abs=1.5)
