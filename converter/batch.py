"""Building many documents at once: folders in their layout, N at a time, unchanged ones skipped.

``build_folder`` is the library function behind ``converter build``. Each document is built by
the pipeline (which alone knows the stages); this module decides which documents need building,
runs them in separate processes, and records what was made in ``DIR/manifest.json``. Outputs do
not depend on how many processes build them: each document is built alone from the same inputs.
"""
from __future__ import annotations

import gc
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from . import cachefiles, codecache, manifest, outdir, parallel, pipeline, plugins, signals
from .context import check_epoch
from .errors import ConverterError, Diagnostic, Interrupted, UsageError, printable
from .model.images import MAX_PIXELS_VARIABLE, max_image_pixels
from .fingerprint import document_key, fallback_now, fallback_stamp, file_sha256, resource_hashes, stamp_for, style_stamp
from .style import load_style
from .style.sheet import find_style

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

BUILT, UNCHANGED, FAILED = "built", "unchanged", "failed"
#: how often (seconds) a running build saves the manifest with the documents finished so far
SAVE_INTERVAL = 1.0
#: a document whose source is gone: its outputs and manifest entry were removed
REMOVED = "removed"


@dataclass(frozen=True)
class Source:
    """A source file and the folder, relative to the output folder, its outputs go to."""

    path: Path
    folder: Path = Path(".")
    #: why this file found in an input folder is not built (a link leading out of the folder)
    refusal: str | None = None

    @property
    def name(self) -> str:
        """The document's name in the output folder and the manifest: ``sub/report``."""
        return (self.folder / self.path.stem).as_posix()


@dataclass
class DocumentResult:
    """What happened to one document."""

    source: Path
    name: str
    status: str  # built | unchanged | failed | removed (its source is gone)
    outputs: list[Path] = field(default_factory=list)  # sorted by path (removed: the files deleted)
    messages: list[Diagnostic] = field(default_factory=list)  # warnings and notes
    error: str | None = None  # "file:line: message" when it failed
    traceback: str | None = None
    style: str | None = None
    fonts: str | None = None  # which installed fonts the style resolved to
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != FAILED

    @property
    def warnings(self) -> list[Diagnostic]:
        return [m for m in self.messages if m.level == "warning"]

    def to_json(self) -> dict:
        """The document as the JSON summary shows it (names escaped as on the terminal)."""
        return {"source": printable(str(self.source)), "name": printable(self.name), "status": self.status,
                "outputs": [printable(str(p)) for p in self.outputs],
                "warnings": [printable(str(w)) for w in self.warnings],
                "error": printable(self.error) if self.error else None, "style": self.style,
                "seconds": round(self.seconds, 3)}


@dataclass
class FolderResult:
    """Every document of a build, in source order."""

    out_dir: Path
    documents: list[DocumentResult]
    seconds: float = 0.0
    #: what the build says about the folder itself (a damaged manifest it kept aside)
    notes: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(d.status == status for d in self.documents)

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.documents)

    def to_json(self) -> dict:
        return {"output": str(self.out_dir), "documents": [d.to_json() for d in self.documents],
                "built": self.count(BUILT), "unchanged": self.count(UNCHANGED), "failed": self.count(FAILED),
                "removed": self.count(REMOVED), "seconds": round(self.seconds, 3), "ok": self.ok}


