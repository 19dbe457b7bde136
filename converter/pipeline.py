"""read → transform → validate → write: the only module that knows the order of the stages."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import model, plugins
from .context import BuildContext, source_date
from .errors import (ConverterError, Diagnostic, InputError, MissingGlyphsError, StyleError, collecting,
                     printable, report)
from .fingerprint import local_resources
from .fonts.coverage import missing
from .model.outline import metadata
from .style import ResolvedStyle, load_style

DEFAULT_FORMATS = ("docx", "pdf", "epub", "xml")
#: the order writers run in: a later writer may use what an earlier one left (EPUB reads PDF pages)
WRITE_ORDER = ("xml", "pdf", "docx", "epub")


@dataclass
class BuildResult:
    source: Path
    outputs: list[Path] = field(default_factory=list)
    style: ResolvedStyle | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: page counts of the outputs that have pages, by format (the PDF writer leaves its count)
    pages: dict[str, int] = field(default_factory=dict)
    #: local files the outputs embed besides the source (images)
    resources: list[Path] = field(default_factory=list)

    @property
    def messages(self) -> list[Diagnostic]:
        """The warnings and notes of the build (the same list as ``diagnostics``)."""
        return self.diagnostics


def read(source: Path, diagnostics: list[Diagnostic] | None = None) -> etree._Element:
    """Read a source into a validated canonical model (transforms applied).

    What the reader reports on the way (a guessed encoding) is appended to ``diagnostics``;
    without a list, it becomes a Python warning.
    """
    reader = plugins.reader_for(source)
    if reader is None:
        known = ", ".join(sorted(plugins.source_suffixes()))
        raise InputError(f"no reader for {source.suffix or 'files without a suffix'} (readers take: {known})",
                         str(source))
    try:
        with collecting() as found:
            doc = reader.read(source)
    except ConverterError as e:
        raise e.located(str(source))
    for diagnostic in found:
        if diagnostics is None:
            report(diagnostic)
        else:
            diagnostics.append(diagnostic)
    model.validate(doc, str(source))
    for name in plugins.names(plugins.TRANSFORMS):
        plugins.load_callable(plugins.TRANSFORMS, name)(doc)
    model.validate(doc, str(source))
    return doc


def style_for(doc: etree._Element, requested: str | None, source: Path | None = None) -> ResolvedStyle:
    """The style asked for, else the one the document names (a style by name or a sheet in the
    document's folder), else gongwen for Chinese, report otherwise."""
    if requested:
        return load_style(requested)
    named = doc.get("style")
    if not named:
        return load_style("gongwen" if doc.get(model.XML_LANG, "").lower().startswith("zh") else "report")
    within = source.parent.resolve() if source is not None else None
    try:
        return load_style(named, within)
    except StyleError as e:
        if e.file is None and source is not None:  # the document's own request: its line
            raise e.located(str(source), _first_line_with(source, [named])) from None
        raise


def check_glyphs(doc: etree._Element, style: ResolvedStyle, source: Path, ctx: BuildContext) -> None:
    """Every character must be drawable by the style's fonts, or the build says which are not."""
    chars = set(model.plain_text(doc))
    absent = missing(chars, style.faces())
    if not absent:
        return
    err = MissingGlyphsError(absent, str(source), _first_line_with(source, absent))
    if not ctx.allow_missing_glyphs:
        raise err
    ctx.diagnostics.append(Diagnostic("warning", err.message + " (drawn as the font's missing-glyph box)",
                                      ctx.name, err.line))


def _date_of(doc: etree._Element, source: Path):
    """The date every output carries; a date that is no date is an error at its line."""
    written = metadata(doc).date
    try:
        return source_date(written, str(source))
    except InputError as e:
        raise e.located(line=_first_line_with(source, [written])) from None


def _first_line_with(source: Path, chars: list[str]) -> int | None:
    try:
        text = source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    positions = [text.find(c) for c in chars if c in text]
    return text.count("\n", 0, min(positions)) + 1 if positions else None


def build(source: Path, out_dir: Path, formats: list[str] | tuple[str, ...] = DEFAULT_FORMATS,
          style: str | None = None, allow_missing_glyphs: bool = False, strict: bool = False,
          options: dict | None = None) -> BuildResult:
    """Build one source into every format; all outputs appear together, or none does.

    When the build fails, outputs an earlier build left under the same names are removed
    too: a stale file must not pass for this build's result. ``strict``: a warning fails the
    build (before any output takes its name). ``options``: what particular writers are asked
    (BuildContext.options, e.g. ``reference_doc`` for the DOCX writer).
    """
    formats = list(dict.fromkeys(formats))  # pdf twice is pdf once
    writers = {fmt: plugins.writer(fmt) for fmt in formats}  # unknown format: UsageError, before any work
    finals = {fmt: out_dir / (source.stem + writers[fmt].suffix) for fmt in formats}
    temps: dict[str, Path] = {}
    try:
        return _build(source, out_dir, formats, writers, finals, temps, style, allow_missing_glyphs, strict,
                      options or {})
    except OSError as e:  # a full disk, a read-only folder, a name too long: said, not a traceback
        for path in (*temps.values(), *finals.values()):
            _remove(path)
        where = f" ({printable(e.filename)})" if isinstance(e.filename, str) else ""
        raise ConverterError(f"cannot write the outputs in {printable(str(out_dir))}: {e.strerror or e}{where}",
                             str(source)) from None
    except BaseException:
        for path in (*temps.values(), *finals.values()):
            _remove(path)
        raise


def _build(source, out_dir, formats, writers, finals, temps, style, allow_missing_glyphs, strict,
           options) -> BuildResult:
    found: list[Diagnostic] = []
    doc = read(source, found)
    resolved = style_for(doc, style, source)
    ctx = BuildContext(name=str(source), base_dir=source.parent.resolve(),
                       source_date=_date_of(doc, source),
                       allow_missing_glyphs=allow_missing_glyphs, options=dict(options))
    ctx.diagnostics.extend(found)
    result = BuildResult(source, style=resolved, diagnostics=ctx.diagnostics,
                         resources=local_resources(doc, ctx.base_dir))
    check_glyphs(doc, resolved, source, ctx)
    out_dir.mkdir(parents=True, exist_ok=True)
    order = sorted(formats, key=lambda f: WRITE_ORDER.index(f) if f in WRITE_ORDER else len(WRITE_ORDER))
    for fmt in order:
        fd, tmp = tempfile.mkstemp(prefix=f".{source.stem}.", suffix=".part", dir=out_dir)
        os.close(fd)
        temps[fmt] = Path(tmp)
        try:
            writers[fmt].write(doc, resolved, temps[fmt], ctx)
        except ConverterError as e:
            raise e.located(str(source))
    warnings = [d for d in ctx.diagnostics if d.level == "warning"]
    if strict and warnings:
        raise ConverterError(f"{len(warnings)} warning(s) fail the build (--strict); first: {warnings[0].message}",
                             str(source), warnings[0].line)
    if "pdf_pages" in ctx.shared:
        result.pages["pdf"] = ctx.shared["pdf_pages"]
    mode = 0o666 & ~_umask()  # temporary files are private; outputs get the usual permissions
    for fmt in order:  # every output is complete: only now do they take their names
        os.chmod(temps[fmt], mode)
        os.replace(temps[fmt], finals[fmt])
        result.outputs.append(finals[fmt])
    return result


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # a read-only folder holds nothing of ours anyway
        pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
