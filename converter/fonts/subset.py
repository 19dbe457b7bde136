"""Subsetting a face to the characters a document draws with it, cached on disk.

Three consumers want three flavours of the same work, and share everything else here:
- the PDF (reportlab) needs TrueType outlines and no layout tables: ``pdf_subset``;
- a word processor (DOCX) wants the face's own outlines and layout features: ``office_subset``;
- an e-book reader wants a web font (WOFF2 when brotli is installed): ``web_subset``.
A subset is cached by face file (path, index, size, mtime), character set and flavour, and
written atomically, so a rebuild (or a parallel build) reads the file instead of subsetting.

A large face (Noto Serif CJK: 65,535 glyphs) costs 0.2 s to read before a single glyph is
subset, however few characters are asked for; so it is first subset once to a *base* — every
character the builds have asked of it so far, with everything any flavour keeps — cached on disk,
and each flavour is subset from that small file instead (``_base_for``). Subsetting is
idempotent here: a subset of the base is byte for byte the subset of the face.

An edited document asks for a character set no subset was made for, so its subsets are made
again; what makes that cheap is work kept per glyph, which does not depend on the other glyphs:
- the PDF's TrueType outlines, converted from CFF once per glyph (fonts.outlines);
- for a CFF face without subroutines (the Fandol faces), the charstring a subset without hints
  gives each glyph: the PDF's subset (the first made) drops hints as the DOCX's and the EPUB's
  do and stores them, and every later subset of the face takes them from the store
  (``_stub_programs``): fontTools' passes over charstrings (closure, dropping hints, pruning
  subroutines, compiling) — most of a subset's cost — then run only over the new glyphs.
Stored glyphs are the bytes fontTools would have made: a subset is the same whatever the
cache held (tests/fonts). Every cache file carries a sha256: a damaged one is made again.
"""
from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
from collections.abc import Callable, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

# fontTools (≈ 10 ms to import; fontTools.subset ≈ 60 ms) and the cu2qu pens are imported only
# when a subset is made, not on the usual build that finds every subset in the cache
if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

from ..cachefiles import exclusive, read_checked_cache_file, write_cache_file, write_checked_cache_file
from . import outlines
from .coverage import charset
from .find import FontFace