def find_sources(inputs: Iterable[str | Path], exclude: Path | None = None) -> list[Source]:
    """Each input file, and every source in each input folder and its sub-folders (hidden ones
    and Word's ``~$`` owner files skipped), with the relative folder its outputs go to. Raises
    UsageError for a missing input or a folder without sources. Files under ``exclude`` (the output folder, when it lies inside
    an input folder) are not sources: a build must not read its own outputs back."""
    suffixes = plugins.source_suffixes()
    found: list[Source] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            root = path.resolve()
            # the output folder is skipped when it lies inside this one (not when it holds it)
            skip = exclude.resolve() if exclude is not None else None
            if skip is not None and (skip == root or not skip.is_relative_to(root)):
                skip = None
            candidates = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                                and not any(part.startswith(".") for part in f.relative_to(path).parts)
                                and not f.name.startswith("~$"))  # the owner file Word keeps beside an open document
            targets = [(f, f.resolve()) for f in candidates]  # each path resolved once
            files = [(f, target) for f, target in targets if not (skip and target.is_relative_to(skip))]
            if not files:
                raise UsageError(f"{printable(str(raw))}: folder has no sources "
                                 f"(readers take: {', '.join(sorted(suffixes))})")
            found += [Source(f, f.parent.relative_to(path), _leaves(target, path, root) or _badly_named(f))
                      for f, target in files]
        elif path.is_file():
            found.append(Source(path, refusal=_badly_named(path)))
        else:
            raise UsageError(f"{printable(str(raw))}: no such file or folder")
    return found


