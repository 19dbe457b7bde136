"""The web application: routes, guards, the job store and the worker pool, put together.

Why Starlette on uvicorn: Starlette is a small, well-kept ASGI toolkit (routing, requests,
streamed file responses, multipart through python-multipart) with no ORM, templating or
validation layer we would not use; uvicorn is the production ASGI server most deployments of
it run on. FastAPI would add pydantic models for an API of six endpoints; Flask or Django are
WSGI, where polling clients and long builds tie up threads. Builds never run in the server
process (see workers.py): the event loop only moves requests, files and progress.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import routes
from .jobs import JobStore
from .limits import Limits
from .security import Guard, TooLarge
from .workers import WorkerPool

log = logging.getLogger("converter.serve")

#: how often finished jobs past their time limit are removed
SWEEP_SECONDS = 30.0


def create_app(limits: Limits = Limits(), token: str | None = None, *, temp_root: Path | None = None,
               warm: bool = True, loopback_only: bool = False):
    """The ASGI application (the Guard middleware around Starlette). ``temp_root``: where the
    jobs' temporary folders go (default: the system's temporary folder). ``warm``: build a small
    document in each worker at start, so the first preview is fast. ``loopback_only``: answer
    only requests addressed to this machine by a loopback name (when listening on 127.0.0.1)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.limits = limits
        app.state.jobs = JobStore(temp_root, limits.job_seconds, limits.kept_jobs, limits.queued_jobs)
        app.state.pool = await asyncio.to_thread(WorkerPool, limits.workers, limits.memory_bytes,
                                                 limits.build_seconds, app.state.jobs.root if warm else None)
        app.state.running = set()
        sweeper = asyncio.get_running_loop().create_task(_sweep(app))
        try:
            yield
        finally:
            sweeper.cancel()
            app.state.pool.close()
            app.state.jobs.close()

    app = Starlette(
        debug=False,  # never a traceback in a response
        routes=[
            Route("/", routes.page),
            Route("/api/info", routes.info),
            Route("/api/styles", routes.styles),
            Route("/api/convert", routes.convert, methods=["POST"]),
            Route("/api/inspect", routes.inspect, methods=["POST"]),
            Route("/api/jobs/{id}", routes.job_status),
            Route("/api/jobs/{id}", routes.delete_job, methods=["DELETE"]),
            Route("/api/jobs/{id}/{file}", routes.job_file),
            Mount("/static", StaticFiles(directory=routes.STATIC), name="static"),
        ],
        exception_handlers={
            routes.BadRequest: _bad_request,
            TooLarge: _too_large,
            HTTPException: _http_error,
            Exception: _internal,
        },
        lifespan=lifespan,
    )
    return Guard(app, token, limits.request_bytes, loopback_only)


async def _sweep(app: Starlette) -> None:
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        app.state.jobs.expire()


async def _bad_request(request: Request, exc: routes.BadRequest) -> JSONResponse:
    return routes.error(exc.message, exc.status, exc.line)


async def _too_large(request: Request, exc: TooLarge) -> JSONResponse:
    return routes.error(str(exc), 413)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    """Starlette's own refusals (404, 405, a malformed form …) in our JSON shape."""
    messages = {404: "not found", 405: "method not allowed"}
    return routes.error(messages.get(exc.status_code, str(exc.detail)), exc.status_code)


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return routes.error("internal error (the server's log has the details)", 500)


def serve(host: str = "127.0.0.1", port: int = 8765, token: str | None = None, limits: Limits = Limits(),
          quiet: bool = False) -> None:
    """Run the application with uvicorn until interrupted."""
    import uvicorn

    if not quiet:
        where = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
        print(f"converter serve: {where}{'?token=…' if token else ''} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    loopback = host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")
    uvicorn.run(create_app(limits, token, loopback_only=loopback), host=host, port=port, log_level="warning" if quiet else "info",
                server_header=False, proxy_headers=False)
