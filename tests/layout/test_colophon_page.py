"""The 版记 on the last page, read back from the PDF (GB/T 9704 §7.4, §7.5): printed
double-sided (gongwen: the page number changes sides), the 版记 stands on an even page — from an
odd page with text it moves to the next page; where it would open an odd page, that page stays
blank — and a blank page before the 版记 and the 版记 page after it carry no page number.
Generated documents whose text ends at every line of pages 1–3."""
from __future__ import annotations

from pathlib import Path

import pytest

from converter.pipeline import build

pdfplumber = pytest.importorskip("pdfplumber")
MM = 72 / 25.4
LINE = "　　这是用于测试版记位置的正文内容每行二十六个汉字整。"  # one full line of the grid


def notice(lines: int) -> str:
    """A 通知 of ``lines`` one-line paragraphs, signature, 抄送 and 印发."""
    return ("某市人民政府关于版记位置测试的通知\n\n各区人民政府：\n" + "\n".join([LINE] * lines)
            + "\n\n某市人民政府\n2024年3月15日\n\n抄送：市委办公室，市人大常委会办公室。\n"
            "某市人民政府办公室　　　　　　　　2024年3月16日印发\n")


def read_pages(pdf: Path) -> list[dict]:
    """Per page: its number as printed (None: none), whether it has text, the 版记, the signature
    date, and the 版记's last rule (mm from the top)."""
    pages = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            folio = "".join(c["text"] for c in page.chars if c["top"] > 265 * MM).replace(" ", "")
            text = "".join(c["text"] for c in page.chars if c["top"] <= 265 * MM)
            rules = [ln["top"] / MM for ln in page.lines]
            pages.append({"number": folio.strip("—") or None, "text": bool(text), "colophon": "抄送" in text,
                          "date": "2024年3月15日" in text, "last_rule": max(rules, default=None)})
    return pages


def built(tmp_path: Path, lines: int, style: str) -> list[dict]:
    src = tmp_path / f"n{lines}.txt"
    src.write_text(notice(lines), encoding="utf-8")
    return read_pages(build(src, tmp_path / "out", ["pdf"], style=style).outputs[0])


@pytest.mark.parametrize("lines", range(0, 62, 1))
def test_colophon_on_an_even_page(tmp_path, lines):
    pages = built(tmp_path, lines, "gongwen")
    last_text = max(k for k, p in enumerate(pages, 1) if p["date"])
    where, = [k for k, p in enumerate(pages, 1) if p["colophon"]]
    assert where == len(pages) and where % 2 == 0, (where, len(pages))
    assert pages[-1]["last_rule"] == pytest.approx(262, abs=0.5)
    if last_text % 2 == 1:  # an odd page: the 版记 on the next (even) page, alone, numbered
        assert where == last_text + 1
        blank = []
    elif where == last_text:  # it fits under the text of an even page
        blank = []
    else:  # an even page it did not fit on: a blank odd page, then the 版记
        assert where == last_text + 2
        blank = [last_text + 1]
        assert not pages[last_text]["text"]
    for k, page in enumerate(pages, 1):
        unnumbered = k in blank or (blank and k == where)
        assert (page["number"] is None) == bool(unnumbered), (k, page, blank)
        if not unnumbered:
            assert page["number"] == str(k)


@pytest.mark.parametrize("lines", [5, 16, 17, 30])
def test_single_sided_colophon_follows_the_text(tmp_path, lines):
    """A style whose numbers stay on one side prints single-sided: the 版记 stays on the text's
    last page when it fits there, else the next one; every page keeps its number."""
    sheet = tmp_path / "one-side.toml"
    sheet.write_text('name = "one-side"\nextends = "gongwen"\n[page.number]\nposition = "center"\n', encoding="utf-8")
    pages = built(tmp_path, lines, str(sheet))
    last_text = max(k for k, p in enumerate(pages, 1) if p["date"])
    where, = [k for k, p in enumerate(pages, 1) if p["colophon"]]
    assert where in (last_text, last_text + 1) and where == len(pages)
    assert all(p["number"] == str(k) for k, p in enumerate(pages, 1))


def test_a_blank_page_before_the_colophon(tmp_path):
    """37 lines end the text near the foot of page 2: page 3 stays blank, the 版记 on page 4,
    neither numbered."""
    pages = built(tmp_path, 37, "gongwen")
    assert [p["number"] for p in pages] == ["1", "2", None, None]
    assert not pages[2]["text"] and pages[3]["colophon"]
