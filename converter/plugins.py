"""Finding readers and writers through entry points; built-ins are registered the same way."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path

from .context import cache_dir, write_cache_file
from .errors import ConverterError, StyleError, UsageError

READERS = "converter.readers"
WRITERS = "converter.writers"
TRANSFORMS = "converter.transforms"


@lru_cache(maxsize=None)
def _group(group: str) -> dict[str, object]:
    found = {}
    for ep in sorted(_all_entry_points().select(group=group), key=lambda e: e.name):
        found.setdefault(ep.name, ep)
    return found


@lru_cache(maxsize=1)
def _all_entry_points():
    """Every installed distribution's entry points, read once a process (each
    ``entry_points(group=…)`` call reads every distribution's metadata again)."""
    return entry_points()


def names(group: str) -> list[str]:
    """Registered plug-in names in a group."""
    return sorted(_group(group))


def load(group: str, name: str):
    """An instance of the plug-in registered under a name; unknown names list the known ones."""
    ep = _group(group).get(name)
    if ep is None:
        kind = group.rsplit(".", 1)[-1][:-1]
        raise UsageError(f"unknown {kind} {name!r}; known: {', '.join(names(group)) or 'none'}")
    return _load_entry(ep)()


def _load_entry(ep):
    try:
        return ep.load()
    except Exception as e:  # a broken plug-in is the plug-in's fault, reported as such
        raise ConverterError(f"plug-in {ep.name!r} ({ep.value}) failed to load: {e}") from e


def writer(name: str):
    return load(WRITERS, name)


def check_style_settings(style) -> None:
    """Every writer section of a style sheet ([docx], [epub] …) checked by the writer of that
    name against the keys it declares (its ``settings``); a section no writer owns, or an
    unknown key or a bad value in one, is a StyleError naming the sheet and the dotted key."""
    sections = style.writer_settings
    for name in sections.names():
        if name not in _group(WRITERS):
            known = ", ".join(names(WRITERS)) or "none"
            raise StyleError(f"unknown key {name} (no writer of that name; writers: {known})", sections.origin(name))
        style.settings(name, getattr(writer(name), "settings", {}))


def reader_for(path: Path):
    """The reader that takes this file's suffix (only that reader is imported)."""
    suffix = path.suffix.lower()
    for name, suffixes in sorted(_reader_suffixes().items()):
        if suffix in suffixes:
            return load(READERS, name)
    return None


def source_suffixes() -> set[str]:
    """Every suffix some reader takes (to pick sources out of a folder)."""
    return {s for suffixes in _reader_suffixes().values() for s in suffixes}


@lru_cache(maxsize=1)
def _reader_suffixes() -> dict[str, tuple[str, ...]]:
    """Reader name → the suffixes it takes, kept on disk so that a build imports only the
    reader it uses (the DOCX reader and python-docx, the Markdown reader and markdown-it cost a
    .txt build 20–45 ms). The kept answer is keyed by every reader's entry point, its module
    file (path, size, mtime) and the converter's own code; anything else loads every reader, as
    without the file."""
    readers = _group(READERS)
    key = _readers_key(readers)
    path = cache_dir() / "plugins" / f"readers-{key}.json"
    if key:
        try:
            got = json.loads(path.read_text(encoding="utf-8"))
            if sorted(got) == sorted(readers) and all(isinstance(v, list) for v in got.values()):
                return {name: tuple(v) for name, v in got.items()}
        except (OSError, ValueError, AttributeError):
            pass
    found = {name: tuple(load(READERS, name).suffixes) for name in readers}
    if key:
        write_cache_file(path, json.dumps(found, sort_keys=True).encode("utf-8"))
    return found


def _readers_key(readers: dict[str, object]) -> str | None:
    """What the readers' suffixes depend on, hashed; None when a module cannot be located
    without importing it (the readers are then loaded, and a broken one says so)."""
    from .fingerprint import code_digest

    parts = [code_digest()]
    for name, ep in sorted(readers.items()):
        try:
            spec = importlib.util.find_spec(ep.module)
            origin = spec.origin if spec else None
            st = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            return None
        if st is None:
            return None
        # (not the distribution's version: reading it parses its metadata, 0.05 s; an upgrade
        # rewrites the module file anyway)
        parts += [name, ep.value, origin, str(st.st_size), str(st.st_mtime_ns)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


#: where a transform without a ``priority`` runs (docutils' scale: 0 first … 999 last)
DEFAULT_PRIORITY = 500


def transforms() -> list[tuple[int, str, object]]:
    """The registered transforms in the order they run: (priority, name, callable).

    As in docutils, each transform declares a ``priority`` (an int, lower runs first; a
    transform without one runs at DEFAULT_PRIORITY); equal priorities run in name order, so
    the order never depends on how entry points happen to be listed.
    """
    found = []
    for name in names(TRANSFORMS):
        func = load_callable(TRANSFORMS, name)
        priority = getattr(func, "priority", DEFAULT_PRIORITY)
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise ConverterError(f"transform {name!r} has a priority that is not an integer: {priority!r}")
        found.append((priority, name, func))
    return sorted(found, key=lambda t: (t[0], t[1]))


def load_callable(group: str, name: str):
    """A plug-in that is a plain function (transforms)."""
    ep = _group(group).get(name)
    if ep is None:
        raise UsageError(f"unknown transform {name!r}; known: {', '.join(names(group)) or 'none'}")
    return _load_entry(ep)
