"""The PDF writer: paints the layout's pages on reportlab's canvas.

It lays nothing out itself (converter.layout does): it embeds the faces the layout used
(fonts.py), paints every page (paint.py) and writes the metadata and the outline.
"""
from __future__ import annotations

import time
from pathlib import Path

from lxml import etree
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas

from ... import __version__
from ...context import BuildContext
from ...layout import Pagination, lay_out
from ...model import XML_LANG
from ...model.outline import metadata
from ...style import ResolvedStyle
from .fonts import register, register_glyph_fonts
from .paint import paint_page


class PdfWriter:
    suffix = ".pdf"
    paints_pages = True  # the pipeline lays the document out before it runs this writer

    def write(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> None:
        pagination = ctx.pagination or lay_out(doc, style, ctx.base_dir)
        draw(pagination, doc, style, target, ctx)


def draw(pagination: Pagination, doc: etree._Element, style: ResolvedStyle, target: Path,
         ctx: BuildContext) -> None:
    """Write the PDF of laid-out pages."""
    names = register(pagination.faces, ctx.cache)
    glyph_fonts = register_glyph_fonts(pagination.glyph_ids, ctx.cache)
    page = style.page
    lang = doc.get(XML_LANG, "und")
    initial = names.get(pagination.body_face) or next(iter(names.values()))  # so no Helvetica is referenced
    c = Canvas(str(target), pagesize=(page.width, page.height), invariant=1, pageCompression=1,
               lang=lang, initialFontName=initial, initialFontSize=10)
    c._doc._timeStamp = _timestamp(ctx.epoch)  # dates from SOURCE_DATE_EPOCH or the document
    meta = metadata(doc)
    c.setTitle(meta.title)
    c.setAuthor("; ".join(meta.authors))
    c.setSubject(meta.subject or meta.subtitle or "")
    c.setKeywords(", ".join(meta.keywords))
    c.setCreator(f"converter {__version__}")
    c.setProducer(f"converter {__version__} (reportlab)")
    last_level = -1
    for pg in pagination.pages:
        last_level = paint_page(c, pg, names, last_level, glyph_fonts)
    if any(pg.bookmarks for pg in pagination.pages):
        c.showOutline()
    c.save()


def _timestamp(epoch: int) -> TimeStamp:
    ts = TimeStamp(invariant=1)
    lt = time.gmtime(epoch)
    ts.t, ts.lt, ts.YMDhms = epoch, lt, tuple(lt)[:6]
    ts.dhh = ts.dmm = 0
    ts.tzname = "UTC"
    return ts
