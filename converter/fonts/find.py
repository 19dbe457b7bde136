"""Finding installed font files by family name, through fontconfig's fc-list."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ..cachefiles import cache_dir, write_cache_file
from ..errors import StyleError

REGULAR, BOLD = 80, 200  # fontconfig weights


@dataclass(frozen=True)
class FontFace:
    """One face of an installed font: its family name, file and index inside a collection.

    ``family`` is the face's own family name as word processors know it (the name table's
    family, name ID 1: "FandolFang R", "Noto Serif CJK SC Black"), and ``styled_bold`` whether
    the face is the bold member of that family (a Black face is the regular member of its
    own family "… Black"). That is the name the DOCX and EPUB write and the one fontconfig finds.
    """

    family: str
    path: str
    index: int
    weight: int
    italic: bool
    #: the file's (size, mtime in ns) when fontconfig listed it: caches keyed on the face
    #: (coverage, metrics, subsets) then see an edited font file as another face
    stamp: tuple[int, int] = (0, 0)
    styled_bold: bool = False

    def __hash__(self) -> int:
        # faces key the per-character tables of the layout and the writers (a million lookups
        # in a large document): the generated hash of seven fields, once per face
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((self.family, self.path, self.index, self.weight, self.italic, self.stamp,
                           self.styled_bold))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self) -> dict:
        # a string's hash differs between processes: another process computes its own
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    @property
    def key(self) -> str:
        """A short stable name (used for reportlab registration and cache files)."""
        bold = "-Bold" if self.weight >= BOLD else ""
        ital = "-Italic" if self.italic else ""
        return "".join(ch for ch in self.family if ch.isalnum()) + bold + ital

    def file_key(self, *parts: str) -> str:
        """A key for what is kept on disk of this face's file (its map, its widths): the file's
        path, index, size and modification time after ``parts`` (a version), hashed; an edited
        font file is another face."""
        st = os.stat(self.path)
        return hashlib.sha256("\0".join([*parts, self.path, str(self.index), str(st.st_size),
                                          str(st.st_mtime_ns)]).encode()).hexdigest()[:24]


def installed() -> dict[str, list[FontFace]]:
    """Lower-cased family name (every name fontconfig knows, localized ones too) → faces.

    fc-list runs once per state of fontconfig's caches: a long-lived process (watch, serve, a
    forked worker) sees a font installed or removed since (``fc-cache`` rewrites those caches).
    """
    return _listed(_fontconfig_generation())


def _fontconfig_generation() -> tuple:
    """The modification times of fontconfig's cache folders (cheap: a few stat calls)."""
    folders = ["/var/cache/fontconfig",
               os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "fontconfig")]
    stamps = []
    for folder in folders:
        try:
            stamps.append(os.stat(folder).st_mtime_ns)
        except OSError:
            stamps.append(None)
    return tuple(stamps)


#: the form of a kept fc-list answer (fonts-listed/): a new value ignores older files
LISTING_VERSION = 1


@lru_cache(maxsize=1)
def _listed(generation: tuple) -> dict[str, list[FontFace]]:
    """fc-list's answer for one generation of fontconfig's caches: kept on disk, since running
    fc-list and resolving its ~500 files cost 20–25 ms of every process (a tenth of a small
    build); taken again when the generation changes or a listed file is not as it was."""
    exe = shutil.which("fc-list")
    if exe is None:
        raise StyleError("fontconfig's fc-list is not installed (Debian package fontconfig)")
    kept = _listing_file(generation, exe)
    faces = _read_listing(kept)
    if faces is None:
        faces = _run_fc_list(exe)
        rows = [[name, f.family, f.path, f.index, f.weight, f.italic, *f.stamp]
                for name, same in faces.items() for f in same]
        write_cache_file(kept, json.dumps(rows, ensure_ascii=False).encode("utf-8"))
    return faces


def _listing_file(generation: tuple, exe: str) -> Path:
    """Where fc-list's answer is kept for this generation, fc-list and fontconfig set-up."""
    key = repr((LISTING_VERSION, generation, exe, os.environ.get("FONTCONFIG_FILE"),
                os.environ.get("FONTCONFIG_PATH"), os.path.expanduser("~")))
    return cache_dir() / "fonts-listed" / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"