CACHE_VERSION = "4"  # 4: bounds kept from the face (the WOFF2 quality is in the web flavour's key)
MAX_ERR = 1.0  # cu2qu approximation error in font units
#: what fontTools' default subset keeps, except "locl": in a CJK face it pulls in every other
#: region's form of each character (Noto Serif CJK SC, the seed: 842 glyphs instead of 523,
#: +65 % bytes), forms a text in the face's own language never shows
WEB_DROPPED_FEATURES = {"locl"}
#: brotli quality of WOFF2 files. The seed's FandolFang subset (281 kB as OpenType): 11 (fontTools'
#: default) 200 kB in 0.55 s, 10 203 kB in 0.22 s, 9 215 kB in 0.036 s, 5 216 kB in 0.006 s —
#: below 10 brotli's window search finds almost nothing more in glyph data, and a WOFF2 file is
#: made on every edit of a document (the one step of an edited document's rebuild that cannot
#: be kept per glyph)
WOFF2_QUALITY = 5
#: a face is subset through a base when it has at least this many glyphs per character asked
#: for: reading a face costs ≈ 3 µs per glyph it has (hmtx, charset, FDSelect, the layout
#: tables), subsetting ≈ 0.4 ms per glyph kept, so below that ratio the base would not pay
BASE_GLYPHS_PER_CHAR = 100
#: characters every base holds besides those asked for: the DOCX's page-number field asks for
#: all ten digits of a face the PDF asked only a dash and a space of (the seed: Noto Serif CJK
#: SC), and the base would be made again for them (0.17 s); ten glyphs cost nothing measurable.
#: (All of ASCII would cost 0.08 s a base: Latin letters pull in ligatures and variants.)
BASE_EXTRA = frozenset("0123456789 ")


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
    """A TrueType file (and the index in it) that draws ``chars`` with this face, for reportlab.

    TrueType faces are used as they are (reportlab subsets them itself); CFF faces (Noto CJK)
    are subset and converted to quadratic outlines, and get a PostScript name of their own.
    """
    if is_truetype(face):
        return Path(face.path), face.index

    def make(key: str) -> TTFont:
        # The CFF subset is only drawn from and then dropped. A face whose charstrings can be
        # kept (_self_contained) is subset without hints, as the DOCX and the EPUB subset it:
        # the charstrings the DOCX's and the EPUB's subsets will want are then made once, here,
        # and stored. Otherwise its hints are kept: removing them would run every glyph's
        # program once more for nothing (the hinting tables a CFF face might carry are
        # dropped either way).
        programs = _dehinted_programs(face, cache)
        options = _options(hinting=programs is None)
        options.drop_tables += options.hinting_tables
        options.layout_features = []  # reportlab sets glyphs one by one: no GSUB/GPOS needed
        options.name_languages = ["*"]
        options.drop_tables += ["VORG", "GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx"]
        store = outlines.path_for(face, cache, f"cu2qu {MAX_ERR} {CACHE_VERSION}")
        known = outlines.load(store)
        count = len(known)
        # the CFF outlines of glyphs converted before are dropped unread: stubs (_stub_programs)
        stubs = programs[1] if programs is not None else dict.fromkeys(known, _ENDCHAR)
        font = _subset(face, chars, options, cache, programs=stubs)
        cff = font["CFF "]
        _cff_to_glyf(font, known)  # drawn first: compiling a charstring drops its decoded program
        _learn_programs(cff, programs)
        if len(known) > count:
            outlines.save(store, known)
        _rename(font, key[:8])
        return font

    return _cached(face, chars, *_pdf_place(cache), make), 0


def _pdf_place(cache: Path) -> tuple[Path, str, str]:
    """Where pdf_subset keeps its subsets: folder, flavour, suffix."""
    return cache / "fonts", "pdf", ".ttf"


def pdf_subset_cached(face: FontFace, chars: set[str], cache: Path) -> bool:
    """Whether pdf_subset has nothing to make for these characters (a TrueType face, which
    reportlab subsets itself, or a subset already cached)."""
    return is_truetype(face) or _intact(_target(face, chars, *_pdf_place(cache))[1])


#: what making a subset costs, roughly (seconds; the seed's PDF, an empty cache): reading the
#: face or its base, and per character subsetting and converting its outlines (FandolFang, 480
#: characters: 1.0 s; Noto Serif CJK SC Black, 30: 0.35 s). Only the proportions matter: the
#: weights by which converter.parallel shares the subsets out
SUBSET_COST = (0.3, 0.0015)


def subset_cost(chars: set[str]) -> float:
    """An estimate of a subset's cost for these characters, to share the work (converter.parallel)."""
    fixed, per_char = SUBSET_COST
    return fixed + per_char * len(chars)


def office_subset(face: FontFace, chars: set[str], cache: Path, truetype: bool = False) -> Path:
    """The face's own outlines and layout features for ``chars``, for embedding in a DOCX.

    ``truetype``: convert CFF outlines to TrueType ones (for consumers that refuse CFF).
    """
    convert = truetype and not is_truetype(face)

    def make(key: str) -> TTFont:
        options = _options(hinting=False)
        options.glyph_names = False
        store = _dehinted_programs(face, cache)
        font = _subset(face, chars, options, cache, programs=store and store[1])
        _learn_programs(font.get("CFF "), store)
        if convert:
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

    def make(key: str) -> TTFont:
        options = _options(hinting=False)  # reading systems rasterize without TrueType hints
        options.layout_features = [f for f in options.layout_features if f not in WEB_DROPPED_FEATURES]
        store = _dehinted_programs(face, cache)  # the DOCX's charstrings too: both drop hints
        font = _subset(face, chars, options, cache, programs=store and store[1])
        _learn_programs(font.get("CFF "), store)
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


