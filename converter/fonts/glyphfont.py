"""Fonts that draw glyphs by id, for painters whose libraries draw characters only.

Shaped text (layout.shaping) is a list of glyph ids: a conjunct, a joining Arabic form or a
ligature has no character of its own. reportlab and Pillow draw characters through a face's
character map, so each face that draws shaped glyphs gets a subset holding just those
glyphs, with a character map of its own: the k-th glyph at the private-use code point
U+E000 + k. The painter draws those code points (and says what text they stand for: the PDF's
ActualText). Subsets are cached on disk like every other (fonts.subset).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import cmap_format_4

from .find import FontFace
from .subset import _cached, _cff_to_glyf, _options, _rename

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
    codes: dict[tuple[int, str], str]  # (glyph id in the face, text) → the character that draws it
    texts: dict[str, str]  # that character → the text it stands for ("": none, see ActualText)


def glyph_font(face: FontFace, glyphs: dict[tuple[int, str], int], cache: Path) -> GlyphFont:
    """The glyph font of ``face`` for ``glyphs`` ((glyph id, text) → its advance as shaped, in
    font units), cached. Each glyph advances as it was shaped (a mark placed on its base: 0),
    so a PDF's widths and a text extractor's idea of where each glyph ends match the drawing."""
    order = sorted(glyphs)[:PUA_SIZE]
    codes = {key: chr(PUA_START + k) for k, key in enumerate(order)}

    def make(key: str) -> TTFont:
        from fontTools import subset  # 0.05 s to import: only when a glyph font is made

        font = TTFont(face.path, fontNumber=face.index, lazy=True, recalcTimestamp=False)
        names = [font.getGlyphName(g) for g, _ in order]
        options = _options(hinting=False)
        options.layout_features = []  # the glyphs are already shaped
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG", "vhea", "vmtx"]
        options.glyph_names = True  # the glyphs are found again by name below
        options.notdef_outline = True
        sub = subset.Subsetter(options)
        sub.populate(glyphs=sorted(set(names)))
        sub.subset(font)
        if "CFF " in font:
            _cff_to_glyf(font)  # reportlab embeds TrueType outlines only
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

    # the cache key names every glyph, text and advance (escaped: no two sets give one key)
    path = _cached(face, {repr(g) + ";" for g in sorted(glyphs.items())}, cache / "glyphfonts", "glyphs",
                   ".ttf", make)
    with TTFont(path, lazy=True) as font:
        ps_name = font["name"].getDebugName(6) or path.stem
    return GlyphFont(path, ps_name, codes, {codes[k]: k[1] for k in order})
