"""Word boundaries inside text written without spaces between words (Thai), for line breaking.

Thai puts no space between the words of a phrase: a line may break between any two words, and
only there. The boundaries come from PyThaiNLP's dictionary segmenter (``newmm``: maximal
matching over Thai character clusters, so a boundary never parts a consonant from its vowels
and tone marks). Chosen over ICU's BreakIterator (PyICU): PyThaiNLP installs as a pure-Python
wheel, where PyICU is compiled on every fresh machine against libicu-dev with a C++ tool chain
and Python's headers (70 s here, and ~250 MB of packages on a bare Debian); on our samples its
Thai words were as good as ICU's or better (ว่า|การศึกษา where ICU gave ว่าการ|ศึกษา). ICU
would also segment Lao, Khmer and Myanmar; PyThaiNLP does not, so those still break only at
spaces (and at U+200B, the zero-width space their writers use).
"""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

#: a run of Thai letters, vowels, tone marks and digits (the Thai block)
_THAI_RUN = re.compile("[\u0e01-\u0e5b]{2,}")
#: Thai characters no line starts with: ฯ (paiyannoi, an abbreviation), ๆ (mai yamok, repeat)
_THAI_NO_START = frozenset("\u0e2f\u0e46")


def is_thai(ch: str) -> bool:
    """A character of the Thai block (U+0E00–U+0E7F)."""
    return "\u0e00" <= ch <= "\u0e7f"


def word_starts(text: str) -> set[int]:
    """Offsets in ``text`` where a Thai word starts right after another one: the places a line
    may break inside a Thai run. Empty for text without Thai (nothing is imported then)."""
    starts: set[int] = set()
    for run in _THAI_RUN.finditer(text):
        at = run.start()
        for word in _thai_words(run.group())[:-1]:
            at += len(word)
            if text[at] not in _THAI_NO_START and not unicodedata.category(text[at]).startswith("M"):
                starts.add(at)
    return starts


@lru_cache(maxsize=4096)
def _thai_words(run: str) -> tuple[str, ...]:
    """PyThaiNLP's words of a Thai run (no spaces in it), in order; they join back to the run."""
    # PyThaiNLP would otherwise make ~/pythainlp-data at import: a converter writes no such folder
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from pythainlp.tokenize import word_tokenize

    words = tuple(word_tokenize(run, engine="newmm", keep_whitespace=True))
    return words if "".join(words) == run else (run,)  # never trust a split that loses a character
