"""Making a face embeddable where the writer needs TrueType outlines (reportlab refuses CFF).

A CFF face (Noto Serif/Sans CJK) is subset to the characters a document uses and its
outlines converted to quadratic TrueType curves (fontTools' cu2qu). The result is cached on
disk by face and character set, so building the same document again costs nothing.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

from .find import FontFace

CACHE_VERSION = "2"
MAX_ERR = 1.0  # cu2qu approximation error in font units


@lru_cache(maxsize=64)
def is_truetype(face: FontFace) -> bool:
    """True when the face has TrueType (glyf) outlines; False for CFF (PostScript) outlines."""
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        return "glyf" in font


def truetype_file(face: FontFace, chars: set[str], cache: Path) -> tuple[Path, int]:
    """A TrueType file (and index in it) that draws ``chars`` with this face.

    TrueType faces are used as they are; CFF faces are subset and converted, once per
    face and character set (cached in ``cache``).
    """
    if is_truetype(face):
        return Path(face.path), face.index
    st = os.stat(face.path)
    key = hashlib.sha256(
        "\0".join([CACHE_VERSION, face.path, str(face.index), str(st.st_size), str(st.st_mtime_ns),
                   "".join(sorted(chars))]).encode()
    ).hexdigest()[:24]
    target = cache / "fonts" / f"{face.key}-{key}.ttf"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        font = _subset(face, chars)
        _cff_to_glyf(font)
        _rename(font, key[:8])
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        os.close(fd)
        try:
            font.save(tmp)
            os.replace(tmp, target)  # atomic: parallel builds never see half a font
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return target, 0


def _subset(face: FontFace, chars: set[str]) -> TTFont:
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = []  # reportlab sets glyphs one by one: no GSUB/GPOS needed
    options.drop_tables += ["VORG", "GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx"]
    font = TTFont(face.path, fontNumber=face.index, lazy=False, recalcTimestamp=False)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    return font


def _rename(font: TTFont, suffix: str) -> None:
    """Give a subset its own PostScript name: PDF tools (and reportlab, which reuses the first
    font registered under a PostScript name) must not mistake one subset for another."""
    name = font["name"]
    ps = name.getDebugName(6) or "Font"
    for record in name.names:
        if record.nameID == 6:
            record.string = f"{ps}-{suffix}"


def _cff_to_glyf(font: TTFont) -> None:
    """Replace CFF outlines by TrueType ones (after fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    font["maxp"] = maxp
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and reportlab does not need them
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
