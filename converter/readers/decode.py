"""Turning a source file's bytes into text: encodings, line ends, and refusing what is not text."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import InputError

#: larger sources are refused outright (a report of 1 MB of text is already ~600 pages)
MAX_SOURCE_BYTES = 64 * 1024 * 1024

# C0 controls other than tab, line feed, carriage return and form feed; DEL; and the two
# noncharacters XML cannot hold (a file containing them is not a text document)
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")

# CRLF, CR and form feed (a page break in old plain-text reports) all end a line
_LINE_END = re.compile("\r\n|\r|\f")


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
    text = normalize_line_ends(decode(data, name))
    if not text.strip():
        raise InputError("file is empty (no text to convert)", name, 1)
    _refuse_controls(text, name)
    return text


def normalize_line_ends(text: str) -> str:
    """CRLF, CR and form feed become ``\\n``."""
    return _LINE_END.sub("\n", text)


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (BOM or not), UTF-16 with BOM, or GB18030/GBK; anything else is an error."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8", name, offset=3)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise InputError(f"binary data (NUL byte at offset {at}); not a text file", name,
                         _line_at(data[:at], "latin-1"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        utf8_error = e
    if _mostly_utf8(data):
        # Damaged UTF-8, not GBK: report the bad byte instead of decoding mojibake.
        raise _decode_error(data, utf8_error.start, name, "UTF-8", "utf-8")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as e:
        # the file looked like GBK, so the byte GB18030 stopped at is the one to show
        raise _decode_error(data, e.start, name, "UTF-8, UTF-16 or GB18030", "gb18030") from None


def _mostly_utf8(data: bytes) -> bool:
    """True when the non-ASCII bytes are mostly well-formed UTF-8 (a few damaged bytes).

    GBK text read as UTF-8 fails on nearly every character (a lucky pair such as 一 = D2 BB
    may pass as a Cyrillic letter), while a damaged UTF-8 file has many good characters
    and a few bad ones. Deciding on the first bad byte alone refuses GBK files that start
    with such a lucky pair.
    """
    text = data.decode("utf-8", errors="replace")
    genuine = data.count("\ufffd".encode())  # replacement characters that were in the file
    bad = text.count("\ufffd") - genuine
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good > bad


def _strict(data: bytes, encoding: str, name: str, offset: int = 0) -> str:
    """Decode ``data[offset:]`` or raise an error naming the absolute byte offset."""
    try:
        return data[offset:].decode(encoding)
    except UnicodeDecodeError as e:
        raise _decode_error(data, e.start + offset, name, encoding.upper(), encoding) from None


def _decode_error(data: bytes, start: int, name: str, tried: str, encoding: str) -> InputError:
    bad = data[start : start + 4].hex(" ")
    return InputError(f"cannot decode as {tried}: byte offset {start} (bytes {bad})", name,
                      _line_at(data[:start], encoding))


def _line_at(prefix: bytes, encoding: str) -> int:
    """The 1-based line at the end of ``prefix`` (bytes that decode in ``encoding``).

    Counting 0x0A bytes would be wrong for UTF-16, where 上 (U+4E0A) contains one.
    """
    text = prefix.decode(encoding, errors="replace")
    return len(re.findall("\r\n|\r|\n", text)) + 1


def _refuse_controls(text: str, name: str) -> None:
    m = _CONTROL.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise InputError(f"control character U+{ord(m.group()):04X} in text; is this a binary file?", name, line)
