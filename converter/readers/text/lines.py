"""The lines of a plain-text source: text without indentation, where they were, what came before."""
from __future__ import annotations

from dataclasses import dataclass

#: lines longer than this are body text, not an addressee, signature or own-line heading
SHORT_CJK = 40
SHORT_LATIN = 80


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the source
    text: str  # stripped of indentation and trailing blanks (tabs inside are kept)
    indented: bool
    blank_before: bool
    #: the line as written between its ends' spaces: tabs kept (a row's empty last cells)
    cells: str = ""


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of a text whose line ends are already "\\n"."""
    out: list[Line] = []
    blank = False
    for n, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        out.append(Line(n, stripped, indented=raw[:1].isspace(), blank_before=blank,
                        cells=raw.strip(" \u3000\r\f\v")))
        blank = False
    return out


def ends_sentence(text: str) -> bool:
    """A line ending with a mark that closes or continues a sentence: not a title, name or label."""
    return text[-1:] in "。；;，,：:！？!?、"
