"""What a worker process does for one job: outline, page previews, then every asked format.

Only the public pipeline is used: ``converter.convert`` builds, ``pipeline.read`` + ``outline``
are what ``converter inspect`` shows. Each step reports an event as soon as it is known, so the
page shows the outline and the first preview while the other formats are still being built.
"""
from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import converter
from converter import pipeline, plugins
from converter.errors import ConverterError
from converter.model.outline import outline

#: preview resolution when the pages come from pdftoppm (an A4 page is 496 × 702 px)
PREVIEW_DPI = 60
#: seconds pdftoppm may take (it is also under the build's own time limit)
PDFTOPPM_SECONDS = 30
#: pdftoppm draws at most this many pages (~0.15 s each): a long document shows its beginning
PREVIEW_PAGES = 30

NO_MEMORY = "the document needs more memory than this server allows"
#: zip entries carry this time, not the clock's: the same outputs give the same zip
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)

Emit = Callable[[str, object], None]


@dataclass(frozen=True)
class Task:
    """A build request as the worker receives it (plain values: it crosses a process pipe)."""

    source: str
    display_name: str
    style: str | None
    formats: tuple[str, ...]
    preview: bool
    out_dir: str
    pages_dir: str


class BuildFailed(Exception):
    """The document failed; ``payload`` is the message shown to the user."""

    def __init__(self, payload: dict):
        super().__init__(payload["message"])
        self.payload = payload


def run(task: Task, emit: Emit) -> None:
    """Do the whole job, reporting ``outline``, ``stage``, ``previews``, ``outputs``, ``messages``
    events; raise BuildFailed with a user-facing message when the document fails."""
    with _as_failure(task):
        _run(task, Path(task.source), emit)


def inspect_only(task: Task) -> dict:
    """The outline of a source, as ``converter inspect --json`` prints it."""
    with _as_failure(task):
        return outline(pipeline.read(Path(task.source)))


@contextlib.contextmanager
def _as_failure(task: Task):
    """Whatever stops a build becomes a BuildFailed with a message for the user, never a traceback."""
    try:
        yield
    except ConverterError as e:
        raise BuildFailed(_scrub_error(e, task)) from None
    except MemoryError:
        raise BuildFailed({"message": NO_MEMORY, "line": None}) from None
    except RecursionError:
        raise BuildFailed({"message": "the document is nested too deeply to build", "line": None}) from None
    except Exception:  # a bug of ours: the user gets a plain message, the server's log the details
        traceback.print_exc(file=sys.stderr)
        raise BuildFailed({"message": "internal error while building this document (the server's log has the details)",
                           "line": None}) from None


