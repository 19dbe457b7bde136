"""converter: plain-text and Markdown reports to PDF, DOCX, EPUB 3 and canonical XML with one style sheet."""
from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path  # noqa: E402


def convert(source: str | Path, out_dir: str | Path = "dist", formats=("docx", "pdf", "epub", "xml"),
            style: str | None = None):
    """Build one source into the given formats; returns the pipeline's BuildResult."""
    from .pipeline import build

    return build(Path(source), Path(out_dir), list(formats), style)


def load_style(name_or_path: str):
    """Load and resolve a style sheet by name or path."""
    from .style import load_style as _load

    return _load(name_or_path)


__all__ = ["convert", "load_style", "__version__"]
