"""The CJK line breaker on its own: kinsoku, unbreakable runs, squeezing, justification."""
from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from converter.layout.linebreak import (CLOSING_HALF, NO_END, NO_START, OPENING_HALF, Glyph, break_lines,
                                         is_wide, make_units, set_line)

EM = 10.0


def glyphs(text: str) -> list[Glyph]:
    """Full-width characters 1 em, others half an em; squeezable marks as the PDF writer sets them."""
    out = []
    for ch in text:
        wide = is_wide(ch)
        out.append(Glyph(ch, "f", EM, EM if wide else EM / 2,
                         squeeze_end=EM / 2 if ch in CLOSING_HALF else 0.0,
                         squeeze_start=EM / 2 if ch in OPENING_HALF else 0.0))
    return out


def lines_of(text: str, ems: float, align: str = "justify") -> list[str]:
    measure = ems * EM
    lines = break_lines(glyphs(text), lambda i: measure)
    for line in lines:
        set_line(line, measure, align)
    return lines


def texts(lines) -> list[str]:
    return ["".join(g.ch for _, g in ln.placed) for ln in lines]


def right_edge(line) -> float:
    x, g = line.placed[-1]
    return x + g.advance - (g.squeeze_end if line.width < sum(gg.advance for _, gg in line.placed) - 0.01 else 0)


HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理"
PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」…—"
ATOMS = st.one_of(
    st.sampled_from(list(HAN)), st.sampled_from(list(PUNCT)),
    st.sampled_from(["——", "……", "6.8%", "-20℃", "1,032件", "2021年", "15.2万", "CPU", "example.org/a-b"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ATOMS, min_size=1, max_size=120), st.integers(min_value=6, max_value=30))
def test_kinsoku_and_nothing_lost(atoms, ems):
    text = "".join(atoms)
    lines = lines_of(text, ems)
    got = texts(lines)
    assert "".join(got) == text  # every character, in order (no spaces in this text)
    # a run with no legal break that is wider than the line (的—————— in 6 em) must be cut somewhere
    assume(all(u.width <= ems * EM for u in make_units(glyphs(text))))
    for k, t in enumerate(got):
        if k > 0:
            assert t[0] not in NO_START, t
        if k < len(got) - 1:
            assert t[-1] not in NO_END, t


@settings(max_examples=300, deadline=None)
@given(st.lists(ATOMS, min_size=1, max_size=120), st.integers(min_value=6, max_value=30))
def test_nothing_hangs_into_the_margin_and_full_lines_are_justified(atoms, ems):
    measure = ems * EM
    lines = lines_of("".join(atoms), ems)
    for line in lines:
        end = line.end
        assert end <= measure + 0.02
        if not line.last and len(line.units) > 1:  # a piece of a long URL cannot stretch
            assert end >= measure - 0.02  # flush to both edges


@settings(max_examples=200, deadline=None)
@given(st.lists(ATOMS, min_size=1, max_size=80), st.integers(min_value=8, max_value=30))
def test_unbreakable_runs_stay_together(atoms, ems):
    text = "".join(atoms)
    got = texts(lines_of(text, ems))
    assume(all(u.width <= ems * EM for u in make_units(glyphs(text))))  # else it must be cut
    for token in ["——", "……", "6.8%", "-20℃", "1,032件", "2021年", "15.2万", "CPU"]:
        for k in range(len(got) - 1):
            joined = got[k] + got[k + 1]
            cut = len(got[k])
            start = joined.find(token)
            while start != -1:
                end = start + len(token)
                # glued to Latin neighbours the token is part of a longer word (a-b6.8%)
                inside_word = (start and joined[start - 1].isascii() and not joined[start - 1].isspace()) or (
                    end < len(joined) and joined[end].isascii() and joined[end].isalnum())
                if not inside_word:
                    assert not (start < cut < end), (token, got[k], got[k + 1])
                start = joined.find(token, start + 1)


def test_a_closing_mark_is_squeezed_in_rather_than_starting_a_line():
    # ten characters fit; the eleventh is a comma: it joins the line, squeezed by half an em
    got = texts(lines_of("一二三四五六七八九十，十一", 10.5))
    assert got[0].endswith("十，") and not got[1].startswith("，")


def test_when_squeezing_is_not_enough_the_character_before_moves_down():
    # 10 em measure, 11th character is a comma, but a full em over: 十 goes down with it
    got = texts(lines_of("一二三四五六七八九十，再", 10))
    assert got[0] == "一二三四五六七八九"
    assert got[1].startswith("十，")


def test_adjacent_marks_take_one_and_a_half_em():
    lines = lines_of("一二三四五六七八》，再来", 9.5)
    assert texts(lines)[0] == "一二三四五六七八》，"


def test_an_opening_mark_never_ends_a_line():
    got = texts(lines_of("一二三四五六七八九（十）", 10))
    assert got[0] == "一二三四五六七八九"
    assert got[1].startswith("（十）")


def test_the_last_line_is_not_a_single_character():
    got = texts(lines_of("一二三四五六七八九十甲", 10))
    assert len(got[-1]) >= 2


def test_long_latin_runs_break_at_a_sensible_point():
    url = "https://example.org/some/very/long/path-with-words/and-more"
    got = texts(lines_of(url, 12))
    assert "".join(got) == url
    assert all(t[-1] in "/-._?&" or t is got[-1] for t in got[:-1])


def test_latin_words_are_not_split_and_stretch_at_spaces():
    text = "The quick brown fox jumps over the lazy dog again and again"
    lines = lines_of(text, 12)
    got = texts(lines)
    words = text.split()
    assert " ".join(" ".join(t.split()) for t in got).split() == words
    for line in lines[:-1]:  # justification goes into the spaces, not between letters
        gaps = [(b[0] - a[0] - a[1].advance) for a, b in zip(line.placed, line.placed[1:])
                if a[1].ch != " " and b[1].ch != " "]
        assert all(abs(g) < 1e-6 for g in gaps)


def test_alignment_left_right_center():
    for align, start in (("left", 0.0), ("right", 50.0), ("center", 25.0)):
        (line,) = lines_of("一二三四五", 10, align)
        assert line.placed[0][0] == start
