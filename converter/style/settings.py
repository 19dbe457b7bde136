"""Writer sections of a style sheet (``[docx]``, ``[epub]`` …): kept as written, checked by the
writer that owns them.

The style layer knows no writer: it keeps every top-level table it does not know itself, with
the sheet each key was written in. A writer declares the keys it takes (``Setting``: type,
default, allowed values) and asks for its section through ``WriterSettings.section``, which
checks the section against the declaration — an unknown key or a bad value is a StyleError
naming the sheet and the dotted key. The pipeline asks every writer a sheet has a section for
before any output is written (``plugins.check_style_settings``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..errors import StyleError


@dataclass(frozen=True)
class Setting:
    """One key of a writer's section: its type, its default, and the values allowed (if listed)."""

    type: type
    default: object
    choices: tuple = ()
    doc: str = ""

    def check(self, value: object, key: str, file: str | None) -> object:
        """The value, or a StyleError naming the file and the dotted key (a whole number is
        taken where a float is declared: TOML writes ``dpi = 150``)."""
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if self.type is not object and (not isinstance(value, self.type) or
                                        (self.type is not bool and isinstance(value, bool))):
            name = self.type.__name__
            raise StyleError(f"{key} must be {'an' if name[0] in 'aeiou' else 'a'} {name}, got {value!r}", file)
        if self.choices and value not in self.choices:
            raise StyleError(f"{key} {value!r}: use {' or '.join(map(str, self.choices))}", file)
        return value


def _frozen(d: Mapping) -> Mapping:
    return MappingProxyType({k: _frozen(v) if isinstance(v, Mapping) else v for k, v in d.items()})


@dataclass(frozen=True)
class WriterSettings:
    """The sheet's sections for writers, as written, and which sheet wrote each key."""

    sections: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    #: "docx.embed-fonts" → the sheet file the value comes from (the nearest in the extends chain)
    origins: Mapping[str, str] = field(default_factory=dict)
    #: the style's own file, for what has no origin of its own
    file: str | None = None

    @classmethod
    def of(cls, sections: Mapping[str, Mapping], origins: Mapping[str, str], file: str | None) -> "WriterSettings":
        return cls(_frozen(sections), MappingProxyType(dict(origins)), file)

    def names(self) -> list[str]:
        """The sections the sheet has, sorted."""
        return sorted(self.sections)

    def origin(self, dotted: str) -> str | None:
        """The sheet a key (``docx.embed-fonts``) or a section (``docx``) was written in."""
        if dotted in self.origins:
            return self.origins[dotted]
        prefix = dotted + "."
        return next((f for k, f in sorted(self.origins.items()) if k.startswith(prefix)), self.file)

    def section(self, name: str, declared: Mapping[str, Setting]) -> dict[str, object]:
        """Section ``name`` checked against a writer's declared keys, defaults filled in."""
        raw = self.sections.get(name, {})
        for key in raw:
            if key not in declared:
                known = ", ".join(sorted(declared)) or "none"
                raise StyleError(f"unknown key {name}.{key} (known here: {known})", self.origin(f"{name}.{key}"))
        return {key: setting.check(raw[key], f"{name}.{key}", self.origin(f"{name}.{key}")) if key in raw
                else setting.default for key, setting in declared.items()}
