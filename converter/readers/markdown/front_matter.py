"""YAML front matter: the mapping between the first two ``---`` lines, read into plain values.

A block that is not YAML at all (``---`` then a sentence) is no front matter: CommonMark sees a
thematic break there, and so does this reader. A block that looks like YAML (its first line is a
``key:``) but does not parse is an error naming the line.

YAML aliases (``*name``, a reference to an ``&name`` anchor) are refused, at their line, before
anything is expanded: nine lines of nested aliases expand to millions of values (an "alias
bomb"), and a document's title, author and keywords never need one.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ...errors import InputError

_KEY_LINE = re.compile(r"\s*[\w-]+\s*:(\s|$)")
# BCP 47, the parts documents use: language (2–3 letters), script (4), region (2 letters or 3
# digits), variants and extensions (the xsd:language shape)
_LANG = re.compile(r"([a-z]{2,3})((?:-[a-z0-9]{1,8})*)", re.I)


@dataclass
class FrontMatter:
    """The front matter's keys (lowercased, without empty values) and the file line of each."""

    values: dict = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def line(self, key: str) -> int | None:
        return self.lines.get(key)


@functools.cache
def _no_alias_loader():
    """PyYAML's safe loader that refuses an alias when it meets it, before composing it (made on
    first use: only documents with front matter import yaml)."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark
                raise InputError("front matter: YAML aliases (*name) are not accepted (a few of them can expand "
                                 "into millions of values); write the value out", line=mark.line + 2)
            return super().compose_node(parent, index)

    return NoAliasLoader


def read_front_matter(content: str) -> FrontMatter | None:
    """The front matter in ``content`` (the text between the ``---`` lines, which start on the
    file's line 1), or None when it is not YAML and the ``---`` is a thematic break."""
    import yaml

    first = next((ln for ln in content.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    looks_like_yaml = bool(_KEY_LINE.match(first))
    try:
        data = yaml.load(content, Loader=_no_alias_loader())  # noqa: S506 (a SafeLoader)
    except ValueError as e:  # PyYAML builds dates itself: date: 2024-02-30
        raise InputError(f"front matter has an impossible value: {e}", line=2) from None
    except yaml.YAMLError as e:
        if not looks_like_yaml:
            return None
        line = getattr(getattr(e, "problem_mark", None), "line", 0) + 2
        raise InputError(f"front matter is not valid YAML: {getattr(e, 'problem', e)}", line=line) from None
    if data is None:
        return FrontMatter()
    if not isinstance(data, dict):
        if not looks_like_yaml:
            return None
        raise InputError("front matter must be a YAML mapping (key: value)", line=1)
    lines = {}
    for n, text in enumerate(content.splitlines(), start=2):
        m = re.match(r"([\w-]+)\s*:", text)
        if m:
            lines.setdefault(m.group(1).lower(), n)
    # a key with no value (title:) is absent, not the text "None"
    values = {str(k).lower(): v for k, v in data.items() if v is not None}
    return FrontMatter(values, lines)


def as_text(value) -> str:
    """A title-like value as text: a list is joined (``Part one: Part two``), a mapping gives its
    ``name`` or ``text`` (else its values), anything else its str()."""
    if isinstance(value, list):
        return ": ".join(t for t in (as_text(v) for v in value if v is not None) if t)
    if isinstance(value, dict):
        for key in ("name", "text", "title"):
            if value.get(key) is not None:
                return as_text(value[key])
        return ", ".join(as_text(v) for v in value.values() if v is not None)
    return str(value).strip()


def names(value) -> list[str]:
    """Authors: one or a list, each a name or a mapping with a ``name`` (pandoc's and CSL's shape)."""
    items = value if isinstance(value, list) else [value]
    return [n for n in (as_text(v) for v in items if v is not None) if n]


def language_tag(value, line: int | None) -> str:
    """``en_US`` → ``en-US``, ``ZH-cn`` → ``zh-CN``; anything that is no language tag is an error."""
    text = str(value).strip().replace("_", "-")
    if not _LANG.fullmatch(text):
        raise InputError(f"front matter: lang {str(value)!r} is not a language tag (such as en, en-US, "
                         f"de-CH or zh-CN)", line=line)
    lang, *rest = text.split("-")
    parts = [lang.lower()]
    for sub in rest:
        if len(sub) == 4 and sub.isalpha():
            parts.append(sub.title())  # script: Hans
        elif len(sub) == 2 and sub.isalpha() or len(sub) == 3 and sub.isdigit():
            parts.append(sub.upper())  # region: US, 419
        else:
            parts.append(sub.lower())
    return "-".join(parts)
