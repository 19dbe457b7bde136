"""What an image's ``src`` means: a file in the source's folder or below, and nothing else.

One rule for every reader and writer (and the incremental build's key): a relative path, plain
or %-encoded (``my%20picture.png``), or a ``file:`` URL, that stays inside the source's folder.
Remote images are not downloaded, and no path may leave the folder (an XML source from
elsewhere must not embed ``../../etc/secret.png``).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import InputError


def resolve_image(src: str, base_dir: Path, line: int | None = None) -> Path:
    """The file an image ``src`` names; InputError (with the line, when known) otherwise."""
    base = base_dir.resolve()
    parts = urlsplit(src)
    scheme = parts.scheme if len(parts.scheme) > 1 else ""  # one letter: a Windows drive
    if scheme not in ("", "file"):
        raise InputError(f"image {src!r}: remote images are not downloaded; save it beside the source",
                         line=line)
    candidates = [unquote(parts.path)] if scheme == "file" else [src, unquote(src)]
    shown = src if len(src) <= 120 else src[:120] + "…"
    if any("\x00" in c for c in candidates):
        raise InputError(f"image {shown!r}: a file name cannot hold a NUL character", line=line)
    paths = [(base / c).resolve() for c in candidates if c]
    for path in paths:
        if not path.is_relative_to(base):
            raise InputError(f"image {shown!r} is outside the source's folder", line=line)
    for path in paths:
        try:
            if path.is_file():
                return path
        except OSError as e:  # a name too long for the file system, say
            raise InputError(f"image {shown!r} cannot be read: {e.strerror}", line=line) from None
    raise InputError(f"image {shown!r} cannot be read: no such file in {base}", line=line)
