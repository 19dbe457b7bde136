"""Subsetting a face to the characters a document draws with it, cached on disk.

Three consumers want three flavours of the same work, and share everything else here:
- the PDF (reportlab) needs TrueType outlines and no layout tables: ``pdf_subset``;
- a word processor (DOCX) wants the face's own outlines and layout features: ``office_subset``;
- an e-book reader wants a web font (WOFF2 when brotli is installed): ``web_subset``.
A subset is cached by face file (path, index, size, mtime), character set and flavour, and
written atomically, so a rebuild (or a parallel build) reads the file instead of subsetting.

HarfBuzz's subsetter (hb-subset, through uharfbuzz: the one browsers and LibreOffice use)
makes every subset from the face itself. It maps the face's file and reads only the glyphs and
lookups the characters reach: Noto Serif CJK SC Black (65,535 glyphs) for a title's thirty
characters in 5 ms, where fontTools' subsetter, which decodes the face's tables whole, took
0.45 s. So a subset depends on the face and the characters alone, never on what the cache held
(no intermediate files to grow or trust).

fontTools still does what HarfBuzz does not: the PDF's TrueType outlines, converted from CFF
(cu2qu) once per glyph and kept (fonts.outlines), and the WOFF2 packing of web fonts.
"""
from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

# HarfBuzz (≈ 30 ms to import), fontTools (≈ 10 ms) and the cu2qu pens are imported only when a
# subset is made, not on the usual build that finds every subset in the cache
if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

from ..cachefiles import exclusive, write_cache_file
from ..errors import ConverterError
from . import outlines
from .find import FontFace

CACHE_VERSION = "5"  # 5: made by HarfBuzz (4: fontTools' subsetter, bounds kept from the face)
MAX_ERR = 1.0  # cu2qu approximation error in font units
#: what HarfBuzz's default subset keeps, except "locl": in a CJK face it pulls in every other
#: region's form of each character (Noto Serif CJK SC, the seed: 842 glyphs instead of 523,
#: +65 % bytes), forms a text in the face's own language never shows
WEB_DROPPED_FEATURES = {"locl"}
#: tables the PDF's subsets drop: reportlab sets glyphs one by one from the character map (no
#: layout tables), horizontally (no vertical metrics)
PDF_DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx")
#: brotli quality of WOFF2 files. The seed's FandolFang subset (281 kB as OpenType): 11 (fontTools'
#: default) 200 kB in 0.55 s, 10 203 kB in 0.22 s, 9 215 kB in 0.036 s, 5 216 kB in 0.006 s —
#: below 10 brotli's window search finds almost nothing more in glyph data, and a WOFF2 file is
#: made on every edit of a document (the one step of an edited document's rebuild that cannot
#: be kept per glyph)
WOFF2_QUALITY = 5
#: name IDs and languages every subset keeps: all IDs (family, style and typographic names: how
#: applications find the face); the PDF's keep every language too (HarfBuzz's default: English)
ALL_NAME_IDS = (0, 0x7FFF)
ALL_LANGUAGES = (0, 0xFFFF)


@dataclass(frozen=True)
class WebFont:
    """A web-font subset on disk and what a package manifest and an @font-face rule say of it."""

    path: Path
    extension: str  # ".woff2", ".otf", ".ttf"
    media_type: str  # font/woff2, font/otf, font/ttf (EPUB 3.2 core media types)


@lru_cache(maxsize=64)
def is_truetype(face: FontFace) -> bool:
    """True when the face has TrueType (glyf) outlines; False for CFF (PostScript) outlines."""
    tags = _table_tags(face.path, face.index)
    if tags is None:  # not a plain sfnt or collection (a WOFF): fontTools reads it
        from fontTools.ttLib import TTFont

        with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
            return "glyf" in font
    return b"glyf" in tags


#: the first four bytes of an sfnt: TrueType (1.0 or Apple's "true") or CFF ("OTTO") outlines
_SFNT_VERSIONS = (b"\x00\x01\x00\x00", b"true", b"OTTO")


def _table_tags(path: str, index: int) -> set[bytes] | None:
    """The table tags of one face of a font file (an sfnt, or face ``index`` of a TrueType
    collection), read from its table directory by hand (the OpenType spec's "Organization of an
    OpenType font"): which outlines a face has is known without importing fontTools. None for
    what is neither (fontTools then reads the file as it reads any)."""
    with open(path, "rb") as f:
        head = f.read(12)
        if head[:4] == b"ttcf":  # a collection: its offset table lists where each face starts
            f.seek(12 + 4 * index)
            offset = f.read(4)
            if len(offset) < 4:
                return None
            f.seek(struct.unpack(">I", offset)[0])
            head = f.read(12)
        if len(head) < 12 or head[:4] not in _SFNT_VERSIONS:
            return None
        (count,) = struct.unpack(">H", head[4:6])
        directory = f.read(16 * count)  # one record a table: tag, checksum, offset, length
    return {directory[i:i + 4] for i in range(0, len(directory) - 15, 16)}


