"""Readers turn a source file into the canonical model, and know nothing of writers."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from lxml import etree


class Reader(Protocol):
    """A reader plug-in: registered under the ``converter.readers`` entry point group."""

    #: file name suffixes this reader takes, lower case, with the dot
    suffixes: tuple[str, ...]

    def read(self, path: Path) -> etree._Element:
        """Read one source into a canonical document (validated by the pipeline afterwards)."""
        ...
