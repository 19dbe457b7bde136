"""Real Word footnotes: the footnotes part (word/footnotes.xml), its settings, and the translator's
footnote rendering (ECMA-376 Part 1 §17.11).

The text gets a w:footnoteReference run where the model has a <footnote>; the note's blocks go
into a w:footnote of footnotes.xml, in the "footnote text" paragraph style, its first paragraph
starting with a w:footnoteRef run (Word draws the number there). Word cannot put a footnote in a
footnote: a note inside a note is lettered (a, b …) and its blocks follow those of its note.
"""
from __future__ import annotations

from typing import Callable

from docx.blkcntnr import BlockItemContainer
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.oxml.table import CT_Tbl
from docx.parts.story import StoryPart
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from ...model import children, tag_of
from .ooxml import PPR_ORDER, SETTINGS_ORDER, el, put
from .output import Output

#: the separator footnotes Word writes first, with these ids and types (the line above the notes,
#: and the longer one above notes continued from the previous page)
SEPARATORS = ((-1, "separator"), (0, "continuationSeparator"))


class FootnotesPart(StoryPart):
    """word/footnotes.xml: a story part, so pictures and hyperlinks in notes get its relationships."""

    @classmethod
    def new(cls, document) -> "FootnotesPart":
        """An empty footnotes part (the two separators), related from the document."""
        root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}/>")
        for ident, kind in SEPARATORS:
            note = etree.SubElement(root, qn("w:footnote"), {qn("w:type"): kind, qn("w:id"): str(ident)})
            p = el("w:p")
            ppr = el("w:pPr")
            put(ppr, el("w:spacing", after=0, line=240, lineRule="auto"), PPR_ORDER)
            p.append(ppr)
            r = el("w:r")
            r.append(el(f"w:{kind}"))
            p.append(r)
            note.append(p)
        part = cls(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, root, document.part.package)
        document.part.relate_to(part, RT.FOOTNOTES)
        return part

    def add_footnote(self, ident: int):
        """A new, empty w:footnote with id ``ident``."""
        return etree.SubElement(self.element, qn("w:footnote"), {qn("w:id"): str(ident)})

    @property
    def next_id(self) -> int:
        """Drawing ids continue the document's: notes are rendered after the body, so ids stay
        unique across both parts."""
        return max(super().next_id, self._document_part.next_id)


class NoteBody(BlockItemContainer):
    """The block container of one w:footnote (python-docx has none): paragraphs and tables."""

    def _add_paragraph(self) -> Paragraph:
        p = el("w:p")
        self._element.append(p)
        return Paragraph(p, self)

    def add_table(self, rows: int, cols: int, width) -> Table:
        tbl = CT_Tbl.new_tbl(rows, cols, width)
        self._element.append(tbl)
        return Table(tbl, self)


def footnote_settings(document) -> None:
    """w:footnotePr in settings.xml: notes at the page foot, numbered 1, 2, 3 … through the
    document (as the PDF and EPUB number them), and the separator notes named as Word does."""
    pr = el("w:footnotePr")
    for tag, value in (("pos", "pageBottom"), ("numFmt", "decimal"), ("numStart", 1), ("numRestart", "continuous")):
        pr.append(el(f"w:{tag}", val=value))
    for ident, _ in SEPARATORS:
        pr.append(el("w:footnote", id=ident))
    put(document.settings.element, pr, SETTINGS_ORDER)


def letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa: the labels of notes inside notes."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


class Footnotes:
    """Footnote references in the text, then, after the body, the notes themselves in
    footnotes.xml. A part of DocxTranslator (translator.py) that writes through the shared Output:
    while a note is rendered, the output's container and part are the note's, and its
    ``note_mark`` writes the mark that starts the note's first paragraph."""

    def __init__(self, out: Output, visit: Callable[..., object]):
        self.out, self.visit = out, visit
        self.notes: list[etree._Element] = []  # the notes the text refers to; note n has id n
        self.inner: list[tuple[str, etree._Element]] | None = None  # notes met inside the note being rendered

    def reference(self, node: etree._Element) -> None:
        """A reference to a new footnote here (Word numbers it); inside a note, a letter."""
        if self.inner is not None:
            label = letters(len(self.inner) + 1)
            self.inner.append((label, node))
            self.out.run(label, rstyle=self.out.setup.ids["note-ref"])
            return
        self.notes.append(node)
        self._mark_run(el("w:footnoteReference", id=len(self.notes)))

    def render(self) -> None:
        """Every note the text referred to, in order, as a w:footnote of a new footnotes part."""
        if not self.notes:
            return
        out = self.out
        document = out.setup.document
        note_ref = out.setup.ids["note-ref"]
        notes = FootnotesPart.new(document)
        footnote_settings(document)
        body, part = out.container, out.part
        out.part = notes  # hyperlinks and pictures in notes are related from footnotes.xml
        try:
            for ident, note in enumerate(self.notes, start=1):
                out.container = NoteBody(notes.add_footnote(ident), out)
                self.inner = []
                self._render_note(note, lambda: self._mark_run(el("w:footnoteRef")))
                done = 0
                while done < len(self.inner):  # notes inside notes (and inside those) follow
                    label, inner = self.inner[done]
                    done += 1
                    self._render_note(inner, lambda label=label: out.run(label, rstyle=note_ref))
        finally:
            out.container, out.part, self.inner = body, part, None
            out.p = out.target = None

    def _render_note(self, note: etree._Element, mark) -> None:
        """The note's blocks in the footnote style; ``mark`` starts its first paragraph."""
        out = self.out
        blocks = children(note)

        def start() -> None:  # the note's bookmark (links to its id), its mark, a space
            out.anchor(note)
            mark()
            out.run(" ")

        out.note_mark = start
        with out.block("footnote"):
            if not blocks or tag_of(blocks[0]) != "p":
                out.paragraph("footnote")  # the mark needs a paragraph of its own
            for b in blocks:
                self.visit(b)
        out.note_mark = None

    def _mark_run(self, mark) -> None:
        """A run in the Footnote Reference style holding ``mark``: w:footnoteReference in the
        text, w:footnoteRef in the note (Word draws the note's number at both)."""
        r = el("w:r")
        rpr = el("w:rPr")
        rpr.append(el("w:rStyle", val=self.out.setup.ids["note-ref"]))
        r.append(rpr)
        r.append(mark)
        self.out.target.append(r)
