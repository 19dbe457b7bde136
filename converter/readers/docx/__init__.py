"""The DOCX reader: Word documents (.docx, .docm, .dotx) into the canonical model.

Reading (package → paragraphs, tables, notes, pictures, text boxes, numbering) is this
package's own; the structure of a 公文 comes from the plain-text rules (structure.py), so a
Word draft and the same text pasted into a .txt file read the same.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import etree

from ... import model
from ...cachefiles import cache_dir
from ...errors import Diagnostic, InputError
from .letterhead import letterhead
from .media import Pictures
from .notes import Notes
from .numbering import Numbering
from .ooxml import W
from .package import open_package
from .properties import add_properties
from .paragraphs import BodyReader, Found
from .structure import build_document
from .styles import Styles

#: relationship types whose external targets would be content (never fetched: refused)
_EXTERNAL_CONTENT = {"image": "a linked picture", "subDocument": "a sub-document", "aFChunk": "an imported file", "oleObject": "a linked object",
                     "frame": "a frame's page", "package": "an embedded package"}


class DocxReader:
    """Reads a Word document. After ``read``, ``diagnostics`` holds what the user should know
    (tracked changes accepted, pictures left out, macros not run) and ``resource_dir`` is
    the folder its pictures were extracted to."""

    suffixes = (".docx", ".docm", ".dotx", ".dotm", ".doc", ".wps")

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.resource_dir: Path | None = None

    def read(self, path: Path) -> etree._Element:
        pkg = open_package(path)  # a .doc or .wps that is really a .docx is read as what it is
        try:
            return self._read(pkg, path)
        finally:
            pkg.zf.close()

    def _read(self, pkg, path: Path) -> etree._Element:
        name = str(path)
        main_root = pkg.xml(pkg.main)
        body = main_root.find(W + "body") if main_root is not None else None
        if body is None:
            raise InputError("not a Word document: its main part has no body", name)
        _refuse_external_content(pkg, name)
        self.resource_dir = cache_dir() / "docx-media" / _sha256(path)
        found = Found()
        styles = Styles(pkg.xml(pkg.related(pkg.main, "styles")) if pkg.related(pkg.main, "styles") else None)
        numbering_part = pkg.related(pkg.main, "numbering")
        numbering = Numbering(pkg.xml(numbering_part) if numbering_part else None)
        pictures = Pictures(pkg, self.resource_dir, found, path.stat().st_mtime)
        notes: Notes | None = None

        def reader_for(part: str) -> BodyReader:
            """A reader of one part's stories (the body, or the notes part), with its relationships."""
            return BodyReader(part, styles, numbering, found, pictures, notes, pkg.rels(part))

        notes = Notes(pkg, pkg.main, reader_for)
        items = reader_for(pkg.main).blocks(body)
        noticed: list[Diagnostic] = []
        mark = letterhead(pkg, main_root)
        doc = build_document(items, path.stem, mark, noticed) if mark else None
        if doc is not None and not _has_mark(doc, mark):
            doc = None  # the rules did not take the letterhead for a 发文机关标志: it stays out of the text
        if doc is None:
            noticed = []
            doc = build_document(items, path.stem, (), noticed)
            if mark:
                _meta(doc, "issuing-mark", "".join(mark))
        add_properties(doc, pkg)
        _forget_lines(doc)
        self.diagnostics += [Diagnostic(d.level, d.message, name, None) for d in noticed]
        self._notes(found, pkg, name)
        return doc

    def _notes(self, found: Found, pkg, name: str) -> None:
        if found.insertions or found.deletions:
            self.diagnostics.append(Diagnostic(
                "info", f"tracked changes read as accepted ({found.insertions} insertion(s) kept, "
                        f"{found.deletions} deletion(s) left out)", name))
        if pkg.has_macros:
            self.diagnostics.append(Diagnostic("info", "the document carries macros; they are never run "
                                               "(only its text is read)", name))
        for w in found.warnings:
            self.diagnostics.append(Diagnostic("warning", w, name))


def _forget_lines(doc: etree._Element) -> None:
    """The rules number the lines they were given (paragraphs, with lines standing for tables
    and letterheads among them): no line of the .docx, which has none. A message about the
    document names no line rather than a wrong one."""
    for el in doc.iter():
        if isinstance(el.tag, str) and el.sourceline:
            el.sourceline = 0  # lxml: 0 is "unknown" (read back as None)


def _refuse_external_content(pkg, name: str) -> None:
    """Content the document takes from outside itself is never fetched: such a document is refused."""
    for part in [pkg.main]:
        for rel in pkg.rels(part).values():
            if rel.external and rel.type in _EXTERNAL_CONTENT:
                raise InputError(f"the document takes {_EXTERNAL_CONTENT[rel.type]} from outside itself "
                                 f"({rel.target}), which is never fetched; embed it in the document "
                                 "(Word: break the link) and save again", name)


def _has_mark(doc: etree._Element, lines: list[str]) -> bool:
    marks = doc.findall(f"{model.q('masthead')}/{model.q('mark')}")
    return any("".join(model.plain_text(m).split()) == "".join("".join(lines).split()) for m in marks)


def _meta(doc: etree._Element, key: str, value: str) -> None:
    meta = doc.find(model.q("meta"))
    if meta is None:
        meta = model.new("meta")
        doc.insert(0, meta)
    model.new("property", value, meta, name=key)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