def _options(hinting: bool):
    """fontTools' subsetter options (a ``fontTools.subset.Options``) we start from."""
    from fontTools import subset

    options = subset.Options()
    options.name_IDs = ["*"]  # family, style and typographic names: how applications find it
    options.notdef_outline = True
    options.hinting = hinting
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: unknown to the subsetter, which says so
    return options


def _subset(face: FontFace, chars: set[str], options, cache: Path | None = None,
            programs: Mapping[str, bytes] | None = None) -> TTFont:
    """The face subset to ``chars`` with ``options`` (from its base when it has one, see
    ``_base_for``; ``cache``: the cache folder the base is kept in, None for none;
    ``programs``: charstrings known for its glyphs, see ``_stub_programs``)."""
    base = _base_for(face, chars, cache) if cache is not None else None
    source = (base, 0) if base is not None else (face.path, face.index)
    return _subset_file(*source, chars, options, programs)


def _subset_file(file, index: int, chars: set[str], options,
                 programs: Mapping[str, bytes] | None = None) -> TTFont:
    """``file`` subset to ``chars``; ``programs``: glyph name → the CFF charstring the subset
    gives that glyph, known from an earlier subset (``_stub_programs``)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # lazy: tables and glyphs are read as the subsetter asks for them; lazy=False decompiles all
    # 60,000+ glyphs of a CJK TrueType face first (HanaMinB: 10 s instead of 0.3 s).
    # recalcTimestamp=False: head.modified stays the face's own, so the bytes never change.
    # recalcBBoxes: fontTools' subsetter keeps the face's own bounds unless asked
    # (Options.recalc_bounds, False as in pyftsubset); recomputing them runs every CFF glyph's
    # program once more (Noto Serif CJK, the seed: 1.0 s → 0.65 s for the DOCX's subset)
    font = TTFont(file, fontNumber=index, lazy=True, recalcTimestamp=False,
                  recalcBBoxes=options.recalc_bounds)
    stubbed = _stub_programs(font, chars, programs) if programs else []
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    for charstring, name in stubbed:
        charstring.setBytecode(programs[name])
    if "CFF " in font:
        # OpenType wants the CFF FontName to be the PostScript name (name ID 6); the faces of a
        # Noto CJK collection share one CFF named for Japanese (NotoSerifCJKjp-Regular)
        ps = font["name"].getDebugName(6)
        if ps:
            font["CFF "].cff.fontNames = [ps]
    return font


#: a CFF charstring that draws nothing: the operator endchar
_ENDCHAR = b"\x0e"


def _stub_programs(font: TTFont, chars: set[str], programs: Mapping[str, bytes]) -> list[tuple[object, str]]:
    """Give each glyph of ``chars`` whose subset charstring ``programs`` knows one that draws
    nothing, and return them with their names: the subsetter's passes over charstrings (the
    glyph closure, dropping hints, pruning subroutines, compiling) then cost nothing for them,
    and the caller puts the known charstring in after subsetting. Those passes are most of a
    subset's cost (FandolFang, the seed: 0.3 s), paid again for every glyph on every edit."""
    if "CFF " not in font:
        return []
    cmap = font.getBestCmap() or {}  # read once: the subsetter reads the same table after
    charstrings = font["CFF "].cff.topDictIndex[0].CharStrings
    stubbed = []
    for name in sorted({cmap[ord(c)] for c in chars if ord(c) in cmap} | {".notdef"}):
        if name in programs and name in charstrings:
            charstring = charstrings[name]
            charstring.setBytecode(_ENDCHAR)
            stubbed.append((charstring, name))
    return stubbed


