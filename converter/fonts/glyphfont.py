"""Fonts that draw glyphs by id, for painters whose libraries draw characters only.

Shaped text (layout.shaping) is a list of glyph ids: a conjunct, a joining Arabic form or a
ligature has no character of its own. reportlab and Pillow draw characters through a face's
character map, so each face that draws shaped glyphs gets a subset holding just those
glyphs, with a character map of its own: the k-th glyph at the private-use code point
U+E000 + k. The painter draws those code points (and says what text they stand for: the PDF's
ActualText). A mark drawn away from its origin (layout.reading.mark_origin) is a glyph of
its own: a composite of the mark at that offset. Subsets are cached on disk like every other
(fonts.subset).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import cmap_format_4
from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

from .find import FontFace
from .subset import _cached, _cff_to_glyf, _rename

#: the glyph id of an empty glyph (no outline, no advance): a character a glyph of a cluster
#: stands for besides its own (layout.reading.rtl_cluster), and its name in a glyph font
EMPTY_ID, EMPTY = -1, "empty.reading"
#: how glyph fonts are made (part of their cache key)
FORMAT = 3
#: the first private-use code point the glyphs are mapped to (the BMP's area holds 6,400)
PUA_START = 0xE000
PUA_SIZE = 6400


@dataclass(frozen=True)
class GlyphFont:
    """A TrueType file whose private-use characters draw shaped glyphs.

    Each (glyph id, text) pair has its character: the same glyph standing for other text (a
    mark in two words is the same mark; a glyph of a ligature) gets another character, so
    that a PDF's ToUnicode map can say, per character, which text the glyph stands for."""

    path: Path
    ps_name: str  # its own PostScript name (what a PDF calls the font)
    #: (glyph id in the face, text[, x offset, y offset]) → the character that draws it
    codes: dict[tuple, str]
    texts: dict[str, str]  # that character → the text it stands for ("": none, see ActualText)


def glyph_font(face: FontFace, glyphs: dict[tuple, int], cache: Path) -> GlyphFont:
    """The glyph font of ``face`` for ``glyphs`` ((glyph id, text) or (glyph id, text, x offset,
    y offset) → its advance as shaped, in font units), cached. Each glyph advances as it was
    shaped (a mark placed on its base: 0), so a PDF's widths and a text extractor's idea of
    where each glyph ends match the drawing."""
    order = sorted(glyphs)[:PUA_SIZE]
    codes = {key: chr(PUA_START + k) for k, key in enumerate(order)}

    def make(key: str) -> TTFont:
        from fontTools import subset  # 0.05 s to import: only when a glyph font is made

        font = TTFont(face.path, fontNumber=face.index, lazy=True, recalcTimestamp=False)
        names = [EMPTY if k[0] == EMPTY_ID else font.getGlyphName(k[0]) for k in order]
        options = subset.Options()
        options.name_IDs = ["*"]  # family, style and typographic names: how applications find it
        options.hinting = False
        options.drop_tables += ["FFTM"]  # FontForge's timestamps: unknown to the subsetter, which says so
        options.layout_features = []  # the glyphs are already shaped
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG", "vhea", "vmtx"]
        options.glyph_names = True  # the glyphs are found again by name below
        options.notdef_outline = True
        sub = subset.Subsetter(options)
        sub.populate(glyphs=sorted(set(names) - {EMPTY}))
        sub.subset(font)
        if "CFF " in font:
            _cff_to_glyf(font)  # reportlab embeds TrueType outlines only
            font.recalcBBoxes = True  # glyphs are added below: fontTools works out the bounds
        # an empty or displaced glyph is a glyph of its own for each advance it is read with
        names = [_empty(font, glyphs[k]) if name == EMPTY else
                 _displaced(font, name, k[2:], glyphs[k]) if len(k) > 2 else name for name, k in zip(names, order)]
        table = cmap_format_4(4)
        table.platformID, table.platEncID, table.language = 3, 1, 0
        table.cmap = {PUA_START + k: name for k, name in enumerate(names)}
        cmap = newTable("cmap")
        cmap.tableVersion = 0
        cmap.tables = [table]
        font["cmap"] = cmap
        hmtx = font["hmtx"]
        for glyph, name in zip(order, names):
            hmtx[name] = (max(0, glyphs[glyph]), hmtx[name][1])
        _rename(font, "G" + key[:7])  # its own PostScript name: not the face's, nor another subset's
        return font

    # the cache key names every glyph, text and advance (escaped: no two sets give one key),
    # and how glyph fonts are made (2: displaced and empty glyphs of their own per advance)
    path = _cached(face, {repr(g) + ";" for g in sorted(glyphs.items())} | {f"glyphfont {FORMAT}"},
                   cache / "glyphfonts", "glyphs", ".ttf", make)
    with TTFont(path, lazy=True) as font:
        ps_name = font["name"].getDebugName(6) or path.stem
    return GlyphFont(path, ps_name, codes, {codes[k]: k[1] for k in order})


def _empty(font: TTFont, advance: int) -> str:
    """A glyph without outline that advances ``advance`` (font units), made once."""
    name = f"{EMPTY}.w{advance}"
    if name not in font["glyf"].glyphs:
        _add_glyph(font, name, Glyph())
    return name


def _displaced(font: TTFont, name: str, offset: tuple[int, int], advance: int) -> str:
    """A glyph that draws glyph ``name`` moved by ``offset`` (font units) from its origin and
    advances ``advance``: a composite of one component (made once per name, offset and advance)."""
    new_name = f"{name}.at{offset[0]}_{offset[1]}.w{advance}".replace("-", "m")
    glyf = font["glyf"]
    if new_name in glyf.glyphs:
        return new_name
    component = GlyphComponent()
    component.glyphName = name
    component.x, component.y = offset
    component.flags = 0  # offsets as they are (not rounded to the pixel grid); fontTools sets the argument flags
    glyph = Glyph()
    glyph.numberOfContours = -1
    glyph.components = [component]
    _add_glyph(font, new_name, glyph)
    return new_name


def _add_glyph(font: TTFont, name: str, glyph: Glyph) -> None:
    """Add a glyph that advances nothing to a TrueType font (after its last)."""
    glyf = font["glyf"]
    order = font.getGlyphOrder() + [name]
    font.setGlyphOrder(order)
    glyf.glyphOrder = order
    glyf.glyphs[name] = glyph
    glyph.recalcBounds(glyf)
    # the left side bearing is the outline's left edge (FreeType places the outline by it)
    font["hmtx"].metrics[name] = (0, getattr(glyph, "xMin", 0))
