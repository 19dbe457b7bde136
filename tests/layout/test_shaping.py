"""Complex scripts in the layout: HarfBuzz shaping and the bidirectional algorithm."""
from __future__ import annotations

from converter.layout.shaping import base_level, bidi_levels, needs_shaping, visual_order


def test_levels_of_mixed_text():
    text = "abc שלום def"
    levels = bidi_levels(text)
    assert levels[:4] == [0, 0, 0, 0]
    assert levels[4:8] == [1, 1, 1, 1]
    assert levels[8:] == [0, 0, 0, 0]


def test_latin_text_is_left_alone():
    assert bidi_levels("plain text") == [0] * 10
    assert not any(needs_shaping(c) for c in "plain text, 中文")


def test_complex_scripts_need_shaping():
    for word in ("नमस्ते", "مرحبا", "שלום", "สวัสดี", "வணக்கம்", "ಕನ್ನಡ", "മലയാളം", "বাংলা"):
        assert any(needs_shaping(c) for c in word), word


def test_visual_order_reverses_right_to_left_runs():
    assert visual_order([0, 0, 1, 1, 1, 0]) == [0, 1, 4, 3, 2, 5]
    # digits (level 2) inside right-to-left text keep their own order
    assert visual_order([1, 1, 2, 2, 1]) == [4, 2, 3, 1, 0]


def test_base_level_from_first_strong_character():
    assert base_level("مرحبا world") == 1
    assert base_level("123 hello مرحبا") == 0
