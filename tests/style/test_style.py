"""Style sheets: units, inheritance, checking, font resolution."""
from __future__ import annotations

from pathlib import Path

import pytest

from converter.errors import StyleError
from converter.style import describe_styles, load_style
from converter.style.units import to_points

MM = 72 / 25.4


@pytest.mark.parametrize("value, em, points", [
    ("12pt", None, 12), (12, None, 12), ("10mm", None, 10 * MM), ("1cm", None, 10 * MM),
    ("1in", None, 72), ("2em", 16, 32), ("三号", None, 16), ("小四", None, 12), ("初号", None, 42),
    ("五号", None, 10.5), ("-0.5em", 16, -8),
])
def test_units(value, em, points):
    assert to_points(value, em=em) == pytest.approx(points)


@pytest.mark.parametrize("value", ["12px", "abc", "", True, [1]])
def test_bad_lengths_are_errors(value):
    with pytest.raises(StyleError):
        to_points(value, em=12, where="roles.body.size")


def test_em_needs_a_size():
    with pytest.raises(StyleError, match="em is not allowed"):
        to_points("2em")


def test_gongwen_numbers_follow_gb_t_9704():
    s = load_style("gongwen")
    p = s.page
    assert p.width == pytest.approx(210 * MM) and p.height == pytest.approx(297 * MM)
    assert p.margin_top == pytest.approx(37 * MM) and p.margin_inside == pytest.approx(28 * MM)
    assert p.text_width == pytest.approx(156 * MM) and p.text_height == pytest.approx(225 * MM)
    assert s.grid.lines == 22 and s.grid.chars == 28
    assert s.grid.char_pitch == pytest.approx(15.79, abs=0.01)
    assert s.grid.line_pitch == pytest.approx(28.99, abs=0.05)
    body = s.role("body")
    assert body.size == 16 and body.first_line_indent == 32 and body.align == "justify"
    assert s.role("title").size == 22 and s.role("title").align == "center"
    assert s.page.number.format == "— {n} —" and s.page.number.size == 14
    assert s.page.number.position == "outside"


def test_roles_inherit_from_body_with_their_own_em():
    s = load_style("report")
    assert s.role("heading-1").fonts.family == "sans"
    assert s.role("addressee").fonts.family == s.role("body").fonts.family
    assert s.role("quote").left_indent == pytest.approx(2 * s.role("quote").size)


def test_fonts_resolve_to_installed_faces():
    s = load_style("gongwen")
    for face in s.faces():
        assert Path(face.path).is_file()
    assert "fangsong" in s.font_report()


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / f"{name}.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_extends_inherits_and_overrides(tmp_path):
    child = write(tmp_path, "child", 'extends = "gongwen"\nname = "child"\n[roles.body]\nsize = "四号"\n')
    s = load_style(str(child))
    assert s.name == "child"
    assert s.role("body").size == 14
    assert s.role("body").fonts.family == "fangsong"  # from gongwen
    assert s.grid.chars == 28


def test_extends_chain_and_cycle(tmp_path):
    write(tmp_path, "a", 'extends = "b"\n[roles.body]\nsize = "10pt"\n')
    write(tmp_path, "b", 'extends = "a"\n')
    with pytest.raises(StyleError, match="inherits from itself"):
        load_style(str(tmp_path / "a.toml"))


@pytest.mark.parametrize("text, key", [
    ('extends = "report"\ncolour = "red"\n', "colour"),
    ('extends = "report"\n[page]\nmargin-left = "1cm"\n', "page.margin-left"),
    ('extends = "report"\n[roles.body]\nfont-size = "1pt"\n', "roles.body.font-size"),
    ('extends = "report"\n[roles.headline]\nsize = "1pt"\n', "roles.headline"),
    ('extends = "report"\n[fonts.serif]\ngreek = ["X"]\n', "fonts.serif.greek"),
])
def test_unknown_keys_name_file_and_key(tmp_path, text, key):
    path = write(tmp_path, "bad", text)
    with pytest.raises(StyleError) as e:
        load_style(str(path))
    assert key in e.value.message
    assert e.value.file and e.value.file.endswith("bad.toml")


def test_invalid_toml_is_an_error(tmp_path):
    path = write(tmp_path, "broken", "[page\n")
    with pytest.raises(StyleError, match="not valid TOML"):
        load_style(str(path))


def test_a_family_with_nothing_installed_is_an_error(tmp_path):
    path = write(tmp_path, "nofont", 'extends = "report"\n[fonts.serif]\nlatin = ["No Such Font"]\ncjk = ["Nor This"]\n')
    with pytest.raises(StyleError, match="No Such Font"):
        load_style(str(path))


