"""The PNG writer: one image per laid-out page, ``NAME-1.png``, ``NAME-2.png`` …, painted with
Pillow from the layout's pages (not by rasterising the PDF), at the style's [png] resolution (this writer checks that key).

For previews in CI, thumbnails, and reviewing a build without a PDF viewer. The bytes depend
only on the pages and the resolution: no time, no software name is written, only the size and
the pixel density (pHYs).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from lxml import etree

from ...context import BuildContext
from ...errors import StyleError
from ...layout import Page, PageFaces, Pagination, Painter, lay_out
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
    paints_pages = True  # the pipeline hands it the pages as they are laid out (page_sink)
    file_per_page = True  # NAME-1.png, NAME-2.png …: the pipeline names the files
    settings = SETTINGS

    def write_pages(self, doc: etree._Element, style: ResolvedStyle, targets: list[Path], ctx: BuildContext) -> None:
        """Write page n to ``targets[n - 1]`` (one target per page of the layout): the pages the
        context holds, else laid out here."""
        def target(n: int) -> Path:
            if n > len(targets):
                raise ValueError(f"{len(targets)} file names for more pages")
            return targets[n - 1]

        if ctx.pagination is not None and ctx.pagination.pages:
            sink = PngPages(PageFaces(ctx.pagination.faces, ctx.pagination.body_face, ctx.pagination.glyph_ids),
                            style, target, ctx)
            for page in ctx.pagination.pages:
                sink.page(page)
            count = ctx.pagination.count
        else:
            count = lay_out(doc, style, ctx.base_dir, [self.page_sink(doc, style, target, ctx)]).count
        if len(targets) != count:
            raise ValueError(f"{len(targets)} file names for {count} pages")

    def page_sink(self, doc: etree._Element, style: ResolvedStyle, target: Callable[[int], Path],
                  ctx: BuildContext) -> Painter:
        """A painter the layout opens with the faces and hands each page to (layout.lay_out):
        page n is written to ``target(n)`` as soon as it is laid out."""
        return lambda faces: PngPages(faces, style, target, ctx)


class PngPages:
    """Page images written one at a time, as the layout finishes each page."""

    def __init__(self, faces: PageFaces, style: ResolvedStyle, target: Callable[[int], Path],
                 ctx: BuildContext) -> None:
        self.dpi = resolution(style)
        self.fonts = Fonts(faces.glyph_ids, ctx.cache)
        self.target = target

    def page(self, page: Page) -> None:
        image = paint(page, self.dpi, self.fonts)
        with open(self.target(page.number), "wb") as f:
            image.save(f, format="PNG", dpi=(self.dpi, self.dpi), compress_level=COMPRESS_LEVEL)

    def close(self, pagination: Pagination | None = None) -> None:
        pass  # every page is written already
