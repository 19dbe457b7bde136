"""Pictures of every kind in every output: GIF (first frame), SVG (sanitised; vector in the PDF,
inline in the EPUB, rasterised in the DOCX and page images), and pictures that cannot be used
(missing, remote): a warning with file:line and the alt text in a frame in their place."""
from __future__ import annotations

import subprocess
import zipfile

import docx
import pdfplumber
import pytest
from PIL import Image

from converter.errors import ConverterError
from converter.pipeline import build
from helpers import epubcheck_command

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="2in" height="1in" viewBox="0 0 200 100" onload="x()">
  <script>alert(1)</script>
  <rect width="200" height="100" fill="#228833"/>
  <circle cx="100" cy="50" r="40" fill="#ffcc00"/>
</svg>"""
SOURCE = """# Pictures

![a blue block](anim.gif)

![green logo](logo.svg)

A missing picture: ![the missing chart](nowhere.png) and a badge ![build passing](https://img.shields.io/b.svg).
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("pictures")
    blue, red = Image.new("RGB", (120, 60), (20, 120, 200)), Image.new("RGB", (120, 60), (200, 20, 20))
    blue.save(d / "anim.gif", save_all=True, append_images=[red], duration=100, loop=0)
    (d / "logo.svg").write_text(SVG, encoding="utf-8")
    (d / "doc.md").write_text(SOURCE, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def built(folder):
    return build(folder / "doc.md", folder / "out", ["pdf", "docx", "epub", "xml", "png"])


def test_unusable_pictures_are_warnings_with_their_line(built):
    warnings = [d for d in built.diagnostics if d.level == "warning"]
    lines = {(d.line, d.message.split("'")[1]) for d in warnings if "frame" in d.message}
    assert lines == {(7, "nowhere.png"), (7, "https://img.shields.io/b.svg")}
    assert any("logo.svg" in d.message and "<script>" in d.message for d in warnings)  # sanitised, and said


def test_strict_makes_them_errors(folder, tmp_path):
    with pytest.raises(ConverterError, match="--strict"):
        build(folder / "doc.md", tmp_path, ["xml"], strict=True)
    assert not list(tmp_path.iterdir())


def test_pdf_draws_the_gif_frame_the_svg_and_the_frames(built, folder):
    pdf = folder / "out" / "doc.pdf"
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        (gif,) = page.images  # the SVG is vector graphics, not an image
        assert gif["width"] == pytest.approx(90.0, abs=0.01)  # 120 px at 96 dpi
        yellow = [c for c in page.curves + page.rects if c.get("non_stroking_color") in ((1, 0.8, 0), [1, 0.8, 0])]
        assert yellow, "the SVG's circle is drawn as vector graphics"
        text = page.extract_text()
    assert "the missing chart" in text and "build passing" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Helvetica" not in fonts


def test_page_image_shows_the_first_frame(built, folder):
    with Image.open(folder / "out" / "doc-1.png") as im:
        colours = {c for _, c in im.convert("RGB").getcolors(maxcolors=1 << 24)}
    assert (20, 120, 200) in colours and (200, 20, 20) not in colours  # the first frame only
    assert any(r > 240 and 190 < g < 215 and b < 20 for r, g, b in colours)  # the SVG's yellow


def test_docx_embeds_pixels_and_frames_the_alt_text(built, folder):
    path = folder / "out" / "doc.docx"
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 2 and all(n.endswith(".png") for n in media)
    d = docx.Document(str(path))
    para = next(p for p in d.paragraphs if "missing picture" in p.text)
    assert "the missing chart" in para.text and "build passing" in para.text
    framed = [r for r in para.runs if r._r.find(".//{*}bdr") is not None]
    assert [r.text for r in framed] == ["the missing chart", "build passing"]


def test_epub_keeps_the_svg_sanitised_and_passes_epubcheck(built, folder):
    path = folder / "out" / "doc.epub"
    with zipfile.ZipFile(path) as z:
        svg = next(n for n in z.namelist() if n.endswith(".svg"))
        data = z.read(svg).decode()
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "<script" not in data and "onload" not in data and "circle" in data
    assert 'class="missing-image">the missing chart<' in xhtml
    command = epubcheck_command()
    if command is None:
        pytest.skip("epubcheck not installed")
    done = subprocess.run(command + [str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_converter_check_accepts_the_frames(built, folder):
    from converter.check import check, failed, table

    results = check([folder / "out"])
    assert not failed(results), table(results)


def test_pictures_in_a_table_cell_are_set_after_the_table(tmp_path):
    """The layout set a cell's pictures after the next paragraph, and dropped them when none
    followed (found by tests/hostile/test_fuzz.py): the PDF lost the picture and its alt text."""
    Image.new("RGB", (40, 20), (200, 30, 30)).save(tmp_path / "red.png")
    src = tmp_path / "t.md"
    src.write_text("# T\n\n| a | b |\n| --- | --- |\n| x ![red square](red.png) | ![gone picture](none.png) z |\n",
                   encoding="utf-8")
    build(src, tmp_path / "out", ["pdf"])
    with pdfplumber.open(tmp_path / "out" / "t.pdf") as pdf:
        page = pdf.pages[0]
        words = page.extract_text()
        table_bottom = max(w["bottom"] for w in page.extract_words() if w["text"] in ("x", "z"))
        assert len(page.images) == 1 and page.images[0]["top"] > table_bottom
    assert "gone picture" in words
