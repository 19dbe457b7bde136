"""The PDF writer: paints the layout's pages on reportlab's canvas.

It lays nothing out itself (converter.layout does): it embeds the faces the layout uses
(fonts.py), paints each page as the layout finishes it (paint.py) and writes the metadata and
the outline.
"""
from __future__ import annotations

import time
from pathlib import Path

from lxml import etree

from .. import reportlab_unshaped  # noqa: F401  (first: reportlab without HarfBuzz, see there)
from reportlab import rl_config
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfdoc import PDFBase85Encode, PDFPage, PDFStream, PDFZCompress
from reportlab.pdfgen.canvas import Canvas

from ... import __version__
from ...context import BuildContext
from ...fonts.find import FontFace
from ...layout import Page, PageFaces, Pagination, Painter, lay_out
from ...model import XML_LANG
from ...model.outline import metadata
from ...style import ResolvedStyle
from .fonts import prefetch as prefetch_fonts, register, register_glyph_fonts
from .paint import paint_page

#: streams (pages, pictures) deflated only, without reportlab's ASCII85 on top: a PDF is binary
#: anyway (its fonts are), and base-85 text is a quarter larger than the bytes it encodes and
#: costs a pass over them (a 640-page PDF 2.03 → 1.76 MB). reportlab reads it as streams are
#: made and written, process-wide: every PDF this process writes is the same whatever its order
rl_config.useA85 = 0


class PdfWriter:
    suffix = ".pdf"
    paints_pages = True  # the pipeline hands it the pages as they are laid out (page_sink)

    def write(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> None:
        """Paint the document: the pages the context holds, else laid out here, each painted as
        it is finished."""
        if ctx.pagination is not None and ctx.pagination.pages:
            draw(ctx.pagination, doc, style, target, ctx)
        else:
            lay_out(doc, style, ctx.base_dir, [self.page_sink(doc, style, target, ctx)])

    def prefetch(self, faces: dict[FontFace, frozenset[str]], ctx: BuildContext) -> None:
        """Make the fonts a painter opened with these faces will register (cache files only)."""
        prefetch_fonts(faces, ctx.cache)

    def page_sink(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> Painter:
        """A painter the layout opens with the faces and hands each page to (layout.lay_out)."""
        return lambda faces: PdfPages(faces, doc, style, target, ctx)


class PdfPages:
    """A PDF painted a page at a time: the fonts registered and the canvas opened first, each
    page painted (and let go) as it comes, the outline and the file written at the close."""

    def __init__(self, faces: PageFaces, doc: etree._Element, style: ResolvedStyle, target: Path,
                 ctx: BuildContext) -> None:
        self.names = register(faces.faces, ctx.cache)
        self.glyph_fonts = register_glyph_fonts(faces.glyph_ids, ctx.cache)
        page = style.page
        lang = doc.get(XML_LANG, "und")
        initial = self.names.get(faces.body_face) or next(iter(self.names.values()))  # so no Helvetica is referenced
        c = self.canvas = Canvas(str(target), pagesize=(page.width, page.height), invariant=1, pageCompression=1,
                                 lang=lang, initialFontName=initial, initialFontSize=10)
        c._doc._timeStamp = _timestamp(ctx.epoch)  # dates from SOURCE_DATE_EPOCH or the document
        meta = metadata(doc)
        c.setTitle(meta.title)
        c.setAuthor("; ".join(meta.authors))
        c.setSubject(meta.subject or meta.subtitle or "")
        c.setKeywords(", ".join(meta.keywords))
        c.setCreator(f"converter {__version__}")
        c.setProducer(f"converter {__version__} (reportlab)")
        self.last_level = -1
        self.outline = False

    def page(self, pg: Page) -> None:
        self.last_level = paint_page(self.canvas, pg, self.names, self.last_level, self.glyph_fonts)
        self.outline = self.outline or bool(pg.bookmarks)
        _compress_now(self.canvas._doc.Pages.pages[-1])

    def close(self, pagination: Pagination | None = None) -> None:
        if self.outline:
            self.canvas.showOutline()
        self.canvas.save()


class _Applied:
    """A stream filter already applied (_compress_now): its name, and the content as it is."""

    def __init__(self, pdfname: str):
        self.pdfname = pdfname

    def encode(self, content: bytes) -> bytes:
        return content


def _compress_now(page: PDFPage) -> None:
    """Encode a painted page's content stream at once, as reportlab would when it writes the
    file (its filters, in its order, so the same bytes): until then it holds every page's
    operators, some 20 kB of text a page; compressed they are a fraction of that."""
    if page.Contents is not None or not page.stream or not page.compression:
        return  # not a stream reportlab encodes by itself: left to it
    filters = [PDFBase85Encode, PDFZCompress] if rl_config.useA85 else [PDFZCompress]  # as PDFPage.check_format
    content = page.stream
    for f in reversed(filters):
        content = f.encode(content)
    stream = PDFStream(content=content, filters=[_Applied(f.pdfname) for f in filters])
    stream.__Comment__ = "page stream"
    page.Contents, page.stream = stream, None


def draw(pagination: Pagination, doc: etree._Element, style: ResolvedStyle, target: Path,
         ctx: BuildContext) -> None:
    """Write the PDF of pages laid out and kept (``pagination.pages``)."""
    pdf = PdfPages(PageFaces(pagination.faces, pagination.body_face, pagination.glyph_ids), doc, style, target, ctx)
    for pg in pagination.pages:
        pdf.page(pg)
    pdf.close(pagination)


def _timestamp(epoch: int) -> TimeStamp:
    ts = TimeStamp(invariant=1)
    lt = time.gmtime(epoch)
    ts.t, ts.lt, ts.YMDhms = epoch, lt, tuple(lt)[:6]
    ts.dhh = ts.dmm = 0
    ts.tzname = "UTC"
    return ts
