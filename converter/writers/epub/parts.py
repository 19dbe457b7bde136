"""The rest of a GB/T 9704 document in the e-book: record, 版头, byline, attachment bodies,
enclosed documents and 版记, each a paragraph with a class the style sheet sets from its role.

Text-bearing elements are rendered with ``inlines()``, so a print page marker that split
their text (pages.py) is kept.
"""
from __future__ import annotations

import copy

from lxml import etree

from ...layout.blocks import SIGNERS_A_LINE, colophon_ruled
from ...layout.front import MOVED_END, MOVED_LABEL, moved_addressee
from ...model import child, children, q, tag_of
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
        """版头; under a mark, the red separator (an <hr>, styled from the mark's colour) — in a
        信函 (style masthead.letter) the double rule right under the mark, the 文号 flush right."""
        mark, signers = child(el, "mark"), child(el, "signers")
        letter = self.res.letter and mark is not None
        box = h(out, "div", class_="masthead letter" if letter else "masthead")
        for c in children(el):
            if signers is not None and tag_of(c) == "docnumber":
                continue  # on the 签发人's line (visit_signers)
            self.visit(c, box)
            if letter and c is mark:
                h(box, "hr", class_="letter")
            elif letter and tag_of(c) == "docnumber":
                box[-1].set("class", "docnumber letter")
        if mark is not None and not letter:
            h(box, "hr", class_="separator")

    def visit_copy_number(self, el, out):
        """份号, 密级和保密期限, 紧急程度: flush left, one a line."""
        self.inlines(el, h(out, "p", class_="masthead"))

    visit_secrecy = visit_urgency = visit_copy_number

    def visit_mark(self, el, out):
        """发文机关标志: one line per issuing body, 文件 after the last as written; a joint
        issuance's issuers stacked, 文件 beside them (div.joint)."""
        issuers = [c for c in el if tag_of(c) == "issuer"]
        if len(issuers) > 1:
            self._joint_mark(el, out)
            return
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

    def _joint_mark(self, el, out) -> None:
        """GB/T 9704 7.2.3: the issuers one a line, spread to one width; 文件 to their right,
        centred on them; text as written (a print page marker stays on its line)."""
        box = h(out, "div", class_="mark joint")
        names = h(box, "div", class_="issuers")
        last = [c for c in el if tag_of(c) == "issuer"][-1]
        line, lead = None, el.text
        for c in el:
            if tag_of(c) == "issuer":
                line = h(names, "p", class_="mark")
                append_text(line, lead)
                lead = None
                self.inlines(c, line)
                if c is last and c.tail and c.tail.strip():
                    append_text(h(box, "p", class_="mark"), c.tail)  # 文件
                    continue
            else:  # a print page marker
                self.visit(c, line if line is not None else names)
            append_text(line if line is not None else names, c.tail)

    def visit_signers(self, el, out):
        """GB/T 9704 7.2.4–7.2.5: the 文号 and ``签发人：`` + names on one line, two names a line,
        later lines under the first name, the 文号 on the last line (div.signers)."""
        number = child(el.getparent(), "docnumber")
        box = h(out, "div", class_="signers")
        if number is not None:
            self.inlines(number, h(box, "p", class_="docnumber"))
        p = h(box, "p", class_="docnumber signers")
        names = None
        count = 0
        for c in children(el):
            if tag_of(c) != "signer":
                self.visit(c, p)  # 签发人：
                continue
            if names is None:
                names = h(p, "span", class_="signers")
            elif count % SIGNERS_A_LINE == 0:
                h(names, "br")
            else:
                append_text(names, "\u3000")
            self.visit(c, names)
            count += 1

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
        (layout.front) first; a 信函's without rules (class letter, layout.blocks.colophon_ruled)."""
        box = h(out, "div", class_="colophon" if colophon_ruled(self.res) else "colophon letter")
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
            out = h(out, "div", class_="colophon" if colophon_ruled(self.res) else "colophon letter")
        p = h(out, "p", class_="colophon")
        append_text(p, MOVED_LABEL)
        self.inlines(moved, p)
        append_text(p, MOVED_END)

    def visit_attendance(self, el, out):
        """纪要: 出席 / 请假 / 列席, a paragraph each, the label (with its colon) in its own span."""
        for item in el.iterfind(q("attendees")):
            p = h(out, "p", class_="attendance")
            label = child(item, "label")
            self.inlines(label, h(p, "span", class_="attendance-label"))
            names = etree.Element(item.tag)  # the names: what follows the label, as mixed content
            names.text = label.tail
            names.extend(copy.deepcopy(c) for c in label.itersiblings())
            self.inlines(names, p)

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
