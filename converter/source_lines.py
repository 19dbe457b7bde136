"""Which source line an error belongs to, when the model alone cannot say.

The model records the line each element came from (``model.line_of`` finds the nearest one).
Two cases need the source text itself: a value the model holds without a line (a style name,
a date, an image address from a reader that records no lines), and a character inside a
paragraph that a text source hard-wraps over several lines. Both live here, so the pipeline
has one place that turns "where" into ``file:line``.
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from . import model
from .errors import ConverterError
from .readers.decode import read_text


def line_containing(source: Path, needle: str | None) -> int | None:
    """The first line of a text source that holds ``needle`` (None for other sources)."""
    try:
        text = read_text(source)
    except (OSError, ConverterError):
        return None
    at = text.find(needle) if needle else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def first_line_with(doc: etree._Element, source: Path, chars: list[str]) -> int | None:
    """The source line of the first character of ``chars`` in the text: the line the reader
    recorded for the element that holds it, or, when that element's text runs over several
    lines (a hard-wrapped paragraph), the line of the character at or below it. None when the
    reader recorded no line (a .docx has none)."""
    wanted = set(chars)
    holder = next((el for el in doc.iter() if isinstance(el.tag, str)
                   and (wanted & set(el.text or "") or any(wanted & set(c.tail or "") for c in el))), None)
    line = model.line_of(holder) if holder is not None else None
    if line is None:
        return None
    try:
        lines = read_text(source).split("\n")
    except (OSError, ConverterError):
        return line
    return next((k + 1 for k in range(line - 1, len(lines)) if wanted & set(lines[k])), line)
