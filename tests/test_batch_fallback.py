"""A document that needed fallback-any (a character no face of its style draws) is rebuilt when
the installed fonts change what draws it, and is left alone while they do not."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from converter.batch import BUILT, UNCHANGED, build_folder
from converter.cachefiles import cache_dir
from converter.fonts import find

NOWHERE = "\U0010FFFD"  # a private use character no installed face has

pytestmark = [pytest.mark.skipif(shutil.which("fc-cache") is None, reason="needs fontconfig"),
              pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")]


def _font_drawing(path, char: str, family: str) -> None:
    """A TrueType font of one glyph (a square) for ``char``, as fontconfig lists any font."""
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef", "box"])
    fb.setupCharacterMap({ord(char): "box"})
    pen = TTGlyphPen(None)
    for x, y in ((100, 0), (100, 700), (600, 700), (600, 0)):
        (pen.moveTo if x == 100 and y == 0 else pen.lineTo)((x, y))
    pen.closePath()
    fb.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "box": pen.glyph()})
    fb.setupHorizontalMetrics({".notdef": (500, 0), "box": (700, 100)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": family, "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    fb.save(str(path))


@pytest.fixture
def own_fonts(tmp_path, monkeypatch):
    """A fonts folder of this test's own, seen by fontconfig (and by every cache keyed on its state)."""
    monkeypatch.setenv("CONVERTER_CACHE", str(cache_dir()))  # the tests' converted fonts, kept
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fonts = tmp_path / "data" / "fonts"
    fonts.mkdir(parents=True)
    find.installed.cache_clear()
    find.covering.cache_clear()
    yield fonts
    find.installed.cache_clear()  # the next test lists the machine's fonts again
    find.covering.cache_clear()


def _install(fonts, name: str, family: str) -> None:
    _font_drawing(fonts / name, NOWHERE, family)
    subprocess.run(["fc-cache", str(fonts)], check=True, capture_output=True)


def _status(result) -> str:
    (doc,) = result.documents
    return doc.status


def _pdf_fonts(out) -> str:
    return subprocess.run(["pdffonts", str(out / "doc.pdf")], capture_output=True, text=True, check=True).stdout


def test_a_font_installed_for_a_character_no_face_had_rebuilds_the_document(tmp_path, own_fonts):
    src = tmp_path / "src"
    src.mkdir()
    (src / "doc.md").write_text(f"# Fallback\n\nA sign: {NOWHERE}.\n", encoding="utf-8")
    out = tmp_path / "out"

    first = build_folder([src], out, "pdf", jobs=1, allow_missing_glyphs=True)
    assert _status(first) == BUILT
    assert any("U+10FFFD" in m.message for m in first.documents[0].messages)
    assert _status(build_folder([src], out, "pdf", jobs=1, allow_missing_glyphs=True)) == UNCHANGED

    _install(own_fonts, "First.ttf", "Fallback First")
    again = build_folder([src], out, "pdf", jobs=1, allow_missing_glyphs=True)
    assert _status(again) == BUILT, "the character now has a face: the old output drew a box"
    assert any("Fallback First" in m.message and "fallback-any" in m.message for m in again.documents[0].messages)
    assert "+Fallback-First" in _pdf_fonts(out)
    assert _status(build_folder([src], out, "pdf", jobs=1, allow_missing_glyphs=True)) == UNCHANGED

    # another face that ranks before it (by name, both drawing the same characters)
    _install(own_fonts, "Earlier.ttf", "Fallback Earlier")
    assert _status(build_folder([src], out, "pdf", jobs=1)) == BUILT
    assert "+Fallback-Earlier" in _pdf_fonts(out)

    for font in own_fonts.iterdir():  # every face that drew it removed: the PDF fails again
        font.unlink()
    subprocess.run(["fc-cache", "-f", str(own_fonts)], check=True, capture_output=True)
    gone = build_folder([src], out, "pdf", jobs=1)
    assert not gone.ok and "U+10FFFD" in (gone.documents[0].error or "")


def test_a_document_that_needs_no_fallback_records_none(tmp_path, own_fonts):
    src = tmp_path / "src"
    src.mkdir()
    (src / "doc.md").write_text("# Plain\n\nNothing unusual.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _status(build_folder([src], out, "pdf", jobs=1)) == BUILT
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]["doc"]
    assert "fallback_chars" not in entry
    _install(own_fonts, "First.ttf", "Fallback First")  # fonts it does not use: nothing to rebuild
    assert _status(build_folder([src], out, "pdf", jobs=1)) == UNCHANGED
