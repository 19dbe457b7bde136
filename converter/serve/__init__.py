"""``converter serve``: a local web page (and the JSON API it uses) to convert documents without a
terminal. app.py puts it together; routes.py (endpoints), jobs.py (one temporary folder per job),
workers.py (builds in worker processes), build.py (what a worker does), limits.py (every cap),
security.py (token, same origin, request size, headers); static/ holds the page.
"""
from __future__ import annotations

from .limits import Limits


def serve(host: str = "127.0.0.1", port: int = 8765, token: str | None = None, limits: Limits | None = None,
          quiet: bool = False) -> None:
    """Run the web application until interrupted (imports the web stack only when called)."""
    from .app import serve as _serve

    _serve(host, port, token, limits or Limits(), quiet)


__all__ = ["serve", "Limits"]
