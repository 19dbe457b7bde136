"""Scripts beyond Latin and CJK in the PDF and the page images: shaped by HarfBuzz, right to
left by the bidirectional algorithm, and given back in logical order by pdftotext."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from converter.pipeline import build
from helpers import FIXTURES

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
SAMPLE = FIXTURES / "scripts" / "scripts.md"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("scripts")
    result = build(SAMPLE, out, ["pdf", "png"])
    pdf = next(p for p in result.outputs if p.suffix == ".pdf")
    return result, pdf


def pdftotext(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("word", ["नमस्ते", "क्षत्रिय", "हिन्दी", "مرحبا", "بالعالم",
                                  "عربية", "שלום", "עולם", "בעברית", "สวัสดีชาวโลก", "ಕನ್ನಡ", "മലയാളം", "আমার"])
def test_words_come_back_in_logical_order(built, word):
    assert word in pdftotext(built[1])


def test_a_long_arabic_paragraph_keeps_its_words_in_order(built):
    text = pdftotext(built[1])
    words = "مرحبا بالعالم وهذه جملة عربية طويلة تتكرر لكي تلتف على عدة أسطر في الصفحة".split()
    positions = [text.find(w) for w in words]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)


def test_script_faces_are_embedded(built):
    out = subprocess.run(["pdffonts", str(built[1])], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    names = " ".join(r[0] for r in rows)
    for family in ("NotoSerifDevanagari", "NotoNaskhArabic", "NotoSerifThai", "NotoSerifTamil"):
        assert family in names
    assert all(r[-5] == "yes" for r in rows)  # every font embedded


def test_glyph_runs_carry_shaped_glyph_ids():
    from converter.layout import lay_out
    from converter.pipeline import read, style_for

    doc = read(SAMPLE)
    pages = lay_out(doc, style_for(doc, None), SAMPLE.parent)
    runs = [r for p in pages.pages for r in p.runs() if r.glyphs]
    hindi = next(r for r in runs if "क्षत्रिय" in r.text)
    glyph_count = sum(len(g) for _, g in hindi.glyphs)
    assert glyph_count < len(hindi.text)  # conjuncts and matras: fewer glyphs than characters
    arabic = next(r for r in runs if "مرحبا" in r.text)
    assert arabic.rtl
    xs = [g[1] for _, cluster in arabic.glyphs for g in cluster]
    assert xs == sorted(xs)  # drawn left to right, in the order they are seen


def test_page_image_is_drawn(built):
    from PIL import Image

    png = next(p for p in built[0].outputs if p.suffix == ".png")
    with Image.open(png) as im:
        dark = sum(1 for v in im.convert("L").tobytes() if v < 128)
    assert dark > 2000


def test_a_character_no_face_has_only_warns_without_a_painted_output(tmp_path):
    src = tmp_path / "odd.md"
    src.write_text("Adlam: \U0001E900 here.\n", encoding="utf-8")
    result = build(src, tmp_path / "out", ["xml", "docx", "epub"])
    assert any("no installed font" in d.message for d in result.diagnostics)
    from converter.errors import MissingGlyphsError

    with pytest.raises(MissingGlyphsError):
        build(src, tmp_path / "out2", ["pdf"])
