"""Subsets are the same bytes however the cache came to hold what they were made from: a face's
base (a large face is subset through it), the PDF's outlines converted glyph by glyph."""
from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from converter.fonts import subset
from converter.fonts.find import find_face

#: a large CFF face (65,535 glyphs: subset through a base) and a smaller one (subset directly)
LARGE, SMALL = "Noto Serif CJK SC", "FandolFang R"
TEXT = "乌鲁木齐市人民政府年度法治政府建设情况报告，我市深入学习领会和贯彻落实习近平法治思想。2021 Report"
MORE = "积极推进各项工作任务圆满完成"


def face_or_skip(family: str):
    face = find_face(family, False, False)
    if face is None or face.family != family:
        pytest.skip(f"{family} is not installed")
    return face


def all_flavours(face, chars: set[str], cache: Path) -> dict[str, bytes]:
    return {
        "pdf": subset.pdf_subset(face, chars, cache)[0].read_bytes(),
        "docx": subset.office_subset(face, chars, cache).read_bytes(),
        "docx-truetype": subset.office_subset(face, chars, cache, truetype=True).read_bytes(),
        "epub": subset.web_subset(face, chars, cache).path.read_bytes(),
    }


def test_a_large_face_is_subset_through_its_base_to_the_same_bytes(tmp_path, monkeypatch):
    face = face_or_skip(LARGE)
    chars = set(TEXT)
    monkeypatch.setattr(subset, "BASE_GLYPHS_PER_CHAR", 10 ** 9)  # never a base: from the face
    direct = all_flavours(face, chars, tmp_path / "direct")
    monkeypatch.undo()
    # a base made for more characters than this document's, as an earlier build leaves it
    subset.web_subset(face, chars | set(MORE), tmp_path / "based")
    bases = list((tmp_path / "based" / "bases").iterdir())
    assert len(bases) == 1
    with TTFont(bases[0]) as base:
        assert set(MORE) <= {chr(cp) for cp in base.getBestCmap()}
    assert all_flavours(face, chars, tmp_path / "based") == direct


def test_the_base_grows_with_the_characters_asked_for(tmp_path):
    face = face_or_skip(LARGE)
    subset.office_subset(face, set(TEXT), tmp_path)
    subset.office_subset(face, set(MORE), tmp_path)
    [base] = (tmp_path / "bases").iterdir()
    with TTFont(base) as font:
        assert set(TEXT + MORE) - {" "} <= {chr(cp) for cp in font.getBestCmap()}


def test_a_face_small_for_the_request_is_subset_directly(tmp_path):
    face = face_or_skip(SMALL)  # 10,365 glyphs: a base pays below 104 characters
    subset.office_subset(face, {chr(0x4E00 + k) for k in range(300)}, tmp_path)
    assert not (tmp_path / "bases").exists()


@pytest.mark.parametrize("family", [LARGE, SMALL])
def test_pdf_outlines_converted_once_give_the_same_subset(tmp_path, family):
    face = face_or_skip(family)
    fresh = subset.pdf_subset(face, set(TEXT), tmp_path / "fresh")[0].read_bytes()
    # an earlier build converted some of these glyphs and others: they are taken from the store
    subset.pdf_subset(face, set(TEXT[::2] + MORE), tmp_path / "warm")
    assert list((tmp_path / "warm" / "outlines").iterdir())
    warm = subset.pdf_subset(face, set(TEXT), tmp_path / "warm")[0].read_bytes()
    assert warm == fresh
    with TTFont(tmp_path / "fresh" / "fonts" / next((tmp_path / "fresh" / "fonts").iterdir()).name) as font:
        assert "glyf" in font and "CFF " not in font
        assert {ord(c) for c in TEXT if c != " "} <= set(font.getBestCmap())


def test_a_damaged_outline_store_counts_as_empty(tmp_path):
    from converter.fonts import outlines

    store = tmp_path / "store.bin"
    outlines.save(store, {"a": b"12345", "b": b"678"})
    assert outlines.load(store) == {"a": b"12345", "b": b"678"}
    data = store.read_bytes()
    store.write_bytes(data[:-2])  # cut short
    assert outlines.load(store) == {}
    store.write_bytes(data[:3] + b"X" + data[4:])  # a byte altered
    assert outlines.load(store) == {}
    assert outlines.load(tmp_path / "absent.bin") == {}


def test_a_damaged_base_is_made_again(tmp_path):
    face = face_or_skip(LARGE)
    fresh = subset.office_subset(face, set(TEXT), tmp_path / "fresh").read_bytes()
    [base] = (tmp_path / "fresh" / "bases").iterdir()
    base.write_bytes(base.read_bytes()[:1000])
    (tmp_path / "fresh" / "subsets").rename(tmp_path / "old-subsets")
    assert subset.office_subset(face, set(TEXT), tmp_path / "fresh").read_bytes() == fresh
