"""Deep nesting reaches every output (issue 13): every level's words, on the page, in order."""
from __future__ import annotations

import re
import subprocess
import zipfile

import docx
from docx.oxml.ns import qn

from converter.pipeline import build

LEVELS, QUOTES = 30, 60


def _source(tmp_path):
    lists = "".join("  " * k + f"- level{k + 1} words\n" for k in range(LEVELS))
    quotes = "".join(">" * (k + 1) + f" depth{k + 1} words\n\n" for k in range(QUOTES))
    src = tmp_path / "deep.md"
    src.write_text("# Deep\n\n" + lists + "\n" + quotes, encoding="utf-8")
    return src


def _found(text: str) -> list[str]:
    return re.findall(r"\b(?:level|depth)\d+\b", text)


def test_deep_lists_and_quotes_reach_every_output(tmp_path):
    src = _source(tmp_path)
    build(src, tmp_path / "out", ["pdf", "docx", "epub"])
    expected = [f"level{k + 1}" for k in range(LEVELS)] + [f"depth{k + 1}" for k in range(QUOTES)]
    pdf = subprocess.run(["pdftotext", str(tmp_path / "out" / "deep.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert _found(pdf) == expected
    with zipfile.ZipFile(tmp_path / "out" / "deep.epub") as z:
        epub = " ".join(re.sub(r"<[^>]+>", " ", z.read(n).decode()) for n in sorted(z.namelist())
                        if n.endswith(".xhtml") and "nav" not in n)
    assert _found(epub) == expected
    document = docx.Document(str(tmp_path / "out" / "deep.docx"))
    assert _found("\n".join(p.text for p in document.paragraphs)) == expected


def test_docx_uses_words_nine_levels_then_keeps_indenting(tmp_path):
    src = _source(tmp_path)
    build(src, tmp_path / "out", ["docx"])
    document = docx.Document(str(tmp_path / "out" / "deep.docx"))
    items = [p for p in document.paragraphs if p.text.startswith("level")]
    ilvl = [int(p._p.pPr.find(qn("w:numPr")).find(qn("w:ilvl")).get(qn("w:val"))) for p in items]
    left = [int(p._p.pPr.find(qn("w:ind")).get(qn("w:left"))) for p in items]
    assert ilvl == [min(k, 8) for k in range(LEVELS)]
    assert left == sorted(left) and left[9] > left[8]  # level ten still moves right of level nine
    page_width = document.sections[0].page_width - document.sections[0].left_margin - document.sections[0].right_margin
    assert max(left) * 635 < page_width  # twips → EMU: every level starts on the page


def test_nested_quotes_step_in_until_half_the_width(tmp_path):
    import pdfplumber

    src = tmp_path / "quotes.md"
    src.write_text("# Q\n\n" + "".join(">" * k + f" depth{k} words\n\n" for k in range(1, 41)), encoding="utf-8")
    build(src, tmp_path / "out", ["pdf", "docx"])
    with pdfplumber.open(tmp_path / "out" / "quotes.pdf") as pdf:
        starts = {w["text"]: w["x0"] for p in pdf.pages for w in p.extract_words() if w["text"].startswith("depth")}
        width = pdf.pages[0].width
    xs = [starts[f"depth{k}"] for k in range(1, 41)]
    assert xs[0] < xs[1] < xs[2] and xs == sorted(xs) and max(xs) < width / 2 + 72
    document = docx.Document(str(tmp_path / "out" / "quotes.docx"))
    lefts = []
    for p in document.paragraphs:
        if p.text.startswith("depth"):
            ind = p._p.pPr.find(qn("w:ind"))
            lefts.append(int(ind.get(qn("w:left"))) if ind is not None else 0)
    assert lefts[0] < lefts[1] < lefts[2] and lefts == sorted(lefts)
