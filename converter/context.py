"""What a build tells every writer besides the model and the style."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Diagnostic

if TYPE_CHECKING:
    from .layout import Pagination


def cache_dir() -> Path:
    """Where converted fonts and other reusable work are kept between builds."""
    base = os.environ.get("CONVERTER_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "converter")
    return Path(base)


@dataclass
class BuildContext:
    """Per-document build settings and the messages writers leave for the user."""

    name: str  # the source's name, for messages
    #: the folder relative resources (images) are read from: the source's own folder
    base_dir: Path
    source_date: datetime  # the document's timestamp for every output's metadata (UTC)
    allow_missing_glyphs: bool = False
    cache: Path = field(default_factory=cache_dir)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: the document laid out on pages, when an output of this build needs pages (the
    #: pipeline computes it once, before the writers run); None otherwise
    pagination: Pagination | None = None
    #: what the user asked of particular writers (``reference_doc``: a Path, for the DOCX writer)
    options: dict = field(default_factory=dict)

    def warn(self, message: str) -> None:
        self.diagnostics.append(Diagnostic("warning", message, self.name))

    def info(self, message: str) -> None:
        self.diagnostics.append(Diagnostic("info", message, self.name))

    @property
    def epoch(self) -> int:
        return int(self.source_date.timestamp())


#: the date of a document that says none, when SOURCE_DATE_EPOCH is not set: reportlab's own
#: invariant date. Not the source's mtime: a fresh clone would change every output's bytes.
FALLBACK_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)


def source_date(document_date: str | None) -> datetime:
    """SOURCE_DATE_EPOCH when set, else the date the document carries, else FALLBACK_DATE.

    Never the wall clock nor a file time, so that the same input always gives the same bytes.
    """
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env and env.strip().isdigit():
        return datetime.fromtimestamp(int(env), timezone.utc)
    if document_date:
        return datetime.fromisoformat(document_date[:10]).replace(tzinfo=timezone.utc)
    return FALLBACK_DATE
