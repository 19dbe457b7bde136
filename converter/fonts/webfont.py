"""Web fonts for the e-book: a face subset to a character set, as WOFF2 when brotli is there.

Unlike embed.py (reportlab needs TrueType outlines and no layout tables) the subset keeps the
face's outlines and its layout features, vertical metrics and vertical alternates included
(a reading system shapes the text and may set it vertically).  Subsets are cached on disk by
face file (path, index, size, mtime), character set and format: a rebuild reads the file.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from .embed import is_truetype
from .find import FontFace

CACHE_VERSION = "2"
#: what fontTools' default subset keeps, except "locl": in a CJK face it pulls in every other
#: region's form of each character (Noto Serif CJK SC, the seed: 842 glyphs instead of 523,
#: +65 % bytes), forms a book in the face's own language never shows
DROPPED_FEATURES = {"locl"}


@dataclass(frozen=True)
class WebFont:
    """A subset on disk and what a package manifest and an @font-face rule say of it."""

    path: Path
    extension: str  # ".woff2", ".otf", ".ttf"
    media_type: str  # font/woff2, font/otf, font/ttf (EPUB 3.2 core media types)


@lru_cache(maxsize=1)
def woff2_available() -> bool:
    """fontTools writes WOFF2 only with the brotli module (the ``brotli`` package)."""
    try:
        import brotli  # noqa: F401
    except ImportError:
        return False
    return True


def web_font(face: FontFace, chars: set[str], cache: Path) -> WebFont:
    """The subset of ``face`` that draws ``chars`` (plus .notdef), from the cache when built before."""
    if woff2_available():
        extension, media_type, flavor = ".woff2", "font/woff2", "woff2"
    elif is_truetype(face):
        extension, media_type, flavor = ".ttf", "font/ttf", None
    else:
        extension, media_type, flavor = ".otf", "font/otf", None
    st = os.stat(face.path)
    key = hashlib.sha256("\0".join([
        CACHE_VERSION, face.path, str(face.index), str(st.st_size), str(st.st_mtime_ns), extension,
        "".join(sorted(chars)),
    ]).encode()).hexdigest()[:24]
    target = cache / "webfonts" / f"{face.key}-{key}{extension}"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        font = _subset(face, chars)
        font.flavor = flavor
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        os.close(fd)
        try:
            font.save(tmp)
            os.replace(tmp, target)  # atomic: a parallel build never reads half a font
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return WebFont(target, extension, media_type)


def _subset(face: FontFace, chars: set[str]) -> TTFont:
    options = subset.Options()
    options.layout_features = [f for f in options.layout_features if f not in DROPPED_FEATURES]
    options.notdef_outline = True
    options.hinting = False  # reading systems rasterize without TrueType hints; saves bytes
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: unknown to the subsetter, which says so
    # lazy: tables and glyphs are read as the subsetter asks for them; lazy=False decompiles all
    # 60,000+ glyphs of a CJK TrueType face first (HanaMinB: 10 s instead of 0.3 s).
    # recalcTimestamp=False: head.modified stays the face's own, so the bytes never change.
    font = TTFont(face.path, fontNumber=face.index, lazy=True, recalcTimestamp=False)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    if "CFF " in font:
        # as subset.py does: the CFF FontName must be the PostScript name (name ID 6); the faces
        # of a Noto CJK collection share one CFF named for Japanese (NotoSerifCJKjp-Regular)
        ps = font["name"].getDebugName(6)
        if ps:
            font["CFF "].cff.fontNames = [ps]
    return font
