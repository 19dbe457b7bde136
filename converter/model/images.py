"""Images, one rule for every reader and writer: what ``src`` means, which files are pictures,
and how large they print.

``src`` names a file in the source's folder or below, and nothing else.

Every reader and writer (and the incremental build's key) takes it so: a relative path, plain
or %-encoded (``my%20picture.png``), or a ``file:`` URL, that stays inside the source's folder.
Remote images are not downloaded, and no path may leave the folder (an XML source from
elsewhere must not embed ``../../etc/secret.png``).

A picture is a PNG or JPEG file (read_image). It prints at its own density — PNG pHYs, JPEG JFIF
or EXIF — or at 96 dpi when it says none, so a 600-pixel picture at 300 dpi is 144 pt (2 in)
wide in the PDF, the page images, the DOCX and the EPUB alike; ``fit`` scales it down to the
measure when it is wider.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import InputError


def resolve_image(src: str, base_dir: Path, line: int | None = None) -> Path:
    """The file an image ``src`` names; InputError (with the line, when known) otherwise."""
    base = base_dir.resolve()
    parts = urlsplit(src)
    scheme = parts.scheme if len(parts.scheme) > 1 else ""  # one letter: a Windows drive
    if scheme not in ("", "file"):
        raise InputError(f"image {src!r}: remote images are not downloaded; save it beside the source",
                         line=line)
    candidates = [unquote(parts.path)] if scheme == "file" else [src, unquote(src)]
    paths = [(base / c).resolve() for c in candidates if c]
    for path in paths:
        if not path.is_relative_to(base):
            raise InputError(f"image {src!r} is outside the source's folder", line=line)
    for path in paths:
        if path.is_file():
            return path
    raise InputError(f"image {src!r} cannot be read: no such file in {base}", line=line)


# --- what an image is, and how large it prints ------------------------------------------------

#: the picture types every output takes, by their first bytes (not their names)
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": ("PNG", "image/png", ".png"), b"\xff\xd8\xff": ("JPEG", "image/jpeg", ".jpg")}
#: the density of a picture that does not say its own (CSS's px: 96 to the inch)
DEFAULT_DPI = 96.0
POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class ImageInfo:
    """A picture file as every writer sizes it: type, pixels, density, printed size in points."""

    path: Path
    kind: str  # "PNG", "JPEG"
    media_type: str
    extension: str
    pixels: tuple[int, int]
    dpi: tuple[float, float]  # the file's own (PNG pHYs, JPEG JFIF or EXIF), else DEFAULT_DPI

    @property
    def size(self) -> tuple[float, float]:
        """The printed width and height in points: pixels at the file's density."""
        return (self.pixels[0] * POINTS_PER_INCH / self.dpi[0], self.pixels[1] * POINTS_PER_INCH / self.dpi[1])


def image_kind(data: bytes) -> tuple[str, str, str] | None:
    """(name, media type, extension) of an accepted picture type, from its first bytes; None otherwise."""
    return next((kind for magic, kind in IMAGE_TYPES.items() if data.startswith(magic)), None)


def read_image(path: Path, src: str | None = None, line: int | None = None) -> ImageInfo:
    """The picture at ``path`` (a file resolve_image found); InputError naming ``src`` when it is
    not a PNG or JPEG file or cannot be decoded. Densities are read with Pillow."""
    from PIL import Image, UnidentifiedImageError  # only builds with pictures pay for the import

    name = src if src is not None else path.name
    with path.open("rb") as f:
        kind = image_kind(f.read(16))
    if kind is None:
        raise InputError(f"image {name!r} is not a PNG or JPEG file", line=line)
    try:
        with Image.open(path) as im:
            pixels, dpi = im.size, _density(_stated_dpi(im))
    except (OSError, UnidentifiedImageError, ValueError) as e:
        raise InputError(f"image {name!r} cannot be read: {e}", line=line) from None
    return ImageInfo(path, *kind, pixels, dpi)


def _stated_dpi(im) -> tuple | None:
    """The density a file states: PNG pHYs in pixels per metre, JPEG JFIF in dots per inch or
    centimetre, else JPEG EXIF XResolution/YResolution (inches or centimetres). None: none.
    (Pillow's own JPEG fallback, 72 dpi when EXIF lacks a resolution, is not a statement.)"""
    if im.format == "PNG":
        return im.info.get("dpi")
    if im.info.get("jfif_unit") in (1, 2):
        return im.info.get("dpi")  # Pillow converts dots per centimetre
    exif = im.getexif()
    x, y, unit = exif.get(0x011A), exif.get(0x011B), exif.get(0x0128, 2)
    if x is None or unit not in (2, 3):
        return None
    per_inch = 2.54 if unit == 3 else 1.0
    return float(x) * per_inch, float(y if y is not None else x) * per_inch


def _density(dpi) -> tuple[float, float]:
    """The file's dots per inch, rounded to hundredths (pHYs counts per metre: 300 dpi is stored
    as 11811/m, 299.9994 dpi); DEFAULT_DPI when absent or not plausible."""
    try:
        x, y = (round(float(v), 2) for v in dpi)
    except (TypeError, ValueError):
        return DEFAULT_DPI, DEFAULT_DPI
    if not (1 <= x <= 100_000 and 1 <= y <= 100_000):
        return DEFAULT_DPI, DEFAULT_DPI
    return x, y


def fit(size: tuple[float, float], max_width: float, max_height: float) -> tuple[float, float]:
    """A printed size scaled down (never up, proportions kept) to fit the measure and height."""
    w, h = size
    scale = min(1.0, max_width / max(w, 1e-9), max_height / max(h, 1e-9))
    return w * scale, h * scale
