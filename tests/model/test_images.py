"""The image rule: accepted types by their bytes, the density each file states, the printed size."""
from __future__ import annotations

import pytest
from PIL import Image

from converter.errors import InputError
from converter.model.images import DEFAULT_DPI, MAX_PIXELS_VARIABLE, fit, header_pixels, read_image


@pytest.fixture
def picture():
    return Image.new("RGB", (600, 300), (40, 90, 160))


def test_png_density_from_phys(tmp_path, picture):
    picture.save(tmp_path / "a.png", dpi=(300, 300))
    info = read_image(tmp_path / "a.png")
    assert info.kind == "PNG" and info.pixels == (600, 300)
    assert info.dpi == (300, 300) and info.size == pytest.approx((144, 72))


def test_jpeg_density_from_jfif_in_inches_and_centimetres(tmp_path, picture):
    picture.save(tmp_path / "a.jpg", dpi=(200, 200))
    assert read_image(tmp_path / "a.jpg").size == pytest.approx((216, 108))
    # JFIF in dots per centimetre: byte 13 of the APP0 segment is the unit
    data = bytearray((tmp_path / "a.jpg").read_bytes())
    at = data.index(b"JFIF\x00") + 7
    data[at] = 2
    data[at + 1:at + 5] = (100).to_bytes(2, "big") * 2  # 100 dots per cm = 254 dpi
    (tmp_path / "cm.jpg").write_bytes(bytes(data))
    assert read_image(tmp_path / "cm.jpg").dpi == pytest.approx((254, 254))


def test_jpeg_density_from_exif(tmp_path, picture):
    exif = Image.Exif()
    exif[0x011A], exif[0x011B], exif[0x0128] = 150.0, 150.0, 2
    picture.save(tmp_path / "e.jpg", exif=exif.tobytes())
    assert read_image(tmp_path / "e.jpg").dpi == (150, 150)


def test_no_stated_density_is_96_dpi(tmp_path, picture):
    exif = Image.Exif()
    exif[0x010F] = "a camera that says no resolution"
    picture.save(tmp_path / "n.jpg", exif=exif.tobytes())
    picture.save(tmp_path / "n.png")
    for name in ("n.jpg", "n.png"):
        info = read_image(tmp_path / name)
        assert info.dpi == (DEFAULT_DPI, DEFAULT_DPI) and info.size == pytest.approx((450, 225))


def test_pictures_are_known_by_their_bytes(tmp_path, picture):
    picture.save(tmp_path / "really-a-gif.png", format="GIF")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    (tmp_path / "text.png").write_text("not a picture")
    gif = read_image(tmp_path / "really-a-gif.png", "really-a-gif.png", 7, cache=tmp_path / "cache")
    assert gif.kind == "PNG" and gif.path.parent == tmp_path / "cache" / "images"  # its first frame
    assert gif.size == pytest.approx((450, 225))  # 600 pixels at 96 dpi, as a PNG without pHYs
    with pytest.raises(InputError, match="not a PNG, JPEG, GIF or SVG"):
        read_image(tmp_path / "text.png", "text.png", 7)
    with pytest.raises(InputError, match="cannot be read"):
        read_image(tmp_path / "broken.png")


def test_fit_scales_down_only():
    assert fit((144, 72), 400, 600) == (144, 72)
    assert fit((800, 200), 400, 600) == (400, 100)
    assert fit((100, 1000), 400, 500) == (50, 500)


@pytest.mark.parametrize("options", [{"format": "PNG"}, {"format": "GIF"}, {"format": "JPEG"},
                                     {"format": "JPEG", "progressive": True, "dpi": (300, 300)},
                                     {"format": "JPEG", "exif": b"Exif\x00\x00" + b"II*\x00\x08\x00\x00\x00\x00\x00" * 400}],
                         ids=["png", "gif", "jpeg", "jpeg-progressive", "jpeg-big-exif"])
def test_the_header_says_the_size_pillow_reads(tmp_path, picture, options):
    path = tmp_path / "p"
    picture.save(path, **options)
    assert header_pixels(path) == (600, 300)


def test_a_picture_over_the_pixel_limit_is_refused_before_decoding(tmp_path, picture, monkeypatch):
    picture.save(tmp_path / "a.png")
    assert read_image(tmp_path / "a.png").pixels == (600, 300)
    monkeypatch.setenv(MAX_PIXELS_VARIABLE, str(600 * 300 - 1))
    with pytest.raises(InputError, match=r"600 × 300 pixels, more than the limit of 179,999") as e:
        read_image(tmp_path / "a.png", "a.png", 4)
    assert e.value.line == 4
    svg = tmp_path / "big.svg"  # an SVG counts as its raster: twice its CSS size each way
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150"/>')
    with pytest.raises(InputError, match=r"drawn at 2×"):
        read_image(svg, "big.svg", cache=tmp_path / "cache")
    monkeypatch.setenv(MAX_PIXELS_VARIABLE, str(600 * 300))
    assert read_image(svg, "big.svg", cache=tmp_path / "cache").pixels == (300, 150)
