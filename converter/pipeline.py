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

from . import model, parallel, plugins
from .context import BuildContext, source_date
from .errors import (ConverterError, Diagnostic, InputError, MissingGlyphsError, StyleError, collecting,
                     printable, report)
from .fingerprint import local_resources
from .fonts.coverage import missing
from .fonts.find import FontFace, covering
from .model.images import image_warnings
from .model.outline import metadata
from .source_lines import first_line_with, line_containing
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

    What the reader and the transforms warn about (errors.warn/report, or a reader's own
    ``diagnostics`` list, as the text reader keeps one) is added to ``diagnostics``, located in
    the source; without a list, each becomes a Python warning (never silent)."""
    got = read_source(source)
    for diagnostic in got.diagnostics:
        if diagnostics is None:
            report(diagnostic)
        else:
            diagnostics.append(diagnostic)
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
    """Read a source (as ``read``), keeping the reader's notes and resource folder.

    What the reader and the transforms noticed, located in the source: what the reader kept in a
    ``diagnostics`` list of its own (the text reader does), and what was reported on the way
    through errors.warn()/report() (decode.py's guessed encodings, a broken internal link:
    helpers deep in a reader and transforms have no list at hand)."""
    reader = plugins.reader_for(source)
    if reader is None:
        known = ", ".join(sorted(plugins.source_suffixes()))
        raise InputError(f"no reader for {source.suffix or 'files without a suffix'} (readers take: {known})",
                         str(source))
    with collecting() as found:
        try:
            doc = reader.read(source)
        except ConverterError as e:
            raise e.located(str(source))
        model.validate(doc, str(source))
        for _priority, _name, transform in plugins.transforms():  # in their declared order
            try:
                transform(doc)
            except ConverterError as e:
                raise e.located(str(source))
        model.validate(doc, str(source))
    noticed = [replace(d, file=d.file or str(source)) for d in (*found, *getattr(reader, "diagnostics", []))]
    resources = getattr(reader, "resource_dir", None) or source.parent
    return Read(doc, noticed, Path(resources).resolve())


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
            # the line the reader recorded for the request (Markdown: the front matter's), else
            # the first line that names it
            raise e.located(str(source), doc.sourceline or line_containing(source, named)) from None
        raise


def check_glyphs(doc: etree._Element, style: ResolvedStyle, source: Path, ctx: BuildContext,
                 paints: bool = True) -> ResolvedStyle:
    """Every character must be drawable by the style's fonts, or the build says which are not.

    A style that allows it (``fallback-any``) first takes, for the characters none of its faces
    draw, an installed face that has them (one warning per face, naming the characters): the
    style returned, for this document, lists those faces after its own.
    ``paints``: an output draws glyphs itself (PDF, PNG): a character no face has fails the
    build (a warning under --allow-missing-glyphs). Without one (DOCX, EPUB, XML, whose
    readers draw with their own fonts) it is a warning."""
    chars = set(model.plain_text(doc))
    absent = missing(chars, style.faces())
    if absent and style.fallback_any:
        style, absent = _found_fallback(doc, style, source, ctx, absent)
    if not absent:
        return style
    err = MissingGlyphsError(absent, str(source), first_line_with(doc, source, absent))
    if paints and not ctx.allow_missing_glyphs:
        raise err
    note = " (drawn as the font's missing-glyph box)" if paints else " (the reader's own fonts must draw them)"
    ctx.diagnostics.append(Diagnostic("warning", err.message + note, ctx.name, err.line))
    return style


def _found_fallback(doc: etree._Element, style: ResolvedStyle, source: Path, ctx: BuildContext,
                    absent: list[str]) -> tuple[ResolvedStyle, list[str]]:
    """The style with the installed faces that draw ``absent`` (fallback-any), and the
    characters still without a face; a warning per face chosen, at its first character's line."""
    found = covering(frozenset(absent))
    choice = tuple((ch, found.get(ch)) for ch in absent)
    by_face: dict[FontFace, list[str]] = {}
    for ch in absent:
        if ch in found:
            by_face.setdefault(found[ch], []).append(ch)
    if not by_face:
        return style.with_found_fallback((), choice), absent
    for face, chars in by_face.items():
        named = ", ".join(f"U+{ord(c):04X} {c!r}" for c in chars)
        ctx.diagnostics.append(Diagnostic(
            "warning", f"no face of style {style.name!r} draws {named}: drawn with the installed "
                       f"{face.family} ({face.path}) (fallback-any)",
            ctx.name, first_line_with(doc, source, chars)))
    style = style.with_found_fallback(tuple(by_face), choice)
    return style, missing(set(absent), list(by_face))