@lru_cache(maxsize=1)
def woff2_available() -> bool:
    """fontTools writes WOFF2 only with the brotli module (the ``brotli`` package)."""
    try:
        import brotli  # noqa: F401
    except ImportError:
        return False
    return True


def pdf_subset(face: FontFace, chars: set[str], cache: Path) -> tuple[Path, int]:
    """A TrueType file (and the index in it) that draws ``chars`` with this face, for reportlab,
    with a PostScript name of its own. CFF outlines (Noto CJK, Fandol) are converted to
    quadratic ones. A TrueType face is subset too: reportlab reads every font it registers
    whole (HanaMinA, a fallback for one rare character: 0.13 s, on every build)."""
    truetype = is_truetype(face)

    def make(key: str) -> TTFont:
        from fontTools.ttLib import TTFont

        # CFF glyph names kept: the converted outlines are stored by name (fonts.outlines). No
        # layout features: reportlab draws each character's glyph from the character map
        data = _hb_subset(face, chars, features=False, glyph_names=not truetype, all_languages=True,
                          drop_tables=PDF_DROPPED_TABLES)
        font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
        if not truetype:
            store = outlines.path_for(face, cache, f"cu2qu {MAX_ERR} {CACHE_VERSION} {_makers_version()}")
            known = outlines.load(store)
            count = len(known)
            _cff_to_glyf(font, known)
            if len(known) > count:
                outlines.save(store, known)
        _rename(font, key[:8])
        return font

    return _cached(face, chars, *_pdf_place(cache), make), 0


def _pdf_place(cache: Path) -> tuple[Path, str, str]:
    """Where pdf_subset keeps its subsets: folder, flavour, suffix."""
    return cache / "fonts", "pdf", ".ttf"


def pdf_subset_cached(face: FontFace, chars: set[str], cache: Path) -> bool:
    """Whether pdf_subset has nothing to make for these characters."""
    return _intact(_target(face, chars, *_pdf_place(cache))[1])


#: what making a subset costs, roughly (seconds; the seed's PDF, an empty cache): HarfBuzz's
#: subset and reading it back, and per character converting its outlines (FandolFang, 480
#: characters: 0.45 s). Only the proportions matter: the weights by which converter.parallel
#: shares the subsets out
SUBSET_COST = (0.02, 0.001)


def subset_cost(chars: set[str]) -> float:
    """An estimate of a subset's cost for these characters, to share the work (converter.parallel)."""
    fixed, per_char = SUBSET_COST
    return fixed + per_char * len(chars)


def office_subset(face: FontFace, chars: set[str], cache: Path, truetype: bool = False) -> Path:
    """The face's own outlines and layout features for ``chars``, for embedding in a DOCX.

    ``truetype``: convert CFF outlines to TrueType ones (for consumers that refuse CFF).
    """
    convert = truetype and not is_truetype(face)

    def make(key: str) -> TTFont | bytes:
        data = _hb_subset(face, chars)
        if not convert:
            return _own_cff_name(data)
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
        _cff_to_glyf(font)
        return font

    return _cached(face, chars, *_office_place(face, cache, truetype), make)


def _office_place(face: FontFace, cache: Path, truetype: bool) -> tuple[Path, str, str]:
    """Where office_subset keeps its subsets: folder, flavour, suffix."""
    convert = truetype and not is_truetype(face)
    return cache / "subsets", "glyf" if convert else "keep", ".ttf" if convert or is_truetype(face) else ".otf"


def office_subset_cached(face: FontFace, chars: set[str], cache: Path, truetype: bool = False) -> bool:
    """Whether office_subset has nothing to make for these characters."""
    return _intact(_target(face, chars, *_office_place(face, cache, truetype))[1])


def web_subset(face: FontFace, chars: set[str], cache: Path) -> WebFont:
    """A web font for ``chars``, WOFF2 when brotli is there."""
    extension, media_type, flavor = _web_format(face)

    def make(key: str) -> TTFont | bytes:
        font = _own_cff_name(_hb_subset(face, chars, dropped_features=WEB_DROPPED_FEATURES))
        if flavor is None:
            return font
        if isinstance(font, bytes):
            from fontTools.ttLib import TTFont

            font = TTFont(io.BytesIO(font), recalcTimestamp=False, recalcBBoxes=False)
        font.flavor = flavor
        return font

    return WebFont(_cached(face, chars, *_web_place(face, cache), make), extension, media_type)