def _read_listing(path: Path) -> dict[str, list[FontFace]] | None:
    """A kept answer, or None when there is none, it is damaged, or one of its files changed
    (size or modification time: fontconfig's caches may lag an edited font)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        faces: dict[str, list[FontFace]] = {}
        seen: dict[str, tuple[int, int]] = {}
        for name, family, file, index, weight, italic, size, mtime in rows:
            stamp = (size, mtime)
            if file not in seen:
                st = os.stat(file)
                seen[file] = (st.st_size, st.st_mtime_ns)
            if seen[file] != stamp:
                return None
            faces.setdefault(name, []).append(FontFace(family, file, index, weight, italic, stamp))
        return faces
    except (OSError, ValueError, TypeError):
        return None


def _fc_list(exe: str, fmt: str) -> str:
    """fc-list's answer in this format, for every installed face.

    Without SOURCE_DATE_EPOCH: fontconfig dates the caches it writes by it, so a fonts folder
    changed since then (one not yet cached, as in a CI job that copies fonts in) has its cache
    found stale and written again by every fc-list, which changes the caches' folder, the
    generation everything here is kept under: every lookup of a build ran fc-list again (65
    times, 2.5 s, for one document). Our outputs do not depend on those caches' dates."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run([exe, "--format", fmt], capture_output=True, text=True, check=True, env=env).stdout


def _run_fc_list(exe: str) -> dict[str, list[FontFace]]:
    """Lower-cased family name → faces, as fc-list lists them now."""
    out = _fc_list(exe, "%{family}\t%{weight}\t%{slant}\t%{index}\t%{file}\t%{style}\n")
    faces: dict[str, list[FontFace]] = {}
    for row in sorted(set(out.splitlines())):
        parts = row.split("\t")
        if len(parts) != 6 or not parts[4].lower().endswith((".ttf", ".otf", ".ttc", ".otc")):
            continue
        families, weight, slant, index, path, styles = parts
        path = os.path.realpath(path)  # a font reached through a symlink is the same font
        names = [n.strip() for n in families.split(",") if n.strip()]
        try:
            st = os.stat(path)
        except OSError:
            continue  # listed but gone: fontconfig's cache is older than the folder
        for name in names:
            face = FontFace(names[0], path, int(index or 0), _weight(weight, styles), slant not in ("", "0"),
                            (st.st_size, st.st_mtime_ns))
            same = faces.setdefault(name.lower(), [])
            if face not in same:
                same.append(face)
    return faces


installed.cache_clear = _listed.cache_clear  # type: ignore[attr-defined]  # tests: forget fc-list's answer
installed.cache_info = _listed.cache_info  # type: ignore[attr-defined]


def find_face(family: str, bold: bool = False, italic: bool = False) -> FontFace | None:
    """The installed face of a family closest to the weight and slant asked for, or None."""
    faces = installed().get(family.lower())
    if not faces:
        return None
    want = BOLD if bold else REGULAR
    face = min(faces, key=lambda f: (f.italic != italic, abs(f.weight - want), f.path, f.index))
    return _named(face)


@lru_cache(maxsize=None)
def _named(face: FontFace) -> FontFace:
    """The face under its own family name (name ID 1) and style bit, read from the file.

    fontconfig lists the typographic family first ("FandolFang" for the file whose family is
    "FandolFang R", "Noto Serif CJK SC" for the Black face); a word processor that is given
    that name finds another face or none. Kept on disk by file (path, index, size, mtime): a
    style names a few dozen faces, and reading their name tables (fontTools' name table alone
    takes 0.04 s to import) was a tenth of a small build.
    """
    try:
        st = os.stat(face.path)
    except OSError:
        return face
    key = f"{face.path}\0{face.index}\0{st.st_size}\0{st.st_mtime_ns}"
    known = _known_names()
    if key not in known:
        known[key] = _read_name(face)
        _save_names(known)
    name, bold = known[key]
    return face if name is None else replace(face, family=name or face.family, styled_bold=bold)


def _read_name(face: FontFace) -> tuple[str | None, bool]:
    """(family name, style bit) of a face file; (None, False) for a file that cannot be read."""
    from fontTools.ttLib import TTFont  # only when a face is actually used

    try:
        font = TTFont(face.path, fontNumber=face.index, lazy=True)
        name = font["name"].getDebugName(1)
        bold = bool(font["head"].macStyle & 1)
        font.close()
    except Exception:  # an unreadable file keeps fontconfig's names
        return None, False
    return name or "", bold


