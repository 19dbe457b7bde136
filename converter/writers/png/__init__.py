"""The PNG writer: one image per laid-out page, ``NAME-1.png``, ``NAME-2.png`` …, painted with
Pillow from the layout's pages (not by rasterising the PDF), at the style's [png] resolution (this writer checks that key).

For previews in CI, thumbnails, and reviewing a build without a PDF viewer. The bytes depend
only on the pages and the resolution: no time, no software name is written, only the size and
the pixel density (pHYs).
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from ...context import BuildContext
from ...errors import StyleError
from ...layout import lay_out
from ...style import ResolvedStyle
from ...style.settings import Setting
from .paint import Fonts, paint

#: zlib level of the images: fixed, so that the bytes are the same on every build
COMPRESS_LEVEL = 6
#: the resolutions a style may ask for, in dots per inch (1200 dpi: 9,900 × 14,000 pixels for A4)
RESOLUTIONS = range(10, 1201)


class _Resolution(Setting):
    """A whole number of dots per inch within RESOLUTIONS."""

    def check(self, value: object, key: str, file: str | None) -> object:
        value = super().check(value, key, file)
        if value not in RESOLUTIONS:
            raise StyleError(f"{key} {value!r}: dots per inch, from {RESOLUTIONS.start} to {RESOLUTIONS.stop - 1}",
                             file)
        return value


#: the keys of a style sheet's [png] section
SETTINGS = {"resolution": _Resolution(int, 96, doc="dots per inch of the page images")}


def resolution(style: ResolvedStyle) -> int:
    """The style's [png] resolution (checked)."""
    return style.settings("png", SETTINGS)["resolution"]


class PngWriter:
    suffix = ".png"
    paints_pages = True  # the pipeline lays the document out before it runs this writer
    file_per_page = True  # NAME-1.png, NAME-2.png …: the pipeline names the files
    settings = SETTINGS

    def write_pages(self, doc: etree._Element, style: ResolvedStyle, targets: list[Path], ctx: BuildContext) -> None:
        """Write page n to ``targets[n - 1]`` (one target per page of the layout)."""
        pagination = ctx.pagination or lay_out(doc, style, ctx.base_dir)
        if len(targets) != pagination.count:
            raise ValueError(f"{len(targets)} file names for {pagination.count} pages")
        dpi = resolution(style)
        fonts = Fonts(pagination.glyph_ids, ctx.cache)
        for page, target in zip(pagination.pages, targets):
            image = paint(page, dpi, fonts)
            with open(target, "wb") as f:
                image.save(f, format="PNG", dpi=(dpi, dpi), compress_level=COMPRESS_LEVEL)
