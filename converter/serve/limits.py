"""What one request and one build may take on a shared server: sizes, times, memory, counts.

One place for every cap, so an administrator reads them together (``converter serve --help``
shows the ones a command-line option changes) and the tests can lower them.
"""
from __future__ import annotations

import resource
from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    #: the whole HTTP request body (an upload, or text plus fields); larger is refused with 413
    request_bytes: int = 8 * MiB
    #: wall-clock seconds one build may run before its worker process is killed
    build_seconds: float = 60.0
    #: address space of a worker process (RLIMIT_AS); a build that needs more fails cleanly
    memory_bytes: int = 2048 * MiB
    #: seconds a finished job's folder is kept before it is removed
    job_seconds: float = 30 * 60.0
    #: jobs waiting for a worker at once; more are refused with 503 (the server is busy)
    queued_jobs: int = 32
    #: jobs (running, waiting or finished, not yet removed) kept at once; the oldest finished go first
    kept_jobs: int = 256
    #: worker processes building at once
    workers: int = 2


def cap_memory(limit_bytes: int) -> None:
    """Cap this process's address space (called inside a worker process, never in the server).

    RLIMIT_AS rather than RLIMIT_RSS: Linux enforces only the former. A build over the cap gets
    MemoryError (reported as such) instead of pushing the machine into swap or the OOM killer.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = limit_bytes if hard == resource.RLIM_INFINITY else min(limit_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