NAMES_VERSION = "1"


def _names_file() -> Path:
    return cache_dir() / "names" / f"faces-{NAMES_VERSION}.json"


@lru_cache(maxsize=1)
def _known_names() -> dict[str, tuple[str | None, bool]]:
    try:
        got = json.loads(_names_file().read_text(encoding="utf-8"))
        return {k: (v[0], bool(v[1])) for k, v in got.items()
                if isinstance(v, list) and len(v) == 2 and isinstance(v[0], (str, type(None)))}
    except (OSError, ValueError, AttributeError):
        return {}


def _save_names(known: dict[str, tuple[str | None, bool]]) -> None:
    """Write the names atomically (a parallel build reads the old file or the new one)."""
    write_cache_file(_names_file(), json.dumps(known, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def covering(chars: frozenset[str]) -> dict[str, FontFace]:
    """For each character, an installed face that draws it (characters no face draws are left
    out): the last resort of a style that allows it (``fallback-any``).

    One fc-list call per state of fontconfig's caches answers every character of every build
    (fontconfig's own charset of each face); only a build with characters its style's faces
    lack asks. Among the faces that draw a character the one drawing the most of the missing
    ones is taken (a word in one face), then the regular upright one, then by name and file.
    """
    faces = {(f.path, f.index): f for same in installed().values() for f in same}
    wanted = sorted(ord(c) for c in chars)
    offers: list[tuple[tuple, FontFace, set[int]]] = []
    for path, index, ranges in _charsets(_fontconfig_generation()):
        face = faces.get((path, index))
        if face is None:
            continue
        has = {cp for cp in wanted if _in_ranges(cp, ranges)}
        if has:
            rank = (-len(has), face.italic, abs(face.weight - REGULAR), face.family, face.path, face.index)
            offers.append((rank, face, has))
    chosen: dict[str, FontFace] = {}
    for _rank, face, has in sorted(offers, key=lambda o: o[0]):
        for cp in has:
            chosen.setdefault(chr(cp), face)
    return {ch: _named(face) for ch, face in sorted(chosen.items())}


def _in_ranges(cp: int, ranges: str) -> bool:
    """Whether fontconfig's charset text ("20-7e a0 100-17f") holds a code point."""
    for item in ranges.split():
        lo, _, hi = item.partition("-")
        if int(lo, 16) <= cp <= int(hi or lo, 16):
            return True
    return False


@lru_cache(maxsize=1)
def _charsets(generation: tuple) -> tuple[tuple[str, int, str], ...]:
    """(file, index, charset text) of every installed face, for one generation of the caches."""
    exe = shutil.which("fc-list")
    if exe is None:
        raise StyleError("fontconfig's fc-list is not installed (Debian package fontconfig)")
    out = _fc_list(exe, "%{file}\t%{index}\t%{charset}\n")
    rows = []
    for row in sorted(set(out.splitlines())):
        parts = row.split("\t")
        if len(parts) == 3:
            rows.append((os.path.realpath(parts[0]), int(parts[1] or 0), parts[2]))
    return tuple(rows)


covering.cache_clear = _charsets.cache_clear  # type: ignore[attr-defined]  # tests: forget fc-list's answer
covering.cache_info = _charsets.cache_info  # type: ignore[attr-defined]


def first_installed(families: list[str], bold: bool = False, italic: bool = False) -> FontFace | None:
    """The first family in a fallback list that is installed."""
    for fam in families:
        face = find_face(fam, bold, italic)
        if face is not None:
            return face
    return None


def _weight(text: str, styles: str = "") -> int:
    """fontconfig's weight: a number, or a range "[0 210]" for a variable font (then its
    regular weight when the range holds it).  A face named Bold that reports the regular
    weight (the Fandol Bold faces' OS/2 says 400) is taken as bold."""
    try:
        numbers = [int(float(n)) for n in text.strip("[]").split()]
    except ValueError:
        return REGULAR
    if not numbers:
        return REGULAR
    weight = max(numbers[0], min(numbers[-1], REGULAR))
    if weight == REGULAR and "bold" in [s.strip().lower() for s in styles.split(",")]:
        return BOLD
    return weight