def _run(task: Task, source: Path, emit: Emit) -> None:
    emit("stage", "read")
    emit("outline", outline(pipeline.read(source)))
    out_dir, pages_dir = Path(task.out_dir), Path(task.pages_dir)
    messages: list[dict] = []
    remaining = list(task.formats)
    if task.preview:
        emit("stage", "preview")
        built = _previews(task, source, out_dir, pages_dir, remaining, messages, emit)
        remaining = [f for f in remaining if f not in built]
        emit("messages", messages)
    if remaining:
        emit("stage", ",".join(remaining))
        result = converter.convert(source, out_dir, to=remaining, style=task.style)
        _add_messages(messages, result.messages, task)
        emit("messages", messages)
        emit("style", _style_name(result))
        emit("pages", result.pages)
    outputs = sorted(p for p in out_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    emit("outputs", [p.name for p in outputs])
    if outputs:
        emit("stage", "zip")
        emit("zip", write_zip(outputs, out_dir.parent / "zip" / f"{source.stem}.zip").name)


def write_zip(files: list[Path], target: Path) -> Path:
    """Every output in one zip, the same bytes for the same outputs (fixed entry times)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(files, key=lambda p: p.name):
            info = zipfile.ZipInfo(f.name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, f.read_bytes())
    return target


def _previews(task: Task, source: Path, out_dir: Path, pages_dir: Path, formats: list[str],
              messages: list[dict], emit: Emit) -> list[str]:
    """Page images of the document, reported as ``previews`` events; returns the formats built
    into out_dir on the way.

    The PNG writer paints every page of a document, so it draws the previews of a document that
    cannot have more than PREVIEW_PAGES pages (a short source, see _surely_short), or when PNG is
    asked for. A longer source gets its PDF first: at most PREVIEW_PAGES pages still go to the
    PNG writer; beyond, pdftoppm draws the first PREVIEW_PAGES pages of the PDF (the first page
    reported as soon as it is drawn). pdftoppm is also what a server without a PNG writer uses.
    """
    has_png = "png" in plugins.names(plugins.WRITERS)
    if has_png and ("png" in formats or _surely_short(source)):
        return _png_previews(task, source, out_dir, pages_dir, formats, messages, emit)
    target = out_dir if "pdf" in formats else pages_dir
    result = converter.convert(source, target, to="pdf", style=task.style)
    _add_messages(messages, result.messages, task)
    emit("pages", result.pages)
    pages = result.pages.get("pdf", 0)
    pdf = target / (source.stem + ".pdf")
    built = ["pdf"] if target == out_dir else []
    if has_png and pages <= PREVIEW_PAGES:
        built += _png_previews(task, source, out_dir, pages_dir, formats, messages, emit)
    else:
        def report() -> None:
            files = _page_images(pages_dir, source.stem)
            emit("previews", {"files": files, "pages": len(files), "style": _style_name(result), "folder": "pages"})

        _pdftoppm(pdf, pages_dir / source.stem, pages, report)
        report()
    if target == pages_dir:
        pdf.unlink()
    return built


def _png_previews(task: Task, source: Path, out_dir: Path, pages_dir: Path, formats: list[str],
                  messages: list[dict], emit: Emit) -> list[str]:
    """The PNG writer's pages as the previews (into the outputs when PNG is asked for: not
    painted twice)."""
    target = out_dir if "png" in formats else pages_dir
    result = converter.convert(source, target, to="png", style=task.style)
    _add_messages(messages, result.messages, task)
    files = _page_images(target, source.stem)
    emit("previews", {"files": files, "pages": len(files), "style": _style_name(result), "folder": target.name})
    return ["png"] if target == out_dir else []


def _surely_short(source: Path) -> bool:
    """True when the source cannot fill more than PREVIEW_PAGES pages, with a margin of two:
    fewer than half of 22 lines a page (the gongwen grid; the report style fits more) and fewer
    than half of a gongwen page's 616 characters (22 lines of 28) for each page. (A wrong guess
    costs time, not pages: the PNG writer then paints them all.)"""
    size = source.stat().st_size
    if size > PREVIEW_PAGES * 616 * 4:  # UTF-8 needs at most 4 bytes a character
        return False
    text = source.read_bytes().decode("utf-8", errors="replace")
    return text.count("\n") < PREVIEW_PAGES * 22 // 2 and len(text) < PREVIEW_PAGES * 616 // 2


def _style_name(result) -> str | None:
    return result.style.name if result.style is not None else None


def _pdftoppm(pdf: Path, prefix: Path, pages: int, first_drawn: Callable[[], None]) -> None:
    """Draw the pages with pdftoppm: page 1 and the others (up to PREVIEW_PAGES) in two processes
    at once, so the first page is on screen while the rest are drawn (a page of the seed takes
    pdftoppm ~0.15 s). Each process draws into a folder of its own; pages move beside ``prefix``
    only once complete."""
    if shutil.which("pdftoppm") is None:
        raise ConverterError("page previews need pdftoppm (Debian package poppler-utils) or a PNG writer")
    command = ["pdftoppm", "-png", "-r", str(PREVIEW_DPI)]
    runs = [(prefix.parent / ".first", ["-f", "1", "-l", "1"])]
    if pages != 1:
        runs.append((prefix.parent / ".rest", ["-f", "2", "-l", str(PREVIEW_PAGES)]))
    procs = []
    for folder, pick in runs:
        folder.mkdir()
        procs.append(subprocess.Popen([*command, *pick, str(pdf), str(folder / prefix.name)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        for i, ((folder, _), proc) in enumerate(zip(runs, procs)):
            _finished(proc)
            _move_pages(folder, prefix)
            if i == 0:
                first_drawn()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for folder, _ in runs:
            shutil.rmtree(folder, ignore_errors=True)


def _finished(proc: subprocess.Popen) -> None:
    try:
        code = proc.wait(PDFTOPPM_SECONDS)
    except subprocess.TimeoutExpired:
        raise ConverterError("the page previews took too long to draw") from None
    if code != 0:
        raise ConverterError("the page previews could not be drawn (pdftoppm failed)")


def _move_pages(folder: Path, prefix: Path) -> None:
    """Pages drawn into ``folder`` go beside ``prefix`` as NAME-1.png …: pdftoppm pads page
    numbers to the width of the page count (name-01.png); the PNG writer's names are unpadded,
    and the pages get those names whichever made them."""
    for png in folder.glob(prefix.name + "-*.png"):
        number = png.stem.rsplit("-", 1)[1]
        if number.isdigit():
            png.rename(prefix.parent / f"{prefix.name}-{int(number)}.png")


def _page_images(folder: Path, stem: str) -> list[str]:
    """NAME-1.png, NAME-2.png … in page order."""
    pattern = re.compile(re.escape(stem) + r"-(\d+)\.png")
    found = [(int(m.group(1)), p.name) for p in folder.iterdir() if (m := pattern.fullmatch(p.name))]
    return [name for _, name in sorted(found)]


def _add_messages(messages: list[dict], diagnostics, task: Task) -> None:
    """Diagnostics as the page shows them (the user's file name, never the server's paths);
    a message both builds gave is listed once."""
    for d in diagnostics:
        entry = {"level": d.level, "message": _scrub(d.message, task), "line": d.line}
        if entry not in messages:
            messages.append(entry)


def _scrub_error(e: ConverterError, task: Task) -> dict:
    return {"message": _scrub(e.message, task), "line": e.line}


def _scrub(text: str, task: Task) -> str:
    """A message without the server's folder names."""
    source_folder = str(Path(task.source).parent)
    job_folder = str(Path(task.source).parent.parent)
    return (text.replace(task.source, task.display_name).replace(source_folder + "/", "")
            .replace(source_folder, "the uploaded document's folder (only the document itself is uploaded)")
            .replace(job_folder + "/", "").replace(job_folder, "the job's folder"))