def check_images(doc: etree._Element, source: Path, ctx: BuildContext) -> None:
    """A picture that is missing, remote or unreadable is a warning (its alt text is printed in
    a frame in every output; --strict makes it an error), as is an SVG that lost scripts."""
    for src, message, line in image_warnings(doc, ctx.base_dir, ctx.cache):
        if line is None and src:  # a reader that records no lines: where the address is first written
            line = line_containing(source, src)
        ctx.diagnostics.append(Diagnostic("warning", message, ctx.name, line))


def _date_of(doc: etree._Element, source: Path):
    """The date every output carries; a date that is no date is an error at its line."""
    written = metadata(doc).date
    try:
        return source_date(written, str(source))
    except InputError as e:
        raise e.located(line=line_containing(source, written)) from None


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
    # the names this build's outputs take; a writer of one file per page adds its own once the
    # pages are known, and what an earlier build left under them is removed if this one fails
    finals = {fmt: [out_dir / (source.stem + writers[fmt].suffix)] if not writes_page_files(writers[fmt])
              else page_files(out_dir, source.stem, writers[fmt].suffix) for fmt in formats}
    temps: dict[str, list[Path]] = {}
    try:
        with gc_paused():  # reading, layout and writers make millions of objects and few cycles
            return _build(source, out_dir, formats, writers, finals, temps, style, allow_missing_glyphs, strict,
                          options or {})
    except OSError as e:  # a full disk, a read-only folder, a name too long: said, not a traceback
        _remove_all(temps, finals)
        where = f" ({printable(e.filename)})" if isinstance(e.filename, str) else ""
        raise ConverterError(f"cannot write the outputs in {printable(str(out_dir))}: {e.strerror or e}{where}",
                             str(source)) from None
    except BaseException:
        _remove_all(temps, finals)
        raise


def _remove_all(temps: dict[str, list[Path]], finals: dict[str, list[Path]]) -> None:
    """Remove a failed build's temporary files and what earlier builds left under its names;
    a read-only folder holds nothing of ours anyway, so failing to remove is no second error."""
    for paths in (*temps.values(), *finals.values()):
        for path in paths:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass


def writes_page_files(writer) -> bool:
    """Whether a writer writes one file per page (``NAME-1.png`` …) rather than one file."""
    return bool(getattr(writer, "file_per_page", False))


def needs_pages(writers, doc: etree._Element | None = None) -> bool:
    """Whether any of the writers paints the layout's pages (PDF, PNG) or reads them (the
    EPUB's print page list): writers say so with ``paints_pages`` or ``reads_pages``, or, for
    some documents only, ``reads_pages_of(doc)`` (the DOCX: where the 版记 stands)."""
    return any(getattr(w, "paints_pages", False) or getattr(w, "reads_pages", False)
               or (doc is not None and hasattr(w, "reads_pages_of") and w.reads_pages_of(doc)) for w in writers)


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
    resolved = style_for(doc, style, source)
    plugins.check_style_settings(resolved)  # the writers' sections of the sheet, before any output
    ctx = BuildContext(name=str(source), base_dir=got.resource_dir,
                       source_date=_date_of(doc, source),
                       allow_missing_glyphs=allow_missing_glyphs, options=dict(options))
    ctx.diagnostics += got.diagnostics
    result = BuildResult(source, style=resolved, diagnostics=ctx.diagnostics,
                         resources=local_resources(doc, ctx.base_dir))
    check_images(doc, source, ctx)
    resolved = result.style = check_glyphs(doc, resolved, source, ctx,
                                           paints=any(getattr(w, "paints_pages", False) for w in writers.values()))
    order = sorted(formats, key=lambda f: WRITE_ORDER.index(f) if f in WRITE_ORDER else len(WRITE_ORDER))
    early = Early.start(order, writers, doc, resolved, ctx, out_dir, source, temps)
    try:
        painted = _lay_out(order, writers, doc, resolved, ctx, finals, temps, out_dir, source) \
            if needs_pages(writers.values(), doc) else []
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt in order:
            if fmt in painted:
                continue
            if fmt in early.formats:
                early.turn(fmt)
                continue
            try:
                _write(writers[fmt], fmt, doc, resolved, ctx, finals, temps, out_dir, source)
            except Exception:
                early.finish_before()  # an error of one of them before this one comes first
                raise
        early.finish()
    except BaseException:
        early.stop()  # before the build's temporary files are removed
        raise
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


