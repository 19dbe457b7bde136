"""The 版头's red separator and the title under it (GB/T 9704 7.2.6: the title two blank lines
under the rule) where our PDF has them, in LibreOffice's PDF of the DOCX (embedded fonts only):
a 文号 paragraph (notice, 纪要), a joint mark with 签发人 on the 文号's line, and 签发人 on two
lines (the separator a table row's border)."""
from __future__ import annotations

import pytest

import office
from converter.pipeline import build
from helpers import FIXTURES, SOURCES

pdfplumber = pytest.importorskip("pdfplumber")
MM = 72 / 25.4
RED = (0.90196, 0.0, 0.07059)
DOCUMENTS = {"gongwen-notice": (SOURCES / "gongwen-notice.txt", "gongwen"),
             "gongwen-minutes": (SOURCES / "gongwen-minutes.txt", "gongwen-minutes"),
             "gongwen-full": (FIXTURES / "text" / "gongwen-full.txt", "gongwen"),
             "gongwen-joint-signers": (FIXTURES / "text" / "gongwen-joint-signers.txt", "gongwen")}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """name → (LibreOffice's PDF of our DOCX, our PDF)."""
    out = tmp_path_factory.mktemp("masthead-title")
    docs, ours = [], {}
    for name, (src, style) in DOCUMENTS.items():
        result = build(src, out / name, ["docx", "pdf"], style=style)
        docx, pdf = sorted(result.outputs, key=lambda p: p.suffix)
        docs.append(docx)
        ours[name] = pdf
    lo = office.to_pdf(docs, out / "lo", hide_fonts=True)
    return {d.stem: (lo[d], ours[d.stem]) for d in docs}


def head(pdf) -> tuple[float, float, float, int]:
    """Page 1's red separator (its middle), the 文号's and the title's first baselines, in mm
    from the page's top, and the page count. Baselines, not tops: a character's top comes from
    its font's ascent as the PDF's producer wrote it, which differs between LibreOffice and us."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        rules = [r for r in page.lines if r["x1"] - r["x0"] > 150 * MM
                 and all(abs(a - b) < 0.01 for a, b in zip(r["stroking_color"] or (), RED))]
        assert len({round(r["top"]) for r in rules}) == 1, f"{pdf}: one red separator on page 1"
        rule = (rules[0]["top"] + rules[0]["bottom"]) / 2

        def baseline(c):
            return page.height - c["matrix"][5]
        number = min(baseline(c) for c in page.chars if c["text"] == "〔")
        title = min(baseline(c) for c in page.chars if 21 < c["size"] < 23 and baseline(c) > rule)
        return rule / MM, number / MM, title / MM, len(doc.pages)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_separator_and_title_where_the_pdf_has_them(pdfs, name):
    lo, ours = (head(pdf) for pdf in pdfs[name])
    rule, number, title, pages = lo
    assert rule - number == pytest.approx(4, abs=0.5)  # GB/T 9704 7.2.6
    assert rule == pytest.approx(ours[0], abs=0.5)
    assert number == pytest.approx(ours[1], abs=1)
    # LibreOffice had the title one line (10.9 mm) higher: the 文号's space after was one line
    assert title == pytest.approx(ours[2], abs=1)
    assert title - rule == pytest.approx(ours[2] - ours[0], abs=1)
    assert pages == ours[3]
