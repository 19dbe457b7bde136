"""One exception root for everything the converter reports to a user, and diagnostics."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


class ConverterError(Exception):
    """An error a user can act on: printed as ``file:line: message`` without a traceback."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def located(self, file: str | None = None, line: int | None = None) -> "ConverterError":
        """Fill in the location where the raiser did not know it; returns self."""
        if self.file is None:
            self.file = file
        if self.line is None:
            self.line = line
        return self

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return where + self.message


class UsageError(ConverterError):
    """The command line asked for something impossible (exit code 2)."""


class InputError(ConverterError):
    """The source cannot be read: bad bytes, empty, binary, too large, hostile XML."""


class StyleError(ConverterError):
    """A style sheet is malformed or names something unknown."""


class SchemaError(ConverterError):
    """A document does not match the canonical model's schema."""


class MissingGlyphsError(ConverterError):
    """Characters that no resolved font can draw."""

    def __init__(self, chars: list[str], file: str | None = None, line: int | None = None):
        self.chars = chars
        listed = " ".join(f"{c} (U+{ord(c):04X})" for c in chars)
        super().__init__(f"no installed font can draw {len(chars)} character(s): {listed}", file, line)


@dataclass(frozen=True)
class Diagnostic:
    """A message from a lossy or noteworthy step: shown to the user, never silent."""

    level: str  # "info" | "warning"
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (f"{self.file}: " if self.file else "")
        return f"{where}{self.level}: {self.message}"


# --- warnings from readers and transforms ------------------------------------------------
# Readers and transforms have no build context (their signatures stay ``read(path)`` and
# ``transform(doc)``, so that plug-ins stay simple); what they warn about is collected by the
# pipeline around the read, which adds the file name and hands the list to the build.
_collected: ContextVar[list[Diagnostic] | None] = ContextVar("converter_diagnostics", default=None)


def warn(message: str, line: int | None = None) -> None:
    """A warning about the document being read: collected by ``pipeline.read``; outside a build
    (a reader called directly) it becomes a Python warning, so that it is never silent."""
    found = _collected.get()
    if found is None:
        import warnings

        warnings.warn(f"line {line}: {message}" if line else message, stacklevel=2)
    else:
        found.append(Diagnostic("warning", message, None, line))


@contextmanager
def collecting() -> Iterator[list[Diagnostic]]:
    """Collect the warnings of readers and transforms run inside the block."""
    found: list[Diagnostic] = []
    token = _collected.set(found)
    try:
        yield found
    finally:
        _collected.reset(token)
