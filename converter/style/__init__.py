"""One style sheet for every writer: load TOML, inherit, check, resolve to frozen values in points."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .resolve import Fonts, Grid, Page, PageNumber, ResolvedStyle, Role, resolve
from .sheet import available_styles, find_style, load_sheet


def load_style(name_or_path: str) -> ResolvedStyle:
    """Load, check and resolve a style by name (``gongwen``) or path (``my/style.toml``)."""
    path = find_style(name_or_path).resolve()
    return _load(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _load(path: Path, _mtime: int) -> ResolvedStyle:
    return resolve(load_sheet(path), path)


def describe_styles() -> list[tuple[str, str]]:
    """(name, one-line description) of every available style."""
    out = []
    for name, path in sorted(available_styles().items()):
        try:
            desc = load_sheet(path).get("description", "")
        except Exception as e:  # a broken style is still listed, with its problem
            desc = f"(cannot load: {e})"
        out.append((name, desc))
    return out


__all__ = ["load_style", "describe_styles", "ResolvedStyle", "Role", "Fonts", "Page", "PageNumber", "Grid"]
