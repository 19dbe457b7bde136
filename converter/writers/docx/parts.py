"""The rest of a GB/T 9704 document in the DOCX: record, 版头, byline, attachment bodies,
enclosed documents and 版记, each a paragraph in a named style made from its role.

The exact GB/T 9704 page for them (red rule under the 文号, 版记 rules, attachments on pages
of their own) is a later issue; here every part prints, in source order, at its own level.
"""
from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ...model import child, children, q, tag_of
from .output import Output

Visit = Callable[..., object]


class Parts:
    """Renders the parts of an official document beyond title, body and closing."""

    def __init__(self, out: Output, visit: Visit, inlines: Callable[[etree._Element], None]):
        self.out, self.visit, self.inlines = out, visit, inlines

    def record(self, node: etree._Element) -> None:
        """A web page's record: one paragraph per field, label and value as written."""
        for fld in node.iterfind(q("field")):
            self.field(fld)

    def field(self, node: etree._Element) -> None:
        self.out.paragraph("record")
        for part in children(node):
            self.out.text(part.text)

    def line(self, node: etree._Element, key: str) -> None:
        """A part that is one line of text: 份号, 密级和保密期限, 紧急程度."""
        self.out.paragraph(key)
        self.out.text(node.text)

    def mark(self, node: etree._Element) -> None:
        """发文机关标志: one paragraph per issuing body, 文件 after the last as written."""
        lead = node.text if node.text and node.text.strip() else None
        for issuer in node.iterfind(q("issuer")):
            self.out.paragraph("mark")
            self.out.text(lead)
            lead = None
            self.out.text(issuer.text)
            if issuer.tail and issuer.tail.strip():
                self.out.text(issuer.tail)

    def signers(self, node: etree._Element) -> None:
        """签发人：names, in the 文号's style."""
        self.out.paragraph("docnumber")
        for k, c in enumerate(children(node)):
            if tag_of(c) == "signer" and k > 1:
                self.out.text(" ")
            self.out.text(c.text)

    def byline(self, node: etree._Element) -> None:
        """（民政部　一九九七年一月二十八日）: the words as written, issuer and date inside."""
        self.out.paragraph("byline")
        self.out.text(node.text)
        for c in node:
            self.out.text(c.text)
            self.out.text(c.tail)

    def annex(self, node: etree._Element) -> None:
        """An attachment body: its label (bookmarked), its title, then its content."""
        for c in children(node):
            if tag_of(c) == "label":
                self.out.paragraph("annex-label")
                self.out.anchor(node)
                self.out.text(c.text)
            else:
                self.visit(c)

    def enclosure(self, node: etree._Element) -> None:
        """An enclosed document: its parts as a document's, bookmarked at its first."""
        for k, c in enumerate(children(node)):
            self.visit(c)
            if k == 0:
                self.out.anchor(node)

    def colophon(self, node: etree._Element) -> None:
        """版记: 主送, 抄送, 印发, each a paragraph in the colophon style."""
        for c in children(node):
            if tag_of(c) == "printer":
                self.printer(c)
            else:
                self.out.paragraph("colophon")
                self.inlines(c)

    def printer(self, node: etree._Element) -> None:
        """印发机关 and 印发日期 on one line."""
        self.out.paragraph("colophon")
        issuer, date = child(node, "issuer"), child(node, "date")
        if issuer is not None:
            self.out.text(issuer.text)
        if issuer is not None and date is not None:
            self.out.text(" ")
        if date is not None:
            self.out.text(date.text)
