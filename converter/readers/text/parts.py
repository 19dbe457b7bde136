"""Where the parts of a document are: the main document and its closing, then what follows
it in the order written — attachment bodies (附件), enclosed documents (转发 / 印发 / 批转),
the 版记 (抄送, 主送, 印发) and a web page's record."""
from __future__ import annotations

import re
from dataclasses import replace

from lxml import etree

from ... import model
from ...model import new
from .. import report_patterns as rp
from . import shapes
from .closing import Closing, attachment_note, closing_at, date_line
from .front import addressee_at, byline_at, masthead_at, title_at
from .lines import Line, ends_sentence
from .record import fields_of, record_at
from .sections import build_flow
from .tables import is_caption

#: a notice that carries another document says so in its title
FORWARDS = re.compile(r"转发|印发|批转|发布|颁发|下发|公布|《[^》]+》")
#: lines a 抄送 list wraps over at most
CC_LINES = 4


class Reader:
    """Reads the lines of one document (after its record) into a <document> element."""

    def __init__(self, lines: list[Line], cjk: bool, short: int):
        self.lines = lines
        self.cjk = cjk
        self.short = short
        self.n = len(lines)

    # --- the document ---------------------------------------------------------------------
    def read(self, doc: etree._Element, i: int) -> None:
        if self.is_attachment(i):  # the text is an attachment: 附件4, its title, its content
            self.tail(doc, self._annex(doc, i), forwarding=False)
            return
        i = self.front(doc, i)
        forwarding = FORWARDS.search(model.plain_text(model.child(doc, "title"))) is not None
        limit = self._next_stop(i)
        if forwarding:  # a forwarded document without a signature before it ends the body
            limit = next((k for k in range(i + 1, limit) if self.enclosure_starts(k) and self._after_break(k)
                          and not self._closing(i, k, forwarding)), limit)
        closing = self._closing(i, limit, forwarding) or self._note_only(i, limit)
        self._body(doc, i, closing.body_end if closing else limit)
        if closing is not None:
            doc.append(closing.element)
        self.tail(doc, closing.end if closing else limit, forwarding)

    def front(self, parent: etree._Element, i: int) -> int:
        """版头, title, subtitle, byline, the 文号 under the title, addressee: index after them."""
        i, head = masthead_at(self.lines, i, before_title=True)
        if head is not None:
            parent.append(head)
        end, text = title_at(self.lines, i, self.cjk)
        model.set_line(new("title", text, parent), self.lines[i].number)
        i = end
        if i < self.n and self.lines[i].text.startswith("—") and not self.lines[i].blank_before:
            model.set_line(new("subtitle", self.lines[i].text, parent), self.lines[i].number)
            i += 1
        i, record = record_at(self.lines, i, min_fields=1)
        if record is not None:
            parent.append(record)
        i, byline = byline_at(self.lines, i)
        if byline is not None:
            parent.append(byline)
        i, head = masthead_at(self.lines, i, before_title=False)
        if head is not None:
            parent.append(head)
        end, text = addressee_at(self.lines, i, self.short)
        if text is not None:
            model.set_line(new("addressee", text, parent), self.lines[i].number)
            i = end
        return i

    def _body(self, parent: etree._Element, start: int, end: int) -> None:
        body = new("body", parent=parent)
        if start < self.n:
            model.set_line(body, self.lines[start].number)
        build_flow(body, self.lines[start:end], self.cjk, self.short)

    def _note_only(self, start: int, end: int) -> Closing | None:
        """Without a signature, an attachment note may still end the body: a closing of its own."""
        k, note = attachment_note(self.lines, start, end, self.short)
        if note is None:
            return None
        closing = new("closing")
        closing.append(note)
        model.set_line(closing, self.lines[k].number)
        return Closing(k, end, closing)

    # --- the closing ----------------------------------------------------------------------
    def _closing(self, start: int, limit: int, forwarding: bool) -> Closing | None:
        """The first date line in lines[start:limit] after which only 附注 and the parts that
        follow a document come (attachment bodies, 版记, a forwarded document): the closing."""
        for d in range(start + 1, limit):
            if date_line(self.lines[d]) is None:
                continue
            closing = closing_at(self.lines, start, d, self.short)
            k = closing.end
            if k >= limit or (forwarding and self.enclosure_starts(k)) or self.appendix_starts(k):
                return closing
        return None

    # --- what follows the closing -----------------------------------------------------------
    def is_annex_start(self, k: int) -> bool:
        """附件 / 附件1 alone on a line (not the 附件： of a note whose items follow)."""
        if not shapes.ANNEX_LABEL.match(self.lines[k].text) or k + 1 >= self.n:
            return False
        return rp.attachment_number(self.lines[k + 1].text, 1) is None

    def is_attachment(self, k: int) -> bool:
        """A text that starts with an attachment's label and its title is that attachment (a
        file saved from a notice's 附件4): the label alone with the title on the next line, or
        the two on one line (附件1　XX报名表, 附件2：XX名单)."""
        if self.is_annex_start(k):
            return k + 1 < self.n and self._title_like(self.lines[k + 1].text)
        return self._label_and_title(k) is not None

    def _label_and_title(self, k: int) -> tuple[str, str] | None:
        """(label, title) of a first line that holds both, parted by spaces or a colon."""
        m = shapes.ANNEX_LABEL_TITLE.match(self.lines[k].text)
        if m is None or not (m.group("gap") or m.group("label")[-1] in "：:"):
            return None
        return (m.group("label"), m.group("title")) if self._title_like(m.group("title")) else None

    def appendix_starts(self, k: int) -> bool:
        """附：… under a signature: something appended (a table, a list) that is no 附件 body."""
        return k < self.n and shapes.APPENDED.match(self.lines[k].text) is not None

    def is_colophon(self, k: int) -> bool:
        text = self.lines[k].text
        return bool(shapes.CC.match(text) or shapes.MAIN_TO.match(text) or shapes.PRINTER.match(text)
                    or shapes.KEYWORDS.match(text))

    def _is_stop(self, k: int) -> bool:
        found = fields_of(self.lines[k].text)
        return (self.is_annex_start(k) or self.is_colophon(k)
                or (found is not None and (len(found) >= 2 or (k + 1 < self.n and fields_of(self.lines[k + 1].text)))))

    def _next_stop(self, k: int) -> int:
        while k < self.n and not self._is_stop(k):
            k += 1
        return k

    def enclosure_starts(self, k: int) -> bool:
        """A forwarded document starts with its own title: short lines, no sentence mark,
        complete with its genre (…的意见, …规定), and something after it."""
        line = self.lines[k].text
        if (len(line) > 45 or ends_sentence(line) or shapes.BYLINE.match(line) or date_line(self.lines[k])
                or shapes.PAGE_NUMBER.match(line)):
            return False
        if rp.match_numbering(line) or self.is_annex_start(k) or self.is_colophon(k):
            return False
        end, title = title_at(self.lines, k, self.cjk)
        return end < self.n and shapes.ends_with_genre(title)

    def tail(self, doc: etree._Element, k: int, forwarding: bool) -> None:
        while k < self.n:
            if self.is_annex_start(k):
                k = self._annex(doc, k)
            elif self.is_colophon(k):
                k = self._colophon(doc, k)
            elif (rec := record_at(self.lines, k))[1] is not None:
                doc.append(rec[1])
                k = rec[0]
            elif forwarding and self.enclosure_starts(k):
                k = self._enclosure(doc, k)
            else:  # text that fits none of the parts: kept, as paragraphs
                end = k + 1
                while end < self.n and not self._is_stop(end) and not (forwarding and self.enclosure_starts(end)):
                    end += 1
                build_flow(doc, self.lines[k:end], self.cjk, self.short)
                k = end

    def _annex(self, doc: etree._Element, k: int) -> int:
        """An attachment body from its label at lines[k]: index after it."""
        annex = new("annex", parent=doc)
        model.set_line(annex, self.lines[k].number)
        both = self._label_and_title(k) if not self.is_annex_start(k) else None
        lines, i = self.lines, k + 1
        if both is not None:  # label and title on one line: the title starts there
            lines = lines[:k] + [replace(lines[k], text=both[1])] + lines[k + 1:]
            i = k
        new("label", both[0] if both else self.lines[k].text, annex)
        end = self._next_stop(k + 1)
        text = None
        if i < end and self._title_like(lines[i].text):
            after, text = title_at(lines[:end], i, self.cjk)
            model.set_line(new("title", text, annex), lines[i].number)
            i = after
        build_flow(annex, self.lines[i:end], self.cjk, self.short, titled=text is not None and is_caption(text))
        return end

    @staticmethod
    def _title_like(text: str) -> bool:
        return (not ends_sentence(text) and len(text) <= 45 and "\t" not in text
                and rp.match_numbering(text) is None)

    def _colophon(self, doc: etree._Element, k: int) -> int:
        colophon = new("colophon", parent=doc)
        model.set_line(colophon, self.lines[k].number)
        while k < self.n and self.is_colophon(k):
            line = self.lines[k]
            printer = shapes.PRINTER.match(line.text)
            if printer:
                el = new("printer", parent=colophon)
                new("issuer", printer.group("body"), el)
                new("date", printer.group("date"), el, value=shapes.printer_date(printer.group("date")))
                model.set_line(el, line.number)
                k += 1
                continue
            if shapes.KEYWORDS.match(line.text):  # 主题词: a line of the 版记, and the keywords
                model.set_line(new("p", line.text, colophon), line.number)
                k += 1
                continue
            tag = "cc" if shapes.CC.match(line.text) else "addressee"
            text, j = line.text, k + 1
            while (j < self.n and j - k < CC_LINES and not text.endswith("。") and not self._is_stop(j)
                   and len(self.lines[j].text) <= self.short and not date_line(self.lines[j])):
                text += self.lines[j].text if self.cjk else " " + self.lines[j].text
                j += 1
            if not text.endswith("。") and j > k + 1 and not (j >= self.n or self._is_stop(j)):
                text, j = line.text, k + 1  # the wrap never ended: only the first line is the list
            model.set_line(new(tag, text, colophon), line.number)
            k = j
        return k

    def _enclosure(self, doc: etree._Element, k: int) -> int:
        enc = new("enclosure", parent=doc)
        model.set_line(enc, self.lines[k].number)
        start = self.front(enc, k)
        limit = self._next_stop(start)
        nxt = next((j for j in range(start + 1, limit) if self.enclosure_starts(j) and self._after_break(j)), limit)
        closing = None
        for d in range(start + 1, nxt):
            if date_line(self.lines[d]) is not None:
                candidate = closing_at(self.lines, start, d, self.short)
                if candidate.end >= nxt or self.appendix_starts(candidate.end):
                    closing = candidate
                    break
        self._body(enc, start, closing.body_end if closing else nxt)
        if closing is not None:
            enc.append(closing.element)
        return closing.end if closing else nxt

    def _after_break(self, j: int) -> bool:
        """A new enclosed document follows the end of a paragraph, not a line that wraps into it."""
        before = self.lines[j - 1].text
        return before[-1:] in "。！？；：”）)" or date_line(self.lines[j - 1]) is not None