def test_unknown_style_lists_available():
    with pytest.raises(StyleError, match="gongwen"):
        load_style("nosuchstyle")


def test_styles_are_listed_with_descriptions():
    names = dict(describe_styles())
    assert {"gongwen", "report"} <= set(names)
    assert "9704" in names["gongwen"]


def test_a_bad_value_names_its_sheet(tmp_path):
    path = write(tmp_path, "badsize", 'extends = "report"\n[roles.body]\nsize = "abc"\n')
    with pytest.raises(StyleError) as e:
        load_style(str(path))
    assert e.value.file and e.value.file.endswith("badsize.toml") and "roles.body.size" in e.value.message


def test_a_changed_parent_sheet_is_seen_by_the_next_load(tmp_path):
    import os

    base = write(tmp_path, "base", 'extends = "report"\n[roles.body]\nsize = "11pt"\n')
    child = write(tmp_path, "child", 'extends = "base"\n')
    assert load_style(str(child)).role("body").size == 11
    base.write_text('extends = "report"\n[roles.body]\nsize = "15pt"\n', encoding="utf-8")
    os.utime(base, ns=(base.stat().st_mtime_ns + 10**9, base.stat().st_mtime_ns + 10**9))
    assert load_style(str(child)).role("body").size == 15


def test_variable_font_weights_are_ranges():
    from converter.fonts.find import _weight

    assert _weight("80") == 80 and _weight("[0 210]") == 80 and _weight("[100 200]") == 100


@pytest.mark.parametrize("toml, key", [
    ("[roles.body]\nsize = nan", "roles.body.size"),
    ("[roles.body]\nsize = -inf", "roles.body.size"),
    ('[roles.body]\nsize = "0pt"', "roles.body.size"),
    ('[roles.body]\nsize = "1001pt"', "roles.body.size"),
    ("[roles.body]\nline-pitch = 0", "roles.body.line-pitch"),
    ('[roles.quote]\nspace-after = "-1pt"', "roles.quote.space-after"),
    ('[page]\nmargin-top = "150mm"\nmargin-bottom = "150mm"', "page.margin-top and page.margin-bottom"),
    ('[page]\nwidth = "0pt"\nheight = "10pt"', "page.width"),
    ('[page]\nmargin-inside = "90mm"\nmargin-outside = "117mm"', "cannot hold one line"),
    ("[grid]\nlines = 0\nchars = 28", "grid.lines"),
    ("[grid]\nlines = 22\nchars = true", "grid.chars"),
    ("[grid]\nlines = 5000\nchars = 28", "grid.lines = 5000"),
])
def test_values_a_page_cannot_hold_name_the_sheet_and_key(tmp_path, toml, key):
    path = write(tmp_path, "bad", f'extends = "report"\n{toml}\n')
    with pytest.raises(StyleError) as info:
        load_style(str(path))
    assert info.value.file == str(path.resolve()) and key in info.value.message


def test_a_hanging_indent_is_a_length_like_any_other(tmp_path):
    path = write(tmp_path, "hanging", 'extends = "report"\n[roles.list]\nfirst-line-indent = "-2em"\n')
    assert load_style(str(path)).role("list").first_line_indent < 0


@pytest.mark.parametrize("extends", ["/etc/passwd", "../outside", "sub/../../outside"])
def test_extends_stays_in_the_sheets_folder(tmp_path, extends):
    (tmp_path / "outside.toml").write_text('extends = "report"\n', encoding="utf-8")
    (tmp_path / "sheets").mkdir()
    path = write(tmp_path / "sheets", "child", f'extends = "{extends}"\n')
    with pytest.raises(StyleError, match="leads out of the style's folder") as info:
        load_style(str(path))
    assert info.value.file == str(path.resolve())


def test_a_document_names_styles_in_its_folder_or_by_name(tmp_path):
    from converter.style.sheet import find_style

    (tmp_path / "doc").mkdir()
    mine = write(tmp_path / "doc", "mine", 'extends = "report"\n')
    assert find_style("mine.toml", within=tmp_path / "doc") == mine
    assert find_style("mine", within=tmp_path / "doc") == mine
    assert find_style("gongwen", within=tmp_path / "doc").name == "gongwen.toml"
    for escape in ["/etc/passwd", "../x.toml", str(tmp_path / "x.toml")]:
        with pytest.raises(StyleError, match="leads out of the document's folder"):
            find_style(escape, within=tmp_path / "doc")