def _web_format(face: FontFace) -> tuple[str, str, str | None]:
    """A web font's extension, media type and fontTools flavour: WOFF2 when brotli is there."""
    if woff2_available():
        return ".woff2", "font/woff2", "woff2"
    if is_truetype(face):
        return ".ttf", "font/ttf", None
    return ".otf", "font/otf", None


def _web_place(face: FontFace, cache: Path) -> tuple[Path, str, str]:
    """Where web_subset keeps its subsets: folder, flavour, suffix."""
    extension, _, flavor = _web_format(face)
    # the quality is part of the key: files of another quality are other bytes
    return cache / "webfonts", extension + (f"-q{WOFF2_QUALITY}" if flavor == "woff2" else ""), extension


def web_subset_cached(face: FontFace, chars: set[str], cache: Path) -> bool:
    """Whether web_subset has nothing to make for these characters."""
    return _intact(_target(face, chars, *_web_place(face, cache))[1])


def _hb_subset(face: FontFace, chars: set[str], *, features: bool = True, dropped_features=(),
               glyph_names: bool = False, all_languages: bool = False, drop_tables=()) -> bytes:
    """The face subset to ``chars`` by HarfBuzz, without hints (reading systems and word
    processors rasterize CFF and TrueType outlines without them), its .notdef drawn, all its
    names kept: ``features`` — HarfBuzz's default layout features (the ones shaping uses)
    but ``dropped_features``, or none; ``glyph_names`` kept; ``all_languages`` of the names
    (else English); ``drop_tables`` besides those HarfBuzz drops (legacy and bitmap tables)."""
    import uharfbuzz as hb

    request = hb.SubsetInput()
    request.unicode_set.update(ord(c) for c in chars)
    request.flags = (hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
                     | (hb.SubsetFlags.GLYPH_NAMES if glyph_names else hb.SubsetFlags.DEFAULT))
    request.name_id_set.add_range(*ALL_NAME_IDS)
    if all_languages:
        request.name_lang_id_set.add_range(*ALL_LANGUAGES)
    if not features:
        request.layout_feature_tag_set.clear()
    for tag in dropped_features:
        request.layout_feature_tag_set.discard(_tag(tag))
    for tag in drop_tables:
        request.drop_table_tag_set.add(_tag(tag))
    try:
        result = hb.subset(_hb_face(face.path, face.index, face.stamp), request)
    except RuntimeError:  # uharfbuzz's "Subsetting failed"
        result = None
    if result is None:  # a font HarfBuzz cannot read: the face named, no traceback
        raise ConverterError(f"HarfBuzz could not subset the font {face.family} (face {face.index} of this file): "
                             "reinstall it, or choose another in the style", face.path)
    return result.blob.data


def _tag(tag: str) -> int:
    return int.from_bytes(tag.encode("latin-1").ljust(4), "big")


@lru_cache(maxsize=16)
def _hb_face(path: str, index: int, stamp: tuple[int, int]):
    """HarfBuzz's face of a font file (mapped, not read) — a WOFF or WOFF2 file unpacked first
    by fontTools: HarfBuzz reads sfnt files (and collections) only. ``stamp``: the file's size
    and mtime when fontconfig listed it, so that a long-lived process (converter serve, watch)
    maps a font file replaced meanwhile again."""
    import uharfbuzz as hb

    if _table_tags(path, index) is not None:
        try:
            return hb.Face(hb.Blob.from_file_path(path), index)
        except hb.HarfBuzzError:
            # the mapping refused (a capped address space: the server's workers) — read the file
            # instead, which either works or raises the MemoryError the build reports as such
            with open(path, "rb") as f:
                return hb.Face(hb.Blob(f.read()), index)
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index) as font:
        font.flavor = None
        out = io.BytesIO()
        font.save(out)
    return hb.Face(hb.Blob(out.getvalue()), 0)


def _own_cff_name(data: bytes) -> TTFont | bytes:
    """A CFF subset whose CFF FontName is its PostScript name (name ID 6), as OpenType wants:
    the faces of a Noto CJK collection share one CFF named for Japanese (NotoSerifCJKjp-Regular),
    which HarfBuzz keeps. Other subsets are returned as they are."""
    if data[:4] != b"OTTO":
        return data
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    ps = font["name"].getDebugName(6)
    cff = font["CFF "].cff
    if not ps or cff.fontNames == [ps]:
        font.close()
        return data
    cff.fontNames = [ps]
    return font


