"""The PDF's fonts: every face the layout used, registered with reportlab as a cached TrueType
subset (CFF faces converted: reportlab embeds TrueType outlines only), reportlab's ToUnicode fix, and its font programs
deflated once (``_deflated``)."""
from __future__ import annotations

import hashlib
import zlib
from functools import partial
from pathlib import Path

from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from ... import parallel
from ...cachefiles import cache_dir, read_checked_cache_file, write_checked_cache_file
from ...fonts.find import FontFace
from ...fonts.subset import pdf_subset, pdf_subset_cached, subset_cost


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, but with characters beyond U+FFFF as UTF-16 surrogate pairs.

    reportlab writes ``<%04X>``, which for CJK Extension B (𠀀 U+20000) gives five hex digits
    that PDF readers misread: the glyph is drawn but the text layer loses or garbles it.
    """
    def utf16(cp: int) -> str:
        return chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()

    texts = GLYPH_TEXTS.get(fontname.split("+", 1)[-1], {})

    def dest(cp: int) -> str:
        t = texts.get(chr(cp))
        return "".join(utf16(ord(c)) for c in t) if t else utf16(cp)

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", "<< /Registry (%s)" % fontname, "/Ordering (%s)" % fontname,
        "/Supplement 0", ">> def", "/CMapName /%s def" % fontname, "/CMapType 2 def",
        "1 begincodespacerange", "<00> <%02X>" % (len(subset) - 1), "endcodespacerange",
        "%d beginbfchar" % len(subset),
    ] + ["<%02X> <%s>" % (i, dest(v)) for i, v in enumerate(subset)] + [
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


class _FontProgram(bytes):
    """The bytes of a font program reportlab embeds (its subset of one of our fonts): deflated
    from the cache (``_deflated``) when the PDF is written."""


def _deflated(program: bytes) -> bytes:
    """zlib's deflation of a font program, as reportlab's FlateDecode filter makes it, kept on
    disk by the program's sha256 (and zlib's version: another version may deflate otherwise):
    an unchanged document's rebuild reads its font streams instead of deflating them again
    (the seed: 0.013 s, most of the PDF's compression). A file cut short or altered (its own
    sha256 follows the deflated bytes) is deflated again."""
    key = hashlib.sha256(b"%s\0%s" % (zlib.ZLIB_RUNTIME_VERSION.encode(), program)).hexdigest()[:32]
    path = cache_dir() / "pdf-font-streams" / f"{key}.z"
    data = read_checked_cache_file(path)
    if data is None:
        data = zlib.compress(bytes(program))
        write_checked_cache_file(path, data)
    return data


_make_subset = ttfonts.TTFontFile.makeSubset
_flate_encode = pdfdoc.PDFZCompress.encode
ttfonts.TTFontFile.makeSubset = lambda self, subset: _FontProgram(_make_subset(self, subset))
pdfdoc.PDFZCompress.encode = lambda text: _deflated(text) if isinstance(text, _FontProgram) else _flate_encode(text)
#: the text each character of a glyph font stands for, by the font's PostScript name
#: (fonts.glyphfont): what its ToUnicode map says instead of the private-use character
GLYPH_TEXTS: dict[str, dict[str, str]] = {}

#: reportlab's font registry is process-wide: remember what this process registered
_registered: dict[tuple[str, int], str] = {}


def _subsets(faces: dict[FontFace, frozenset[str]]) -> list[tuple[FontFace, set[str]]]:
    """The subsets the PDF draws with, in the order they are made: (face, characters)."""
    return [(face, set(chars) | {" "})
            for face, chars in sorted(faces.items(), key=lambda kv: (kv[0].path, kv[0].index, kv[0].weight))]


def prefetch(faces: dict[FontFace, frozenset[str]], cache: Path) -> None:
    """Make the subsets ``register`` will ask for, in a second process while the build lays
    the pages out (pipeline.Early): from the last, the build's own ``register`` taking them
    from the first, so that the two meet wherever the work divides (a subset one of them is
    making, the other waits for: fonts.subset)."""
    for face, chars in reversed(_subsets(faces)):
        pdf_subset(face, chars, cache)


def register(faces: dict[FontFace, frozenset[str]], cache: Path) -> dict[FontFace, str]:
    """Register every face with reportlab; face → the font name to draw with."""
    ordered = _subsets(faces)
    # the subsets not cached yet, about half of them made by a second process when allowed
    parallel.share((subset_cost(chars), partial(pdf_subset, face, chars, cache))
                   for face, chars in ordered if not pdf_subset_cached(face, chars, cache))
    names: dict[FontFace, str] = {}
    for face, chars in ordered:
        path, index = pdf_subset(face, chars, cache)
        # a subset: its own name, so two documents in one process do not clash
        name = face.key + "-" + hashlib.sha1(str(path).encode()).hexdigest()[:8]
        if (str(path), index) not in _registered:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
            _registered[(str(path), index)] = name
        names[face] = _registered[(str(path), index)]
    return names


def register_glyph_fonts(glyph_ids: dict[FontFace, dict[tuple[int, str], int]],
                         cache: Path) -> dict[FontFace, tuple[str, dict]]:
    """Register a glyph font (fonts.glyphfont) for every face that draws shaped glyphs;
    face → (font name, (glyph id, text) → the character that draws it)."""
    if not glyph_ids:
        return {}  # nothing shaped: fontTools' subsetter (0.05 s to import) is not needed
    from ...fonts.glyphfont import glyph_font

    out: dict[FontFace, tuple[str, dict]] = {}
    for face, gids in sorted(glyph_ids.items(), key=lambda kv: (kv[0].path, kv[0].index, kv[0].weight)):
        gf = glyph_font(face, gids, cache)
        GLYPH_TEXTS[gf.ps_name] = gf.texts
        name = "G-" + face.key + "-" + hashlib.sha1(str(gf.path).encode()).hexdigest()[:8]
        if (str(gf.path), 0) not in _registered:
            pdfmetrics.registerFont(TTFont(name, str(gf.path)))
            _registered[(str(gf.path), 0)] = name
        out[face] = (_registered[(str(gf.path), 0)], gf.codes)
    return out
