"""Scripts beyond Latin and CJK in the PDF and the page images: shaped by HarfBuzz, right to
left by the bidirectional algorithm, and given back in logical order by pdftotext."""
from __future__ import annotations

import shutil
import subprocess
import sys

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


def words(text: str) -> list[str]:
    """The words of pdftotext's text, without the embedding controls it puts around
    right-to-left lines (U+202A … U+202C) and the direction marks the PDF ends some
    right-to-left stretches with (U+200E, U+200F: writers/pdf/reading.py)."""
    return text.translate({c: None for c in (0x200E, 0x200F, *range(0x202A, 0x202F))}).split()


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


VOWELS = FIXTURES / "scripts" / "vowels.md"
#: fully vocalised Arabic (harakat, shadda, superscript alef, the lam-lam-heh ligature) and
#: Hebrew with niqqud (dagesh, shin dot, the precomposed forms the face draws them with)
VOCALISED = ("بِسْمِ ٱللَّٰهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ ٱلْحَمْدُ لِلَّهِ رَبِّ ٱلْعَٰلَمِينَ "
             "בְּרֵאשִׁית בָּרָא אֱלֹהִים אֵת הַשָּׁמַיִם וְאֵת הָאָרֶץ וְהָאָרֶץ הָיְתָה תֹהוּ וָבֹהוּ").split()


@pytest.fixture(scope="module")
def vowels(tmp_path_factory):
    out = tmp_path_factory.mktemp("vowels")
    build(VOWELS, out, ["pdf", "png"])
    return pdftotext(out / "vowels.pdf")


@pytest.mark.parametrize("word", VOCALISED)
def test_vowel_marks_come_back_after_their_letters(vowels, word):
    """Every mark after the letter it belongs to, every word whole (poppler orders a line by
    the glyphs' origins and reverses right-to-left text character by character)."""
    assert word in words(vowels), vowels


@pytest.mark.parametrize("word", ["นั้น", "อ่าน", "หนังสือ", "ทั่วไป", "เท่านั้น"])
def test_thai_marks_stay_in_their_words(tmp_path, word):
    src = tmp_path / "thai.md"
    src.write_text("# Thai\n\nนั้น อ่าน หนังสือ ทั่วไป เท่านั้น\n", encoding="utf-8")
    build(src, tmp_path, ["pdf"])
    assert word in words(pdftotext(tmp_path / "thai.pdf"))


def test_the_marks_are_drawn_where_harfbuzz_put_them(tmp_path):
    """Read at the pen, drawn at the offset: the page image's marks are where the shaped
    cluster has them (each mark's glyph is its own glyph displaced by the offset)."""
    from converter.layout import lay_out
    from converter.layout.pages import glyph_key
    from converter.pipeline import read, style_for

    doc = read(VOWELS)
    pages = lay_out(doc, style_for(doc, None), VOWELS.parent)
    run = next(r for p in pages.pages for r in p.runs() if r.glyphs and "ٱلرَّحْمَٰنِ" in r.text)
    marks = [g for _, cluster in run.glyphs for g in cluster if g[3] == 0]
    assert marks and all(len(glyph_key(g)) in (2, 4) for g in marks)
    displaced = [g for g in marks if g[5] is not None]
    assert displaced and all(g[2] == 0.0 for g in displaced)  # on the baseline: the offset is the glyph's


def test_a_run_that_ends_in_a_mark_on_a_left_to_right_page(tmp_path):
    """poppler starts the stretch it reverses at a strong right-to-left letter: the line's
    ActualText puts a right-to-left mark before the reversed run, whose first character is
    the mark (writers/pdf/reading.py), so the mark is no longer read before the run."""
    src = tmp_path / "mixed.md"
    src.write_text("# Mixed\n\nThis English sentence, long enough to make the page read left to right, "
                   "quotes بِسْمِ ٱللَّٰهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ and goes on in English for a while longer.\n",
                   encoding="utf-8")
    build(src, tmp_path, ["pdf"])
    assert "ٱلرَّحِيمِ" in words(pdftotext(tmp_path / "mixed.pdf"))


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
    src.write_text("Plane 16: \U0010FFFD here.\n", encoding="utf-8")  # a private use no face has
    result = build(src, tmp_path / "out", ["xml", "docx", "epub"])
    assert any("no installed font" in d.message for d in result.diagnostics)
    from converter.errors import MissingGlyphsError

    with pytest.raises(MissingGlyphsError):
        build(src, tmp_path / "out2", ["pdf"])


def test_converter_check_reads_vocalised_right_to_left_text_exactly(tmp_path):
    """check compares the PDF's text with the source: in reading order, without the
    embedding controls pdftotext puts around right-to-left lines."""
    from converter.check import check, failed, table

    build(VOWELS, tmp_path, ["pdf"])
    results = check([tmp_path / "vowels.pdf"])
    assert not failed(results), table(results)


def test_harfbuzz_is_loaded_only_by_a_document_that_needs_shaping(tmp_path):
    """reportlab is imported without uharfbuzz (writers/reportlab_unshaped.py): a PDF of Chinese
    text whose fonts are cached does not load HarfBuzz; a document with Devanagari, built next in
    the same process, loads it for the layout and is shaped as ever."""
    (tmp_path / "hindi.md").write_text("# नमस्ते\n\nहिन्दी क्षत्रिय\n", encoding="utf-8")
    code = ("import sys, pathlib; from converter.pipeline import build;"
            "build(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[3]), ['pdf']);"
            "print('uharfbuzz' in sys.modules);"
            "build(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]), ['pdf']);"
            "print('uharfbuzz' in sys.modules)")
    args = [sys.executable, "-c", code, str(FIXTURES / "cli" / "small.txt"), str(tmp_path / "hindi.md"),
            str(tmp_path / "out")]
    for _ in range(2):  # the first run fills the font caches
        r = subprocess.run(args, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "True"]
    assert all(w in words(pdftotext(tmp_path / "out" / "hindi.pdf")) for w in ("नमस्ते", "हिन्दी", "क्षत्रिय"))
