"""A face's coverage (fonts.coverage.charset) is its character map's code points, kept on disk
as a bitmap; a damaged file is read from the face again."""
from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from converter.fonts import coverage
from converter.fonts.coverage import Coverage
from converter.fonts.find import find_face


def test_a_bitmap_holds_exactly_its_code_points():
    codes = [0, 7, 8, 0x41, 0x4E00, 0x2FA1D]
    held = Coverage.of(codes)
    assert [cp for cp in range(0x30000) if cp in held] == codes
    assert 0x110000 not in held and 0 not in Coverage.of([])


@pytest.mark.parametrize("family", ["Noto Serif CJK SC", "Liberation Serif"])
def test_the_coverage_is_the_faces_character_map_and_survives_damage(family, tmp_path, monkeypatch):
    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path))
    face = find_face(family, False, False)
    if face is None or face.family != family:
        pytest.skip(f"{family} is not installed")
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        expected = set(font.getBestCmap())
    for attempt in ("made", "read", "damaged"):
        coverage.charset.cache_clear()
        if attempt == "damaged":
            [kept] = (tmp_path / "cmaps").iterdir()
            data = kept.read_bytes()
            kept.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
        held = coverage.charset(face)
        assert {cp for cp in range(0x110000) if cp in held} == expected, attempt
    coverage.charset.cache_clear()
