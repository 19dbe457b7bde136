"""Fenced code with a language is highlighted with Pygments in every output, in the colours of
the code role's ``highlight`` style; the DOCX's code styles are the ones pandoc reads as code."""
from __future__ import annotations

import re
import zipfile

import docx
import pdfplumber
import pytest

from converter.errors import StyleError
from converter.pipeline import build
from converter.style import load_style
from converter.text.highlight import pieces
from helpers import FIXTURES

SOURCE = FIXTURES / "code" / "highlight.md"
#: Pygments' "friendly" style: keywords (def, return) bold #007020, comments italic #60a0b0
KEYWORD, COMMENT = "#007020", "#60a0b0"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("code")
    build(SOURCE, d, ["pdf", "docx", "epub", "png"], style="report")
    return d


def test_pieces_keep_the_text_exactly():
    code = 'def f(x):\n\treturn  x  # two spaces\n'
    assert "".join(p.text for p in pieces(code, "python", "friendly")) == code
    assert pieces(code, "no-such-language", "friendly") == pieces(code, None, "friendly")
    assert len(pieces(code, "python", None)) == 1  # a style without highlight: plain


def test_the_style_key_is_checked(tmp_path):
    sheet = tmp_path / "mine.toml"
    sheet.write_text('extends = "report"\n[roles.code]\nhighlight = "no-such-style"\n', encoding="utf-8")
    with pytest.raises(StyleError, match="roles.code.highlight must name a Pygments style"):
        load_style(str(sheet))
    assert load_style("report").role("code").highlight == "friendly"


def _rgb(color) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in color)


def test_pdf_draws_tokens_in_their_colours(out):
    with pdfplumber.open(out / "highlight.pdf") as pdf:
        chars = pdf.pages[0].chars
    by_text = {}
    for c in chars:
        by_text.setdefault(_rgb(c["non_stroking_color"]), []).append(c["text"])
    assert "".join(by_text[KEYWORD]).replace(" ", "") == "defstrstrreturn"  # keywords and builtins
    assert "# a comment" in "".join(by_text[COMMENT])
    plain = [c for c in chars if c["text"] == "p" and c["top"] > max(x["top"] for x in chars if x["text"] == "3")]
    assert plain and all(_rgb(c["non_stroking_color"]) == "#000000" for c in plain)  # no language: plain


def test_docx_runs_carry_the_colours_and_pandoc_style_names(out):
    d = docx.Document(str(out / "highlight.docx"))
    code = [p for p in d.paragraphs if p.style.name == "Source Code"]
    assert len(code) == 2
    colours = {r.text.strip(): (r.font.color.rgb, r.bold) for r in code[0].runs if r.text.strip()}
    assert colours["def"][0] is not None and str(colours["def"][0]) == KEYWORD[1:].upper() and colours["def"][1]
    assert "Verbatim Char" in [s.name for s in d.styles]
    assert all(r.font.color.rgb is None for r in code[1].runs)


def test_epub_spans_carry_the_colours(out):
    with zipfile.ZipFile(out / "highlight.epub") as z:
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert re.search(rf'<span style="color: {KEYWORD}; font-weight: bold">def </span>', xhtml)
    assert f'color: {COMMENT}; font-style: italic">' in xhtml


def test_page_image_shows_the_keyword_colour(out):
    from PIL import Image

    with Image.open(out / "highlight-1.png") as im:
        colours = {c for _, c in im.convert("RGB").getcolors(maxcolors=1 << 24)}
    r, g, b = (int(KEYWORD[i:i + 2], 16) for i in (1, 3, 5))
    assert (r, g, b) in colours


def test_token_types_the_style_does_not_name_take_their_parents_colours(tmp_path):
    """Lexers make token subtypes of their own (YAML's plain scalars, a console's virtualenv
    prompt): they are coloured as their parent type, never an internal error."""
    assert pieces("(venv) $ ls\n", "console", "friendly")[0].color == pieces("$ ls\n", "console", "friendly")[0].color
    assert "".join(p.text for p in pieces("key: plain value\n", "yaml", "friendly")) == "key: plain value\n"
    result = build(FIXTURES / "code" / "lexer-subtypes.md", tmp_path, ["pdf", "docx", "epub"], style="report")
    assert len(result.outputs) == 3
    with pdfplumber.open(tmp_path / "lexer-subtypes.pdf") as pdf:
        text = "".join(p.extract_text() for p in pdf.pages)
    assert "title: plain value" in text and "(venv) $ cargo login" in text
