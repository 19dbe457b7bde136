"""One laid-out page painted with Pillow: glyphs (FreeType, through ImageFont), rules, images.

The layout's coordinates are points from the bottom-left corner; pixels count from the top
left, ``scale`` pixels to a point. Glyphs are placed one by one at the layout's origins
(subpixel positions), so the picture shows exactly the PDF's positions.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ...fonts.faces import SYNTHETIC_BOLD_STROKE
from ...fonts.find import FontFace
from ...layout import Page
from ...layout.pages import glyph_key

WHITE = (255, 255, 255)


class Fonts:
    """The FreeType fonts of one build, by face and pixel size; for shaped text, the faces'
    glyph fonts (fonts.glyphfont: a character per glyph id)."""

    def __init__(self, glyph_ids: dict | None = None, cache: Path | None = None) -> None:
        self._fonts: dict[tuple[FontFace, float], ImageFont.FreeTypeFont] = {}
        self._glyph_paths: dict[FontFace, str] = {}
        self.codes: dict[FontFace, dict[tuple[int, str], str]] = {}
        if glyph_ids:
            from ...fonts.glyphfont import glyph_font

            for face, gids in glyph_ids.items():
                gf = glyph_font(face, gids, cache)
                self._glyph_paths[face], self.codes[face] = str(gf.path), gf.codes

    def glyph_font(self, face: FontFace, pixels: float) -> ImageFont.FreeTypeFont:
        key = (self._glyph_paths[face], pixels)
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(self._glyph_paths[face], size=pixels,
                                                  layout_engine=ImageFont.Layout.BASIC)
        return self._fonts[key]

    def get(self, face: FontFace, pixels: float) -> ImageFont.FreeTypeFont:
        key = (face, pixels)
        if key not in self._fonts:
            # the basic layout engine: one glyph at a time, as the layout placed them (and the
            # same on machines with and without libraqm)
            self._fonts[key] = ImageFont.truetype(face.path, size=pixels, index=face.index,
                                                  layout_engine=ImageFont.Layout.BASIC)
        return self._fonts[key]


def pixel_size(page: Page, dpi: int) -> tuple[int, int]:
    """The image size of a page at ``dpi``: whole pixels, a part of one counting as one (as
    poppler's pdftoppm does, so the two give images of one size)."""
    return math.ceil(page.width * dpi / 72 - 1e-9), math.ceil(page.height * dpi / 72 - 1e-9)


def paint(page: Page, dpi: int, fonts: Fonts) -> Image.Image:
    """The page as an RGB image at ``dpi`` dots per inch."""
    scale = dpi / 72
    size = pixel_size(page, dpi)
    image = Image.new("RGB", size, WHITE)
    draw = ImageDraw.Draw(image)

    def px(x: float, y: float) -> tuple[float, float]:
        return x * scale, (page.height - y) * scale

    for im in page.images:
        _paste(image, im.raster or im.path, px(im.x, im.y + im.height), (im.width * scale, im.height * scale))
    for r in page.rules:
        draw.line([px(r.x1, r.y1), px(r.x2, r.y2)], fill=r.color, width=max(1, round(r.width * scale)))
    for run in page.runs():
        y = run.baseline + run.rise
        if run.glyphs is not None:  # shaped: glyph ids, drawn with the face's glyph font
            font = fonts.glyph_font(run.face, run.size * scale)
            codes = fonts.codes[run.face]
            for _, cluster in run.glyphs:
                for glyph in cluster:
                    draw.text(px(glyph[1], y + glyph[2]), codes[glyph_key(glyph)], font=font, fill=run.color,
                              anchor="ls")
            continue
        font = fonts.get(run.face, run.size * scale)
        # a synthetic bold (as the PDF's): the outline stroked, half the stroke on each side
        stroke = max(1, round(run.size * scale * SYNTHETIC_BOLD_STROKE / 2)) if run.embolden else 0
        for ch, x in zip(run.text, run.xs):
            if not ch.isspace():
                draw.text(px(x, y), ch, font=font, fill=run.color, anchor="ls", stroke_width=stroke,
                          stroke_fill=run.color)
    return image


def _paste(image: Image.Image, path: Path, at: tuple[float, float], size: tuple[float, float]) -> None:
    """A picture scaled to its box, its transparency over the page's white."""
    box = (max(1, round(size[0])), max(1, round(size[1])))
    with Image.open(path) as src:
        picture = src.convert("RGBA").resize(box, Image.Resampling.LANCZOS)
    image.paste(picture, (round(at[0]), round(at[1])), picture)
