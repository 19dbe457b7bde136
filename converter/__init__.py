"""converter: plain-text and Markdown reports to PDF, DOCX, EPUB 3 and canonical XML with one style sheet."""
from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path  # noqa: E402


def convert(source: str | Path, out_dir: str | Path = "dist", formats=None, style: str | None = None, *,
            to=None, strict: bool = False, allow_missing_glyphs: bool = False,
            reference_doc: str | Path | None = None):
    """Build one source into ``out_dir``; returns the pipeline's BuildResult (``outputs``,
    ``messages``, ``style``, ``pages``). Raises ConverterError when the document fails.

    ``to`` (or ``formats``, its older name): a list of format names or ``"pdf,docx"``; default
    every format. ``reference_doc``: a Word document whose page setup and styles the DOCX takes.
    Builds into the same folder wait for each other (the folder's lock).
    """
    from .batch import check_formats
    from .outdir import locked
    from .pipeline import DEFAULT_FORMATS, build

    wanted = check_formats(to if to is not None else formats if formats is not None else DEFAULT_FORMATS)
    with locked(Path(out_dir)):
        options = {"reference_doc": Path(reference_doc)} if reference_doc is not None else {}
        return build(Path(source), Path(out_dir), wanted, style, allow_missing_glyphs, strict, options)


def build_folder(inputs, out_dir: str | Path = "dist", to=None, style: str | None = None, **options):
    """Build files and folders of sources into ``out_dir`` (sub-folders kept), in parallel,
    skipping unchanged documents, writing ``out_dir/manifest.json``; returns a FolderResult whose
    ``documents`` each have ``status``, ``outputs``, ``messages`` and ``error``. Options: ``jobs``,
    ``force``, ``strict``, ``allow_missing_glyphs``, ``reference_doc`` and the progress callbacks of
    ``converter.batch.build_folder``. A document that fails is a result, not an exception."""
    from .batch import build_folder as _build_folder
    from .pipeline import DEFAULT_FORMATS

    return _build_folder(inputs, out_dir, to if to is not None else DEFAULT_FORMATS, style, **options)


def load_style(name_or_path: str):
    """Load and resolve a style sheet by name or path."""
    from .style import load_style as _load

    return _load(name_or_path)


__all__ = ["convert", "build_folder", "load_style", "__version__"]
