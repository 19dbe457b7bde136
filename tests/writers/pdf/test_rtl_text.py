"""Right-to-left text with numbers in the PDF reads back in logical order: each line with
right-to-left text says in an ActualText span what poppler must read (writers/pdf/reading.py),
so pdftotext gives the words and numbers as written and ``converter check`` passes; a changed
digit still fails it."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from batch_helpers import converter as run
from batch_helpers import make_sources
from converter.batch import build_folder
from converter.fingerprint import file_sha256
from converter.writers.pdf.reading import span_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

#: a paragraph's text, and the style's page read right to left (an Arabic or Hebrew report) or
#: left to right (an English one quoting them)
SOURCES = {
    "arabic.txt": "تقرير سنوي\n\nبلغ عدد الطلاب 1,032 طالبا في عام 2023، بزيادة 15.5% عن العام السابق (أي 140 طالبا).\n",
    "hebrew.txt": "דוח שנתי\n\nבשנת 2023 למדו 1,032 תלמידים (עלייה של 15.5%) לעומת 2022.\n",
    "quotes.txt": "Report\n\nThe word שלום 1,032 means peace, and مدرسة 15% is a school.\n",
}
#: what each PDF's body line must read as, exactly
LINES = {
    "arabic": "بلغ عدد الطلاب 1,032 طالبا في عام 2023، بزيادة 15.5% عن العام السابق (أي 140 طالبا).",
    "hebrew": "בשנת 2023 למדו 1,032 תלמידים (עלייה של 15.5%) לעומת 2022.",
    "quotes": "The word שלום 1,032 means peace, and مدرسة 15% is a school.",
}
#: the embedding controls pdftotext wraps right-to-left text in, and the direction marks the
#: PDF ends some stretches with: reading aids, not text
MARKS = {c: None for c in (0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rtl")
    src = make_sources(tmp, SOURCES)
    assert build_folder([src], tmp / "out", "pdf").ok
    return tmp


def pdftotext(pdf, *args) -> list[str]:
    out = subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.translate(MARKS).splitlines() if line.strip()]


@pytest.mark.parametrize("name", LINES)
def test_pdftotext_reads_numbers_in_right_to_left_text_in_logical_order(built, name):
    assert LINES[name] in pdftotext(built / "out" / f"{name}.pdf")


def test_a_left_to_right_page_reads_so_in_raw_order_too(built):
    assert LINES["quotes"] in pdftotext(built / "out" / "quotes.pdf", "-raw")


def test_converter_check_passes_arabic_and_hebrew_with_numbers(built):
    r = run("check", built / "out")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(" text ") == 3 and "FAILED" not in r.stdout


def test_a_changed_digit_fails_the_check(built, tmp_path):
    """The same PDF built from a source with one digit changed, put in place of the good one
    with the manifest updated to match: the text check still fails."""
    bad = make_sources(tmp_path, {"hebrew.txt": SOURCES["hebrew.txt"].replace("1,032", "1,082")})
    assert build_folder([bad], tmp_path / "out", "pdf").ok
    out = tmp_path / "good"
    shutil.copytree(built / "out", out)
    pdf = out / "hebrew.pdf"
    shutil.copy(tmp_path / "out" / "hebrew.pdf", pdf)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["documents"].values():
        for o in entry["outputs"]:
            if o["path"].endswith("hebrew.pdf"):
                o["sha256"], o["bytes"] = file_sha256(pdf), pdf.stat().st_size
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    r = run("check", pdf)
    assert r.returncode == 1 and "FAILED" in r.stdout, r.stdout


@pytest.mark.parametrize("logical, ltr, seen", [
    # a number after a Hebrew word: the word reversed, a mark ending it before the space
    ("The word שלום 1,032 means", True, "The word םולש\u200e 1,032 means"),
    # the exclamation mark of an Arabic sentence stays after it (a full stop reads as a number to poppler)
    ("قال مرحبا!", True, "ابحرم لاق\u200e!"),
    # on a page read from the right: the numbers are the stretches reversed, the line reversed
    ("בשנת 2023 למדו", False, "ודמל \u200f2023 תנשב"),
    # a word ending in a mark: a mark of its direction before it, so poppler's stretch starts there
    ("x رَ y", True, "x \u200fَر\u200e y"),
])
def test_the_span_text_is_what_poppler_reverses_into_the_line(logical, ltr, seen):
    assert span_text(logical, ltr) == seen
