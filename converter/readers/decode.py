"""Turning a source file's bytes into text: encodings, line ends, and refusing what is not text."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import Diagnostic, InputError, report

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
    """Decode UTF-8 (BOM or not) or UTF-16 with BOM; else guess, with a warning, or refuse.

    Without a BOM, bytes that are not UTF-8 can only be guessed at: GB18030 when the decoded
    text looks like Chinese (see _looks_chinese), else the encoding charset-normalizer finds
    among common legacy ones. A guess is reported (errors.report) naming the encoding, so
    ``--strict`` fails it; bytes no encoding fits are an error naming the first bad byte.
    """
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
        text = data.decode("gb18030")
    except UnicodeDecodeError as e:
        gb_error = e
        text = None
    if text is not None and _looks_chinese(text):
        _report_guess(data, name, "GB18030")
        return text
    guessed = _detect(data)
    if guessed:
        encoding, label = guessed
        _report_guess(data, name, label)
        return data.decode(encoding)
    if text is None:
        # the file may be GBK with a damaged byte: the byte GB18030 stopped at is the one to show
        raise _decode_error(data, gb_error.start, name, "UTF-8, UTF-16 or GB18030", "gb18030")
    raise _decode_error(data, utf8_error.start, name, "UTF-8 (nor as GB18030 nor a common legacy encoding)",
                        "latin-1")


#: legacy encodings a text without a BOM may be in besides GB18030, most likely first (a tie in
#: charset-normalizer's ranking goes to the earlier one: Windows-1252 before Windows-1250, whose
#: è is č), with the names messages use
LEGACY_ENCODINGS = {
    "cp1252": "Windows-1252", "cp1250": "Windows-1250", "cp1251": "Windows-1251",
    "cp1253": "Windows-1253", "cp1254": "Windows-1254", "cp1257": "Windows-1257",
    "big5": "Big5", "shift_jis": "Shift_JIS", "euc_kr": "EUC-KR", "koi8_r": "KOI8-R",
}
#: charset-normalizer's "chaos" (0 = clean text) above which a guess is not taken
_MAX_CHAOS = 0.1


def _looks_chinese(text: str) -> bool:
    """True when GB18030-decoded text reads as Chinese, not as another encoding's bytes.

    A sound test by hand (charset-normalizer finds nothing in short texts with characters
    outside GBK, such as 𠀀): real GB text is mostly GB2312 characters, both bytes ≥ 0xA1,
    and never decodes to the private use area. Latin text in Windows-1252 pairs a high byte with
    an ASCII letter (Début → D閎ut, not GB2312), Big5 lands in the private use area, Shift_JIS
    on characters outside GB2312.
    """
    wide = [c for c in text if c > "\x7f"]
    if any("\ue000" <= c <= "\uf8ff" for c in wide):
        return False
    common = sum(1 for c in wide if _in_gb2312(c))
    return common * 2 > len(wide)


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _detect(data: bytes) -> tuple[str, str] | None:
    """The legacy encoding charset-normalizer finds cleanest, as (codec, name), or None."""
    from charset_normalizer import from_bytes  # imported only for sources that need a guess

    order = list(LEGACY_ENCODINGS)
    best: tuple[float, int] | None = None
    for match in from_bytes(data, cp_isolation=order):
        # a match stands for every encoding that decodes these bytes the same: take the likeliest
        rank = min(order.index(e) for e in match.could_be_from_charset if e in order)
        if match.chaos <= _MAX_CHAOS and (best is None or (match.chaos, rank) < best):
            best = (match.chaos, rank)
    if best is None:
        return None
    encoding = order[best[1]]
    return encoding, LEGACY_ENCODINGS[encoding]


def _report_guess(data: bytes, name: str, label: str) -> None:
    first = next(i for i, b in enumerate(data) if b > 0x7F)
    report(Diagnostic("warning", f"not UTF-8: decoded as {label} (a guess from the bytes; save the file as "
                                 f"UTF-8 to be sure)", name, _line_at(data[:first], "latin-1")))


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
