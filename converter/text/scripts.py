"""Script and width classes of characters: one rule for the layout, every writer and the readers.

"Wide" characters are set on the CJK em grid (ideographs, kana, hangul, full-width forms).
Some marks — “ ” ‘ ’ — … · — are wide in Chinese, Japanese and Korean text and narrow in
others (Unicode calls them ambiguous): ``is_wide_in`` decides them by the document's language.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

#: marks that are full-width in CJK text and narrow elsewhere (East Asian Width "A")
CJK_CONTEXT_MARKS = frozenset("“”‘’—…·")


def is_cjk_language(lang: str) -> bool:
    """Whether a language tag (zh-CN, ja, ko …) sets the ambiguous marks full-width."""
    return lang.lower().startswith(("zh", "ja", "ko"))


@lru_cache(maxsize=None)  # asked of every character of a document, many times: one answer each
def is_east_asian_wide(ch: str) -> bool:
    """Unicode's East Asian Width W or F: one em in any text."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


@lru_cache(maxsize=None)
def is_wide(ch: str) -> bool:
    """Characters set on the CJK em grid in CJK text: East Asian wide ones and the CJK marks."""
    return is_east_asian_wide(ch) or ch in CJK_CONTEXT_MARKS


def is_wide_in(ch: str, cjk_text: bool) -> bool:
    """Whether a character takes the CJK slot and the em grid in a text of this kind."""
    if ch in CJK_CONTEXT_MARKS:
        return cjk_text
    return is_east_asian_wide(ch)


@lru_cache(maxsize=None)
def is_wordchar(ch: str) -> bool:
    """Letters and digits of Latin-like scripts (not CJK ideographs)."""
    return ch.isalnum() and not is_wide(ch)


@lru_cache(maxsize=None)
def is_ideograph(ch: str) -> bool:
    """A wide character that is not punctuation, a space or a symbol (汉字, kana)."""
    return is_wide(ch) and not unicodedata.category(ch).startswith(("P", "Z", "S"))


def em_width(text: str) -> float:
    """The width of a text in ems, counting a wide character as 1 and any other as ½."""
    return sum(1 if is_east_asian_wide(c) else 0.5 for c in text)
