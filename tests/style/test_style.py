"""Style sheets: units, inheritance, checking, font resolution."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from converter.errors import StyleError
from converter.fonts.find import installed
from converter.pipeline import build
from converter.style import Setting, describe_styles, load_style
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
    ('extends = "report"\n[page.number]\n[page.number.extra]\n', "page.number.extra"),
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


def test_a_family_with_nothing_installed_is_an_error_once_fonts_are_needed(tmp_path):
    path = write(tmp_path, "nofont", 'extends = "report"\n[fonts.serif]\nlatin = ["No Such Font"]\ncjk = ["Nor This"]\n')
    style = load_style(str(path))  # resolving looks no font up
    with pytest.raises(StyleError, match="No Such Font") as e:
        style.faces()
    assert e.value.file.endswith("nofont.toml")
    src = tmp_path / "doc.md"  # any source: the build needs fonts for its glyph check
    src.write_text("# A title\n\nA paragraph.\n", encoding="utf-8")
    with pytest.raises(StyleError, match="No Such Font"):
        build(src, tmp_path / "out", ["pdf"], style=str(path))
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_resolving_a_style_runs_no_fontconfig_until_a_font_is_asked_for(tmp_path):
    path = write(tmp_path, "lazy", 'extends = "gongwen"\n[roles.title]\nsize = "20pt"\n')
    installed.cache_clear()  # fontconfig's answer is kept for the process: forget it
    style = load_style(str(path))
    assert style.role("title").size == 20 and style.page.width > 0
    assert installed.cache_info().currsize == 0  # no fc-list yet
    assert style.role("body").fonts.cjk.path  # the first face asked for runs it, once
    assert installed.cache_info().currsize == 1
    assert style.font_report().startswith("fangsong: CJK ")  # what the build prints


def test_writer_sections_are_kept_for_their_writers_with_the_sheet_of_each_key(tmp_path):
    write(tmp_path, "parent", 'extends = "report"\n[docx]\nembed-fonts = false\n[epub]\nwriting-mode = "vertical-rl"\n')
    child = write(tmp_path, "child", 'extends = "parent"\n[epub]\nwriting-mode = "horizontal-tb"\n')
    sections = load_style(str(child)).writer_settings
    assert sections.names() == ["docx", "epub"]
    assert sections.sections["epub"]["writing-mode"] == "horizontal-tb"
    assert sections.origin("docx.embed-fonts").endswith("parent.toml")
    assert sections.origin("epub.writing-mode").endswith("child.toml")
    declared = {"embed-fonts": Setting(bool, True), "other": Setting(int, 3)}
    assert load_style(str(child)).settings("docx", declared) == {"embed-fonts": False, "other": 3}
    with pytest.raises(StyleError, match=r"unknown key docx.embed-fonts \(known here: other\)") as e:
        load_style(str(child)).settings("docx", {"other": Setting(int, 3)})
    assert e.value.file.endswith("parent.toml")  # the sheet that wrote the key, not the child


def test_a_section_no_writer_owns_is_an_unknown_key_before_any_output(tmp_path):
    from converter import plugins

    path = write(tmp_path, "nowriter", 'extends = "report"\n[wordperfect]\ntabs = 4\n')
    style = load_style(str(path))
    with pytest.raises(StyleError, match="unknown key wordperfect") as e:
        plugins.check_style_settings(style)
    assert e.value.file.endswith("nowriter.toml")
    src = tmp_path / "doc.md"
    src.write_text("# A title\n\nA paragraph.\n", encoding="utf-8")
    with pytest.raises(StyleError, match="unknown key wordperfect"):
        build(src, tmp_path / "out", ["xml"], style=str(path))
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


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


@pytest.mark.parametrize("value, setting, result", [
    (True, Setting(bool, False), True), (150, Setting(float, 96.0), 150.0), (2.5, Setting(float, 1.0), 2.5),
    ("vertical-rl", Setting(str, "horizontal-tb", choices=("horizontal-tb", "vertical-rl")), "vertical-rl"),
])
def test_a_setting_takes_values_of_its_type(value, setting, result):
    assert setting.check(value, "w.key", "f.toml") == result


@pytest.mark.parametrize("value, setting, message", [
    ("yes", Setting(bool, False), "w.key must be a bool, got 'yes'"),
    (True, Setting(int, 1), "w.key must be an int, got True"),
    ("2", Setting(float, 1.0), "w.key must be a float"),
    ("sideways", Setting(str, "a", choices=("a", "b")), "w.key 'sideways': use a or b"),
])
def test_a_setting_refuses_other_values_naming_key_and_file(value, setting, message):
    with pytest.raises(StyleError, match=re.escape(message)) as e:
        setting.check(value, "w.key", "f.toml")
    assert e.value.file == "f.toml"


def test_the_style_layer_knows_no_writer():
    """No module of converter/style imports a writer or plug-ins, and the vocabulary it checks
    has no writer's section: those are the writers' to declare."""
    import ast

    import converter.style as style_pkg
    from converter.style.sheet import SCHEMA

    for path in Path(style_pkg.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith(("writers", "plugins")), (path.name, node.module)
                assert "writers" not in (node.module or "").split("."), (path.name, node.module)
            if isinstance(node, ast.Import):
                assert not any("writers" in a.name.split(".") for a in node.names), path.name
    assert not {"docx", "epub", "pdf", "png", "xml"} & set(SCHEMA)
