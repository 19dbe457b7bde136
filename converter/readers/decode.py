"""Turning a source file's bytes into text: encodings, line ends, and refusing what is not text."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import InputError

#: larger sources are refused outright (a report of 1 MB of text is already ~600 pages)
MAX_SOURCE_BYTES = 64 * 1024 * 1024

# C0 controls other than tab, line feed, carriage return and form feed; DEL
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def read_text(path: Path) -> str:
    """The text of a source file with ``\\n`` line ends; raise InputError naming file and place."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise InputError(f"file is {size:,} bytes; the limit is {MAX_SOURCE_BYTES:,}", name)
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", name) from None
    text = decode(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("file is empty (no text to convert)", name, 1)
    _refuse_controls(text, name)
    return text


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (BOM or not), UTF-16 with BOM, or GB18030/GBK; anything else is an error."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name, offset=3)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise InputError(f"binary data (NUL byte at offset {at}); not a text file", name, _line_at(data, at))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        utf8_error = e
    # A file that is valid UTF-8 up to the bad byte and already used multi-byte UTF-8 there
    # is damaged UTF-8, not GBK: report the bad byte instead of guessing.
    if any(b >= 0x80 for b in data[: utf8_error.start]):
        raise _decode_error(data, utf8_error, name, "UTF-8")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise _decode_error(data, utf8_error, name, "UTF-8, UTF-16 or GB18030") from None


def _strict(data: bytes, encoding: str, name: str, offset: int = 0) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        e.start += offset
        raise _decode_error(data, e, name, encoding.upper()) from None


def _decode_error(data: bytes, e: UnicodeDecodeError, name: str, tried: str) -> InputError:
    bad = data[e.start : e.start + 4].hex(" ")
    return InputError(
        f"cannot decode as {tried}: byte offset {e.start} (bytes {bad})", name, _line_at(data, e.start)
    )


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _refuse_controls(text: str, name: str) -> None:
    m = _CONTROL.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise InputError(f"control character U+{ord(m.group()):04X} in text; is this a binary file?", name, line)
