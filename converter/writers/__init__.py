"""Writers render the model with the resolved style; they never see the source text."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from lxml import etree

from ..context import BuildContext
from ..style import ResolvedStyle


class Writer(Protocol):
    """A writer plug-in: registered under the ``converter.writers`` entry point group."""

    #: file name suffix of the output, with the dot
    suffix: str

    def write(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> None:
        """Write the whole output to ``target`` (a temporary name the pipeline renames when all is done)."""
        ...
