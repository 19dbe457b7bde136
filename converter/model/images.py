"""Images, one rule for every reader and writer: what ``src`` means, which files are pictures,
and how large they print.

``src`` names a file in the source's folder or below, and nothing else.

Every reader and writer (and the incremental build's key) takes it so: a relative path, plain
or %-encoded (``my%20picture.png``), or a ``file:`` URL, that stays inside the source's folder.
Remote images are not downloaded, and no path may leave the folder (an XML source from
elsewhere must not embed ``../../etc/secret.png``).

A picture is a PNG, JPEG, GIF or SVG file, known by its bytes (read_image). A GIF is its first
frame, stored as PNG; an SVG is sanitised (svg.py: no scripts, no event handlers, no external
references) and, for outputs that take pixels only (the DOCX, the page images), rasterised.
It prints at its own density — PNG pHYs, JPEG JFIF or EXIF — or at 96 dpi when it says none
(an SVG: its width and height, CSS pixels by default), so a 600-pixel picture at 300 dpi is
144 pt (2 in) wide in the PDF, the page images, the DOCX and the EPUB alike; ``fit`` scales it
down to the measure when it is wider.

A picture that is missing, remote or unreadable does not fail the document: the build warns
(``image_warnings``: ``file:line`` and why; ``--strict`` makes it an error) and every output
prints its alt text in a frame in its place (``usable_image`` says which ones).

A picture of more than ``max_image_pixels()`` pixels (50 million by default: an 8,000 × 6,000
photograph fits; ``--max-image-pixels N`` or ``$CONVERTER_MAX_IMAGE_PIXELS`` raises it) is such
an unreadable picture: its size is read from its header (PNG IHDR, JPEG SOF, GIF screen, SVG
width, height and viewBox) before anything is decoded, since a 100 kB PNG can say 60,000 ×
60,000 pixels and decode to 14 GB. The same rule, the same warning, as a damaged file.
"""
from __future__ import annotations

import os
import struct
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
    shown = src if len(src) <= 120 else src[:120] + "…"
    if any("\x00" in c for c in candidates):
        raise InputError(f"image {shown!r}: a file name cannot hold a NUL character", line=line)
    paths = [(base / c).resolve() for c in candidates if c]
    for path in paths:
        if not path.is_relative_to(base):
            raise InputError(f"image {shown!r} is outside the source's folder", line=line)
    for path in paths:
        try:
            if path.is_file():
                return path
        except OSError as e:  # a name too long for the file system, say
            raise InputError(f"image {shown!r} cannot be read: {e.strerror}", line=line) from None
    raise InputError(f"image {shown!r} cannot be read: no such file in {base}", line=line)


# --- what an image is, and how large it prints ------------------------------------------------

#: the picture types every output takes as they are, by their first bytes (not their names)
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": ("PNG", "image/png", ".png"), b"\xff\xd8\xff": ("JPEG", "image/jpeg", ".jpg")}
#: the types that are converted first: a GIF's first frame becomes a PNG
GIF_MAGIC = (b"GIF87a", b"GIF89a")
PNG_KIND = IMAGE_TYPES[b"\x89PNG\r\n\x1a\n"]
SVG_KIND = ("SVG", "image/svg+xml", ".svg")
#: the density of a picture that does not say its own (CSS's px: 96 to the inch)
DEFAULT_DPI = 96.0
POINTS_PER_INCH = 72.0


#: pixels a picture may have unless the user says more (--max-image-pixels): 50 megapixels
#: (200 MB as RGBA when decoded), above any camera's usual photograph
MAX_IMAGE_PIXELS = 50_000_000
MAX_PIXELS_VARIABLE = "CONVERTER_MAX_IMAGE_PIXELS"


def max_image_pixels() -> int:
    """The pixel limit of this build: ``$CONVERTER_MAX_IMAGE_PIXELS`` (which --max-image-pixels
    sets), else MAX_IMAGE_PIXELS. The CLI has checked the variable's value; a bad one set by hand
    counts as unset."""
    value = os.environ.get(MAX_PIXELS_VARIABLE, "").strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else MAX_IMAGE_PIXELS


