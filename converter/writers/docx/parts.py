"""The rest of a GB/T 9704 document in the DOCX: record, 版头, byline, attachment bodies,
enclosed documents and 版记, each a paragraph in a named style made from its role.

The exact GB/T 9704 page for them (red rule under the 文号, 版记 rules, attachments on pages
of their own) is a later issue; here every part prints, in source order, at its own level.
"""
from __future__ import annotations

from ...model import child, children, q, tag_of


class Parts:
    """Visits for the parts of an official document beyond title, body and closing."""

    def visit_record(self, node):
        for fld in node.iterfind(q("field")):
            self.visit(fld)

    def visit_field(self, node):
        """One line of a web page's record: label and value as written."""
        self._paragraph("record")
        for part in children(node):
            self.visit(part)

    def visit_value(self, node):
        self._text(node.text)

    def visit_masthead(self, node):
        for c in children(node):
            self.visit(c)

    def visit_copy_number(self, node):
        """份号, 密级和保密期限, 紧急程度: flush left, one a line."""
        self._paragraph("masthead")
        self._text(node.text)

    visit_secrecy = visit_urgency = visit_copy_number

    def visit_mark(self, node):
        """发文机关标志: one paragraph per issuing body, 文件 after the last as written."""
        lead = node.text if node.text and node.text.strip() else None
        for issuer in node.iterfind(q("issuer")):
            self._paragraph("mark")
            self._text(lead)
            lead = None
            self._text(issuer.text)
            if issuer.tail and issuer.tail.strip():
                self._text(issuer.tail)

    def visit_signers(self, node):
        """签发人：names, in the 文号's style."""
        self._paragraph("docnumber")
        first = True
        for c in children(node):
            if tag_of(c) == "signer" and not first:
                self._text(" ")
            self.visit(c)
            first = False

    def visit_signer(self, node):
        self._text(node.text)

    def visit_byline(self, node):
        """（民政部　一九九七年一月二十八日）: the words as written, issuer and date inside."""
        self._paragraph("byline")
        self._text(node.text)
        for c in node:
            self._text(c.text)
            self._text(c.tail)

    def visit_annex(self, node):
        """An attachment body: its label, its title, then its content."""
        for c in children(node):
            if tag_of(c) == "label":
                self._paragraph("annex-label")
                self._anchor(node)
                self._text(c.text)
            else:
                self.visit(c)

    def visit_enclosure(self, node):
        for k, c in enumerate(children(node)):
            self.visit(c)
            if k == 0:
                self._anchor(node)

    def visit_colophon(self, node):
        """版记: 主送, 抄送, 印发, each a paragraph in the colophon style."""
        for c in children(node):
            if tag_of(c) == "printer":
                self.visit(c)
            else:
                self._paragraph("colophon")
                self._inlines(c)

    def visit_cc(self, node):
        self._paragraph("colophon")
        self._inlines(node)

    def visit_printer(self, node):
        """印发机关 and 印发日期 on one line."""
        self._paragraph("colophon")
        issuer, date = child(node, "issuer"), child(node, "date")
        if issuer is not None:
            self._text(issuer.text)
        if issuer is not None and date is not None:
            self._text(" ")
        if date is not None:
            self._text(date.text)
