"""Finding installed font files by family name, through fontconfig's fc-list."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from ..errors import StyleError

REGULAR, BOLD = 80, 200  # fontconfig weights


@dataclass(frozen=True)
class FontFace:
    """One face of an installed font: its family name, file and index inside a collection."""

    family: str
    path: str
    index: int
    weight: int
    italic: bool
    #: the file's (size, mtime in ns) when fontconfig listed it: caches keyed on the face
    #: (coverage, metrics, subsets) then see an edited font file as another face
    stamp: tuple[int, int] = (0, 0)

    @property
    def key(self) -> str:
        """A short stable name (used for reportlab registration and cache files)."""
        bold = "-Bold" if self.weight >= BOLD else ""
        ital = "-Italic" if self.italic else ""
        return "".join(ch for ch in self.family if ch.isalnum()) + bold + ital


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


@lru_cache(maxsize=1)
def _listed(generation: tuple) -> dict[str, list[FontFace]]:
    """fc-list's answer for one generation of fontconfig's caches."""
    exe = shutil.which("fc-list")
    if exe is None:
        raise StyleError("fontconfig's fc-list is not installed (Debian package fontconfig)")
    out = subprocess.run(
        [exe, "--format", "%{family}\t%{weight}\t%{slant}\t%{index}\t%{file}\n"],
        capture_output=True, text=True, check=True,
    ).stdout
    faces: dict[str, list[FontFace]] = {}
    for row in sorted(set(out.splitlines())):
        parts = row.split("\t")
        if len(parts) != 5 or not parts[4].lower().endswith((".ttf", ".otf", ".ttc", ".otc")):
            continue
        families, weight, slant, index, path = parts
        path = os.path.realpath(path)  # a font reached through a symlink is the same font
        names = [n.strip() for n in families.split(",") if n.strip()]
        try:
            st = os.stat(path)
        except OSError:
            continue  # listed but gone: fontconfig's cache is older than the folder
        for name in names:
            face = FontFace(names[0], path, int(index or 0), _weight(weight), slant not in ("", "0"),
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
    return min(faces, key=lambda f: (f.italic != italic, abs(f.weight - want), f.path, f.index))


def first_installed(families: list[str], bold: bool = False, italic: bool = False) -> FontFace | None:
    """The first family in a fallback list that is installed."""
    for fam in families:
        face = find_face(fam, bold, italic)
        if face is not None:
            return face
    return None


def _weight(text: str) -> int:
    """fontconfig's weight: a number, or a range "[0 210]" for a variable font (then its
    regular weight when the range holds it)."""
    try:
        numbers = [int(float(n)) for n in text.strip("[]").split()]
    except ValueError:
        return REGULAR
    if not numbers:
        return REGULAR
    return max(numbers[0], min(numbers[-1], REGULAR))
