"""The layout's pages painted on reportlab's canvas: text runs, rules, images, links,
anchors and bookmarks, exactly where the layout put them."""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ...fonts.find import FontFace
from ...layout import Page, TextLine

#: the width a page's rules start with
DEFAULT_RULE_WIDTH = 0.5


def paint_page(c: Canvas, page: Page, names: dict[FontFace, str], last_level: int) -> int:
    """Paint one page (and end it); returns the outline level of its last bookmark."""
    for b in page.bookmarks:
        c.bookmarkPage(b.key, fit="XYZ", left=0, top=b.top)
        level = min(b.level, last_level + 1)  # outlines cannot skip a level
        c.addOutlineEntry(b.title, b.key, level=level, closed=False)
        last_level = level
    for im in page.images:
        # an ImageReader, not the path: reportlab names the image after what it is given,
        # and the same picture must give the same bytes wherever the source lives
        c.drawImage(ImageReader(str(im.path)), im.x, im.y, im.width, im.height, mask="auto")
    width = DEFAULT_RULE_WIDTH
    c.setLineWidth(width)
    color = "#000000"
    for r in page.rules:
        if r.width != width:
            width = r.width
            c.setLineWidth(width)
        if r.color != color:
            color = r.color
            c.setStrokeColor(HexColor(color))
        c.line(r.x1, r.y1, r.x2, r.y2)
    for line in page.lines:
        paint_line(c, line, names)
    c.showPage()
    return last_level


def paint_line(c: Canvas, line: TextLine, names: dict[FontFace, str]) -> None:
    """One text object per line, one text operator per run (character spacing for its gaps)."""
    text = c.beginText()
    for run in line.runs:
        text.setTextOrigin(run.x, run.baseline + run.rise)
        text.setFont(names[run.face], run.size)
        text.setFillColor(HexColor(run.color))
        text.setCharSpace(run.spacing)
        text.textOut(run.text)
        if run.anchor:
            c.bookmarkPage(run.anchor.name, fit="XYZ", left=run.anchor.x, top=run.anchor.top)
        if run.link:
            if run.link.internal:  # a place in this document: a heading, a note
                c.linkRect("", run.link.target[1:], run.link.rect, relative=0, thickness=0)
            else:
                c.linkURL(run.link.target, run.link.rect, relative=0, thickness=0)
    c.drawText(text)
