"""The PDF writer: the model laid out on the style's pages with reportlab's canvas.

Packaging (fonts, metadata, bookmarks, page numbers) lives here; the model is translated to
blocks by pdf_blocks, broken into lines by linebreak and placed on pages by pdf_layout.
"""
from __future__ import annotations

import time
from functools import lru_cache
from dataclasses import replace
from pathlib import Path

from lxml import etree
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader, TimeStamp
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .. import __version__
from ..context import BuildContext
from ..model import XML_LANG
from ..model.outline import metadata
from ..style import ResolvedStyle
from .linebreak import set_line
from .pdf_blocks import BlockTranslator, Para, SignatureBlock, Span, TableBlock
from .pdf_fonts import FontBook
from .pdf_layout import ASCENT, Ink, Layout, Page

PAGE_DIGITS = "0123456789"


class PdfWriter:
    suffix = ".pdf"

    def write(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> None:
        lang = doc.get(XML_LANG, "und")
        blocks = BlockTranslator(style, ctx.base_dir, lang).translate(doc)
        fonts = FontBook(style, ctx.cache, wide_quotes=lang.lower().startswith(("zh", "ja", "ko")))
        number_role = _page_number_role(style)
        for span in _all_spans(blocks):
            fonts.collect(span.text, span.role)
        if number_role is not None:
            fonts.collect(style.page.number.format.replace("{n}", PAGE_DIGITS), number_role)
        fonts.register()
        pages = Layout(style, fonts).run(blocks)
        _draw(pages, doc, style, fonts, number_role, target, ctx, lang)
        ctx.shared["pdf_pages"] = len(pages)
        ctx.shared["pdf_page_starts"] = page_starts(pages)


def page_starts(pages: list[Page]) -> list[tuple[int, int]]:
    """(page number, position of its first source character) for every page that has one.

    Positions count the model's non-whitespace characters (model.text_positions), so another
    writer can mark where each printed page begins (the EPUB's print page list). The first
    character is the first in reading order; a page that starts with text moved out of order
    (notes gathered at the end) has no place in the running text and is left out.
    """
    starts: list[tuple[int, int]] = []
    for pg in pages:
        first = next((g.offset for placed in pg.lines for _, g in placed.line.placed if g.offset is not None), None)
        if first is not None and (not starts or first > starts[-1][1]):
            starts.append((pg.number, first))
    return starts


def _all_spans(blocks) -> list[Span]:
    spans: list[Span] = []
    for b in blocks:
        if isinstance(b, Para):
            spans += b.spans
        elif isinstance(b, SignatureBlock):
            for p in b.issuers + ([b.date] if b.date else []):
                spans += p.spans
        elif isinstance(b, TableBlock):
            for row in b.rows:
                for cell in row:
                    spans += cell.spans
    return spans


def _page_number_role(style: ResolvedStyle):
    pn = style.page.number
    if pn is None:
        return None
    return replace(style.role("body"), fonts=pn.fonts, size=pn.size, bold=False, italic=False)


def _draw(pages: list[Page], doc, style: ResolvedStyle, fonts: FontBook, number_role, target: Path,
          ctx: BuildContext, lang: str) -> None:
    page = style.page
    c = Canvas(str(target), pagesize=(page.width, page.height), invariant=1, pageCompression=1,
               lang=lang, initialFontName=fonts.any_font(), initialFontSize=10)
    c._doc._timeStamp = _timestamp(ctx.epoch)  # dates from SOURCE_DATE_EPOCH or the document
    meta = metadata(doc)
    c.setTitle(meta.title)
    c.setAuthor("; ".join(meta.authors))
    c.setSubject(meta.subject or meta.subtitle or "")
    c.setKeywords(", ".join(meta.keywords))
    c.setCreator(f"converter {__version__}")
    c.setProducer(f"converter {__version__} (reportlab)")
    top = page.height - page.margin_top
    last_level = -1
    for pg in pages:
        for key, title, level, y in pg.bookmarks:
            c.bookmarkPage(key, fit="XYZ", left=0, top=top - y + 4)
            level = min(level, last_level + 1)  # outlines cannot skip a level
            c.addOutlineEntry(title, key, level=level, closed=False)
            last_level = level
        for block, x, y, w, h in pg.images:
            # an ImageReader, not the path: reportlab names the image after what it is given,
            # and the same picture must give the same bytes wherever the source lives
            c.drawImage(ImageReader(str(block.path)), x, top - y - h, w, h, mask="auto")
        c.setLineWidth(0.5)
        for x1, y1, x2, y2 in pg.rules:
            c.line(x1, top - y1, x2, top - y2)
        for placed in pg.lines:
            _draw_line(c, placed.x, top - placed.y, placed.line)
        if number_role is not None and (page.number.first_page or pg.number > 1):
            _draw_page_number(c, pg.number, style, fonts, number_role)
        c.showPage()
    if any(pg.bookmarks for pg in pages):
        c.showOutline()
    c.save()


def _draw_line(c: Canvas, x0: float, baseline: float, line) -> None:
    """Draw a set line as runs of one ink with even spacing (one text operator per run)."""
    text = c.beginText()
    run: list = []  # [(x, glyph)]
    spacing = 0.0

    def flush():
        if not run:
            return
        ink: Ink = run[0][1].style
        x, first = run[0]
        text.setTextOrigin(x0 + x, baseline + ink.rise)
        text.setFont(ink.font, ink.size)
        text.setFillColor(HexColor(ink.color))
        text.setCharSpace(spacing)
        text.textOut("".join(g.ch for _, g in run))
        if ink.anchor:
            c.bookmarkPage(ink.anchor, fit="XYZ", left=x0 + x, top=baseline + ink.size * 1.5)
        if ink.link:
            last_x, last = run[-1]
            rect = (x0 + x, baseline - ink.size * 0.2, x0 + last_x + last.advance, baseline + ink.size * 0.85)
            if ink.link.startswith("#"):  # a place in this document: a heading, a note
                c.linkRect("", ink.link[1:], rect, relative=0, thickness=0)
            else:
                c.linkURL(ink.link, rect, relative=0, thickness=0)

    for x, g in line.placed:
        if run:
            px, pg = run[-1]
            natural = _natural(pg)
            gap = x - px - natural
            same = g.style == run[0][1].style
            if same and (len(run) == 1 or abs(gap - spacing) < 0.005):
                spacing = gap if len(run) == 1 else spacing
                run.append((x, g))
                continue
            flush()
        run = [(x, g)]
        spacing = 0.0
    flush()
    c.drawText(text)


def _natural(g) -> float:
    """The advance the PDF viewer gives a glyph before character spacing (Tc)."""
    return _width(g.ch, g.style.font, g.style.size)


@lru_cache(maxsize=65536)
def _width(ch: str, font: str, size: float) -> float:
    return stringWidth(ch, font, size)


def _draw_page_number(c: Canvas, n: int, style: ResolvedStyle, fonts: FontBook, role) -> None:
    """GB/T 9704 §7.5: 4号 digits between dashes, 7 mm under the type area; odd pages right
    one character in, even pages left one character in (position "outside")."""
    pn = style.page.number
    page = style.page
    layout = Layout.__new__(Layout)  # only its glyph measuring is needed here
    layout.fonts, layout.style, layout.grid = fonts, style, None
    from .linebreak import Line, make_units

    glyphs = layout.glyphs([Span(pn.format.replace("{n}", str(n)), role)])
    line = Line(make_units(glyphs), last=True)
    set_line(line, 1e6, "left")
    width = sum(g.advance for g in glyphs)
    odd = n % 2 == 1
    left_margin = page.margin_outside if (page.mirror and not odd) else page.margin_inside
    right_edge = left_margin + page.text_width
    position = pn.position
    if position == "outside":
        position = "right" if odd else "left"
    elif position == "inside":
        position = "left" if odd else "right"
    if position == "right":
        x = right_edge - pn.indent - width
    elif position == "left":
        x = left_margin + pn.indent
    else:
        x = left_margin + (page.text_width - width) / 2
    baseline = page.margin_bottom - pn.distance - ASCENT * pn.size
    _draw_line(c, x, baseline, line)


def _timestamp(epoch: int) -> TimeStamp:
    ts = TimeStamp(invariant=1)
    lt = time.gmtime(epoch)
    ts.t, ts.lt, ts.YMDhms = epoch, lt, tuple(lt)[:6]
    ts.dhh = ts.dmm = 0
    ts.tzname = "UTC"
    return ts