def _cached(face: FontFace, chars: set[str], folder: Path, flavour: str, suffix: str,
            make: Callable[[str], TTFont | bytes]) -> Path:
    """The cached subset file, made (atomically) by ``make(key)`` when it is not there yet, or
    no longer what was written (``_intact``)."""
    key, target = _target(face, chars, folder, flavour, suffix)
    if _intact(target):
        return target
    # one process at a time makes a subset: the build's second process (converter.parallel)
    # and a folder's workers that want it meanwhile wait, then find it made. What making one
    # imports is imported first, while another process may hold the lock: a build that misses
    # one subset makes others (its other formats' for the same characters)
    _import_makers()
    with exclusive(folder.parent / "locks" / f"{target.name}.lock"):
        if _intact(target):
            return target
        return _make_cached(target, key, folder, make)


def _import_makers() -> None:
    import uharfbuzz  # noqa: F401  (30 ms, once)
    from fontTools.ttLib import TTFont  # noqa: F401


def _make_cached(target: Path, key: str, folder: Path, make: Callable[[str], TTFont | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    font = make(key)
    if isinstance(font, bytes):
        data = font
    else:
        out = io.BytesIO()  # not saved to a path: fontTools cannot save a lazy font read from bytes there
        with _woff2_quality() if font.flavor == "woff2" else nullcontext():
            font.save(out)
        data = out.getvalue()
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(fd)
    try:
        Path(tmp).write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        os.replace(tmp, target)  # atomic: a parallel build never reads half a font
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    write_cache_file(_digest_path(target), digest.encode("ascii"))
    return target


def _target(face: FontFace, chars: set[str], folder: Path, flavour: str, suffix: str) -> tuple[str, Path]:
    """The key of a subset (face file, flavour, characters) and the file it is cached in."""
    st = os.stat(face.path)
    key = hashlib.sha256("\0".join([
        CACHE_VERSION, _makers_version(), face.path, str(face.index), str(st.st_size), str(st.st_mtime_ns),
        flavour, "".join(sorted(chars)),
    ]).encode()).hexdigest()[:24]
    return key, folder / f"{face.key}-{key}{suffix}"


#: the distributions that make subsets (HarfBuzz's binding, which carries its own HarfBuzz, and
#: fontTools), by the name of their installed metadata folder
_MAKERS = (("uharfbuzz", "uharfbuzz"), ("fontTools", "fonttools"))


@lru_cache(maxsize=1)
def _makers_version() -> str:
    """The installed versions of what makes subsets and converts outlines: part of every key,
    so that an upgrade (which may change a subset's bytes) never meets what the old one made,
    and a warm cache gives the bytes a fresh one does. Read from the names of their metadata
    folders beside them (importlib.metadata would cost 60 ms to import on every build)."""
    import importlib.util

    versions = []
    for module, dist in _MAKERS:
        spec = importlib.util.find_spec(module)
        folders = spec.submodule_search_locations if spec is not None else None
        site = Path(next(iter(folders))).parent if folders else None
        found = sorted(site.glob(f"{dist}-*.dist-info")) if site is not None else []
        versions.append(found[-1].name[len(dist) + 1:-len(".dist-info")] if found else "?")
    return " ".join(f"{dist} {v}" for (_, dist), v in zip(_MAKERS, versions))


def _digest_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _intact(target: Path) -> bool:
    """True when a cached subset is the file that was written: its sha256 is the one written
    beside it (0.3 ms for the seed's largest subset). A file cut short or altered, or one whose
    digest is missing, is made again: a damaged cache only costs time, it never reaches an
    output."""
    try:
        expected = _digest_path(target).read_bytes().decode("ascii")
        return hashlib.sha256(target.read_bytes()).hexdigest() == expected
    except (OSError, UnicodeDecodeError):
        return False

class _Brotli:
    """The brotli module, compressing at WOFF2_QUALITY unless told otherwise."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name: str):
        return getattr(self._real, name)

    def compress(self, data: bytes, **kwargs) -> bytes:
        kwargs.setdefault("quality", WOFF2_QUALITY)
        return self._real.compress(data, **kwargs)


@contextmanager
def _woff2_quality():
    """fontTools' WOFF2 writer calls brotli.compress with the default quality (11, the slowest)
    and has no option for it: give it, while a WOFF2 file is saved, a brotli that uses ours."""
    from fontTools.ttLib import woff2

    real = woff2.brotli
    woff2.brotli = _Brotli(real)
    try:
        yield
    finally:
        woff2.brotli = real


def _rename(font: TTFont, suffix: str) -> None:
    """Give a subset its own PostScript name: PDF tools (and reportlab, which reuses the first
    font registered under a PostScript name) must not mistake one subset for another."""
    name = font["name"]
    ps = name.getDebugName(6) or "Font"
    for record in name.names:
        if record.nameID == 6:
            record.string = f"{ps}-{suffix}"


def _cff_to_glyf(font: TTFont, known: dict[str, bytes] | None = None) -> None:
    """Replace CFF outlines by TrueType ones (after fontTools' otf2ttf recipe).

    ``known``: glyph name → compiled TrueType glyph already converted from the same face
    (fonts.outlines), used instead of converting again and added to for the glyphs converted."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    data: dict[str, bytes] = {}
    for name in order:
        if known is not None and name in known:
            data[name] = known[name]
        else:
            pen = TTGlyphPen(glyph_set)
            glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
            data[name] = pen.glyph().compile(glyf)  # with its bounds
            if known is not None:
                known[name] = data[name]
        glyf.glyphs[name] = Glyph(data[name])
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    font["maxp"] = maxp
    if not _bounds_from_headers(font, data):
        # composite glyphs: fontTools works the bounds out (expanding and compiling every glyph)
        font.recalcBBoxes = True
        glyf.compile(font)
        hmtx = font["hmtx"]
        for name, glyph in glyf.glyphs.items():
            if hasattr(glyph, "xMin"):
                hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["post"].formatType = 3.0  # no glyph names: smaller, and reportlab does not need them
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


_GLYPH_HEADER = struct.Struct(">hhhhh")  # numberOfContours, xMin, yMin, xMax, yMax


def _bounds_from_headers(font: TTFont, data: dict[str, bytes]) -> bool:
    """Set what fontTools recalculates from TrueType glyphs on saving (the left side bearings,
    head's bounds and flag bit 1, maxp's point and contour counts, hhea's extents) from the
    compiled glyphs' headers, as fontTools' maxp.recalc and hhea.recalc do: the glyphs are then
    saved as they are instead of each decompiled and compiled again (the seed's FandolFang
    subset: 0.25 s). False, and nothing set, when a glyph is composite or the font has vertical
    metrics (vhea's extents are not worked out here: the PDF's subsets drop them)."""
    if "vhea" in font:
        return False
    headers = {}
    for name, glyph in data.items():
        if len(glyph) >= _GLYPH_HEADER.size:
            contours, *bounds = _GLYPH_HEADER.unpack_from(glyph)
            if contours < 0:
                return False
            if contours:
                points = struct.unpack_from(">H", glyph, 10 + 2 * (contours - 1))[0] + 1
                headers[name] = (contours, points, *bounds)
    hmtx, head, maxp, hhea = font["hmtx"], font["head"], font["maxp"], font["hhea"]
    for name, glyph in data.items():
        if len(glyph) >= _GLYPH_HEADER.size:  # empty glyphs keep their side bearing
            hmtx[name] = (hmtx[name][0], _GLYPH_HEADER.unpack_from(glyph)[1])
    drawn = headers.values()
    head.xMin, head.yMin, head.xMax, head.yMax = (
        (min(h[2] for h in drawn), min(h[3] for h in drawn), max(h[4] for h in drawn), max(h[5] for h in drawn))
        if headers else (0, 0, 0, 0))
    head.flags |= 0x2  # every outline's left edge is its left side bearing (set just above)
    maxp.numGlyphs = len(data)
    maxp.maxPoints = max((h[1] for h in drawn), default=0)
    maxp.maxContours = max((h[0] for h in drawn), default=0)
    maxp.maxCompositePoints = maxp.maxCompositeContours = maxp.maxComponentDepth = 0
    maxp.maxComponentElements = 0
    hhea.advanceWidthMax = max(adv for adv, _ in hmtx.metrics.values())
    if headers:
        sides = [(hmtx[name][0], hmtx[name][1], h[4] - h[2]) for name, h in headers.items()]
        hhea.minLeftSideBearing = min(lsb for _, lsb, _ in sides)
        hhea.minRightSideBearing = min(adv - lsb - width for adv, lsb, width in sides)
        hhea.xMaxExtent = max(lsb + width for _, lsb, width in sides)
    else:
        hhea.minLeftSideBearing = hhea.minRightSideBearing = hhea.xMaxExtent = 0
    font.recalcBBoxes = False
    return True
