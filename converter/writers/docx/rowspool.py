"""Rows of long tables written out of the document's tree as they are finished (issue #14: a
table of 100,000 rows in bounded memory).

python-docx keeps a document as one lxml tree, some 6 kB a table row of three cells, and
serialises document.xml whole. A long table (blocks.Grid) hands its finished rows here a few
hundred at a time: they are serialised — exactly as the whole tree would serialise them — into
an anonymous temporary file next to the output, and dropped from the tree; a placeholder element
stays in the table where they were. When the package is written, document.xml is the tree's
bytes cut at the placeholders with the rows' bytes in between (``Pieces``: written to the zip a
chunk at a time, never joined), so the output's bytes are the same as if the rows had stayed.

What the rest of the writer read in the rows is kept as they go: the characters each font face
draws (runfonts.py, for font embedding) and the largest drawing id (python-docx numbers a new
picture after the largest ``@id`` in the tree: the placeholder carries it).
"""
from __future__ import annotations

import io
import re
import tempfile
from collections import defaultdict
from pathlib import Path

from lxml import etree

from ..packaging import Pieces
from .runfonts import Face, RunFonts

#: a table of more rows than this writes them out of the tree as they are finished, this many
#: (or a few more, while a row span runs on) at a time
ROWS_IN_TREE = 256
#: the placeholder element (no namespace: nothing of WordprocessingML, and never in an output)
PLACEHOLDER = "converter-spooled-rows"
_PLACEHOLDER_BYTES = re.compile(rb"<" + PLACEHOLDER.encode() + rb'[^>]* n="(\d+)"[^>]*/>')


class RowSpool:
    """The rows written out of a document's tree, and what was read in them.

    Use as a context manager: the temporary file is closed (and, having no name, gone) when the
    block ends, whichever way it ends; a killed process leaves nothing either.
    """

    def __init__(self, document, folder: Path, lang: str | None):
        """``folder``: where the temporary file is made (the output's, not a RAM-backed /tmp);
        ``lang``: the document's language when fonts are embedded (their characters are
        collected), None when they are not."""
        self.folder = folder
        self._document, self._lang = document, lang
        self._fonts: RunFonts | None = None  # made for the first rows written out
        #: font face → the characters it draws in the rows written out (RunFonts.used's form)
        self.drawn: dict[Face, set[str]] = defaultdict(set)
        self._file = None
        self._ranges: list[tuple[int, int]] = []  # placeholder n → (offset, length) in the file
        # the rows are serialised inside an element declaring the document root's namespaces,
        # so that they carry no declarations of their own (as in the whole tree)
        root = document.element
        self._context = etree.Element(root.tag, nsmap=root.nsmap)

    def __enter__(self) -> "RowSpool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def placeholder(self):
        """A new placeholder, to stand in the tree where the rows written next were."""
        self._ranges.append((self._end(), 0))
        return etree.Element(PLACEHOLDER, n=str(len(self._ranges) - 1))

    def write(self, placeholder, rows: list) -> None:
        """Write finished rows (w:tr, consecutive, right after ``placeholder`` in the tree) out
        of the tree, after those written for the same placeholder before."""
        if not rows:
            return
        n = int(placeholder.get("n"))
        offset, length = self._ranges[n]
        assert offset + length == self._end(), "rows are written table by table, in order"
        context = self._context
        context.extend(rows)  # moved out of the document's tree
        if self._lang is not None:
            if self._fonts is None:
                self._fonts = RunFonts(self._document, self._lang)
            self._fonts.add(context, self.drawn)
        ids = [int(v) for v in context.xpath(".//@id") if v.isdigit()]
        if ids and max(ids) > int(placeholder.get("id", "0")):
            placeholder.set("id", str(max(ids)))  # python-docx's next_id reads //@id
        self._ranges[n] = (offset, length + self._append(context))
        # the rows are freed only now, after the bytes: glibc merges its freed small blocks when
        # a large one is freed, and the next rows would then be made in blocks all over the heap
        # (the holes an indented XML source leaves: 1.3 times the CPU time) instead of in theirs
        del context[:]

    def _append(self, context) -> int:
        """Serialise the rows in ``context`` at the end of the file; their length in bytes."""
        data = etree.tostring(context, encoding="UTF-8", xml_declaration=False)  # as python-docx writes the part
        head = data.index(b">") + 1  # the context's start tag (namespace URIs hold no ">")
        tail = len(data) - data.rindex(b"</")
        file = self._open()
        file.seek(0, io.SEEK_END)  # after the rows written before (Pieces reads seek elsewhere)
        with memoryview(data) as view:
            file.write(view[head:-tail])
        return len(data) - head - tail

    def pieces(self, blob: bytes) -> bytes | Pieces:
        """document.xml: the tree's bytes ``blob`` with the rows in place of the placeholders."""
        if not self._ranges:
            return blob
        parts: list = []
        at = 0
        for m in _PLACEHOLDER_BYTES.finditer(blob):
            offset, length = self._ranges[int(m.group(1))]
            parts += [blob[at:m.start()], (self._file, offset, length)]
            at = m.end()
        parts.append(blob[at:])
        assert len(parts) == 2 * len(self._ranges) + 1, "every placeholder is in the document once"
        return Pieces(parts)

    def _open(self):
        if self._file is None:
            # unnamed (O_TMPFILE, or unlinked at once): nothing to remove on any path
            self._file = tempfile.TemporaryFile(dir=self.folder, prefix=".rows.")
        return self._file

    def _end(self) -> int:
        return self._ranges[-1][0] + self._ranges[-1][1] if self._ranges else 0
