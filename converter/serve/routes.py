"""The HTTP endpoints: the page, its assets, and the JSON API the page itself uses.

    GET    /                    the page
    GET    /api/info            readers' suffixes, formats, limits (what the page offers)
    GET    /api/styles          installed styles with their descriptions
    POST   /api/convert         document + style + formats → 202 {"id", "url"}
    GET    /api/jobs/ID         status, progress, outline, messages, previews, outputs
    GET    /api/jobs/ID/FILE    one output, page image or the zip of all outputs
    DELETE /api/jobs/ID         forget a job (its folder is removed)
    POST   /api/inspect         document → the outline ``converter inspect --json`` prints

A document comes as multipart form data (``file`` or ``text`` with ``name``), as JSON
(``{"text", "name", "style", "to", "preview"}``) or as the raw request body with the options in the
query (``?name=report.txt&style=…&to=…``).
"""
from __future__ import annotations

import asyncio
import json
import time
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from converter import __version__, plugins
from converter.pipeline import DEFAULT_FORMATS
from converter.style import describe_styles

from . import build
from .jobs import Busy, Job, clean_name
from .workers import WorkerLost

STATIC = Path(str(files("converter.serve") / "static"))
#: media types of what a job serves; anything else is application/octet-stream
MEDIA = {".pdf": "application/pdf", ".png": "image/png", ".epub": "application/epub+zip", ".zip": "application/zip",
         ".xml": "application/xml",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class BadRequest(Exception):
    """The request cannot be served as asked (HTTP 4xx with a message for the user)."""

    def __init__(self, message: str, status: int = 422, line: int | None = None):
        super().__init__(message)
        self.message, self.status, self.line = message, status, line


def error(message: str, status: int, line: int | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "line": line}}, status, headers={"cache-control": "no-store"})


def _json(body, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status, headers={"cache-control": "no-store"})


async def page(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                        headers={"cache-control": "no-cache"})


async def info(request: Request) -> Response:
    limits = request.app.state.limits
    return _json({
        "version": __version__,
        "suffixes": sorted(plugins.source_suffixes()),
        "formats": _formats(),
        "default_formats": [f for f in DEFAULT_FORMATS if f in _formats()],
        # who draws the page images: the PNG writer, with pdftoppm for documents over PREVIEW_PAGES
        "previews": "png" if "png" in _formats() else "pdftoppm",
        "preview_pages": build.PREVIEW_PAGES,
        "limits": {"request_bytes": limits.request_bytes, "build_seconds": limits.build_seconds,
                   "job_seconds": limits.job_seconds},
    })


async def styles(request: Request) -> Response:
    return _json([{"name": name, "description": desc} for name, desc in describe_styles()])


async def convert(request: Request) -> Response:
    form = await _document(request)
    store = request.app.state.jobs
    try:
        job = store.create(form["name"], form["data"], form["style"], form["formats"], form["preview"])
    except Busy as e:
        return error(str(e), 503)
    _start(request.app, job)
    return _json({"id": job.id, "url": f"/api/jobs/{job.id}", "status": job.status}, 202)


async def job_status(request: Request) -> Response:
    job = _job(request)
    return _json(describe(job, request.app.state.limits.job_seconds))


async def job_file(request: Request) -> Response:
    job = _job(request)
    name = request.path_params["file"]
    path = job.file(name)
    if path is None:
        return error("no such file in this job", 404)
    media = MEDIA.get(path.suffix.lower(), "application/octet-stream")
    disposition = "inline" if path.suffix.lower() == ".png" else "attachment"
    return FileResponse(path, media_type=media, headers={
        "content-disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
        "cache-control": "private, max-age=600"})


async def delete_job(request: Request) -> Response:
    job = _job(request)
    if job.over:
        request.app.state.jobs.remove(job.id)
    else:
        job.forget = True  # removed as soon as its build ends (its worker is writing into the folder)
    return Response(status_code=204)


async def inspect(request: Request) -> Response:
    form = await _document(request, need_formats=False)
    store = request.app.state.jobs
    try:
        job = store.create(form["name"], form["data"], None, [], False)
    except Busy as e:
        return error(str(e), 503)
    try:
        tree = await request.app.state.pool.run("inspect", _task(job), lambda e, p: None)
    except build.BuildFailed as e:
        return error(e.payload["message"], 422, e.payload["line"])
    except WorkerLost as e:
        return error(str(e), 422)
    finally:
        store.remove(job.id)
    return _json(tree)


# ---------------------------------------------------------------------------------------------

def _formats() -> list[str]:
    return plugins.names(plugins.WRITERS)


def _job(request: Request) -> Job:
    job = request.app.state.jobs.get(request.path_params["id"])
    if job is None:
        raise BadRequest("no such job (finished jobs are removed after a while)", 404)
    return job


async def _document(request: Request, need_formats: bool = True) -> dict:
    """The document and options of a request, checked: a known reader suffix, an installed style
    by name (never a path: that would read the server's files), known formats."""
    fields, data, filename = await _fields(request)
    name = clean_name(fields.get("name") or filename)
    suffix = Path(name).suffix.lower()
    if suffix not in plugins.source_suffixes():
        raise BadRequest(f"no reader for {suffix or 'files without a suffix'} (readers take: "
                         f"{', '.join(sorted(plugins.source_suffixes()))})")
    if not data:
        raise BadRequest("the document is empty (no text to convert)", line=1)
    style = (fields.get("style") or "").strip() or None
    if style in ("auto", "automatic"):
        style = None
    if style is not None and style not in dict(describe_styles()):
        raise BadRequest(f"unknown style {style!r}; installed: {', '.join(n for n, _ in describe_styles())}")
    wanted = fields.get("to") or ",".join(f for f in DEFAULT_FORMATS if f in _formats())
    formats = [f.strip() for f in (wanted.split(",") if isinstance(wanted, str) else wanted) if f.strip()]
    unknown = [f for f in formats if f not in _formats()]
    if unknown:
        raise BadRequest(f"unknown format {unknown[0]!r}; known: {', '.join(_formats())}")
    if need_formats and not formats:
        raise BadRequest("no output format asked for")
    preview = str(fields.get("preview", "true")).lower() not in ("0", "false", "no", "off")
    return {"name": name, "data": data, "style": style, "formats": list(dict.fromkeys(formats)), "preview": preview}