@lru_cache(maxsize=64)
def _self_contained(face: FontFace, cache: Path) -> bool:
    """True when the face is CFF without subroutines: the charstring a subset without hints
    gives a glyph then depends on that glyph alone (with subroutines, on which other glyphs
    the subset keeps: the subroutines are renumbered), so it can be kept from one subset for
    the next (the Fandol faces; Noto CJK has subroutines). Kept on disk: the answer reads the
    face's whole CFF table (Noto Serif CJK's: 23 MB, 0.03–0.1 s), once a process otherwise."""
    path = cache / "faces" / f"{face.key}-{face.file_key(CACHE_VERSION)}.self-contained"
    kept = read_checked_cache_file(path)
    if kept in (b"0", b"1"):
        return kept == b"1"
    answer = _read_self_contained(face)
    write_checked_cache_file(path, b"1" if answer else b"0")
    return answer


def _read_self_contained(face: FontFace) -> bool:
    from fontTools.ttLib import TTFont

    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        if "CFF " not in font:
            return False
        cff = font["CFF "].cff
        top = cff.topDictIndex[0]
        if len(cff.GlobalSubrs):
            return False
        privates = [fd.Private for fd in top.FDArray] if hasattr(top, "FDArray") else [top.Private]
        return not any(len(getattr(p, "Subrs", None) or ()) for p in privates)


def _dehinted_programs(face: FontFace, cache: Path) -> tuple[Path, dict[str, bytes]] | None:
    """The store of the charstrings that subsets without hints (the DOCX's, the EPUB's) give
    this face's glyphs, and its path; None when the face's charstrings cannot be kept (not
    ``_self_contained``)."""
    if not _self_contained(face, cache):
        return None
    import fontTools

    # the fontTools version is in the key: another version may drop hints differently
    path = outlines.path_for(face, cache, f"dehinted charstrings {CACHE_VERSION} fontTools {fontTools.version}")
    return path, outlines.load(path)


def _learn_programs(cff, store: tuple[Path, dict[str, bytes]] | None) -> None:
    """Add the charstrings of a subset's glyphs (its CFF table, subset without hints) the store
    lacks to it (compiled now; saving the subset then only copies them)."""
    if store is None or cff is None:
        return
    path, known = store
    top = cff.cff.topDictIndex[0]
    added = False
    for name in top.charset:
        if name in known:
            continue
        charstring = top.CharStrings[name]
        seac = _uses_seac(charstring.program)  # the program before compile drops it
        charstring.compile()
        if not seac:
            known[name] = charstring.bytecode
            added = True
    if added:
        outlines.save(path, known)


def _uses_seac(program: list | None) -> bool:
    """True when a charstring program ends with an accented character (endchar with four
    arguments: two more glyphs the subset closure adds, which a stub would not ask for), or is
    not decompiled (unknown: not kept)."""
    if program is None or "endchar" not in program:
        return program is None
    args = 0
    for token in reversed(program[:program.index("endchar")]):
        if isinstance(token, str):
            break
        args += 1
    return args >= 4


def _base_for(face: FontFace, chars: set[str], cache: Path) -> io.BytesIO | None:
    """The face's cached base (in memory) when it covers ``chars``, made or grown when the face
    is large for the request; None: subset the face itself.

    The base keeps what every flavour keeps (all layout features, names in every language,
    glyph names, no hints), so each flavour's subset of it equals its subset of the face
    (tested: tests/fonts/test_subset.py). It grows by the characters later builds ask for, up
    to the size where it would no longer pay, and is then started again from the request.
    """
    wanted = {c for c in chars if ord(c) in charset(face)}
    if not wanted:
        return None
    path = _base_path(face, cache)
    data, have = _read_base(path)
    if data is not None and wanted <= have:
        return io.BytesIO(data)
    if _glyph_count(face) < BASE_GLYPHS_PER_CHAR * len(wanted):
        return None
    # one process at a time makes a face's base: another build (or this build's second process,
    # converter.parallel) that needs it meanwhile waits, then finds it made or grows it further,
    # instead of reading the whole face again and writing over what the first one added
    _import_subsetter()
    with exclusive(cache / "locks" / f"{path.name}.lock"):
        data, have = _read_base(path)
        if data is not None and wanted <= have:
            return io.BytesIO(data)
        return io.BytesIO(_make_base(face, wanted, have, path, cache))


