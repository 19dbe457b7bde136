"""The DOCX skeleton (styles, font table, page setup, footers) kept in the cache: a document
built from a kept skeleton has the bytes of one built from python-docx's template, and a
changed style sheet makes a skeleton of its own."""
from __future__ import annotations

from converter import pipeline
from converter.writers.docx import skeleton
from helpers import FIXTURES


def build(src, out, cache, monkeypatch, style=None) -> bytes:
    monkeypatch.setenv("CONVERTER_CACHE", str(cache))
    result = pipeline.build(src, out, ["docx"], style)
    return result.outputs[0].read_bytes()


def test_a_kept_skeleton_gives_the_same_bytes_as_the_template(tmp_path, monkeypatch, seed):
    fresh = build(seed, tmp_path / "a", tmp_path / "cache", monkeypatch)
    kept = list((tmp_path / "cache" / skeleton.CACHE_DIR).iterdir())
    assert len(kept) == 1
    again = build(seed, tmp_path / "b", tmp_path / "cache", monkeypatch)  # from the kept skeleton
    assert again == fresh
    english = FIXTURES / "cli" / "small.txt"
    assert build(english, tmp_path / "c", tmp_path / "cache", monkeypatch, "report") == \
        build(english, tmp_path / "d", tmp_path / "other-cache", monkeypatch, "report")


def test_a_changed_sheet_or_a_damaged_skeleton_is_made_anew(tmp_path, monkeypatch, seed):
    sheet = tmp_path / "mine.toml"
    sheet.write_text('extends = "gongwen"\n', encoding="utf-8")
    first = build(seed, tmp_path / "a", tmp_path / "cache", monkeypatch, str(sheet))
    sheet.write_text('extends = "gongwen"\n[roles.body]\nsize = "四号"\n', encoding="utf-8")
    second = build(seed, tmp_path / "b", tmp_path / "cache", monkeypatch, str(sheet))
    assert second != first
    kept = sorted((tmp_path / "cache" / skeleton.CACHE_DIR).iterdir())
    assert len(kept) == 2
    for path in kept:
        path.write_bytes(b"not a zip")
    assert build(seed, tmp_path / "c", tmp_path / "cache", monkeypatch, str(sheet)) == second
