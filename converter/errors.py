"""One exception root for everything the converter reports to a user, and diagnostics."""
from __future__ import annotations

import warnings
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


class Interrupted(KeyboardInterrupt):
    """A build stopped by SIGINT (Ctrl-C) or SIGTERM; ``str()`` says what was kept."""

    def __init__(self, signum: int, message: str = ""):
        super().__init__(message)
        self.signum = signum
        self.message = message

    def __str__(self) -> str:
        return self.message


def printable(text: str) -> str:
    """Text safe to print on a terminal: control and format characters (newlines, escape
    sequences, bidirectional overrides) and the bytes of names that are not UTF-8 (decoded by
    Python as lone surrogates) shown as escapes instead of acting on the terminal."""
    return "".join(_escape(c) if _unprintable(c) else c for c in text)


def _unprintable(char: str) -> bool:
    import unicodedata

    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or (category == "Cf" and char not in "\u200c\u200d")


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
        f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


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
# ``transform(doc)``, so that plug-ins stay simple); what they warn about (a guessed encoding, a
# broken internal link) is collected by the pipeline around the read, which adds the file name
# and hands the list to the build.
_collected: ContextVar[list[Diagnostic] | None] = ContextVar("converter_diagnostics", default=None)


def warn(message: str, line: int | None = None) -> None:
    """A warning about the document being read (see report)."""
    report(Diagnostic("warning", message, None, line))


@contextmanager
def collecting() -> Iterator[list[Diagnostic]]:
    """Collect the diagnostics that report() and warn() hand in while the block runs."""
    found: list[Diagnostic] = []
    token = _collected.set(found)
    try:
        yield found
    finally:
        _collected.reset(token)


def report(diagnostic: Diagnostic) -> None:
    """Hand a diagnostic to the build that is running; outside one, a Python warning (never silent)."""
    found = _collected.get()
    if found is None:
        warnings.warn(str(diagnostic), stacklevel=3)
    else:
        found.append(diagnostic)