def _lay_out(order: list[str], writers: dict, doc: etree._Element, style: ResolvedStyle, ctx: BuildContext,
             finals: dict[str, list[Path]], temps: dict[str, list[Path]], out_dir: Path, source: Path) -> list[str]:
    """Lay the document out once, for every writer that paints or reads pages (ctx.pagination);
    the formats painted meanwhile, each page as it is laid out."""
    painted = [fmt for fmt in order if getattr(writers[fmt], "paints_pages", False)]
    streams = all(hasattr(writers[fmt], "page_sink") for fmt in painted)
    if painted and streams:
        out_dir.mkdir(parents=True, exist_ok=True)
    try:
        # each page is painted as it is laid out, then dropped (a painter without a page
        # sink, a plug-in's, reads the kept pages afterwards)
        from .layout import lay_out  # not imported by builds without pages (DOCX, XML) nor by no-change rebuilds

        ctx.pagination = lay_out(doc, style, ctx.base_dir,
                                 [_page_sink(writers[fmt], fmt, doc, style, ctx, out_dir, source, temps)
                                  for fmt in painted] if streams else None)
    except ConverterError as e:
        raise e.located(str(source))
    if not streams:
        return []
    for fmt in painted:
        if writes_page_files(writers[fmt]):
            _name_pages(finals, fmt, out_dir, source.stem, writers[fmt].suffix, ctx.pagination.count)
    return painted


def _write(writer, fmt: str, doc: etree._Element, style: ResolvedStyle, ctx: BuildContext,
           finals: dict[str, list[Path]], temps: dict[str, list[Path]], out_dir: Path, source: Path) -> None:
    """One writer that was not painting during the layout writes its output (temps[fmt])."""
    try:
        if writes_page_files(writer):
            _name_pages(finals, fmt, out_dir, source.stem, writer.suffix, ctx.pagination.count)
            temps[fmt] = [_new_part(out_dir, source.stem) for _ in range(ctx.pagination.count)]
            writer.write_pages(doc, style, temps[fmt], ctx)
        else:
            temps[fmt] = [_new_part(out_dir, source.stem)]
            writer.write(doc, style, temps[fmt][0], ctx)
    except ConverterError as e:
        raise e.located(str(source))


class Early:
    """The writers that read no pages and say they may (``beside_layout``: the DOCX of most
    documents, the XML), run in a second process while this one lays the pages out and paints
    them, when the build may take a second core (converter.parallel) and there are pages to
    lay out. Before them, that process makes the fonts the layout and the painters will read
    (``_prefetch``).

    Nothing about the build changes but its time: the same bytes; the writers' messages in the
    order they have when the writers run one after the other (each at its writer's turn); and
    the same error. A child that fails leaves its formats to this process, which writes them
    at the end (and raises what went wrong, before any error of a writer after them)."""

    def __init__(self, formats: list[str], writers: dict, doc: etree._Element, style: ResolvedStyle,
                 ctx: BuildContext, temps: dict[str, list[Path]], out_dir: Path, source: Path):
        self.formats = formats
        self._writers, self._doc, self._style, self._ctx = writers, doc, style, ctx
        self._temps, self._out_dir, self._source = temps, out_dir, source
        # format → how many messages the build had at its turn: where its own go (inserted
        # latest turn first, so that the earlier places stay where they were)
        self._marks: dict[str, int] = {}
        self._child: parallel.Forked | None = None
        if formats:
            out_dir.mkdir(parents=True, exist_ok=True)
            for fmt in formats:
                temps[fmt] = [_new_part(out_dir, source.stem)]
            painters = [w for w in writers.values() if getattr(w, "paints_pages", False) and hasattr(w, "prefetch")]

            def work() -> dict[str, list[Diagnostic]]:
                _prefetch(painters, doc, style, ctx)
                return _write_each(formats, writers, doc, style, ctx, temps)

            self._child = parallel.Forked(work)

    @classmethod
    def start(cls, order: list[str], writers: dict, doc: etree._Element, style: ResolvedStyle, ctx: BuildContext,
              out_dir: Path, source: Path, temps: dict[str, list[Path]]) -> "Early":
        """The writers that may run now, started (none when no second core is allowed, or
        when there are no pages to overlap them with)."""
        formats = []
        if parallel.allowed() and needs_pages(writers.values(), doc):
            from . import layout  # noqa: F401  (imported once, before the fork: both processes lay out)

            formats = [fmt for fmt in order if getattr(writers[fmt], "beside_layout", False)
                       and not needs_pages([writers[fmt]], doc) and not writes_page_files(writers[fmt])]
        return cls(formats, writers, doc, style, ctx, temps, out_dir, source)

    def turn(self, fmt: str) -> None:
        """This format's turn, one after the other: its messages go here among the others."""
        self._marks[fmt] = len(self._ctx.diagnostics)

    def finish_before(self) -> None:
        """A writer failed after the turns of some of ours: when the child failed, those are
        written here, and the first of their errors is raised (it comes first)."""
        if self._child is None or not self._marks:
            return
        child, self._child = self._child, None
        if child.result() is None:
            self._write_here(list(self._marks))

    def finish(self) -> None:
        """Wait for the child, then put each format's messages at its turn; formats the child
        did not write are written here (and what fails is said)."""
        if self._child is None:
            return
        child, self._child = self._child, None
        written = child.result()
        if written is None:
            written = self._write_here(self.formats)
        for fmt in reversed(list(self._marks)):
            at = self._marks[fmt]
            self._ctx.diagnostics[at:at] = written[fmt]

    def _write_here(self, formats: list[str]) -> dict[str, list[Diagnostic]]:
        """Write these formats in this process, into new temporary files (what the child left
        of them goes)."""
        for fmt in formats:
            for part in self._temps[fmt]:
                part.unlink(missing_ok=True)
            self._temps[fmt] = [_new_part(self._out_dir, self._source.stem)]
        try:
            return _write_each(formats, self._writers, self._doc, self._style, self._ctx, self._temps)
        except ConverterError as e:
            raise e.located(str(self._source))

    def stop(self) -> None:
        """Stop the child, if it still runs (the build failed or is being stopped)."""
        if self._child is not None:
            self._child.stop()
            self._child = None


