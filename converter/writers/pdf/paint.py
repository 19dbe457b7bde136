"""The layout's pages painted on reportlab's canvas: text runs, rules, images, links,
anchors and bookmarks, exactly where the layout put them."""
from __future__ import annotations

import re
from functools import lru_cache
from weakref import WeakKeyDictionary

from reportlab.lib.colors import HexColor
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ...fonts.faces import SYNTHETIC_BOLD_STROKE
from ...fonts.find import FontFace
from ...layout import Page, TextLine
from ...layout.pages import glyph_key
from .reading import span_text
from .reading import page_reads_left_to_right

#: the width a page's rules start with
DEFAULT_RULE_WIDTH = 0.5


def paint_page(c: Canvas, page: Page, names: dict[FontFace, str], last_level: int,
               glyph_fonts: dict | None = None) -> int:
    """Paint one page (and end it); returns the outline level of its last bookmark."""
    for b in page.bookmarks:
        c.bookmarkPage(b.key, fit="XYZ", left=0, top=b.top)
        level = min(b.level, last_level + 1)  # outlines cannot skip a level
        c.addOutlineEntry(b.title, b.key, level=level, closed=False)
        last_level = level
    for im in page.images:
        if im.vector:
            draw_svg(c, im.path, im.x, im.y, im.width, im.height)
            continue
        # an ImageReader, not the path: reportlab names the image after what it is given,
        # and the same picture must give the same bytes wherever the source lives
        c.drawImage(ImageReader(str(im.raster or im.path)), im.x, im.y, im.width, im.height, mask="auto")
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
    # poppler reads a page in the direction most of its characters have (reading.py)
    ltr = not any(line.text for line in page.lines) or page_reads_left_to_right(
        line.text or "".join(run.text for run in line.runs) for line in page.lines)
    for line in page.lines:
        paint_line(c, line, names, glyph_fonts or {}, ltr)
    c.showPage()
    return last_level


def draw_svg(c: Canvas, svg, x: float, y: float, width: float, height: float) -> None:
    """A sanitised SVG (model.svg) drawn as vector graphics in its box: svglib turns it into a
    reportlab drawing, which renderPDF paints with PDF operators."""
    from reportlab.graphics import renderPDF
    from svglib.svglib import svg2rlg

    drawing = svg2rlg(str(svg))
    if drawing is None or not drawing.width or not drawing.height:
        return
    # the drawing's initial font is the page's own (embedded), not reportlab's Helvetica; an SVG
    # with text is not drawn here but as its raster (model.svg): its fonts are not ours to embed
    drawing.initialFontName, drawing.initialFontSize = c._fontname, c._fontsize
    c.saveState()
    c.translate(x, y)
    c.scale(width / drawing.width, height / drawing.height)
    renderPDF.draw(drawing, c, 0, 0)
    c.restoreState()


def paint_line(c: Canvas, line: TextLine, names: dict[FontFace, str], glyph_fonts: dict,
               ltr: bool = True) -> None:
    """One text object per line, one text operator per run (character spacing for its gaps).
    A line with right-to-left text, and on a page poppler reads right to left (not ``ltr``) a
    line whose reading would change, says in an ActualText span what poppler must read to give
    its text back in logical order (reading.py)."""
    text = c.beginText()
    direct = text._enforceColorSpace is None  # no colour conversion asked: plain runs are written directly
    said = None
    if line.text:
        said = span_text(line.text, ltr)
    elif not ltr:  # a line without right-to-left text: drawn in logical order
        logical = "".join(run.text for run in line.runs)
        said = span_text(logical, ltr)
        said = None if said == logical else said  # read as drawn: no span needed
    if said is not None:  # reportlab has no API for marked content: the operators go in the text object's code
        text._code.append(f"/Span <</ActualText <{actual_text(said)}>>> BDC")
    for run in line.runs:
        if run.embolden:
            embolden(text, run)
        if run.glyphs is not None:
            paint_shaped(text, run, *glyph_fonts[run.face], spans=said is None)
        elif direct and plain_run(text, run, names[run.face]):
            pass
        else:
            text.setTextOrigin(run.x, run.baseline + run.rise)
            text.setFont(names[run.face], run.size)
            text.setFillColor(HexColor(run.color))
            text.setCharSpace(run.spacing)
            text.textOut(run.text)
        if run.embolden:
            text.setTextRenderMode(0)
        if run.anchor:
            c.bookmarkPage(run.anchor.name, fit="XYZ", left=run.anchor.x, top=run.anchor.top)
        if run.link:
            if run.link.internal:  # a place in this document: a heading, a note
                c.linkRect("", run.link.target[1:], run.link.rect, relative=0, thickness=0)
            else:
                c.linkURL(run.link.target, run.link.rect, relative=0, thickness=0)
    if said is not None:
        text._code.append("EMC")
    c.drawText(text)


