"""Jobs: one build request each, with its own temporary folder, an unguessable id and an expiry.

A job's folder holds ``src/`` (the uploaded source, under a cleaned name), ``out/`` (the outputs)
and ``pages/`` (the preview images). Nothing outside it is ever written for a job, and files are
served only by the names the job itself recorded, never by joining a requested path.
"""
from __future__ import annotations

import secrets
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

#: a job id carries 144 random bits (urlsafe base64): not guessable, not enumerable
_ID_BYTES = 18


class Busy(Exception):
    """Too many jobs are waiting: the request is refused (HTTP 503), not queued without bound."""


@dataclass
class Job:
    id: str
    folder: Path
    source: Path
    display_name: str  # the name the user gave (or "document.txt"), for messages and downloads
    style: str | None
    formats: list[str]
    preview: bool
    status: str = "queued"  # queued → running → done | failed
    stage: str | None = None  # what the worker is doing now ("read", "preview", "pdf" …)
    steps_done: int = 0
    steps_total: int = 0
    outline: dict | None = None
    messages: list[dict] = field(default_factory=list)
    error: dict | None = None
    files: dict[str, Path] = field(default_factory=dict)  # download name → path inside folder
    outputs: list[str] = field(default_factory=list)  # names of the outputs, in format order
    previews: list[str] = field(default_factory=list)  # names of the page images, in page order
    pages: dict[str, int] = field(default_factory=dict)
    style_used: str | None = None
    zip: str | None = None  # name of the zip of every output, once written
    forget: bool = False  # DELETE arrived while the build ran: remove the job when it ends
    created: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def over(self) -> bool:
        return self.status in ("done", "failed")

    def file(self, name: str) -> Path | None:
        """An output or preview of this job by its recorded name; None for anything else."""
        path = self.files.get(name)
        return path if path is not None and path.is_file() else None


def clean_name(name: str | None, default: str = "document.txt") -> str:
    """A file name safe to create inside a job folder: the last path part, letters (any script),
    digits, ``-_.`` and spaces only, no leading dot, at most 80 characters; else ``default``."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    kept = "".join(c for c in name if c.isalnum() or c in "-_. ").strip(" .")
    if "." not in kept:
        return default if not kept else kept[:80] + Path(default).suffix
    stem, suffix = kept.rsplit(".", 1)
    stem = stem.strip(" .")[:80] or Path(default).stem
    return f"{stem}.{suffix[:12]}"


class JobStore:
    """Every live job, by id; expired jobs are removed with their folders."""

    def __init__(self, root: Path | None, job_seconds: float, kept_jobs: int, queued_jobs: int):
        self._root = Path(tempfile.mkdtemp(prefix="converter-serve-", dir=root))
        self._root.chmod(0o700)
        self.job_seconds = job_seconds
        self.kept_jobs = kept_jobs
        self.queued_jobs = queued_jobs
        self._jobs: dict[str, Job] = {}

    @property
    def root(self) -> Path:
        return self._root

    def create(self, filename: str, data: bytes, style: str | None, formats: list[str], preview: bool) -> Job:
        """A new job with its source written into a fresh folder of its own."""
        self.expire()
        if sum(1 for j in self._jobs.values() if j.status == "queued") >= self.queued_jobs:
            raise Busy("the server is busy: too many documents are waiting; try again in a moment")
        self._make_room()
        job_id = secrets.token_urlsafe(_ID_BYTES)
        folder = self._root / job_id
        (folder / "src").mkdir(parents=True)
        source = folder / "src" / filename
        source.write_bytes(data)
        job = Job(job_id, folder, source, filename, style, formats, preview)
        self._jobs[job_id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        self.expire()
        return self._jobs.get(job_id)

    def remove(self, job_id: str) -> None:
        job = self._jobs.pop(job_id, None)
        if job is not None:
            shutil.rmtree(job.folder, ignore_errors=True)

    def expire(self, now: float | None = None) -> None:
        """Remove finished jobs older than the time limit (their folders too)."""
        now = time.monotonic() if now is None else now
        for job in list(self._jobs.values()):
            if job.over and job.finished is not None and now - job.finished > self.job_seconds:
                self.remove(job.id)

    def _make_room(self) -> None:
        finished = sorted((j for j in self._jobs.values() if j.over), key=lambda j: j.finished or 0)
        while len(self._jobs) >= self.kept_jobs and finished:
            self.remove(finished.pop(0).id)
        if len(self._jobs) >= self.kept_jobs:
            raise Busy("the server is busy: too many documents are being built; try again in a moment")

    def close(self) -> None:
        """Remove every job and the server's temporary folder."""
        self._jobs.clear()
        shutil.rmtree(self._root, ignore_errors=True)
