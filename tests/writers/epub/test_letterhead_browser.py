"""The 信函's letterhead in the EPUB as a browser lays it out (GB/T 9704 10.1): 份号 … flush left
and the 文号 flush right on the first line under the red double rule, as the PDF and DOCX print
them; on a phone-width screen they may wrap, never overlap. Debian's Chromium, driven by
Playwright, opens the book's own content document (its CSS and fonts, unzipped as they are)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from converter.pipeline import build
from helpers import FIXTURES

CHROMIUM = Path("/usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/install --test)")

LETTER = FIXTURES / "text" / "gongwen-letter-secret.txt"  # 份号, 密级, 紧急, mark, 文号
#: the boxes of the letterhead's parts, in CSS pixels of the page
BOXES = """() => {
    const box = e => { const r = e.getBoundingClientRect();
                       return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, text: e.textContent}; };
    const head = document.querySelector('div.masthead.letter');
    return {head: box(head), rule: box(head.querySelector('hr.letter')),
            left: [...head.querySelectorAll(':scope > p.masthead')].map(box),
            number: box(head.querySelector(':scope > p.docnumber')),
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


def letter_book(tmp_path: Path, source: Path) -> Path:
    """The 信函's EPUB, unzipped; the content document that holds its letterhead."""
    out = build(source, tmp_path / "out", ["epub"], style="gongwen-letter").outputs[0]
    with zipfile.ZipFile(out) as z:
        z.extractall(tmp_path / "book")
    return next(p for p in sorted((tmp_path / "book").rglob("*.xhtml"))
                if b'class="masthead letter"' in p.read_bytes())


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


def boxes_at(chromium, page_file: Path, width: int) -> dict:
    page = chromium.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(page_file.as_uri())
        page.evaluate("document.fonts.ready.then(() => true)")  # the book's embedded faces
        return page.evaluate(BOXES)
    finally:
        page.close()


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_copy_number_and_document_number_share_the_first_line_under_the_rule(chromium, tmp_path):
    page = letter_book(tmp_path, LETTER)
    got = boxes_at(chromium, page, 1000)
    first, *below = got["left"]
    number, head = got["number"], got["head"]
    assert [b["text"] for b in got["left"]] == ["000021", "机密★1年", "特急"] and number["text"] == "某政办函〔2024〕21号"
    assert abs(first["top"] - number["top"]) < 0.5  # one line
    assert first["top"] >= got["rule"]["bottom"] and number["top"] >= got["rule"]["bottom"]  # under the rule
    assert abs(first["left"] - head["left"]) < 0.5 and abs(number["right"] - head["right"]) < 0.5  # flush left, right
    assert not overlap(first, number)
    # 密级 and 紧急 one a line under 份号, flush left, as in the PDF
    assert [round(b["top"] - first["bottom"]) for b in below] == [0, round(below[1]["top"] - below[0]["top"])]
    assert all(abs(b["left"] - head["left"]) < 0.5 for b in below)
    assert below[0]["top"] >= number["bottom"] - 0.5


@pytest.mark.parametrize("number", ["某政办函〔2024〕21号", "某省住房和城乡建设厅办公室函〔2024〕123号"])
def test_on_a_phone_they_never_overlap_and_the_number_stays_flush_right(chromium, tmp_path, number):
    """At 360 px a short 文号 still fits beside 份号; a long one wraps under it, still flush right."""
    source = tmp_path / "letter.txt"
    source.write_text(LETTER.read_text(encoding="utf-8").replace("某政办函〔2024〕21号", number), encoding="utf-8")
    got = boxes_at(chromium, letter_book(tmp_path, source), 360)
    boxes = got["left"] + [got["number"]]
    assert got["number"]["text"] == number
    assert not any(overlap(a, b) for k, a in enumerate(boxes) for b in boxes[k + 1:])
    assert abs(got["number"]["right"] - got["head"]["right"]) < 0.5
    assert got["overflow"] <= 0  # nothing sticks out of the screen
    beside = abs(got["left"][0]["top"] - got["number"]["top"]) < 0.5
    assert beside == (number == "某政办函〔2024〕21号")