def plain_run(text, run, font_name: str) -> bool:
    """A run of characters (not shaped) in a TrueType font, written into the text object's code
    as the operators reportlab's setTextOrigin, setFont, setFillColor, setCharSpace and textOut
    write, byte for byte, without their per-call work (reportlab's ``_formatText`` costs a
    third of a large PDF's drawing); False (nothing written) for a font of another kind."""
    font = getFont(font_name)
    if not font._dynamicFont:
        return False
    doc = text._canvas._doc
    fill = _FILLS.get(run.color)
    if fill is None:
        color = HexColor(run.color)
        fill = _FILLS[run.color] = "%s rg" % fp_str((color.red, color.green, color.blue))
    doc.ensureMinPdfVersion("transparency")  # as setFillColor's opaque alpha does
    # one entry for the four operators: the text object joins its code with spaces
    text._code.append(f"1 0 0 1 {fp_str(run.x, run.baseline + run.rise)} Tm {fill} {fp_str(run.spacing)} Tc "
                      + _encoder(font, doc).show(run.text, run.size, doc))
    text._fontname, text._fontsize, text._leading, text._curSubset = font_name, run.size, run.size * 1.2, -1
    return True


#: a colour's fill operator, by "#rrggbb"
_FILLS: dict[str, str] = {}


class _Encoder:
    """One TrueType font's characters in one PDF as reportlab numbers them: ``show`` gives what
    reportlab's textOut writes for a text (its subsets' Tf, then Tj of the codes), from a
    table of the characters reportlab has numbered (TTFont.State.assignments); a text with a
    character it has not numbered yet goes through reportlab's own splitString, which numbers
    it (the same numbers, in the same order, as painting with textOut alone)."""

    def __init__(self, font):
        self.font = font  # the document is passed in, never held: it is the weak key of _ENCODERS
        self.table: dict[int, str] = {}  # code point → the character whose code is reportlab's number
        self.known: set[str] = set()
        self.names: list[str] = []  # subset → its font resource name
        self.heads: dict[float, str] = {}  # size → "size Tf leading TL"

    def show(self, s: str, size: float, doc) -> str:
        head = self.heads.get(size)
        if head is None:
            head = self.heads[size] = f"{fp_str(size)} Tf {fp_str(size * 1.2)} TL"
        if not self.known.issuperset(s):
            return self._split(s, head, doc)
        coded = s.translate(self.table)
        if not coded:
            return ""
        last = ord(max(coded)) >> 8
        names = self.names if len(self.names) > last else self._names(last, doc)
        if last == 0:  # one subset, the first: the usual case
            return f"{names[0]} {head} ({escapePDF(coded.encode('latin-1'))}) Tj"
        raw = coded.encode("utf-32-be")[3::4]  # each code's low byte: its number in its subset
        return " ".join([f"{names[ord(coded[a]) >> 8]} {head} ({escapePDF(raw[a:b])}) Tj"
                         for a, b in map(_SPAN, _subset_runs(last).finditer(coded))])

    def _split(self, s: str, head: str, doc) -> str:
        """reportlab's own way (textobject._formatText), and what it numbered noted."""
        font = self.font
        parts = []
        for subset, t in font.splitString(s, doc):
            parts.append(f"{font.getSubsetInternalName(subset, doc)} {head}")
            parts.append(f"({escapePDF(t)}) Tj")
        assignments = font.state[doc].assignments
        for ch in set(s):
            code = 32 if ch == "\xa0" else ord(ch)  # splitString draws a no-break space as a space
            n = assignments.get(code)
            if n is not None:
                self.table[ord(ch)] = chr(n)
                self.known.add(ch)
        return " ".join(parts)

    def _names(self, last: int, doc) -> list[str]:
        """The resource names of subsets 0 … ``last`` (reportlab's getSubsetInternalName)."""
        while len(self.names) <= last:
            self.names.append(self.font.getSubsetInternalName(len(self.names), doc))
        return self.names


