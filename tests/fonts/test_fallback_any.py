"""fallback-any: a character no face of the style draws takes an installed face that has it
(fontconfig finds it, the build warns naming both); a character no installed face has still
fails the PDF; gongwen, whose faces GB/T 9704 fixes, keeps the error."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from converter.errors import MissingGlyphsError
from converter.fonts import find
from converter.pipeline import build

WANCHO = "\U0001E2FF"  # CommonMark example 356's character: Noto Sans Wancho has it
NOWHERE = "\U0010FFFD"  # a private use character no installed face has


def _has_wancho() -> bool:
    return shutil.which("fc-list") is not None and bool(
        subprocess.run(["fc-list", ":charset=1e2ff", "file"], capture_output=True, text=True).stdout.strip())


pytestmark = [pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
              pytest.mark.skipif(not _has_wancho(), reason="no installed face draws U+1E2FF (fonts-noto-extra)")]


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_character_only_an_unlisted_installed_face_has_is_drawn_with_a_warning(tmp_path):
    src = tmp_path / "wancho.md"
    src.write_text(f"# Wancho\n\nA letter: {WANCHO} here.\n", encoding="utf-8")
    result = build(src, tmp_path / "out", ["pdf", "docx", "epub"])
    pdf = next(p for p in result.outputs if p.suffix == ".pdf")
    assert f"A letter: {WANCHO} here." in _pdf_text(pdf)
    warned = [d for d in result.diagnostics if "fallback-any" in d.message]
    assert len(warned) == 1 and "U+1E2FF" in warned[0].message and "Wancho" in warned[0].message
    assert warned[0].line == 3
    assert any("Wancho" in f.family for f in result.style.fallback)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Wancho" in fonts


def test_a_character_no_installed_face_has_still_fails_the_pdf_at_its_line(tmp_path):
    src = tmp_path / "none.md"
    src.write_text(f"# None\n\nText.\n\nBoth {WANCHO} and {NOWHERE}.\n", encoding="utf-8")
    with pytest.raises(MissingGlyphsError) as err:
        build(src, tmp_path / "out", ["pdf"])
    assert err.value.line == 5 and "U+10FFFD" in str(err.value) and "U+1E2FF" not in str(err.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_gongwen_keeps_its_faces_and_the_error(tmp_path):
    src = tmp_path / "gw.md"
    src.write_text(f"---\nlang: zh\n---\n# 标题\n\n正文{WANCHO}。\n", encoding="utf-8")
    with pytest.raises(MissingGlyphsError) as err:
        build(src, tmp_path / "out", ["pdf"], style="gongwen")
    assert "U+1E2FF" in str(err.value) and err.value.line == 6


def test_a_document_every_face_draws_asks_fontconfig_nothing_more(tmp_path):
    src = tmp_path / "plain.md"
    src.write_text("# Plain\n\nNothing missing here.\n", encoding="utf-8")
    find.covering.cache_clear()
    build(src, tmp_path / "out", ["pdf"])
    assert find.covering.cache_info().currsize == 0  # no fc-list of charsets was run
    again = tmp_path / "wancho.md"
    again.write_text(f"{WANCHO} and {WANCHO}\n", encoding="utf-8")
    build(again, tmp_path / "w1", ["pdf"])
    build(again, tmp_path / "w2", ["pdf"])
    info = find.covering.cache_info()
    assert (info.misses, info.hits) == (1, 1)  # one fontconfig call, for every build after it
    assert (tmp_path / "w1" / "wancho.pdf").read_bytes() == (tmp_path / "w2" / "wancho.pdf").read_bytes()
