"""Heading identifiers the way pandoc's ``auto_identifiers`` extension makes them.

Pandoc's rule (Text.Pandoc.Shared.inlineListToIdentifier and uniqueIdent), written here by hand
because no library carries it: take the heading's text without its notes, lowercase it, keep
letters and digits (any script), ``_``, ``-`` and ``.``, turn runs of spaces into one ``-``, drop
everything before the first letter; an empty result is ``section``; a taken identifier gets
``-1``, ``-2`` … (the first free one). ``Installation guide`` → ``installation-guide``,
``1. Überblick`` → ``überblick``, ``Grüße, Welt!`` → ``grüße-welt``.

The model's ids are XML IDs (NCNames), a little stricter than pandoc's: a character an NCName
cannot hold (``²``, ``ª``) is dropped as punctuation is. "Can hold" is what the schema's
validator (libxml2) accepts, which for names outside ASCII is XML 1.0's 4th edition (its letters
are Unicode 2.0's): Khmer, Myanmar, Ethiopic or Mongolian letters, NameChars in the 5th edition,
would make the document invalid, so they are dropped too (a heading of only such letters gets
``section``, as pandoc's empty identifier does).
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

# XML 1.0 (5th edition) NameStartChar / NameChar, without ':' (an NCName)
_START = ("A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
          "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_NAME = _START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"


@lru_cache(maxsize=None)
def _pattern(name: str) -> re.Pattern:
    """The NCName patterns, compiled when first used (12 ms for the two classes of ranges: a
    build whose reader makes no identifiers of its own, the text reader's, never needs them)."""
    return re.compile(f"[{_START}][{_NAME}]*" if name == "ncname" else f"[^{_NAME}]")


def is_ncname(text: str) -> bool:
    """Whether text can be a model id (an XML NCName the schema's validator accepts)."""
    return _pattern("ncname").fullmatch(text) is not None and (text.isascii() or _validator_accepts(text))


def pandoc_identifier(text: str) -> str:
    """The identifier pandoc derives from a heading's text (before making it unique)."""
    kept = "".join(c for c in text.lower() if c.isspace() or c.isalnum() or c in "_-.")
    ident = "-".join(kept.split())
    ident = _pattern("not-name").sub("", ident)
    ident = "".join(c for c in ident if c.isascii() or _validator_accepts("a" + c))  # a NameChar to it
    start = next((k for k, c in enumerate(ident) if c.isalpha() and is_ncname(c)), len(ident))
    return ident[start:]


def unique_identifier(base: str, taken: set[str]) -> str:
    """base, or base-1, base-2 … the first not in taken (pandoc's uniqueIdent); added to taken."""
    base = base or "section"
    candidate, n = base, 0
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


@lru_cache(maxsize=1)
def _ncname_schema() -> etree.RelaxNG:
    """A schema of one element holding an NCName: the check the model's schema makes of an id."""
    return etree.RelaxNG(etree.XML(
        '<element xmlns="http://relaxng.org/ns/structure/1.0" name="id" '
        'datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"><data type="NCName"/></element>'))


@lru_cache(maxsize=4096)
def _validator_accepts(text: str) -> bool:
    """Whether libxml2's NCName datatype takes text (one validation, about a microsecond)."""
    probe = etree.Element("id")
    probe.text = text
    return _ncname_schema().validate(probe)
