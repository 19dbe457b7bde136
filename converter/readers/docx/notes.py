"""Footnotes and endnotes (word/footnotes.xml, word/endnotes.xml) as model footnotes.

A note is read where it is referred to; the model has one kind of note, so endnotes become
footnotes too. Word's separator notes are not content, nor is the note's own reference mark.
"""
from __future__ import annotations

from lxml import etree

from ...model import new
from .content import Block, fill
from .ooxml import W, attr, local


class Notes:
    def __init__(self, pkg, main: str, make_reader):
        self.pkg = pkg
        self.main = main
        self.make_reader = make_reader  # part name → a BodyReader for that part's stories
        #: kind (footnote, endnote) → (the part's name, its notes by id)
        self._parts: dict[str, tuple[str | None, dict[str, etree._Element]]] = {}
        self.open: list[str] = []  # notes being read (a note referring to itself is read once)

    def _notes(self, kind: str) -> tuple[str | None, dict[str, etree._Element]]:
        if kind not in self._parts:
            part = self.pkg.related(self.main, kind + "s")  # footnotes, endnotes
            root = self.pkg.xml(part) if part else None
            found = {}
            for n in root.iterfind(W + kind) if root is not None else ():
                if (attr(n, "type") or "normal") == "normal":  # not Word's separators
                    found[attr(n, "id") or ""] = n
            self._parts[kind] = (part, found)
        return self._parts[kind]

    def note(self, kind: str, note_id: str) -> etree._Element | None:
        """A model <footnote> holding the note's paragraphs, or None for an unknown note."""
        part, notes = self._notes(kind)
        source = notes.get(note_id)
        key = f"{kind}:{note_id}"
        if source is None or key in self.open:
            return None
        self.open.append(key)
        try:
            reader = self.make_reader(part)
            note = new("footnote")
            for item in reader.blocks(source):
                if isinstance(item, Block):
                    if local(item.element) != "pagebreak":
                        note.append(item.element)
                elif not item.is_empty():
                    p = fill(new("p", parent=note), item.items, item.numbering)
                    _strip_leading_space(p)
            if not len(note):
                new("p", parent=note)
            return note
        finally:
            self.open.pop()


def _strip_leading_space(p: etree._Element) -> None:
    """Word puts a space between the note mark and the note's text; it is not the note's text."""
    if p.text and not p.text.strip() and len(p):
        p.text = None
    elif p.text:
        p.text = p.text.lstrip()
