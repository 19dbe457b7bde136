"""read → transform → validate → write: the only module that knows the order of the stages."""
from __future__ import annotations

import gc
import glob
import os
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from . import model, plugins
from .context import BuildContext, source_date
from .errors import ConverterError, Diagnostic, InputError, MissingGlyphsError
from .fingerprint import local_resources
from .fonts.coverage import missing
from .layout import lay_out
from .model.outline import metadata
from .style import ResolvedStyle, load_style

DEFAULT_FORMATS = ("docx", "pdf", "epub", "xml")
#: the order writers run in (a fixed one; no writer depends on another: pages come from the layout)
WRITE_ORDER = ("xml", "pdf", "docx", "epub")


@dataclass
class BuildResult:
    source: Path
    outputs: list[Path] = field(default_factory=list)
    style: ResolvedStyle | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: page counts of the outputs that have pages, by format (the layout's count: "pdf", "png")
    pages: dict[str, int] = field(default_factory=dict)
    #: local files the outputs embed besides the source (images)
    resources: list[Path] = field(default_factory=list)

    @property
    def messages(self) -> list[Diagnostic]:
        """The warnings and notes of the build (the same list as ``diagnostics``)."""
        return self.diagnostics


def read(source: Path, diagnostics: list[Diagnostic] | None = None) -> etree._Element:
    """Read a source into a validated canonical model (transforms applied).

    What the reader noticed (a reader may keep a ``diagnostics`` list, as the text reader
    does) is added to ``diagnostics``, located in the source."""
    got = read_source(source)
    if diagnostics is not None:
        diagnostics += got.diagnostics
    return got.doc


@dataclass
class Read:
    """A source read: its model, what the reader noticed, and where its images are."""

    doc: etree._Element
    diagnostics: list[Diagnostic]
    #: the folder the model's image paths are relative to: the source's own folder, unless
    #: the reader put the images elsewhere (a Word document's pictures come out of its package,
    #: see the reader's ``resource_dir``)
    resource_dir: Path


def read_source(source: Path) -> Read:
    """Read a source (as ``read``), keeping the reader's notes and resource folder."""
    reader = plugins.reader_for(source)
    if reader is None:
        known = ", ".join(sorted(plugins.source_suffixes()))
        raise InputError(f"no reader for {source.suffix or 'files without a suffix'} (readers take: {known})",
                         str(source))
    try:
        doc = reader.read(source)
    except ConverterError as e:
        raise e.located(str(source))
    noticed = [replace(d, file=d.file or str(source)) for d in getattr(reader, "diagnostics", [])]
    model.validate(doc, str(source))
    for _priority, _name, transform in plugins.transforms():  # in their declared order
        try:
            transform(doc)
        except ConverterError as e:
            raise e.located(str(source))
    model.validate(doc, str(source))
    resources = getattr(reader, "resource_dir", None) or source.parent
    return Read(doc, noticed, Path(resources).resolve())


def style_for(doc: etree._Element, requested: str | None) -> ResolvedStyle:
    """The style asked for, else the one the document names, else gongwen for Chinese, report otherwise."""
    name = requested or doc.get("style")
    if not name:
        name = "gongwen" if doc.get(model.XML_LANG, "").lower().startswith("zh") else "report"
    return load_style(name)


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
    writers = {fmt: plugins.writer(fmt) for fmt in formats}  # unknown format: UsageError, before any work
    # the names this build's outputs take; a writer of one file per page adds its own once the
    # pages are known, and what an earlier build left under them is removed if this one fails
    finals = {fmt: [out_dir / (source.stem + writers[fmt].suffix)] if not writes_page_files(writers[fmt])
              else page_files(out_dir, source.stem, writers[fmt].suffix) for fmt in formats}
    temps: dict[str, list[Path]] = {}
    try:
        with gc_paused():  # reading, layout and writers make millions of objects and few cycles
            return _build(source, out_dir, formats, writers, finals, temps, style, allow_missing_glyphs, strict,
                          options or {})
    except BaseException:
        for paths in (*temps.values(), *finals.values()):
            for path in paths:
                path.unlink(missing_ok=True)
        raise


def writes_page_files(writer) -> bool:
    """Whether a writer writes one file per page (``NAME-1.png`` …) rather than one file."""
    return bool(getattr(writer, "file_per_page", False))


def needs_pages(writers) -> bool:
    """Whether any of the writers paints the layout's pages (PDF, PNG) or reads them (the
    EPUB's print page list): writers say so with ``paints_pages`` or ``reads_pages``."""
    return any(getattr(w, "paints_pages", False) or getattr(w, "reads_pages", False) for w in writers)


def page_file(out_dir: Path, stem: str, suffix: str, n: int) -> Path:
    """The file of page ``n`` of a writer of one file per page: ``NAME-n.png``."""
    return out_dir / f"{stem}-{n}{suffix}"


def page_files(out_dir: Path, stem: str, suffix: str) -> list[Path]:
    """The page files of a document already in ``out_dir`` (``NAME-1.png`` … in page order)."""
    pattern = re.compile(re.escape(stem) + r"-([1-9][0-9]*)" + re.escape(suffix) + "$")
    found = [(int(m.group(1)), p) for p in out_dir.glob(f"{glob.escape(stem)}-*{suffix}")
             if (m := pattern.match(p.name))] if out_dir.is_dir() else []
    return [p for _, p in sorted(found)]


def _build(source, out_dir, formats, writers, finals, temps, style, allow_missing_glyphs, strict,
           options) -> BuildResult:
    got = read_source(source)
    doc = got.doc
    resolved = style_for(doc, style)
    plugins.check_style_settings(resolved)  # the writers' sections of the sheet, before any output
    ctx = BuildContext(name=str(source), base_dir=got.resource_dir,
                       source_date=source_date(metadata(doc).date),
                       allow_missing_glyphs=allow_missing_glyphs, options=dict(options))
    ctx.diagnostics += got.diagnostics
    result = BuildResult(source, style=resolved, diagnostics=ctx.diagnostics,
                         resources=local_resources(doc, ctx.base_dir))
    check_glyphs(doc, resolved, source, ctx)
    if needs_pages(writers.values()):  # laid out once, for every writer that paints or reads pages
        try:
            ctx.pagination = lay_out(doc, resolved, ctx.base_dir)
        except ConverterError as e:
            raise e.located(str(source))
    out_dir.mkdir(parents=True, exist_ok=True)
    order = sorted(formats, key=lambda f: WRITE_ORDER.index(f) if f in WRITE_ORDER else len(WRITE_ORDER))
    for fmt in order:
        writer = writers[fmt]
        try:
            if writes_page_files(writer):
                stale = finals[fmt]
                finals[fmt] = [page_file(out_dir, source.stem, writer.suffix, n)
                               for n in range(1, ctx.pagination.count + 1)]
                finals[fmt] += [p for p in stale if p not in finals[fmt]]  # removed below if not replaced
                temps[fmt] = [_new_part(out_dir, source.stem) for _ in range(ctx.pagination.count)]
                writer.write_pages(doc, resolved, temps[fmt], ctx)
            else:
                temps[fmt] = [_new_part(out_dir, source.stem)]
                writer.write(doc, resolved, temps[fmt][0], ctx)
        except ConverterError as e:
            raise e.located(str(source))
    warnings = [d for d in ctx.diagnostics if d.level == "warning"]
    if strict and warnings:
        raise ConverterError(f"{len(warnings)} warning(s) fail the build (--strict); first: {warnings[0].message}",
                             str(source), warnings[0].line)
    if ctx.pagination is not None:
        result.pages.update({fmt: ctx.pagination.count for fmt in formats
                             if getattr(writers[fmt], "paints_pages", False)})
    for fmt in order:  # every output is complete: only now do they take their names
        for tmp, final in zip(temps[fmt], finals[fmt]):
            os.replace(tmp, final)
            result.outputs.append(final)
        for leftover in finals[fmt][len(temps[fmt]):]:  # pages an earlier, longer build left
            leftover.unlink(missing_ok=True)
    return result


@contextmanager
def gc_paused():
    """The cyclic garbage collector off for a block, back on after it (even on an error).

    Layout and writers allocate millions of small objects (glyphs, runs, XML elements) that
    live until the output is written; the collector would walk them again and again (8.7 % of
    a build's instructions, a third of a large PDF's time) to find almost no cycles.
    Reference counting still frees everything else at once; the next collection after the
    block takes the few cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _new_part(out_dir: Path, stem: str) -> Path:
    """A new empty hidden ``.STEM.XXXXXXXX.part`` file for an output to be written into.

    Created with mode 0666, which the kernel narrows by the process umask: the output gets the
    usual permissions without the umask being read (reading it means setting it, twice, which
    races with other threads) and without a chmod. Writers write into this file or replace it
    with one they create the same way (open(), zipfile), so the mode holds.
    """
    for _ in range(100):
        path = out_dir / f".{stem}.{secrets.token_hex(4)}.part"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(f"no free temporary name for {stem} in {out_dir}")
