"""Bold in a face without a bold member (FandolFang): the style's ``synthetic-bold`` draws it
emboldened — filled and stroked (PDF text render mode 2, LibreOffice's own way) — read back
from the PDF's content; a face that has a bold member uses it instead; a style that says
``synthetic-bold = false`` prints it regular. The DOCX through LibreOffice and the EPUB's CSS
are checked for the same bold."""
from __future__ import annotations

from pathlib import Path

import pytest

from converter import model
from converter.pipeline import build

from office import shown_strings


def source(tmp_path: Path, body: str) -> Path:
    src = tmp_path / "bold.xml"
    src.write_text(f'<document xmlns="{model.NS}" version="1" xml:lang="zh-CN"><title>加粗测试</title>'
                   f"<body>{body}</body></document>", encoding="utf-8")
    return src


def build_pdf(tmp_path: Path, body: str, style: str = "gongwen") -> Path:
    result = build(source(tmp_path, body), tmp_path / "out", ["pdf"], style=style)
    return next(p for p in result.outputs if p.suffix == ".pdf")


def where(shown, text):
    return [s for s in shown if text in s[0]]


def test_bold_fangsong_is_emboldened(tmp_path):
    shown = shown_strings(build_pdf(tmp_path, "<p>正文<strong>加粗文字</strong>正文，<strong>Bold</strong>。</p>"))
    bold, = where(shown, "加粗文字")
    assert "FandolFang" in bold[3]  # the body's face: FandolFang has no bold member
    assert bold[1] == 2 and bold[2] == pytest.approx(16 * 0.03, abs=0.01)
    plain = where(shown, "正文")
    assert plain and all(mode == 0 for _, mode, _, _ in plain)
    latin, = where(shown, "Bold")  # Liberation Serif has a bold face: drawn with it, not stroked
    assert "Bold" in latin[3] and latin[1] == 0


def test_a_style_may_print_bold_regular(tmp_path):
    sheet = tmp_path / "plain-bold.toml"
    sheet.write_text('name = "plain-bold"\nextends = "gongwen"\nsynthetic-bold = false\n', encoding="utf-8")
    shown = shown_strings(build_pdf(tmp_path, "<p>正文<strong>加粗文字</strong>。</p>", style=str(sheet)))
    assert all(mode == 0 for _, mode, _, _ in shown)


def test_libreoffice_emboldens_the_docx(tmp_path):
    """Word and LibreOffice embolden a face without bold themselves: LibreOffice's PDF of the
    DOCX strokes the bold run as we do."""
    import office

    src = source(tmp_path, "<p>正文<strong>加粗文字</strong>。</p>")
    docx = next(p for p in build(src, tmp_path / "docx", ["docx"]).outputs)
    shown = shown_strings(office.to_pdf([docx], tmp_path / "lo", hide_fonts=True)[docx])
    bold, = where(shown, "加粗文字")
    assert "FandolFang" in bold[3] and bold[1] == 2
    assert all(mode == 0 for text, mode, _, _ in shown if "正文" in text)


def test_epub_lets_the_reader_embolden(tmp_path):
    """The EPUB embeds FandolFang at weight 400 only and never forbids font synthesis (CSS's
    initial font-synthesis is ``weight style``): a reading system emboldens <strong>."""
    import re
    import zipfile

    src = source(tmp_path, "<p>正文<strong>加粗文字</strong>。</p>")
    epub = next(p for p in build(src, tmp_path / "epub", ["epub"]).outputs)
    with zipfile.ZipFile(epub) as z:
        css = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
        pages = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "<strong>加粗文字</strong>" in pages
    assert "font-synthesis" not in css
    weights = re.findall(r'font-family: "FandolFang R";\s*font-weight: (\d+)', css)
    assert weights == ["400"]
