"""``converter watch``: rebuild what changed when a source or a style sheet changes.

Each change runs an ordinary incremental folder build (``batch.build_folder``), so only the
documents whose key changed are rebuilt: an edited source rebuilds that document, an edited style
sheet every document that uses it. Runs until interrupted (Ctrl-C or SIGTERM).
"""
from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

from . import manifest, plugins
from .batch import FolderResult
from .errors import ConverterError
from .style.sheet import find_style


def watch(folder: str | Path, out_dir: str | Path, build: Callable[[], FolderResult],
          on_error: Callable[[ConverterError], None], on_watching: Callable[[list[Path]], None],
          style: str | None = None, debounce_ms: int = 300) -> None:
    """Run ``build`` now and again after every relevant change under ``folder`` or to the style
    sheets in use, until interrupted. A build's usage error (say, the folder lost its last
    source) is reported through ``on_error`` and watching goes on."""
    import watchfiles

    folder, out_dir = Path(folder), Path(out_dir)
    suffixes = plugins.source_suffixes()
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        _run(build, on_error)
        while True:
            styles = _style_files(out_dir, style)
            paths = sorted({folder, *(p.parent for p in styles)})
            on_watching(paths)
            relevant = _Filter(folder, out_dir, suffixes, styles)
            # the watcher keeps running during a build: what changes meanwhile comes next
            for _changes in watchfiles.watch(*paths, watch_filter=relevant, debounce=debounce_ms):
                _run(build, on_error)
                if _style_files(out_dir, style) != styles:
                    break  # other style sheets are in use now: watch their folders
    except KeyboardInterrupt:
        return
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _run(build: Callable[[], FolderResult], on_error: Callable[[ConverterError], None]) -> None:
    try:
        build()
    except ConverterError as e:
        on_error(e)


def _style_files(out_dir: Path, style: str | None) -> set[Path]:
    """The style sheet files the documents in the output folder were built with (the manifest
    says), and the requested style's."""
    files: set[Path] = set()
    for entry in manifest.load(out_dir)["documents"].values():
        for f in entry.get("style", {}).get("files", []):
            files.add(manifest.resolve(f["path"], out_dir).resolve())
    if style:
        try:
            files.add(find_style(style).resolve())
        except ConverterError:
            pass
    return files


class _Filter:
    """Which file events call for a build: sources in the folder (not in the output folder, not
    hidden) and the style sheets in use."""

    def __init__(self, folder: Path, out_dir: Path, suffixes: set[str], styles: set[Path]):
        self.folder = folder.resolve()
        self.out_dir = out_dir.resolve()
        self.suffixes = suffixes
        self.styles = styles

    def __call__(self, change, path: str) -> bool:
        p = Path(path).resolve()
        if p in self.styles:
            return True
        if p.suffix.lower() not in self.suffixes or p.is_relative_to(self.out_dir):
            return False
        try:
            rel = p.relative_to(self.folder)
        except ValueError:
            return False
        return not any(part.startswith(".") for part in rel.parts) and not p.name.startswith("~$")