def _badly_named(path: Path) -> str | None:
    """Why a file's name cannot name outputs: bytes that are not UTF-8 (no manifest, EPUB or
    terminal can hold them as they are)."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return "the file name is not valid UTF-8: rename the file to build it"
    return None


def _leaves(target: Path, folder: Path, root: Path) -> str | None:
    """Why a file found in an input folder must not be read: it is, or lies under, a symbolic
    link that leads out of the folder (``src/passwd.txt → /etc/passwd`` would publish the
    machine's files). None when it stays inside. ``target``: the file resolved; ``root``: the
    folder resolved."""
    if target.is_relative_to(root):
        return None
    return (f"a symbolic link leading out of the input folder {folder} (to {target}): not read; "
            f"copy the file into the folder to build it")


def check_formats(formats: Iterable[str] | str) -> list[str]:
    """The formats asked for, as a list; an unknown one is a UsageError listing the known ones.
    Known writers are not imported here: a no-change rebuild never needs them."""
    if isinstance(formats, str):
        formats = formats.split(",")
    out = list(dict.fromkeys(f.strip() for f in formats if f.strip()))  # pdf,pdf is pdf
    if not out:
        raise UsageError("no output format asked for")
    for fmt in out:
        if fmt not in plugins.names(plugins.WRITERS):
            plugins.writer(fmt)  # raises the usage error that lists the known formats
    return out


def build_folder(inputs: Iterable[str | Path] | str | Path, out_dir: str | Path = "dist",
                 to: Iterable[str] | str = pipeline.DEFAULT_FORMATS, style: str | None = None, *,
                 jobs: int | None = None, force: bool = False, strict: bool = False,
                 allow_missing_glyphs: bool = False, reference_doc: str | Path | None = None,
                 on_start: Callable[[int], None] | None = None,
                 on_result: Callable[[DocumentResult], None] | None = None,
                 on_wait: Callable[[], None] | None = None) -> FolderResult:
    """Build files and folders of sources into ``out_dir``, keeping sub-folders.

    ``jobs`` documents at a time in separate processes (default: the number of cores). A document
    whose key (see ``fingerprint``) matches the manifest and whose outputs are intact is not
    rebuilt unless ``force``; ``strict`` fails documents that have warnings; ``reference_doc``: a
    Word document whose page setup and styles the DOCX takes. ``on_start(total)``
    and ``on_result(document)`` report progress; ``on_wait()`` is called when another build holds
    the folder. Raises UsageError for a bad request; a document that fails is a result, not an
    exception.
    """
    started = time.perf_counter()
    inputs = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    formats = check_formats(to)
    if style:
        try:
            find_style(style)
        except ConverterError as e:
            raise UsageError(e.message) from None
    writer_options = _writer_options(reference_doc, formats)
    out_dir = outdir.check_output(out_dir, inputs)
    check_epoch()
    sources = find_sources(inputs, exclude=out_dir)
    jobs = max(1, jobs or os.cpu_count() or 1)
    options = {"style": style, "allow_missing_glyphs": allow_missing_glyphs}
    if "reference_doc" in writer_options:  # a changed template rebuilds the documents
        options["reference_doc"] = file_sha256(writer_options["reference_doc"])
    if os.environ.get(MAX_PIXELS_VARIABLE):  # a raised limit rebuilds documents whose pictures it lets in
        options["max_image_pixels"] = max_image_pixels()
    plan = _Plan(out_dir, formats, style, options, force, strict, allow_missing_glyphs, writer_options)
    if manifest.path_in(out_dir).exists() and not manifest.path_in(out_dir).is_file():
        raise ConverterError("is not a file: move it away so that the build can record what it makes",
                             printable(str(manifest.path_in(out_dir))))
    with outdir.locked(out_dir, on_wait):
        outdir.remove_stale_temps({out_dir} | {out_dir / s.folder for s in sources})
        plan.manifest, damaged = manifest.read(out_dir)
        notes = []
        if damaged:
            kept = manifest.keep_damaged(out_dir) if manifest.path_in(out_dir).is_file() else None
            notes.append(f"{printable(str(manifest.path_in(out_dir)))} {damaged}: "
                         + (f"kept as {printable(str(kept))}; " if kept else "")
                         + "the documents it lists are built again")
        results: list[DocumentResult | None] = [None] * len(sources)
        tasks = []
        for i, src in enumerate(sources):
            outcome = plan.decide(i, src)
            if isinstance(outcome, DocumentResult):
                results[i] = outcome
            else:
                tasks.append(outcome)
        results += plan.prune([Path(f) for f in inputs if Path(f).is_dir()])

        def done(index: int, result: DocumentResult, entry: dict | None) -> None:
            results[index] = result
            plan.record(result, entry)
            if on_result:
                on_result(result)

        def begin() -> None:
            if on_start:
                on_start(len(results))
            for r in results:
                if r is not None and on_result:
                    on_result(r)

        try:
            _execute(tasks, jobs, begin, done)
        except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM (see errors.Interrupted)
            with _signals_held():
                raise _interrupted(e, plan, tasks, results, sources) from None
        manifest.save_if_changed(out_dir, plan.manifest)
    # the cache kept under its cap (a look at its size once a day: cachefiles.prune_if_due)
    cachefiles.prune_if_due()
    if bad_limit := cachefiles.check_cache_limit():
        notes.append(bad_limit)
    return FolderResult(out_dir, [r for r in results if r is not None], time.perf_counter() - started, notes)


def _interrupted(e: KeyboardInterrupt, plan: "_Plan", tasks: list["_Task"], results: list,
                 sources: list[Source]) -> Interrupted:
    """After SIGINT or SIGTERM: keep what finished, undo what did not, and say so."""
    signum = getattr(e, "signum", signal.SIGINT)
    unfinished = [t for t in tasks if results[t.index] is None]
    plan.discard(unfinished)
    outdir.remove_stale_temps({plan.out_dir} | {plan.out_dir / s.folder for s in sources})
    manifest.save(plan.out_dir, plan.manifest)
    built = sum(1 for r in results if r is not None and r.status == BUILT)
    names = ", ".join(printable(str(t.source)) for t in unfinished[:5]) + (
        f" and {len(unfinished) - 5} more" if len(unfinished) > 5 else "")
    message = (f"interrupted by {signal.Signals(signum).name}: {built} document(s) built and recorded in "
               f"{printable(str(manifest.path_in(plan.out_dir)))}")
    message += f"; not built: {names}" if unfinished else ""
    return Interrupted(signum, message + "; no temporary file left")


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM ignored while an interrupted build tidies up (a second Ctrl-C must not
    leave the manifest half-saved); only the main thread can change signal handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _writer_options(reference_doc: str | Path | None, formats: list[str]) -> dict:
    """The options particular writers take (pipeline.build's ``options``), checked before any
    build: a missing reference document is a usage error, one that is not a Word document an
    input error naming it."""
    if reference_doc is None or "docx" not in formats:
        return {}
    path = Path(reference_doc)
    if path.is_dir():
        raise UsageError(f"{printable(str(reference_doc))}: is a folder, not a Word document (--reference-doc)")
    if not path.is_file():
        raise UsageError(f"{printable(str(reference_doc))}: no such file (--reference-doc)")
    from .writers.docx.reference import load_reference

    load_reference(path)
    return {"reference_doc": path.resolve()}


@dataclass
class _Task:
    """One document to build, as a worker process receives it."""

    index: int
    source: Path
    name: str
    out_dir: Path  # the output root
    folder: Path  # relative to out_dir
    formats: list[str]
    style: str | None
    allow_missing_glyphs: bool
    strict: bool
    sha256: str
    options: dict
    candidate: str | None  # the style this document used last time, if its source is unchanged
    writer_options: dict = field(default_factory=dict)


@dataclass
class _Plan:
    """The decisions of one build: which documents to skip, and the manifest being updated."""

    out_dir: Path
    formats: list[str]
    style: str | None
    options: dict
    force: bool
    strict: bool
    allow_missing_glyphs: bool
    writer_options: dict = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    claimed: dict[str, Path] = field(default_factory=dict)
    stamps: dict[str, dict | None] = field(default_factory=dict)
    reports: dict[str | None, str | None] = field(default_factory=dict)
    #: when record() last saved the manifest (time.monotonic(); None: not yet)
    saved_at: float | None = None

    def decide(self, index: int, src: Source) -> DocumentResult | _Task:
        if src.name in self.claimed:
            return DocumentResult(src.path, src.name, FAILED, error=str(ConverterError(
                f"output name {self.out_dir / src.name} is already taken by {self.claimed[src.name]}", str(src.path))))
        self.claimed[src.name] = src.path
        if src.refusal:
            self.forget(src.name)  # a failed document leaves no output, not even an old one
            return DocumentResult(src.path, src.name, FAILED, error=str(ConverterError(src.refusal, str(src.path))))
        try:
            sha = file_sha256(src.path)
        except OSError as e:
            self.forget(src.name)
            return DocumentResult(src.path, src.name, FAILED,
                                  error=str(ConverterError(f"cannot read: {e.strerror or e}", str(src.path))))
        entry = self.manifest["documents"].get(src.name)
        same_source = bool(entry) and entry.get("source", {}).get("sha256") == sha
        lookup = self.style or (entry.get("style", {}).get("lookup") if same_source else None)
        if same_source and not self.force and self._unchanged(entry, sha, lookup):
            entry["source"]["path"] = manifest.rel(src.path, self.out_dir)  # the same bytes may have moved
            return DocumentResult(
                src.path, src.name, UNCHANGED,
                outputs=sorted(manifest.resolve(o["path"], self.out_dir) for o in entry["outputs"]),
                messages=[Diagnostic("warning", w.get("message", ""), str(src.path), w.get("line"))
                          for w in entry.get("warnings", [])],
                style=entry.get("style", {}).get("name"), fonts=self._font_report(lookup))
        return _Task(index, src.path, src.name, self.out_dir, src.folder, self.formats, self.style,
                     self.allow_missing_glyphs, self.strict, sha, self.options, lookup, self.writer_options)

    def _unchanged(self, entry: dict, sha: str, lookup: str | None) -> bool:
        if not lookup or (self.strict and entry.get("warnings")):
            return False  # under --strict a document with warnings must fail, so it is built
        if lookup not in self.stamps:
            self.stamps[lookup] = stamp_for(lookup)
        stamp = self.stamps[lookup]
        resources = resource_hashes([manifest.resolve(r["path"], self.out_dir) for r in entry.get("resources", [])])
        asked = entry.get("fallback_chars")
        fallback = fallback_now(asked) if isinstance(asked, str) and asked else None
        return (stamp is not None
                and document_key(sha, stamp, self.formats, self.options, resources, fallback) == entry.get("key")
                and manifest.outputs_intact(entry, self.out_dir))

    def _font_report(self, lookup: str | None) -> str | None:
        """The fonts line of a style, once per style a build (an unchanged folder of 50
        documents loaded its sheet 50 times for it)."""
        if lookup not in self.reports:
            self.reports[lookup] = _font_report(lookup)
        return self.reports[lookup]

    def forget(self, name: str) -> list[Path]:
        """Remove a document's entry and the outputs it lists (inside the output folder only);
        the paths removed."""
        entry = self.manifest["documents"].pop(name, None) or {}
        removed = []
        root = self.out_dir.resolve()
        for out in entry.get("outputs", []):
            path = manifest.resolve(out.get("path", ""), self.out_dir)
            if path.resolve().is_relative_to(root) and path.is_file():
                path.unlink()
                removed.append(path)
        return removed

    def prune(self, folders: list[Path]) -> list[DocumentResult]:
        """Documents of the manifest whose source lay in one of these input folders and is gone:
        their outputs and entries are removed, and each is a ``removed`` result saying so."""
        roots = [f.resolve() for f in folders]
        results = []
        for name, entry in sorted(self.manifest["documents"].items()):
            if name in self.claimed:
                continue
            source = manifest.resolve(entry.get("source", {}).get("path", ""), self.out_dir)
            inside = any(source.resolve().is_relative_to(root) for root in roots)
            if inside and not source.is_file():
                removed = self.forget(name)
                results.append(DocumentResult(source, name, REMOVED, outputs=sorted(removed), messages=[Diagnostic(
                    "info", "its source is gone: removed its outputs and manifest entry", str(source))]))
        return results

    def discard(self, tasks: list["_Task"]) -> None:
        """Documents whose build was stopped: a worker may have renamed some of their outputs
        before it was stopped, so unless the outputs are still the ones the manifest records,
        they and the entry go (the next build makes them again)."""
        for task in tasks:
            entry = self.manifest["documents"].get(task.name)
            if entry is not None and manifest.outputs_intact(entry, self.out_dir):
                continue
            self.forget(task.name)
            for fmt in task.formats:
                (self.out_dir / task.folder / (task.source.stem + plugins.writer(fmt).suffix)).unlink(missing_ok=True)

    def record(self, result: DocumentResult, entry: dict | None) -> None:
        """Put a finished document into the manifest (a failed one leaves no outputs, so no
        entry) and save it, at most every SAVE_INTERVAL seconds, so that a build killed later
        keeps what was done (an interrupted build saves it at once, a finished one at its end).

        Not after every document: writing the manifest (pretty-printed JSON, 5 ms for 50
        documents) after each of them was nine tenths of a folder build's own work, done in the
        process that hands the documents to the workers."""
        docs = self.manifest["documents"]
        if entry is not None:
            docs[result.name] = entry
        else:  # the pipeline removed its outputs (a clash of names never gets here: see decide)
            docs.pop(result.name, None)
        now = time.monotonic()
        if self.saved_at is None or now - self.saved_at >= SAVE_INTERVAL:
            manifest.save(self.out_dir, self.manifest, sync=False)
            self.saved_at = time.monotonic()


def _font_report(lookup: str | None) -> str | None:
    try:
        return load_style(lookup).font_report() if lookup else None
    except ConverterError:
        return None


def _execute(tasks: list[_Task], jobs: int, begin: Callable[[], None],
             done: Callable[[int, DocumentResult, dict | None], None]) -> None:
    """Run the tasks in this process (one job, or one task) or in a pool of worker processes."""
    if jobs == 1 or len(tasks) <= 1:
        begin()
        # one document, and cores to spare: it may take a second one (converter.parallel)
        second_core = parallel.allowing(jobs > 1 and len(tasks) == 1)
        # a caller that runs without the cyclic collector (the command line's process) still
        # has the garbage of each document collected when it builds several, one after the other
        collect = not gc.isenabled() and len(tasks) > 1
        if collect:
            gc.enable()
        try:
            with second_core:
                for task in tasks:
                    done(*_run(task))
        finally:
            if collect:
                gc.disable()
        return
    import multiprocessing  # (a build of one document never needs these: imported here)
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    _preload(tasks)
    # fork: workers start with what this process has loaded (plug-ins, fonts found, styles);
    # every worker is started at the first submit, before begin() may start a progress thread
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init)
    futures: dict = {}
    reported: set[int] = set()
    try:
        # the longest documents first (by source size): the last ones handed out are short, so
        # no worker waits long at the end for another to finish a big one
        # frozen while the workers are forked: their collector never walks (and so never copies)
        # what they inherit; this process goes on collecting as before (watch mode lives long)
        gc.freeze()
        try:
            futures = {pool.submit(_run, task): task for task in sorted(tasks, key=_size, reverse=True)}
        finally:
            gc.unfreeze()
        begin()
        for future in as_completed(futures):
            try:
                done(*future.result())
            except BrokenProcessPool as e:
                task = futures[future]
                done(task.index, DocumentResult(task.source, task.name, FAILED,
                                                error=f"{task.source}: the build process died: {e}"), None)
            reported.add(futures[future].index)
    except BaseException:
        _stop_workers(pool)
        for future, task in futures.items():  # finished before the workers stopped: recorded
            if task.index not in reported and future.done() and not future.cancelled() and future.exception() is None:
                done(*future.result())
        raise
    pool.shutdown(wait=True)


def _preload(tasks: list[_Task]) -> None:
    """Import the readers and writers the tasks need, once, for every worker to inherit: each
    worker importing them itself did the same work again (0.055 s of CPU a worker for the four
    writers), and wrote its own copy of every module into memory."""
    try:
        for fmt in dict.fromkeys(f for t in tasks for f in t.formats):
            plugins.writer(fmt)
        for source in {t.source.suffix.lower(): t.source for t in tasks}.values():  # one a suffix
            plugins.reader_for(source)
    except ConverterError:
        pass  # a plug-in that does not load fails its documents in the workers, each with its message


def _size(task: _Task) -> int:
    """A document's size, the measure of how long it takes (0 when it cannot be read now)."""
    try:
        return task.source.stat().st_size
    except OSError:
        return 0


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now (a SIGTERM each: see _worker_stop), not after their documents.
    The executor has no public way to stop a running call, hence its ``_processes``."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 1.0
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():  # stuck in C code: it removes nothing, the caller's clean-up does
            process.kill()
            process.join()
    pool.shutdown(wait=True, cancel_futures=True)


def _worker_init() -> None:
    """A worker dies with the build that started it, rather than finish documents that nobody
    will record (its temporary files are removed by the next build); signals stop it."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None:
        # a thread that waits for the end of the build's process (its sentinel pipe). Not
        # prctl(PR_SET_PDEATHSIG): Linux only, and ctypes (3 ms to import) in every worker
        threading.Thread(target=_exit_with, args=(parent,), name="exit-with-the-build", daemon=True).start()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C reaches every process of the terminal
        signal.signal(sig, _worker_stop)
    gc.enable()  # (the command line's process runs without it): each document's garbage is
    # collected after it is built (pipeline.gc_paused)
    global _in_worker
    _in_worker = True


def _exit_with(parent) -> None:
    parent.join()
    os._exit(1)


class _Stopped(BaseException):
    """Raised in a worker by SIGINT or SIGTERM, so that the pipeline removes its files."""


_building = False  # whether this worker is inside _run (else a signal just ends it)
_in_worker = False  # whether this process is a worker of a folder build (see _worker_init)


def _worker_stop(signum, frame) -> None:
    if not _building:
        os._exit(128 + signum)
    if signals.deferred(signum, frame):  # raised in a finalizer, it would be printed and swallowed
        return
    raise _Stopped(signum)


def _run(task: _Task) -> tuple[int, DocumentResult, dict | None]:
    """Build one document; returns its result and its manifest entry (None when it failed).
    Stopped by a signal, a worker process exits once the pipeline has removed its files."""
    global _building
    _building = True
    try:
        built = _build_one(task)
        if _in_worker:  # what it compiled for the writers, kept for the next build (the
            codecache.save()  # build's own process never imports them): once, after its first document
        return built
    except _Stopped as e:
        import multiprocessing

        if multiprocessing.parent_process() is None:
            raise KeyboardInterrupt from None  # not a worker: the build's own process
        os._exit(128 + e.args[0])
    finally:
        _building = False


def _build_one(task: _Task) -> tuple[int, DocumentResult, dict | None]:
    start, wall = time.perf_counter(), time.time()
    at = datetime.fromtimestamp(wall, timezone.utc)
    before = stamp_for(task.candidate) if task.candidate else None
    out = task.out_dir / task.folder
    try:
        # the collector off from the start (pipeline.gc_paused): the writers' modules, imported
        # before the pipeline pauses it, are long-lived objects too
        with pipeline.gc_paused():
            built = pipeline.build(task.source, out, task.formats, task.style, task.allow_missing_glyphs,
                                   task.strict, task.writer_options)
    except Exception as e:  # a bug in one document's build must not stop the others
        message = str(e) if isinstance(e, ConverterError) else f"{task.source}: internal error: {type(e).__name__}: {e}"
        return task.index, DocumentResult(task.source, task.name, FAILED, error=message,
                                          traceback=traceback.format_exc(),
                                          seconds=time.perf_counter() - start), None
    style_path = str(built.style.path.resolve())
    # the style as it was before the build, if it was the one used: a sheet edited during the
    # build then gives a key that does not match, and the next build runs again
    same = before is not None and before["files"] and before["files"][0]["path"] == style_path
    stamp = before if same else style_stamp(built.style)
    # known only once the document is read, so hashed after the build; one modified since the
    # build began may not be what was embedded: recorded as unknown, so the next build runs again
    resources = [{"path": manifest.rel(p, task.out_dir), "sha256": h if _older(p, wall) else None}
                 for p, h in zip(built.resources, resource_hashes(built.resources))]
    outputs = _output_records(built, task)
    choice = built.style.fallback_choice  # what fallback-any took: asked again by the next build
    seconds = time.perf_counter() - start
    result = DocumentResult(task.source, task.name, BUILT, sorted(built.outputs), list(built.diagnostics),
                            style=built.style.name, fonts=built.style.font_report(), seconds=seconds)
    entry = {
        "source": {"path": manifest.rel(task.source, task.out_dir), "sha256": task.sha256},
        "key": document_key(task.sha256, stamp, task.formats, task.options, [r["sha256"] for r in resources],
                            fallback_stamp(choice) if choice else None),
        "resources": resources,
        "formats": sorted(task.formats),
        "outputs": sorted(outputs, key=lambda o: o["path"]),
        "style": {**stamp, "lookup": task.style or _lookup(built.style.path),
                  "files": [{**f, "path": manifest.rel(Path(f["path"]), task.out_dir)} for f in stamp["files"]]},
        "warnings": [{"line": w.line, "message": w.message} for w in result.warnings],
        "build_time": {"at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "seconds": round(seconds, 3)},
    }
    if choice:
        entry["fallback_chars"] = "".join(ch for ch, _ in choice)
    return task.index, result, entry


def _output_records(built: pipeline.BuildResult, task: _Task) -> list[dict]:
    """The manifest's record of every output; the images of pages carry their page number."""
    suffixes = {plugins.writer(fmt).suffix: fmt for fmt in task.formats}
    records, seen = [], {fmt: 0 for fmt in task.formats}
    for p in built.outputs:
        fmt = suffixes[p.suffix]
        seen[fmt] += 1
        if pipeline.writes_page_files(plugins.writer(fmt)):
            records.append(manifest.output_record(p, fmt, task.out_dir, page=seen[fmt]))
        else:
            records.append(manifest.output_record(p, fmt, task.out_dir, built.pages.get(fmt)))
    return records


def _older(path: Path, wall: float) -> bool:
    try:
        return path.stat().st_mtime < wall
    except OSError:
        return False


def _lookup(style_path: Path) -> str:
    """How to find this style again: its name when the search path finds this very file by it
    (so a style that shadows it later is noticed), else its path."""
    try:
        if find_style(style_path.stem).resolve() == style_path.resolve():
            return style_path.stem
    except ConverterError:
        pass
    return str(style_path.resolve())