def _read_base(path: Path) -> tuple[bytes | None, set[str]]:
    """A cached base's bytes and the characters it holds; (None, empty) when there is none."""
    from fontTools.ttLib import TTFont

    try:
        # read once: a parallel build may replace the file meanwhile. The font's bytes are
        # followed by their sha256: a base cut short or altered is made again
        data = read_checked_cache_file(path)
        if data is None:
            raise ValueError("missing or damaged")
        with TTFont(io.BytesIO(data), lazy=True) as font:
            return data, {chr(cp) for cp in font.getBestCmap() or {}}
    except Exception:  # missing, or damaged: a cache file never fails a build, it is made again
        return None, set()


def _make_base(face: FontFace, wanted: set[str], have: set[str], path: Path, cache: Path) -> bytes:
    """Make the face's base for ``wanted`` (and what the old base held, while that pays), cache it."""
    if _glyph_count(face) >= BASE_GLYPHS_PER_CHAR * len(wanted | have):
        wanted = wanted | have
    wanted = wanted | {c for c in BASE_EXTRA if ord(c) in charset(face)}
    options = _options(hinting=False)
    options.glyph_names = True
    options.name_languages = ["*"]
    store = _dehinted_programs(face, cache)  # its charstrings are the flavours' (no hints)
    font = _subset_file(face.path, face.index, wanted, options, store and store[1])
    _learn_programs(font.get("CFF "), store)
    out = io.BytesIO()
    font.save(out)
    data = out.getvalue()
    write_checked_cache_file(path, data)
    return data


def _base_path(face: FontFace, cache: Path) -> Path:
    st = os.stat(face.path)
    key = hashlib.sha256("\0".join([
        CACHE_VERSION, face.path, str(face.index), str(st.st_size), str(st.st_mtime_ns), "base",
    ]).encode()).hexdigest()[:24]
    return cache / "bases" / f"{face.key}-{key}{'.ttf' if is_truetype(face) else '.otf'}"


@lru_cache(maxsize=64)
def _glyph_count(face: FontFace) -> int:
    from fontTools.ttLib import TTFont

    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        return font["maxp"].numGlyphs




def _cached(face: FontFace, chars: set[str], folder: Path, flavour: str, suffix: str,
            make: Callable[[str], TTFont]) -> Path:
    """The cached subset file, made (atomically) by ``make(key)`` when it is not there yet, or
    no longer what was written (``_intact``)."""
    key, target = _target(face, chars, folder, flavour, suffix)
    if _intact(target):
        return target
    # one process at a time makes a subset: the build's second process (converter.parallel)
    # and a folder's workers that want it meanwhile wait, then find it made. The subsetter is
    # imported first, while another process may hold the lock: a build that misses one subset
    # makes others (its other formats' for the same characters)
    _import_subsetter()
    with exclusive(folder.parent / "locks" / f"{target.name}.lock"):
        if _intact(target):
            return target
        return _make_cached(target, key, folder, make)


def _import_subsetter() -> None:
    from fontTools import subset  # noqa: F401  (60 ms, once)


def _make_cached(target: Path, key: str, folder: Path, make: Callable[[str], TTFont]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    font = make(key)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(fd)
    try:
        with _woff2_quality() if font.flavor == "woff2" else nullcontext():
            font.save(tmp)
        digest = hashlib.sha256(Path(tmp).read_bytes()).hexdigest()
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
        CACHE_VERSION, face.path, str(face.index), str(st.st_size), str(st.st_mtime_ns), flavour,
        "".join(sorted(chars)),
    ]).encode()).hexdigest()[:24]
    return key, folder / f"{face.key}-{key}{suffix}"


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
