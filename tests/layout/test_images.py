"""Pictures print at their own density in the PDF and the page images (the image rule)."""
from __future__ import annotations

import pdfplumber
import pytest
from PIL import Image

from converter.pipeline import build


def figure_source(tmp_path, dpi, width_px=600):
    img = Image.new("RGB", (width_px, width_px // 2), (200, 30, 30))
    if dpi:
        img.save(tmp_path / "pic.png", dpi=(dpi, dpi))
    else:
        img.save(tmp_path / "pic.png")
    src = tmp_path / "fig.md"
    src.write_text("# Figure\n\n![A red block](pic.png)\n", encoding="utf-8")
    return src


@pytest.mark.parametrize("dpi, width", [(300, 144.0), (None, 450.0), (72, 600.0)])
def test_pdf_draws_the_printed_size(tmp_path, dpi, width):
    """600 pixels: 2 in at 300 dpi, 450 pt at the default 96 dpi; at 72 dpi wider than the
    measure, so scaled down to it."""
    result = build(figure_source(tmp_path, dpi), tmp_path / "out", ["pdf"], style="report")
    with pdfplumber.open(result.outputs[0]) as pdf:
        (image,) = pdf.pages[0].images
    assert image["width"] == pytest.approx(min(width, result.style.page.text_width), abs=0.01)
    assert image["height"] == pytest.approx(image["width"] / 2, abs=0.01)


def test_the_page_image_paints_the_same_box(tmp_path):
    result = build(figure_source(tmp_path, 300), tmp_path / "out", ["pdf", "png"], style="report")
    with pdfplumber.open(tmp_path / "out" / "fig.pdf") as pdf:
        box = pdf.pages[0].images[0]
    page = Image.open(tmp_path / "out" / "fig-1.png").convert("RGB")
    scale = 96 / 72
    red = [(x, y) for y in range(page.height) for x in range(0, page.width, 2) if page.getpixel((x, y)) == (200, 30, 30)]
    xs, ys = [x for x, _ in red], [y for _, y in red]
    assert min(xs) == pytest.approx(box["x0"] * scale, abs=2) and max(xs) == pytest.approx(box["x1"] * scale, abs=3)
    assert min(ys) == pytest.approx(box["top"] * scale, abs=2) and max(ys) == pytest.approx(box["bottom"] * scale, abs=2)
    assert result.pages["png"] == 1


def test_every_output_prints_the_same_size(tmp_path):
    """2 in wide at 300 dpi: 144 pt in the PDF, 1,828,800 EMU in the DOCX, 192 CSS pixels in the
    EPUB, 192 pixels in the 96-dpi page image."""
    import re
    import zipfile

    result = build(figure_source(tmp_path, 300), tmp_path / "out", ["pdf", "docx", "epub", "png"], style="report")
    out = tmp_path / "out"
    with pdfplumber.open(out / "fig.pdf") as pdf:
        assert pdf.pages[0].images[0]["width"] == pytest.approx(144, abs=0.01)
    with zipfile.ZipFile(out / "fig.docx") as z:
        extent = re.search(rb'<wp:extent cx="(\d+)" cy="(\d+)"', z.read("word/document.xml"))
    assert (int(extent.group(1)), int(extent.group(2))) == (144 * 12700, 72 * 12700)
    with zipfile.ZipFile(out / "fig.epub") as z:
        chapters = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xhtml"))
    assert re.findall(rb'<img [^>]*width="(\d+)"', chapters) == [b"192"]
    page = Image.open(out / "fig-1.png").convert("RGB")
    row = [x for x in range(page.width) if page.getpixel((x, _red_row(page))) == (200, 30, 30)]
    assert len(row) == pytest.approx(192, abs=1)
    assert len(result.outputs) == 4


def _red_row(page) -> int:
    return next(y for y in range(page.height) if any(page.getpixel((x, y)) == (200, 30, 30)
                                                   for x in range(0, page.width, 4)))
