"""Finding readers and writers through entry points; built-ins are registered the same way."""
from __future__ import annotations

from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path

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
    """The reader that takes this file's suffix."""
    suffix = path.suffix.lower()
    for name in names(READERS):
        r = load(READERS, name)
        if suffix in r.suffixes:
            return r
    return None


def source_suffixes() -> set[str]:
    """Every suffix some reader takes (to pick sources out of a folder)."""
    return {s for name in names(READERS) for s in load(READERS, name).suffixes}


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
