"""One style sheet for every writer: load TOML, inherit, check, resolve to frozen values in points."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .resolve import Fonts, Grid, Page, PageNumber, ResolvedStyle, Role, resolve
from .settings import Setting, WriterSettings
from ..errors import ConverterError
from .sheet import available_styles, find_style, load_sheet, sheet_files


def load_style(name_or_path: str, within: Path | None = None) -> ResolvedStyle:
    """Load, check and resolve a style by name (``gongwen``) or path (``my/style.toml``);
    ``within``: the folder of the document that asks for it (see find_style)."""
    path = find_style(name_or_path, within).resolve()
    # cached while neither the sheet nor any sheet it extends changes (watch mode edits them)
    return _load(path, tuple(f.stat().st_mtime_ns for f in sheet_files(path)))


@lru_cache(maxsize=16)
def _load(path: Path, _stamp: tuple[int, ...]) -> ResolvedStyle:
    origins: dict[str, str] = {}  # which sheet wrote each key of a writer's section
    try:
        return resolve(load_sheet(path, origins=origins), path, origins)
    except ConverterError as e:
        raise e.located(str(path))  # a value's error names the sheet it is in


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


__all__ = ["load_style", "describe_styles", "ResolvedStyle", "Role", "Fonts", "Page", "PageNumber", "Grid",
           "Setting", "WriterSettings"]
