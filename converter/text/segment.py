"""Word boundaries inside text written without spaces between words (Thai, Lao, Khmer, Myanmar),
for line breaking.

These scripts put no space between the words of a phrase: a line may break between any two
words, and only there. Each script's runs go to a dictionary segmenter:

- Thai: PyThaiNLP's ``newmm`` (maximal matching over Thai character clusters, so a boundary
  never parts a consonant from its vowels and tone marks; pure Python). Chosen over ICU for
  Thai: on our samples its words were as good as ICU's or better (ว่า|การศึกษา where ICU gave
  ว่าการ|ศึกษา).
- Lao, Khmer, Myanmar: ICU's line break iterator (its dictionary break engines, with UAX #14's
  rules on top: no break before ។ ။ ၊ or ៗ, none inside a cluster), through icu4py, whose
  manylinux wheel carries ICU itself. PyICU, the older binding, publishes no wheel: it is
  compiled on every fresh machine against libicu-dev with a C++ tool chain. No pure-Python
  segmenter covers all three (khmer-nltk, laonlp and pyidaungsu are one script each, with
  models of their own).

A boundary found is still refused before a combining mark or right after a virama or coeng
(U+1039, U+17D2: the next consonant is the same cluster's), so no segmenter's word can split a
cluster; and a segmentation that does not join back to its run is not used.
"""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

#: the scripts written without spaces, by the language their segmenter is given, and their
#: blocks: Thai (U+0E01–U+0E5B), Lao, Khmer and Khmer Symbols, Myanmar and its extensions A and B
SCRIPT_BLOCKS = {"th": ((0x0E01, 0x0E5B),), "lo": ((0x0E80, 0x0EFF),),
                 "km": ((0x1780, 0x17FF), (0x19E0, 0x19FF)),
                 "my": ((0x1000, 0x109F), (0xAA60, 0xAA7F), (0xA9E0, 0xA9FF))}
_CLASSES = {lang: "".join(f"{chr(a)}-{chr(b)}" for a, b in blocks) for lang, blocks in SCRIPT_BLOCKS.items()}
#: a run of two or more characters of one of them (the group's name is the language)
_UNSPACED_RUN = re.compile("|".join(f"(?P<{lang}>[{chars}]{{2,}})" for lang, chars in _CLASSES.items()))
#: any of their characters (a text without one is not scanned for runs: most text)
_UNSPACED_ANY = re.compile(f"[{''.join(_CLASSES.values())}]")
#: what no line starts with, whatever a segmenter says: the repetition signs (Thai ๆ, Lao ໆ,
#: Khmer ៗ), Thai ฯ (an abbreviation), and the marks that end a word, phrase or sentence
#: (Myanmar ၊ ။, Khmer ៖ ។ ៕)
_NO_START = frozenset("\u0e46\u0ec6\u17d7\u0e2f\u104a\u104b\u17d4\u17d5\u17d6")
#: the signs that join the next consonant to their cluster: Myanmar virama, Khmer coeng
_STACKERS = frozenset("\u1039\u17d2")


def unspaced_script(ch: str) -> str | None:
    """The language of the script ``ch`` belongs to when that script is written without
    spaces between words (th, lo, km, my); None otherwise."""
    o = ord(ch)
    for lang, blocks in SCRIPT_BLOCKS.items():
        if any(a <= o <= b for a, b in blocks):
            return lang
    return None


def written_without_spaces(ch: str) -> bool:
    """A character of a script that puts no space between words (Thai, Lao, Khmer, Myanmar)."""
    return unspaced_script(ch) is not None


def in_one_run(a: str, b: str) -> bool:
    """Two adjacent characters of one such script: between them a line breaks only where the
    script's segmenter says a word starts (word_starts), not at a mark of punctuation such
    as ၏ or ។, which belongs to the word before it."""
    if not ("\u0e01" <= a <= "\u19ff" or "\ua9e0" <= a <= "\uaa7f"):
        return False  # the common case (CJK, Latin), decided without the table
    lang = unspaced_script(a)
    return lang is not None and unspaced_script(b) == lang


def word_starts(text: str) -> set[int]:
    """Offsets in ``text`` where a word starts right after another one: the places a line may
    break inside a run of Thai, Lao, Khmer or Myanmar. Empty for text without them (no
    segmenter is imported then)."""
    starts: set[int] = set()
    if _UNSPACED_ANY.search(text) is None:
        return starts
    for run in _UNSPACED_RUN.finditer(text):
        lang = run.lastgroup
        offsets = _thai_offsets(run.group()) if lang == "th" else _icu_offsets(run.group(), lang)
        for offset in offsets:
            at = run.start() + offset
            if _may_start(text, at):
                starts.add(at)
    return starts


def _may_start(text: str, at: int) -> bool:
    """Whether a word boundary at ``at`` can start a line: not a mark, not the consonant after a
    virama or coeng, nothing of _NO_START."""
    ch = text[at]
    return not (unicodedata.category(ch).startswith("M") or text[at - 1] in _STACKERS or ch in _NO_START)


def _thai_offsets(run: str) -> list[int]:
    """Where each Thai word after the first starts in a run."""
    offsets, at = [], 0
    for word in _thai_words(run)[:-1]:
        at += len(word)
        offsets.append(at)
    return offsets


@lru_cache(maxsize=4096)
def _thai_words(run: str) -> tuple[str, ...]:
    """PyThaiNLP's words of a Thai run (no spaces in it), in order; they join back to the run."""
    # PyThaiNLP would otherwise make ~/pythainlp-data at import: a converter writes no such folder
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from pythainlp.tokenize import word_tokenize

    words = tuple(word_tokenize(run, engine="newmm", keep_whitespace=True))
    return words if "".join(words) == run else (run,)  # never trust a split that loses a character


@lru_cache(maxsize=4096)
def _icu_offsets(run: str, lang: str) -> tuple[int, ...]:
    """ICU's line break opportunities inside a Lao, Khmer or Myanmar run (offsets after 0)."""
    from icu4py.breakers import LineBreaker

    segments = list(LineBreaker(run, lang).segments())
    if [s for s, _ in segments] != [0] + [e for _, e in segments[:-1]] or segments[-1][1] != len(run):
        return ()  # never trust a segmentation that does not cover the run exactly
    return tuple(e for _, e in segments[:-1])

