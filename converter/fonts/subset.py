"""Subsetting a face to the characters a document draws with it, for embedding in a document file.

Unlike embed.py (which serves reportlab and must give TrueType outlines), the subset keeps the
face's own outline format (CFF stays CFF unless ``truetype`` is asked for) and its layout
features, so a word processor shapes the text as it would with the installed font. The result is
cached on disk by face, character set and options, so building the same document again reads the
file instead of subsetting again.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from .embed import _cff_to_glyf, is_truetype
from .find import FontFace

CACHE_VERSION = "2"


def subset_file(face: FontFace, chars: set[str], cache: Path, truetype: bool = False) -> Path:
    """A font file holding only the glyphs of ``chars`` (and .notdef) from ``face``.

    ``truetype``: convert CFF outlines to TrueType ones (for consumers that refuse CFF).
    The same face, characters and options always give the same bytes.
    """
    convert = truetype and not is_truetype(face)
    st = os.stat(face.path)
    key = hashlib.sha256("\0".join([
        CACHE_VERSION, face.path, str(face.index), str(st.st_size), str(st.st_mtime_ns),
        "glyf" if convert else "keep", "".join(sorted(chars)),
    ]).encode()).hexdigest()[:24]
    suffix = ".ttf" if convert or is_truetype(face) else ".otf"
    target = cache / "subsets" / f"{face.key}-{key}{suffix}"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    font = _subset(face, chars)
    if convert:
        _cff_to_glyf(font)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, target)  # atomic: a parallel build never reads half a font
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _subset(face: FontFace, chars: set[str]) -> TTFont:
    options = subset.Options()
    options.name_IDs = ["*"]  # family, style and typographic names: how applications find it
    options.notdef_outline = True
    options.hinting = False  # embedded copies are for display where the font is absent
    options.glyph_names = False
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: fontTools does not subset it, and says so
    # lazy: tables are read as the subsetter asks for them (a quarter faster on a CJK collection)
    font = TTFont(face.path, fontNumber=face.index, lazy=True, recalcTimestamp=False)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    if "CFF " in font:
        # OpenType wants the CFF FontName to be the PostScript name (name ID 6); the faces of a
        # Noto CJK collection share one CFF named for Japanese (NotoSerifCJKjp-Regular)
        ps = font["name"].getDebugName(6)
        if ps:
            font["CFF "].cff.fontNames = [ps]
    return font
