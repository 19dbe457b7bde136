"""--to png: one image per laid-out page, painted with Pillow, compared with poppler's
rendering of our own PDF of the same pages."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter

from converter import check as checking
from converter.batch import build_folder
from converter import plugins
from converter.errors import ConverterError, StyleError
from converter.pipeline import build
from converter.style import load_style
from converter.writers.png import resolution
from helpers import FIXTURES, SOURCES

#: the share of a page's pixels that may be ink in one rendering with no ink within one pixel
#: in the other. Measured on gongwen-report at 96 dpi: 0.25–0.42 % (FreeType hinting in Pillow
#: against poppler's unhinted glyphs: strokes a pixel apart); a wrong page gives 4.3–5.0 %.
MAX_LONE_INK = 0.01

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")


def ink(image: Image.Image) -> Image.Image:
    return image.convert("L").point(lambda v: 255 if v < 128 else 0)


def lone_ink(a: Image.Image, b: Image.Image) -> float:
    """The share of pixels that are ink in one image with no ink within a pixel in the other."""
    ia, ib = ink(a), ink(b)
    lone = ImageChops.add(ImageChops.subtract(ia, ib.filter(ImageFilter.MaxFilter(3))),
                          ImageChops.subtract(ib, ia.filter(ImageFilter.MaxFilter(3))))
    return lone.histogram()[255] / (a.size[0] * a.size[1])


def pdftoppm(pdf: Path, dpi: int, out: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / "poppler")], check=True)
    return sorted(out.glob("poppler-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def pages_of(result, suffix=".png") -> list[Path]:
    return [p for p in result.outputs if p.suffix == suffix]


@needs_poppler
@pytest.mark.parametrize("name", ["gongwen-report.txt", "handbook.md", "annual-review.txt"])
def test_every_page_looks_like_poppler_s_rendering_of_the_pdf(name, tmp_path):
    result = build(SOURCES / name, tmp_path, ["png", "pdf"])
    ours = pages_of(result)
    theirs = pdftoppm(tmp_path / (Path(name).stem + ".pdf"), 96, tmp_path)
    assert len(ours) == len(theirs) == result.pages["pdf"] == result.pages["png"]
    for mine, poppler in zip(ours, theirs):
        a, b = Image.open(mine), Image.open(poppler)
        assert a.size == b.size == (794, 1123)  # A4 at 96 dpi
        assert lone_ink(a, b) <= MAX_LONE_INK, mine.name


@needs_poppler
def test_the_seed_at_another_resolution(seed, tmp_path):
    style = tmp_path / "sharp.toml"
    style.write_text('extends = "gongwen"\n[png]\nresolution = 150\n', encoding="utf-8")
    result = build(seed, tmp_path, ["png", "pdf"], style=str(style))
    theirs = pdftoppm(tmp_path / (seed.stem + ".pdf"), 150, tmp_path)
    ours = pages_of(result)
    assert len(ours) == len(theirs) == 5
    for mine, poppler in zip(ours, theirs):
        a, b = Image.open(mine), Image.open(poppler)
        assert a.size == b.size == (1241, 1754)
        assert a.info["dpi"] == pytest.approx((150, 150), abs=0.05)
        assert lone_ink(a, b) <= MAX_LONE_INK, mine.name


def test_the_measure_tells_a_wrong_page(tmp_path):
    """The comparison is not blind: page 2 against page 3 is far over the threshold."""
    result = build(SOURCES / "gongwen-report.txt", tmp_path, ["png"])
    two, three = (Image.open(p) for p in pages_of(result)[1:3])
    assert lone_ink(two, three) > 3 * MAX_LONE_INK


def test_files_are_numbered_pages_and_the_bytes_repeat(tmp_path):
    import sys

    first = build(SOURCES / "gongwen-report.txt", tmp_path / "a", ["png"])
    again = build(SOURCES / "gongwen-report.txt", tmp_path / "b", ["png"])
    subprocess.run([sys.executable, "-m", "converter", "build", str(SOURCES / "gongwen-report.txt"),
                    "-o", str(tmp_path / "c"), "--to", "png", "-q"], check=True, capture_output=True)
    assert [p.name for p in first.outputs] == [f"gongwen-report-{n}.png" for n in range(1, 5)]
    assert [p.read_bytes() for p in first.outputs] == [p.read_bytes() for p in again.outputs]
    assert [p.read_bytes() for p in first.outputs] == [(tmp_path / "c" / p.name).read_bytes() for p in first.outputs]
    image = Image.open(first.outputs[0])
    assert image.format == "PNG" and image.info["dpi"] == pytest.approx((96, 96), abs=0.05)
    assert set(image.info) <= {"dpi"}  # no time, no software name


def test_a_shorter_build_removes_the_pages_it_no_longer_has(tmp_path):
    src = tmp_path / "doc.md"
    src.write_text("# Title\n\n" + "\n\n".join(f"Paragraph {n} " * 40 for n in range(40)), encoding="utf-8")
    long = build(src, tmp_path / "out", ["png"])
    assert len(long.outputs) > 2
    src.write_text("# Title\n\nOne short paragraph.\n", encoding="utf-8")
    short = build(src, tmp_path / "out", ["png"])
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png")) == ["doc-1.png"] == [p.name for p in short.outputs]


def test_resolution_is_validated_by_the_png_writer(tmp_path):
    for bad in ("0", "5000", '"high"', "true", "96.5"):
        sheet = tmp_path / "bad.toml"
        sheet.write_text(f'extends = "report"\n[png]\nresolution = {bad}\n', encoding="utf-8")
        with pytest.raises(StyleError) as e:
            plugins.check_style_settings(load_style(str(sheet)))
        assert "png.resolution" in str(e.value) and "bad.toml" in str(e.value)
    with pytest.raises(ConverterError, match="png.resolution"):  # before any output is written
        build(SOURCES / "handbook.md", tmp_path / "out", ["pdf", "png"], style=str(sheet))
    assert not list((tmp_path / "out").glob("*.p*"))
    sheet.write_text('extends = "report"\n[png]\ndpi = 96\n', encoding="utf-8")
    with pytest.raises(StyleError, match="unknown key png.dpi"):
        plugins.check_style_settings(load_style(str(sheet)))
    assert resolution(load_style("report")) == 96


def test_images_and_colour_are_painted(tmp_path):
    """A figure's picture is painted in its own colours (poppler's comparison sees only ink)."""
    src = tmp_path / "fig.md"
    shutil.copy(FIXTURES / "docx" / "chart.png", tmp_path / "chart.png")
    src.write_text("# Figure\n\n![A chart](chart.png)\n", encoding="utf-8")
    result = build(src, tmp_path / "out", ["png"])
    page = Image.open(result.outputs[0]).convert("RGB")
    picture = Image.open(tmp_path / "chart.png").convert("RGB")
    colours = {c for _, c in picture.getcolors(1 << 20) or []} - {(255, 255, 255)}
    painted = {c for _, c in page.getcolors(1 << 20) or []}
    assert len(colours & painted) > 0


@needs_poppler
def test_check_knows_the_page_images(tmp_path):
    out = tmp_path / "dist"
    build_folder([SOURCES / "gongwen-report.txt"], out, to=["png", "pdf"], jobs=1)
    results = checking.check([out])
    assert not checking.failed(results)
    rows = {(Path(r.output).name, r.check) for r in results}
    assert {(f"gongwen-report-{n}.png", "image") for n in range(1, 5)} <= rows
    assert ("gongwen-report-1.png", "pages") in rows
    (out / "gongwen-report-3.png").unlink()
    failed = [r for r in checking.check([out]) if r.status == "failed"]
    assert {(Path(r.output).name, r.check) for r in failed} == {("gongwen-report-3.png", "exists")}


@needs_poppler
def test_check_without_a_manifest_counts_the_pdf_pages(tmp_path):
    build(SOURCES / "gongwen-report.txt", tmp_path, ["png", "pdf"])
    assert not checking.failed(checking.check([tmp_path]))
    (tmp_path / "gongwen-report-4.png").unlink()
    pages = [r for r in checking.check([tmp_path]) if r.check == "pages"]
    assert pages and pages[0].status == "failed" and "has 4 pages" in pages[0].detail
    (tmp_path / "gongwen-report-2.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    image = [r for r in checking.check([tmp_path / "gongwen-report-2.png"]) if r.check == "image"]
    assert image[0].status == "failed"
