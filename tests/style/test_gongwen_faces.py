"""The gongwen faces (issue 12): 仿宋, 楷体, 黑体 and a 小标宋 stand-in that a machine without the
Windows fonts gets from .ci/install, found through fontconfig under their own family names, and
the declared fallback for the characters they lack."""
from __future__ import annotations

import subprocess
import tomllib

import pytest

from converter.fonts.find import find_face, installed
from converter.pipeline import build
from converter.style import load_style
from helpers import ROOT

FANDOL = ("fandolfang", "fandolkai", "fandolhei")


def needs_fandol():
    if not all(name in installed() for name in FANDOL):
        pytest.skip("the Fandol faces are not installed (bash .ci/install)")


def test_windows_names_come_first():
    """An office that has the real faces gets them: the free ones stand behind the Windows names."""
    sheet = tomllib.loads((ROOT / "styles" / "gongwen.toml").read_text(encoding="utf-8"))
    for family, windows, free in (("fangsong", "FangSong_GB2312", "FandolFang"), ("kaiti", "KaiTi_GB2312", "FandolKai"),
                                  ("heiti", "SimHei", "FandolHei"),
                                  ("xiaobiaosong", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC Black")):
        names = sheet["fonts"][family]["cjk"]
        assert names[0] == windows and names.index(free) > names.index(windows)


def test_roles_take_the_gb_t_9704_faces():
    needs_fandol()
    style = load_style("gongwen")
    faces = {role: style.role(role).fonts.cjk.family for role in
             ("body", "heading-1", "heading-2", "heading-3", "heading-4", "title", "signature")}
    assert faces == {"body": "FandolFang R", "heading-1": "FandolHei", "heading-2": "FandolKai",
                     "heading-3": "FandolFang R", "heading-4": "FandolFang R",
                     "title": faces["title"], "signature": "FandolFang R"}
    if "noto serif cjk sc black" in installed():
        title = style.role("title")
        assert title.fonts.cjk.family == "Noto Serif CJK SC Black" and not title.bold
        assert title.fonts.cjk.weight > 200 and not title.fonts.cjk.styled_bold


def test_bold_faces_that_report_the_regular_weight_are_bold():
    """FandolHei-Bold.otf says weight 400: asked for bold, the Bold file; asked for regular, not it."""
    needs_fandol()
    bold, regular = find_face("FandolHei", bold=True), find_face("FandolHei")
    assert bold.path.endswith("FandolHei-Bold.otf") and bold.styled_bold
    assert regular.path.endswith("FandolHei-Regular.otf") and not regular.styled_bold
    assert bold.key != regular.key


def test_the_family_is_the_name_word_processors_know():
    """fontconfig lists "FandolFang" first; the file's own family (name ID 1) is "FandolFang R"."""
    needs_fandol()
    assert find_face("FandolFang").family == "FandolFang R"
    assert find_face("FandolFang R") == find_face("FandolFang")


def test_characters_fandol_lacks_come_from_the_declared_fallback(tmp_path):
    """堃 喆 珺 are not in FandolFang: the PDF draws them with the first fallback face that has
    them (Noto Serif CJK SC) and the text keeps them."""
    needs_fandol()
    from fontTools.ttLib import TTFont

    rare = "堃喆珺"
    body = find_face("FandolFang")
    cmap = TTFont(body.path, fontNumber=body.index, lazy=True).getBestCmap()
    assert not any(ord(c) in cmap for c in rare)
    src = tmp_path / "names.txt"
    src.write_text(f"关于表彰张{rare[0]}等同志的通报\n\n　　张{rare[0]}、李{rare[1]}、王{rare[2]}同志工作突出，予以通报表扬。\n",
                   encoding="utf-8")
    result = build(src, tmp_path / "out", ["pdf"], style="gongwen")
    pdf = result.outputs[0]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "FandolFang" in fonts and "NotoSerifCJK" in fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert all(c in text for c in rare)
    assert load_style("gongwen").fallback[0].family == "Noto Serif CJK SC"
