"""Finding readers and writers through entry points; built-ins are registered the same way.

Reading the installed distributions' entry points costs a build about 13 ms (importing
``importlib.metadata``, which pulls in ``email`` and more, and parsing every distribution's
metadata), so the answer is kept on disk, keyed by what it is read from: the names of the
distributions on ``sys.path`` and each one's ``entry_points.txt`` (size and mtime). Installing,
upgrading or removing a distribution changes the key and the entry points are read again.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import stat
import sys
from collections.abc import Callable
from functools import lru_cache, reduce
from pathlib import Path

from .cachefiles import cache_dir, write_cache_file
from .errors import ConverterError, StyleError, UsageError

READERS = "converter.readers"
WRITERS = "converter.writers"
TRANSFORMS = "converter.transforms"
GROUPS = (READERS, WRITERS, TRANSFORMS)


class EntryPoint:
    """One registered plug-in: ``name = module:attr`` in a group (what importlib.metadata's
    EntryPoint says of it, without importing importlib.metadata)."""

    __slots__ = ("name", "value", "group")

    def __init__(self, name: str, value: str, group: str):
        self.name, self.value, self.group = name, value, group

    @property
    def module(self) -> str:
        return self.value.split(":", 1)[0].strip()

    @property
    def attr(self) -> str:
        rest = self.value.split(":", 1)[1] if ":" in self.value else ""
        return rest.split("[", 1)[0].strip()  # extras ("[pdf]") do not change what is loaded

    def load(self):
        """The object the entry point names (as importlib.metadata.EntryPoint.load)."""
        return reduce(getattr, filter(None, self.attr.split(".")), importlib.import_module(self.module))

    def __repr__(self) -> str:
        return f"EntryPoint({self.name!r}, {self.value!r}, {self.group!r})"


@lru_cache(maxsize=None)
def _group(group: str) -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for ep in sorted(_all_entry_points().get(group, []), key=lambda e: e.name):
        found.setdefault(ep.name, ep)  # the first distribution on the path wins a name
    return found


@lru_cache(maxsize=1)
def _all_entry_points() -> dict[str, list[EntryPoint]]:
    """Our groups' entry points of every installed distribution, in the order importlib.metadata
    lists them: read once a process, from the disk cache when the distributions are the same."""
    key = _distributions_key()
    path = cache_dir() / "plugins" / f"entry-points-{key}.json"
    if key:
        try:
            got = json.loads(path.read_text(encoding="utf-8"))
            return {group: [EntryPoint(name, value, group) for name, value in got[group]] for group in GROUPS}
        except (OSError, ValueError, KeyError, TypeError):
            pass
    from importlib.metadata import entry_points  # 10 ms of imports: only when the cache misses

    everything = entry_points()
    found = {group: [EntryPoint(ep.name, ep.value, group) for ep in everything.select(group=group)]
             for group in GROUPS}
    if key:
        write_cache_file(path, json.dumps({g: [[e.name, e.value] for e in eps] for g, eps in found.items()},
                                          sort_keys=True).encode("utf-8"))
    return found


def _distributions_key() -> str | None:
    """A hash of what importlib.metadata reads entry points from: for every ``sys.path`` entry,
    the distributions in it (``*.dist-info``, ``*.egg-info``) with their ``entry_points.txt``'s
    size and mtime (a zip on the path: its own). None when a finder other than the standard
    path finder can list distributions (its answer cannot be keyed): then nothing is kept."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if hasattr(finder, "find_distributions") and finder is not PathFinder:
            return None
    parts = [sys.version, sys.prefix]
    for entry in sys.path:
        folder = entry or "."
        parts.append("path " + entry)
        try:
            st = os.stat(folder)
        except (OSError, ValueError):
            continue
        if not stat.S_ISDIR(st.st_mode):
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")  # a zip file: anything in it may change
            continue
        try:
            names = sorted(n for n in os.listdir(folder) if n.lower().endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
        if folder.lower().endswith(".egg"):
            names.append("EGG-INFO")
        for name in names:
            parts.append(name + _stat_of(os.path.join(folder, name, "entry_points.txt")))
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def per_installation(name: str, compute: Callable[[], object]) -> object:
    """``compute()``'s answer (JSON data), kept on disk for as long as the installed
    distributions stay the same (see _distributions_key): for what only depends on them, like
    the Pygments styles a sheet may name (listing those imports Pygments' styles and its
    plug-ins' entry points, 35 ms)."""
    key = _distributions_key()
    path = cache_dir() / "plugins" / f"{name}-{key}.json"
    if key:
        try:
            return json.loads(path.read_text(encoding="utf-8"))["answer"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    answer = compute()
    if key:
        write_cache_file(path, json.dumps({"answer": answer}, sort_keys=True).encode("utf-8"))
    return answer


def _stat_of(path: str) -> str:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return ":-"
    return f":{st.st_size}:{st.st_mtime_ns}"


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
    unknown key or a bad value in one, is a StyleError naming the sheet and the dotted key.

    A section that passed the check is remembered on disk (keyed by its content, the writer's
    entry point and module file and the converter's code), so that a PDF build does not import
    the EPUB writer and ebooklib only to check the sheet's [epub] section again."""
    sections = style.writer_settings
    for name in sections.names():
        if name not in _group(WRITERS):
            known = ", ".join(names(WRITERS)) or "none"
            raise StyleError(f"unknown key {name} (no writer of that name; writers: {known})", sections.origin(name))
        key = _plugins_key({name: _group(WRITERS)[name]}, _plain(sections.sections.get(name, {})))
        passed = cache_dir() / "plugins" / f"settings-{key}.ok"
        if key and passed.is_file():
            continue
        style.settings(name, getattr(writer(name), "settings", {}))  # a StyleError when it fails
        if key:
            write_cache_file(passed, b"")


def _plain(value):
    """A TOML value (read-only tables included) as plain JSON data."""
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else repr(value)


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
    key = _plugins_key(readers)
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


def _plugins_key(plugins: dict[str, EntryPoint], data: object = None) -> str | None:
    """What the plug-ins' answers depend on, hashed: their entry points, their module files
    (path, size, mtime), the converter's own code and ``data``; None when a module cannot be
    located without importing it (the plug-ins are then loaded, and a broken one says so)."""
    from .fingerprint import code_digest

    parts = [code_digest(), json.dumps(data, sort_keys=True)]
    for name, ep in sorted(plugins.items()):
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