async def _fields(request: Request) -> tuple[dict, bytes, str | None]:
    """(options, document bytes, uploaded file name) from a form, a JSON body or a raw body."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    limit = request.app.state.limits.request_bytes
    if kind == "application/x-www-form-urlencoded" and "name" in request.query_params:
        kind = "raw"  # `curl --data-binary @file '…?name=file.txt'` says urlencoded but sends the file
    if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.form(max_files=1, max_fields=16, max_part_size=limit)
        try:
            upload = form.get("file")
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            if upload is not None and not isinstance(upload, str):
                return fields, await upload.read(), upload.filename
            return fields, _utf8(fields.get("text") or ""), None
        finally:
            await form.close()
    body = await request.body()
    if kind == "application/json":
        try:
            fields = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("the request body is not valid JSON", 400) from None
        if not isinstance(fields, dict) or not _plain(fields):
            raise BadRequest('send a JSON object of texts: {"text": "…", "name": "report.txt", "style": "…", '
                             '"to": ["pdf"], "preview": true}', 400)
        return fields, _utf8(fields.get("text", "")), None
    return dict(request.query_params), body, None


def _plain(fields: dict) -> bool:
    """Options of the types they must have (a JSON body can hold anything)."""
    texts = all(isinstance(fields.get(k, ""), str) for k in ("text", "name", "style"))
    to = fields.get("to", "")
    return texts and (isinstance(to, str) or (isinstance(to, list) and all(isinstance(f, str) for f in to))) \
        and isinstance(fields.get("preview", True), (bool, str, int))


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON's \ud800
        raise BadRequest("the text holds a lone surrogate (not a Unicode character)", 400) from None


def _task(job: Job) -> build.Task:
    return build.Task(source=str(job.source), display_name=job.display_name, style=job.style,
                      formats=tuple(job.formats), preview=job.preview, out_dir=str(job.folder / "out"),
                      pages_dir=str(job.folder / "pages"))


def _start(app, job: Job) -> None:
    (job.folder / "out").mkdir()
    (job.folder / "pages").mkdir()
    job.steps_total = 1 + job.preview + 2  # read, preview, the other formats, the zip
    task = asyncio.get_running_loop().create_task(_execute(app, job))
    app.state.running.add(task)
    task.add_done_callback(app.state.running.discard)


async def _execute(app, job: Job) -> None:
    try:
        await app.state.pool.run("build", _task(job), lambda event, payload: apply_event(job, event, payload),
                                 wanted=lambda: not job.forget)
        job.status = "done"
        job.steps_done = job.steps_total
    except build.BuildFailed as e:
        job.status, job.error = "failed", e.payload
    except WorkerLost as e:
        job.status, job.error = "failed", {"message": str(e), "line": None}
    finally:
        job.stage = None
        job.finished = time.monotonic()
        if job.forget:
            app.state.jobs.remove(job.id)


def apply_event(job: Job, event: str, payload) -> None:
    """What a worker reported, recorded on its job."""
    if event == "stage":
        if job.stage is not None:
            job.steps_done += 1
        job.status, job.stage = "running", payload
    elif event == "outline":
        job.outline = payload
    elif event == "messages":
        job.messages = payload
    elif event == "previews":
        job.previews = payload["files"]
        job.style_used = payload["style"]
        job.files.update({n: job.folder / payload["folder"] / n for n in payload["files"]})
        job.pages["preview"] = payload["pages"]
    elif event == "outputs":
        job.outputs = payload
        job.files.update({n: job.folder / "out" / n for n in payload})
    elif event == "zip":
        job.files[payload] = job.folder / "zip" / payload
        job.zip = payload
    elif event == "style":
        job.style_used = payload or job.style_used
    elif event == "pages":
        job.pages.update(payload)


def describe(job: Job, job_seconds: float) -> dict:
    """A job as GET /api/jobs/ID shows it."""
    def url(name: str) -> str:
        return f"/api/jobs/{job.id}/{quote(name)}"

    zip_name = job.zip
    left = None if job.finished is None else max(0.0, job_seconds - (time.monotonic() - job.finished))
    return {
        "id": job.id,
        "name": job.display_name,
        "status": job.status,
        "stage": job.stage,
        "progress": {"done": job.steps_done, "total": job.steps_total},
        "style": job.style_used,
        "outline": job.outline,
        "messages": job.messages,
        "error": job.error,
        "previews": [{"page": i, "name": n, "url": url(n)} for i, n in enumerate(job.previews, 1)],
        "outputs": [{"name": n, "format": Path(n).suffix.lstrip("."), "bytes": job.files[n].stat().st_size,
                     "url": url(n)} for n in job.outputs if job.file(n)],
        "zip": {"name": zip_name, "url": url(zip_name)} if zip_name and job.file(zip_name) else None,
        "pages": job.pages,
        "expires_in": None if left is None else round(left),
    }
