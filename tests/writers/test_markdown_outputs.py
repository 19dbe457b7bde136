"""Markdown sources through every writer: every word back from each output, fonts per script."""
from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.text.paragraph import Paragraph

from converter.pipeline import build
from helpers import FIXTURES, SOURCES, markdown_words

DOCS = [SOURCES / "handbook.md", *sorted((FIXTURES / "markdown").glob("*.md"))]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def docx_text(path: Path) -> str:
    """The body's paragraphs and table cells, then the footnotes (word/footnotes.xml)."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    with zipfile.ZipFile(path) as z:
        if "word/footnotes.xml" in z.namelist():
            notes = parse_xml(z.read("word/footnotes.xml"))
            parts += [Paragraph(p, None).text for p in notes.iter(qn("w:p"))]
    return "\n".join(parts)


def epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(re.sub(r"<[^>]+>", " ", z.read(n).decode()) for n in sorted(z.namelist())
                         if n.endswith(".xhtml") and "nav" not in n)


@pytest.mark.parametrize("src", DOCS, ids=lambda p: p.name)
def test_every_word_comes_back_from_every_output(src, tmp_path):
    build(src, tmp_path, ["pdf", "docx", "epub"])
    expected = Counter(markdown_words(src.read_text(encoding="utf-8")))
    for name, text in (("pdf", pdf_text(tmp_path / f"{src.stem}.pdf")),
                       ("docx", docx_text(tmp_path / f"{src.stem}.docx")),
                       ("epub", epub_text(tmp_path / f"{src.stem}.epub"))):
        got = Counter(re.findall(r"\w+", text))
        joined = re.sub(r"\s+", "", text)
        for word, n in expected.items():
            # CJK runs may be broken differently by line ends; then the run is found whole
            assert got[word] >= n or word in joined, (name, word)


def test_latin_and_cjk_get_their_own_fonts_in_the_pdf(tmp_path):
    src = FIXTURES / "markdown" / "mixed-scripts.md"
    pdf = build(src, tmp_path, ["pdf"]).outputs[0]
    with pdfplumber.open(pdf) as doc:
        chars = doc.pages[0].chars
    fonts = {c["text"]: c["fontname"] for c in chars}
    assert "Liberation" in fonts["q"] and "CJK" in fonts["季"] and "Liberation" in fonts["6"]


def test_table_header_repeats_on_a_new_pdf_page(tmp_path):
    rows = "\n".join(f"| {k} | row {k} |" for k in range(1, 120))
    src = tmp_path / "long-table.md"
    src.write_text(f"# Long table\n\n| Number | Label |\n|---|---|\n{rows}\n", encoding="utf-8")
    pdf = build(src, tmp_path, ["pdf"]).outputs[0]
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) >= 2
        for page in doc.pages:
            assert "Number" in (page.extract_text() or "")


def test_a_table_row_taller_than_a_page_continues_on_the_next(tmp_path):
    words = " ".join(f"w{k}" for k in range(1500))
    src = tmp_path / "tall.md"
    src.write_text(f"# Tall row\n\n| Key | Text |\n|---|---|\n| one | {words} |\n| two | after |\n", encoding="utf-8")
    pdf = build(src, tmp_path, ["pdf"]).outputs[0]
    text = pdf_text(pdf)
    got = re.findall(r"w\d+", text)
    assert got == [f"w{k}" for k in range(1500)]  # every word, in order, none lost off a page
    assert "after" in text
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) >= 3
        assert all("Key" in (p.extract_text() or "") for p in doc.pages)  # the header repeats
