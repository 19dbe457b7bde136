"""The rest of a GB/T 9704 document in the e-book: record, 版头, byline, attachment bodies,
enclosed documents and 版记, each a paragraph with a class the style sheet sets from its role.

Text-bearing elements are rendered with ``inlines()``, so a print page marker that split
their text (pages.py) is kept.
"""
from __future__ import annotations

from lxml import etree

from ...layout.front import MOVED_END, MOVED_LABEL, moved_addressee
from ...model import child, children, tag_of
from . import xhtml


class Parts:
    """Visits for the parts of an official document beyond title, body and closing."""

    def visit_record(self, el, out):
        self.blocks(el, h(out, "div", class_="record"))

    def visit_field(self, el, out):
        """One line of a web page's record: label and value as written."""
        p = h(out, "p", class_="record")
        for part in children(el):
            self.visit(part, p)

    def visit_value(self, el, out):
        self.inlines(el, h(out, "span", class_="value"))

    def visit_masthead(self, el, out):
        """版头; under a mark, the red separator (an <hr>, styled from the mark's colour)."""
        box = self.blocks(el, h(out, "div", class_="masthead"))
        if child(el, "mark") is not None:
            h(box, "hr", class_="separator")

    def visit_copy_number(self, el, out):
        """份号, 密级和保密期限, 紧急程度: flush left, one a line."""
        self.inlines(el, h(out, "p", class_="masthead"))

    visit_secrecy = visit_urgency = visit_copy_number

    def visit_mark(self, el, out):
        """发文机关标志: one line per issuing body, 文件 after the last as written."""
        box = h(out, "div", class_="mark")
        line = h(box, "p", class_="mark")
        started = False
        append_text(line, el.text)
        for c in el:
            if tag_of(c) == "issuer":
                if started:
                    line = h(box, "p", class_="mark")
                started = True
                self.inlines(c, line)
            else:  # a print page marker
                self.visit(c, line)
            append_text(line, c.tail)

    def visit_signers(self, el, out):
        """签发人：names, in the 文号's style."""
        p = h(out, "p", class_="docnumber signers")
        first = True
        for c in children(el):
            if tag_of(c) == "signer" and not first:
                append_text(p, " ")
            self.visit(c, p)
            first = False

    def visit_signer(self, el, out):
        self.inlines(el, h(out, "span", class_="signer"))

    def visit_byline(self, el, out):
        """（民政部　一九九七年一月二十八日）: the words as written, issuer and date marked."""
        p = h(out, "p", class_="byline")
        append_text(p, el.text)
        for c in el:
            if tag_of(c) == "issuer":
                self.inlines(c, h(p, "span", class_="issuer"))
            elif tag_of(c) == "date":
                value = c.get("value", "")
                self.inlines(c, h(p, "time", datetime=value) if value else h(p, "span", class_="date"))
            else:
                self.visit(c, p)
            append_text(p, c.tail)

    def visit_annex(self, el, out):
        """An attachment body: its label, its title, then its content."""
        box = h(out, "section", class_="annex", id=el.get("id"))
        for c in children(el):
            if tag_of(c) == "label":
                self.inlines(c, h(box, "p", class_="annex-label"))
            else:
                self.visit(c, box)

    def visit_enclosure(self, el, out):
        self.blocks(el, h(out, "section", class_="enclosure", id=el.get("id")))

    def visit_colophon(self, el, out):
        """版记: 主送, 抄送, 印发, each a paragraph in the colophon role; a 主送 moved here
        (layout.front) first."""
        box = h(out, "div", class_="colophon")
        self.moved_colophon(box)
        for c in children(el):
            if tag_of(c) in ("printer", "cc"):
                self.visit(c, box)
            else:
                self.inlines(c, h(box, "p", class_="colophon"))

    def moved_colophon(self, out, box: bool = False) -> None:
        """主送：names。 — the moved 主送, in a 版记 of its own (``box``) when the document has none."""
        if self.moved is None:
            return
        moved, self.moved = moved_addressee(self.moved), None
        if box:
            out = h(out, "div", class_="colophon")
        p = h(out, "p", class_="colophon")
        append_text(p, MOVED_LABEL)
        self.inlines(moved, p)
        append_text(p, MOVED_END)

    def visit_cc(self, el, out):
        self.inlines(el, h(out, "p", class_="colophon"))

    def visit_printer(self, el, out):
        """印发机关 and 印发日期 on one line."""
        p = h(out, "p", class_="colophon printer")
        for k, c in enumerate(children(el)):
            if k:
                append_text(p, " ")
            self.inlines(c, h(p, "span", class_=tag_of(c)))



# xhtml.py defines the translator from this mixin, so its helpers are looked up when called
def h(*args, **attrs) -> etree._Element:
    return xhtml.h(*args, **attrs)


def append_text(parent: etree._Element, text: str | None) -> None:
    xhtml.append_text(parent, text)