_SPAN = re.Match.span
#: the encoders of a PDF being drawn, by font name (dropped with the document)
_ENCODERS: WeakKeyDictionary = WeakKeyDictionary()


def _encoder(font, doc) -> _Encoder:
    held = _ENCODERS.get(doc)
    if held is None:
        held = _ENCODERS[doc] = {}
    enc = held.get(font.fontName)
    if enc is None:
        enc = held[font.fontName] = _Encoder(font)
    return enc


@lru_cache(maxsize=64)
def _subset_runs(last: int) -> re.Pattern:
    """Runs of codes of one subset (256 codes each), for subsets 0 … ``last``."""
    return re.compile("|".join(f"[{chr(k * 256)}-{chr(k * 256 + 255)}]+" for k in range(last + 1)))


def embolden(text, run) -> None:
    """A synthetic bold: the glyphs filled and stroked in their colour (render mode 2), the
    stroke SYNTHETIC_BOLD_STROKE of an em wide — the usual faux bold of PDF producers."""
    text.setTextRenderMode(2)
    text.setStrokeColor(HexColor(run.color))
    text._code.append(f"{run.size * SYNTHETIC_BOLD_STROKE:.3f} w")  # reportlab's text object has no line width


def paint_shaped(text, run, font_name: str, codes: dict, spans: bool = True) -> None:
    """A shaped run: each glyph by id (its glyph font's character) at its place. The glyph
    font's ToUnicode map says which text each glyph stands for (fonts.glyphfont), so that a
    reader copies (and pdftotext extracts) the words as written; a left-to-right cluster whose
    glyphs do not match its characters one to one (a conjunct, a split vowel) says its text in
    a marked-content span's ActualText instead.

    Text extractors (poppler, Acrobat) put right-to-left text in logical order themselves from
    the places of its characters, as in any PDF; the layout gives each character of a
    right-to-left cluster a glyph of its own, and each mark an origin after its letter
    (layout.reading), because poppler reverses a text of several
    characters too. ``spans``: False inside a line's own ActualText span (spans do not nest)."""
    text.setFont(font_name, run.size)
    text.setFillColor(HexColor(run.color))
    text.setCharSpace(0)
    for chars, glyphs in run.glyphs:
        actual = spans and all(not g[4] for g in glyphs)
        if actual:  # reportlab has no API for marked content: the operators go in the text object's code
            text._code.append(f"/Span <</ActualText <{actual_text(chars)}>>> BDC")
        # in the order they are seen, as HarfBuzz gives them (a right-to-left cluster's marks
        # before its base): text extractors read a line in that order (layout.reading.mark_origin)
        for glyph in glyphs:
            text.setTextOrigin(glyph[1], run.baseline + run.rise + glyph[2])
            text.textOut(codes[glyph_key(glyph)])
        if actual:
            text._code.append("EMC")


def actual_text(s: str) -> str:
    """A PDF text string in UTF-16BE with its byte-order mark, as hex digits (PDF 1.7 §7.9.2.2)."""
    return "FEFF" + s.encode("utf-16-be").hex().upper()