def check_pixels(width: float, height: float, name: str, line: int | None = None, zoom: float = 1) -> None:
    """InputError when a picture of ``width`` × ``height`` pixels (drawn ``zoom`` times as large:
    an SVG's raster) is more than the limit."""
    limit = max_image_pixels()
    pixels = width * height * zoom * zoom
    if pixels > limit:
        drawn = f", drawn at {zoom:g}×" if zoom != 1 else ""
        raise InputError(f"image {name!r} is {width:,.0f} × {height:,.0f} pixels{drawn}, more than the limit of "
                         f"{limit:,} pixels (decoded, {_amount(pixels * 4)}); --max-image-pixels N "
                         f"raises the limit", line=line)


def _amount(size: float) -> str:
    return f"{size / 2**30:,.1f} GB" if size >= 2**30 else f"{size / 2**20:,.1f} MB"


def header_pixels(path: Path) -> tuple[int, int] | None:
    """The width and height a PNG, JPEG or GIF file says in its header, read without decoding
    anything (PNG IHDR, the first JPEG SOF marker, the GIF logical screen); None when it says
    none (then Pillow's reading of it fails as a damaged file). Written here because Pillow's
    own check refuses a bomb with an exception that names no size, and only above twice its
    limit."""
    with path.open("rb") as f:
        head = f.read(32)
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if head.startswith(GIF_MAGIC) and len(head) >= 10:
            return struct.unpack("<HH", head[6:10])
        if head.startswith(b"\xff\xd8"):
            return _jpeg_frame_size(f)
    return None


#: JPEG markers that start a frame (SOF0–SOF15 but DHT, JPG and DAC) and carry its size
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_frame_size(f) -> tuple[int, int] | None:
    """The size in a JPEG's first SOF segment, walking the segments from the start of the file."""
    f.seek(2)
    while f.read(1) == b"\xff":
        marker = f.read(1)
        while marker == b"\xff":  # fill bytes
            marker = f.read(1)
        if not marker or marker[0] in (0xD9, 0xDA):  # the end, or the scan: no frame before it
            return None
        if 0xD0 <= marker[0] <= 0xD7 or marker[0] == 0x01:  # markers without a length
            continue
        length = f.read(2)
        if len(length) < 2:
            return None
        if marker[0] in _SOF:
            frame = f.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return width, height
        f.seek(struct.unpack(">H", length)[0] - 2, os.SEEK_CUR)
    return None


@dataclass(frozen=True)
class ImageInfo:
    """A picture file as every writer sizes it: type, pixels, density, printed size in points.

    ``path`` is the file an output embeds, of ``media_type``: the picture itself (PNG, JPEG),
    the first frame of a GIF as a PNG, or the sanitised SVG; ``raster`` a PNG or JPEG of it
    for outputs that take pixels only (the same file, but for an SVG); ``source`` the file the
    document names."""

    path: Path
    kind: str  # "PNG", "JPEG", "SVG" (a GIF is its first frame, a PNG)
    media_type: str
    extension: str
    pixels: tuple[int, int]
    dpi: tuple[float, float]  # the file's own (PNG pHYs, JPEG JFIF or EXIF), else DEFAULT_DPI
    raster: Path | None = None
    source: Path | None = None
    removed: tuple[str, ...] = ()  # what sanitising took out of an SVG (scripts, references)
    vector: bool = False  # an SVG a vector painter may draw as such (no text in it)

    @property
    def pixel_file(self) -> Path:
        """A PNG or JPEG file of the picture (for the DOCX and the page images)."""
        return self.raster or self.path

    @property
    def size(self) -> tuple[float, float]:
        """The printed width and height in points: pixels at the file's density."""
        return (self.pixels[0] * POINTS_PER_INCH / self.dpi[0], self.pixels[1] * POINTS_PER_INCH / self.dpi[1])


def image_kind(data: bytes) -> tuple[str, str, str] | None:
    """(name, media type, extension) of an accepted picture type, from its first bytes; None otherwise."""
    return next((kind for magic, kind in IMAGE_TYPES.items() if data.startswith(magic)), None)


