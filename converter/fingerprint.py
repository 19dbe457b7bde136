"""Content hashes that decide whether a document must be rebuilt.

A document's key hashes everything its outputs depend on: the source bytes, the style sheet
files (with every sheet it extends), the font files the style resolved to, the converter's
version and code, the formats and the build options. Equal keys mean equal outputs, so an
unchanged document is skipped; timestamps are never trusted, except a font file's size and
mtime (hashing tens of megabytes of CJK fonts on every build would cost more than it saves).
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from . import __version__
from .fonts.find import FontFace, covering, first_installed
from .style import ResolvedStyle, load_style
from .style.sheet import sheet_files

_CHUNK = 1 << 20


def file_sha256(path: Path | str) -> str:
    """The sha256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _faces(style: ResolvedStyle) -> list[FontFace]:
    """Every face the style can use: its roles' faces, fallbacks, and the bold and italic faces
    the writers look up for emphasis."""
    faces = {(f.path, f.index): f for f in style.faces()}
    for spec in style.family_lists.values():
        for script in ("latin", "cjk"):
            for bold in (False, True):
                for italic in (False, True):
                    face = first_installed(spec.get(script, []), bold, italic)
                    if face is not None:
                        faces.setdefault((face.path, face.index), face)
    return [faces[k] for k in sorted(faces)]


def style_stamp(style: ResolvedStyle) -> dict:
    """What a resolved style contributes to a document's key (also recorded in the manifest):
    its name, its sheet files (absolute paths, the style's own file first) with their sha256,
    and its font files with their size and mtime."""
    fonts = []
    for face in _faces(style):
        try:
            st = os.stat(face.path)
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size, mtime = None, None
        fonts.append({"family": face.family, "path": face.path, "index": face.index,
                      "bytes": size, "mtime_ns": mtime})
    files = [{"path": str(p), "sha256": file_sha256(p)} for p in sheet_files(style.path)]
    return {"name": style.name, "files": files, "fonts": fonts}


def stamp_for(name_or_path: str) -> dict | None:
    """The stamp of a style given by name or path, or None when it cannot be loaded now."""
    try:
        return style_stamp(load_style(name_or_path))
    except Exception:  # a style that no longer loads: the document is rebuilt and the build says why
        return None


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of the converter's own code and schema: an edited converter rebuilds everything,
    even before its version number changes.

    Reading and hashing all of it costs a build 7 ms, so the digest is kept on disk under a
    hash of the files' paths, sizes and mtimes (an edit, a checkout or an upgrade changes
    those); the kept file is only ever the digest of exactly those files."""
    root = Path(__file__).resolve().parent
    files = _code_files(str(root))
    signature = hashlib.sha256(repr((__version__, files)).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    from .cachefiles import cache_dir, write_cache_file

    kept = cache_dir() / "code" / f"{signature}.sha256"
    try:
        digest = kept.read_text(encoding="ascii")
        if len(digest) == 64:
            return digest
    except (OSError, ValueError):
        pass
    h = hashlib.sha256(__version__.encode())
    for rel, _size, _mtime in files:
        h.update(rel.encode())
        h.update((root / rel).read_bytes())
    digest = h.hexdigest()
    write_cache_file(kept, digest.encode("ascii"))
    return digest


def _code_files(root: str) -> list[tuple[str, int, int]]:
    """(path relative to root with forward slashes, size, mtime) of every .py and .rng file
    under root, outside __pycache__, sorted by path (as ``Path.rglob`` would list them)."""
    found = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):  # (rglob does not follow linked folders)
                    if entry.name != "__pycache__":
                        walk(entry.path, prefix + entry.name + "/")
                elif entry.name.endswith((".py", ".rng")):
                    st = entry.stat()
                    found.append((prefix + entry.name, st.st_size, st.st_mtime_ns))

    walk(root, "")
    return sorted(found, key=lambda f: Path(f[0]).parts)


def local_resources(doc, base_dir: Path) -> list[Path]:
    """The local files a document embeds (its images), found as the writers find them
    (converter.model.images); one they cannot use is not a resource (the build says why)."""
    from . import model
    from .errors import InputError
    from .model.images import resolve_image

    found: dict[Path, None] = {}
    for img in doc.iter(model.q("image")):
        try:
            found.setdefault(resolve_image(img.get("src") or "", base_dir))
        except InputError:
            continue
    return list(found)


def resource_hashes(paths: list[Path]) -> list[str | None]:
    """The sha256 of each resource (None for one that is gone)."""
    out: list[str | None] = []
    for p in paths:
        try:
            out.append(file_sha256(p))
        except OSError:
            out.append(None)
    return out


def fallback_stamp(choice: Iterable[tuple[str, FontFace | None]]) -> list[dict]:
    """What fallback-any took for the characters no face of a document's style draws: per
    installed face, its characters, file, index, size and mtime; the characters no installed
    face draws come last, with no file."""
    by_face: dict[tuple, list[str]] = {}
    for ch, face in sorted(choice, key=lambda c: c[0]):
        by_face.setdefault((face.path, face.index, *face.stamp) if face else (None, None, None, None), []).append(ch)
    return [{"chars": "".join(got), "path": path, "index": index, "bytes": size, "mtime_ns": mtime}
            for (path, index, size, mtime), got in sorted(by_face.items(), key=lambda kv: (kv[0][0] is None, kv[1]))]


def fallback_now(chars: str) -> list[dict]:
    """The fallback_stamp fallback-any would give these characters now: installing or removing
    a font changes it, and with it the key of every document that needed such a face."""
    found = covering(frozenset(chars))
    return fallback_stamp((ch, found.get(ch)) for ch in chars)


def document_key(source_sha256: str, stamp: dict, formats: list[str] | tuple[str, ...], options: dict,
                 resources: list[str | None] = (), fallback: list[dict] | None = None) -> str:
    """The hash of everything a document's outputs depend on (``resources``: the sha256 of
    each image it embeds; ``fallback``: its fallback_stamp, for a document that needed one)."""
    data = {
        "source": source_sha256,
        "resources": list(resources),
        # style files by content only: a checkout in another folder is the same input
        "style": {**stamp, "files": [f["sha256"] for f in stamp["files"]]},
        "converter": [__version__, code_digest()],
        "formats": sorted(formats),
        "options": options,
        # dates in every output come from it (see context.source_date)
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),
    }
    if fallback:  # (absent from the keys of the documents that need none, as before)
        data["fallback"] = fallback
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