def _prefetch(painters: list, doc: etree._Element, style: ResolvedStyle, ctx: BuildContext) -> None:
    """In the second process, before its own writers: what the layout and the painters will
    read of the fonts (widths, subsets: cache files only), made while this build reads the
    words of its titles and lays the pages out. Each is made by one process at a time, the
    other waiting for it, and a painter makes its subsets from the other end of its list
    (``prefetch``): the build's first font work on an empty cache, or with a character new to
    the cache, is shared by the two cores from its start. What fails here is left to the
    build's own calls, which say what is wrong."""
    from .layout import faces_of, read_widths

    try:
        faces = faces_of(doc, style, ctx.base_dir)
        read_widths(faces)
        for painter in painters:
            painter.prefetch(faces, ctx)
    except Exception:
        pass


def _write_each(formats: list[str], writers: dict, doc: etree._Element, style: ResolvedStyle, ctx: BuildContext,
                temps: dict[str, list[Path]]) -> dict[str, list[Diagnostic]]:
    """Write these formats (one file each, in temps) one after the other; the messages each
    added, taken off ctx."""
    added = {}
    for fmt in formats:
        before = len(ctx.diagnostics)
        writers[fmt].write(doc, style, temps[fmt][0], ctx)
        added[fmt] = ctx.diagnostics[before:]
        del ctx.diagnostics[before:]
    return added


def _page_sink(writer, fmt: str, doc: etree._Element, style: ResolvedStyle, ctx: BuildContext, out_dir: Path,
               source: Path, temps: dict[str, list[Path]]):
    """A painting writer's page sink, writing into new temporary files (``temps[fmt]``): one,
    or one per page as the pages come (NAME-n.png)."""
    if not writes_page_files(writer):
        temps[fmt] = [_new_part(out_dir, source.stem)]
        return writer.page_sink(doc, style, temps[fmt][0], ctx)
    parts = temps[fmt] = []

    def target(n: int) -> Path:
        while len(parts) < n:
            parts.append(_new_part(out_dir, source.stem))
        return parts[n - 1]

    return writer.page_sink(doc, style, target, ctx)


def _name_pages(finals: dict[str, list[Path]], fmt: str, out_dir: Path, stem: str, suffix: str, count: int) -> None:
    """The final names of a writer of one file per page, now that the pages are counted; the
    page files an earlier, longer build left stay listed (removed when this build succeeds)."""
    stale = finals[fmt]
    finals[fmt] = [page_file(out_dir, stem, suffix, n) for n in range(1, count + 1)]
    finals[fmt] += [p for p in stale if p not in finals[fmt]]


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