def read_image(path: Path, src: str | None = None, line: int | None = None, cache: Path | None = None) -> ImageInfo:
    """The picture at ``path`` (a file resolve_image found); InputError naming ``src`` when it is
    not a PNG, JPEG, GIF or SVG file or cannot be decoded. Densities are read with Pillow;
    converted files (a GIF's first frame, a sanitised and rasterised SVG) are kept in ``cache``."""
    from PIL import Image, UnidentifiedImageError  # only builds with pictures pay for the import

    name = src if src is not None else path.name
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as e:
        raise InputError(f"image {name!r} cannot be read: {e.strerror or e}", line=line) from None
    kind = image_kind(head)
    if kind is not None or head.startswith(GIF_MAGIC):
        declared = header_pixels(path)
        if declared:
            check_pixels(*declared, name, line)
        _align_pillow_limit(Image)
    if kind is None and head.startswith(GIF_MAGIC):
        return _first_frame(path, name, line, _cache(cache))
    if kind is None and _looks_like_svg(head):
        from .svg import read_svg

        return read_svg(path, name, line, _cache(cache))
    if kind is None:
        raise InputError(f"image {name!r} is not a PNG, JPEG, GIF or SVG file", line=line)
    try:
        with Image.open(path) as im:
            pixels, dpi = im.size, _density(_stated_dpi(im))
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as e:
        raise InputError(f"image {name!r} cannot be read: {e}", line=line) from None
    check_pixels(*pixels, name, line)  # a header this module's reading did not find (Pillow's did)
    return ImageInfo(path, *kind, pixels, dpi, source=path)


def _align_pillow_limit(Image) -> None:
    """Pillow's own bomb limit at ours (it refuses what we allow above twice its 89 megapixels)."""
    Image.MAX_IMAGE_PIXELS = max_image_pixels()


def _cache(cache: Path | None) -> Path:
    from ..cachefiles import cache_dir

    return (cache or cache_dir()) / "images"


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<svg", b"<?xml", b"<!--")) and b"<svg" in head.lower()


def converted(cache: Path, data: bytes, flavour: str, suffix: str, make) -> Path:
    """A file made from a picture's bytes, cached by their sha256 and written atomically."""
    import hashlib
    import os
    import tempfile

    target = cache / f"{hashlib.sha256(data).hexdigest()[:24]}-{flavour}{suffix}"
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache, suffix=".part")
    os.close(fd)
    try:
        make(Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _first_frame(path: Path, name: str, line: int | None, cache: Path) -> ImageInfo:
    """A GIF as its first frame, a PNG (Pillow): every output takes PNG; GIF's animation none."""
    from PIL import Image, UnidentifiedImageError

    data = path.read_bytes()

    def make(target: Path) -> None:
        with Image.open(path) as im:
            im.seek(0)
            frame = im.convert("RGBA")
            frame.save(target, format="PNG", compress_level=6)

    try:
        png = converted(cache, data, "frame1", ".png", make)
        with Image.open(png) as im:
            pixels = im.size
    except (OSError, UnidentifiedImageError, ValueError, EOFError, Image.DecompressionBombError) as e:
        raise InputError(f"image {name!r} cannot be read: {e}", line=line) from None
    return ImageInfo(png, *PNG_KIND, pixels, (DEFAULT_DPI, DEFAULT_DPI), source=path)


def usable_image(src: str, base_dir: Path, cache: Path | None = None) -> ImageInfo | None:
    """The picture ``src`` names, or None when it cannot be used (missing, remote, outside the
    folder, unreadable): the writers then print its alt text in a frame, and the build has
    warned (image_warnings)."""
    try:
        return read_image(resolve_image(src, base_dir), src, cache=cache)
    except InputError:
        return None


def image_warnings(doc, base_dir: Path, cache: Path | None = None) -> list[tuple[str, str, int | None]]:
    """(src, message, line) for every picture of a document that cannot be used, and every SVG that
    lost scripts or references; the line is the element's or its nearest ancestor's source
    line, when the reader recorded one."""
    from . import q

    found: list[tuple[str, str, int | None]] = []
    for img in doc.iter(q("image")):
        src = img.get("src") or ""
        line = next((e.sourceline for e in (img, *img.iterancestors()) if e.sourceline), None)
        try:
            info = read_image(resolve_image(src, base_dir, line), src, line, cache)
        except InputError as e:
            found.append((src, e.message + "; its alt text is printed in a frame instead", line))
            continue
        if info.removed:
            found.append((src, f"image {src!r}: removed what an SVG must not do here: {', '.join(info.removed)}",
                          line))
    return found


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
