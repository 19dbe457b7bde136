"""What a build tells every writer besides the model and the style."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .cachefiles import cache_dir
from .errors import Diagnostic, InputError, UsageError

if TYPE_CHECKING:
    from .layout import Pagination


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

    def warn(self, message: str, line: int | None = None) -> None:
        self.diagnostics.append(Diagnostic("warning", message, self.name, line))

    def info(self, message: str) -> None:
        self.diagnostics.append(Diagnostic("info", message, self.name))

    @property
    def epoch(self) -> int:
        return int(self.source_date.timestamp())


#: the date of a document that says none, when SOURCE_DATE_EPOCH is not set: reportlab's own
#: invariant date. Not the source's mtime: a fresh clone would change every output's bytes.
FALLBACK_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)


#: the last moment every output format can say (ISO dates have four digits of year)
LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


def check_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH as a date, None when it is unset or empty (as reproducible-builds.org
    says); a UsageError when it is not a whole number of seconds from 1970 to the end of 9999."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not env:
        return None
    if not env.isascii() or not env.isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH={env[:40]!r} is not a number of seconds since 1970-01-01 "
                         f"(e.g. $(git log -1 --format=%ct))")
    if len(env) > 12 or int(env) > LATEST.timestamp():
        raise UsageError(f"SOURCE_DATE_EPOCH={env[:40]} is after the year 9999, which no output format can say")
    return datetime.fromtimestamp(int(env), timezone.utc)


def source_date(document_date: str | None, file: str | None = None) -> datetime:
    """SOURCE_DATE_EPOCH when set, else the date the document carries, else FALLBACK_DATE.

    Never the wall clock nor a file time, so that the same input always gives the same bytes.
    A document date that is no date (year 10000, 2024-02-30) is an InputError naming ``file``.
    """
    epoch = check_epoch()
    if epoch is not None:
        return epoch
    if document_date:
        try:
            return datetime.fromisoformat(document_date[:10]).replace(tzinfo=timezone.utc)
        except ValueError:
            raise InputError(f"the document's date {document_date!r} is not a date from 0001-01-01 to "
                             f"9999-12-31", file) from None
    return FALLBACK_DATE
