"""Model → blocks: paragraphs of styled spans, tables, images, rules, page breaks.

The translator decides *what* is set in which role; paginate decides *where*.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from ..model import child, children, counted_positions, ink as _ink, q, tag_of, text_nodes
from ..model.outline import ends_title, heading_label, navigation, title_block
from ..model.images import ImageInfo, usable_image
from ..model.visitor import Visitor
from ..text.highlight import lines as highlight_lines
from ..style import ResolvedStyle, Role
from ..text.titles import lines_of_title
from .front import MOVED_END, MOVED_LABEL, ends_with_colon, without_final_colon


@dataclass(slots=True)  # one per run of text of a document (100,000 table cells): no __dict__ each
class Span:
    text: str  # "\n" alone is a forced line break
    role: Role
    link: str | None = None
    superscript: bool = False
    #: where the text starts among the model's non-whitespace characters (None: generated text)
    offset: int | None = None
    anchor: str | None = None  # a link destination at the span's first character
    subscript: bool = False
    strike: bool = False  # a line through the text


@dataclass(slots=True)  # one per paragraph and table cell: no __dict__ each
class Para:
    spans: list[Span]
    role: Role  # alignment, indents, spacing and line pitch
    first_indent: float | None = None  # None: the role's first-line indent
    rest_indent: float | None = None  # None: the role's left indent
    align: str | None = None
    keep_with_next: bool | None = None
    bookmark: tuple[str, str, int] | None = None  # (key, title, level 0-based)
    balanced: bool = False  # a title: lines of balanced length
    #: the first line's top edge this far below the type area's top (the 发文机关标志)
    at_top: float | None = None
    preformatted: bool = False  # code: lines as written
    #: hanging text: the widths of these spans are added to the first / later lines' indent
    #: (a tuple when there are none: one list less for each of 300,000 table cells)
    first_after: Sequence[Span] = ()
    rest_after: Sequence[Span] = ()
    framed: bool = False  # a picture that cannot be shown: its alt text in a ruled frame


@dataclass
class ImageBlock:
    path: Path
    alt: str
    role: Role
    info: ImageInfo  # its type, pixels and printed size


@dataclass
class TableBlock:
    """A table: its rows of cells (header rows first), read once and in order — a long table's
    are made as they are read (BlockTranslator._table_rows), so that 100,000 rows are not all
    held — the number of header rows and of columns."""

    rows: Iterable[list[Para]]
    header_rows: int
    role: Role
    columns: int


@dataclass
class SignatureBlock:
    """The issuing body and date, placed as GB/T 9704 §7.3.5 says (see pdf_layout)."""

    issuers: list[Para]
    date: Para | None


@dataclass
class RuleBlock:
    role: Role


@dataclass
class PageBreakBlock:
    pass


@dataclass
class SeparatorBlock:
    """GB/T 9704's red rule under the 发文字号: ``below`` under the 文号's baseline, as wide as
    the type area; the title starts ``gap`` under it."""

    below: float
    thickness: float
    color: str
    gap: float


@dataclass
class ColophonBlock:
    """版记 at the foot of the last page: groups of lines between rules (first and last rule
    ``outer`` thick, the ones between ``inner``), the last rule on the type area's bottom edge.
    A group is a list of paragraphs; a (left, right) pair shares one line (印发机关 … 印发日期)."""

    groups: list[list["Para | tuple[Para, Para]"]]
    outer: float
    inner: float
    ruled: bool = True  # False for a 信函's 版记 (colophon_ruled): the lines alone


@dataclass
class JointMarkBlock:
    """A joint issuance's 发文机关标志 (GB/T 9704 7.2.3): the issuers stacked, the lead one first,
    each spread to the longest one's width; ``word`` (文件) to their right, centred on the stack;
    the whole centred, its top edge ``at_top`` under the type area's top."""

    issuers: list[list[Span]]
    word: list[Span]
    role: Role
    at_top: float | None


@dataclass
class SignersBlock:
    """发文字号 and 签发人 (GB/T 9704 7.2.4, 7.2.5): ``签发人：`` and the names (two a line)
    one character in from the right, later lines under the first name; the 文号 one character
    in from the left, on the line of the last names."""

    number: list[Span]
    label: list[Span]
    names: list[list[Span]]
    role: Role


@dataclass
class LetterheadBlock:
    """The 信函's 版头 under its mark (GB/T 9704 10.1): a red double rule (thick over thin)
    LETTER_BELOW under the mark, LETTER_RULE long and centred; ``left`` (份号, 密级, 紧急程度)
    flush left and ``right`` (the 文号) flush right, the first line's top LETTER_GAP under the
    rule; the title two lines under the last; on the page, a double rule (thin over thick)
    LETTER_FOOT above its bottom edge."""

    left: list[Para]
    right: Para | None
    color: str


Block = (Para | ImageBlock | TableBlock | SignatureBlock | RuleBlock | PageBreakBlock | SeparatorBlock
         | ColophonBlock | JointMarkBlock | SignersBlock | LetterheadBlock)
#: 签发人 names a line (GB/T 9704 7.2.5: 一般每行排两个姓名)
SIGNERS_A_LINE = 2
MM = 72 / 25.4
#: GB/T 9704-2012 distances: the red rule under the 文号 (7.2.6), rule thicknesses (7.4.1); the
#: mark's top edge is the mark role's space-before (35 mm under the type area's top, 7.2.3)
SEPARATOR_BELOW = 4 * MM
SEPARATOR_THICKNESS, COLOPHON_OUTER, COLOPHON_INNER = 0.5 * MM, 0.35 * MM, 0.25 * MM
RED = "#e60012"
#: a table of more rows than this has its rows made as they are read (TableBlock): no longer
#: held than the page they are placed on
LAZY_ROWS = 64


def colophon_ruled(style) -> bool:  # style: the resolved style, or what carries its letter flag
    """Whether the 版记 stands between rules: not a 信函's (GB/T 9704-2012 10.1: 版记不加印发机关和
    印发日期、分隔线，位于公文最后一页版心内最下方 — its lines alone, the last on the type area's
    bottom edge). The PDF, the DOCX and the EPUB all ask here."""
    return not style.letter
#: GB/T 9704 10.1 (信函格式): the double rules' length and places, and the gap under the first
#: rule (7/8 of a 三号 character: 14 pt). The standard gives no thicknesses: thick 0.8 mm and thin
#: 0.25 mm, 0.5 mm apart, as 信函 letterheads made in Word commonly print them (Word's 2¼ pt and
#: ¾ pt lines; the thin one as thin as the 版记's inner rules)
LETTER_RULE, LETTER_BELOW, LETTER_FOOT = 170 * MM, 4 * MM, 20 * MM
LETTER_THICK, LETTER_THIN, LETTER_SPACE = 0.8 * MM, 0.25 * MM, 0.5 * MM
LETTER_GAP = 16 * 7 / 8


@dataclass
class _Inline:
    """What inline content is set in while walking it."""

    role: Role
    link: str | None = None


def _anchor_at_first_glyph(spans: list[Span], name: str | None) -> None:
    """Make ``name`` (a title's id, which links may name) a destination at the first span that
    draws something: a link to the title goes to where it is printed."""
    if name:
        k = next((k for k, s in enumerate(spans) if s.text.strip()), None)
        if k is None or spans[k].anchor is not None:
            return
        first = spans[k]
        lead = len(first.text) - len(first.text.lstrip())
        if lead:  # the destination at the first character drawn: a space may start a line, and be dropped
            spans[k:k + 1] = [replace(first, text=first.text[:lead]), replace(first, text=first.text[lead:])]
            first = spans[k + 1]
        first.anchor = name


class _Positions:
    """Where the texts of an element start, counted as model.text_positions counts them (from
    ``base``, the count at the element's start), keyed (element, "text" | "tail") — the
    element's own tail excluded: read from the model as they are asked for, in document order,
    and held until forgotten (a part of a long document holds its own, not the document's)."""

    def __init__(self, el: etree._Element, base: int, at_once: bool = False):
        """``at_once``: all of them read now (an element of a page or so: the faster way)."""
        self.base = base
        self._read: dict[tuple[etree._Element, str], int] = {}
        self._last: tuple[etree._Element, str, int] | None = None
        self._end: int | None = None
        if at_once:
            self._read, self._end = counted_positions(el, base)
            self._walk = iter(())
        else:
            self._walk = text_nodes(el)

    @classmethod
    def of(cls, el: etree._Element, root: etree._Element) -> "_Positions":
        """The positions of an element met earlier in ``root``'s text (found again from its start)."""
        first = next(text_nodes(el), None)
        if first is None:
            return cls(el, 0)
        base = next((pos for node, kind, pos in text_nodes(root) if node is first[0] and kind == first[1]), 0)
        return cls(el, base)

    def get(self, key: tuple[etree._Element, str]) -> int | None:
        el, kind = key
        if not (el.text if kind == "text" else el.tail):  # an empty text has no place
            return None
        pos = self._read.get(key)
        if pos is not None:
            return pos
        for node, k, at in self._walk:
            self._last = (node, k, at)
            self._read[(node, k)] = self.base + at
            if node is el and k == kind:
                return self.base + at
        return None

    def forget(self) -> None:
        """The positions read so far are not asked for again."""
        self._read.clear()

    def end(self) -> int:
        """The count after the element (its tail excluded): the rest of it walked, not held."""
        if self._end is not None:
            return self._end
        for self._last in self._walk:
            pass
        if self._last is None:
            return self.base
        node, kind, at = self._last
        return self.base + at + _ink(node.text if kind == "text" else node.tail)


def _long_table(el: etree._Element) -> bool:
    """Whether an element is a table of more than LAZY_ROWS rows (its rows made as they are read)."""
    return tag_of(el) == "table" and sum(len(part) for part in el if tag_of(part) in ("thead", "tbody")) > LAZY_ROWS


class BlockTranslator(Visitor):
    """Visits the model and collects blocks; footnotes are gathered as endnotes."""

    def __init__(self, style: ResolvedStyle, base_dir: Path, lang: str, addressee_moves: bool = False,
                 balance_titles: bool = True):
        self.style = style
        #: False: titles stay one span, not broken into their balanced lines (the same characters
        #: in the same role, without the word segmenter: what layout.faces_of asks)
        self.balance_titles = balance_titles
        #: the document's 主送 is set in the 版记, not under the title (layout.front)
        self.addressee_moves = addressee_moves
        self._colophon_seen = False
        self.base_dir = base_dir
        self.lang = lang
        self.blocks: list[Block] = []
        self.notes: list[list[Block]] = []
        self._after_para: list[Block] = []  # inline images, set after their paragraph
        #: bookmark depth added to sections: 1 inside an attachment body or enclosed document,
        #: whose own bookmark is the level above them
        self._nest = 0
        self._part_labels: dict = {}
        #: a mark (发文机关标志) was set: a later one's top is not the fixed depth (visit_mark)
        self._mark_seen = False
        self._unnamed_parts = 0
        self._unit = None  # the element of the flow being visited (translate)

    # --- document level -------------------------------------------------------------
    def translate(self, doc: etree._Element) -> Iterator[Block]:
        """The document's blocks, in order, made as they are read: the blocks of one part of
        the flow (a paragraph, a table, a list …: what a child of the body, of a section or of
        the closing makes) at a time, so that a long document's are not all held at once.
        The endnotes come last."""
        self._root = doc
        self._part_labels = {e.element: e.label for e in navigation(doc)}
        self._count = 0
        yield from self._flow(doc)
        if self.addressee_moves and not self._colophon_seen:  # a 版记 of its own for the 主送
            self.blocks.append(ColophonBlock([self._colophon_paras([self._moved_addressee(doc)])],
                                             COLOPHON_OUTER, COLOPHON_INNER, colophon_ruled(self.style)))
        if self.notes:
            label = "注释" if self.lang.startswith("zh") else "Notes"
            self.blocks.append(Para([Span(label, self.style.role("heading-2"))], self.style.role("heading-2"),
                                    keep_with_next=True))
            for n, note in enumerate(self.notes, start=1):
                first = next((b for b in note if isinstance(b, Para)), None)
                if first is not None:  # the note's number links back to where it is referred to
                    first.spans.insert(0, Span(f"{n}. ", first.role, link=f"#fnref-{n}", anchor=f"fn-{n}"))
                self.blocks += note
            self.notes = []
        yield from self._taken()

    def _flow(self, el) -> Iterator[Block]:
        """The blocks of ``el``, handed on after each child of the containers that never look
        back at the blocks they made (document, body, section, closing); any other element is
        visited whole (a list, a quote, a 版记 adjust the blocks of their children).

        The texts' positions (model.text_positions' count, ``self._count`` at ``el``'s start)
        are read for the element visited (``self.pos``, _Positions) and dropped with it."""
        tag = tag_of(el)
        if tag not in ("document", "body", "section", "closing"):
            # a long table's positions are read as its rows are (visit_table), any other's at once
            self.pos = _Positions(el, self._count, at_once=not _long_table(el))
            self._unit = el
            self.visit(el)
            self._count = self.pos.end()
            yield from self._taken()
            return
        done = ()
        if tag == "section":  # its heading (and a run-in first paragraph) set first
            self.pos = _Positions(el, self._count)
            head = child(el, "heading")
            others = [c for c in children(el) if c is not head]
            done = [head] + others[: len(others) - len(self._section_head(el))]
        self._count += _ink(el.text)
        for c in el:  # (the count as text_positions walks: every child's tail, <meta> and comments too)
            if isinstance(c.tag, str) and tag_of(c) != "meta":
                if any(c is d for d in done):
                    self._count = counted_positions(c, self._count)[1]
                else:
                    yield from self._flow(c)
            self._count += _ink(c.tail)
        yield from self._taken()

    def _taken(self) -> Iterator[Block]:
        """The blocks made so far, handed on and no longer held here."""
        made, self.blocks = self.blocks, []
        yield from made

    def visit_document(self, el):
        for c in children(el):
            if tag_of(c) != "meta":  # not on the pages: painters write it as metadata
                self.visit(c)

    def _simple(self, el, role_name: str, **kw) -> Para:
        role = self.style.role(role_name)
        para = Para(self.inlines(el, _Inline(role)), role, **kw)
        self._add(para)
        return para

    def visit_docnumber(self, el):
        self._simple(el, "docnumber")

    def visit_title(self, el, **kw) -> Para:
        """A long Chinese title in the lines every output breaks it into (text/titles.py:
        between words, balanced), each set as a line of its own; others balanced here. The
        same for the titles of attachment bodies and enclosed documents."""
        lines = lines_of_title(el, self.style) if self.balance_titles else None
        if lines is None:
            para = self._simple(el, "title", balanced=True, **kw)
            _anchor_at_first_glyph(para.spans, el.get("id"))
            self._title_block(el)
            return para
        role = self.style.role("title")
        spans: list[Span] = []
        offset = self.pos.get((el, "text"))
        for i, line in enumerate(lines):
            if i:
                spans.append(Span("\n", role))
            spans.append(Span(line, role, offset=offset))
            if offset is not None:
                offset += len("".join(line.split()))
        _anchor_at_first_glyph(spans, el.get("id"))
        para = Para(spans, role, balanced=True, **kw)
        self._add(para)
        self._title_block(el)
        return para

    def visit_subtitle(self, el):
        self._simple(el, "subtitle")
        self._title_block(el)

    def _title_block(self, el) -> None:
        """The front matter's authors and date under the title (model.outline.title_block)."""
        if ends_title(el):
            role = self.style.role("byline")
            for line in title_block(el.getroottree().getroot()).lines:
                self._add(Para([Span(line, role)], role))

    def visit_addressee(self, el):
        if self.addressee_moves and el.getparent() is el.getroottree().getroot():
            return  # set in the 版记 (visit_colophon)
        self._simple(el, "addressee")

    def _moved_addressee(self, doc) -> Para:
        """The document's 主送 as the 版记 prints it: 主送：names。 (layout.front)."""
        el = child(doc, "addressee")
        role = self.style.role("colophon")
        held, self.pos = self.pos, _Positions.of(el, self._root)  # (met before the 版记: its positions again)
        try:
            spans = self.inlines(el, _Inline(role))
        finally:
            self.pos = held
        last = next((s for s in reversed(spans) if s.text.strip()), None)
        if last is not None and ends_with_colon(last.text):
            last.text = without_final_colon(last.text)
        return Para([Span(MOVED_LABEL, role)] + spans + [Span(MOVED_END, role)], role)

    def visit_body(self, el):
        for c in children(el):
            self.visit(c)

    def visit_section(self, el, depth: int = 0):
        for c in self._section_head(el):
            self.visit(c)

    def _section_head(self, el) -> list:
        """Set a section's heading (and, run in, its first paragraph); the children left to visit."""
        level = int(el.get("level"))
        head = child(el, "heading")
        hrole = self.style.role(f"heading-{min(level, 6)}")
        rest = [c for c in children(el) if c is not head]
        bookmark = (el.get("id") or self._unnamed(), heading_label(head), level - 1 + self._nest)
        if el.get("runin") == "true" and rest and tag_of(rest[0]) == "p":
            body = self.style.role("body")
            span_role = replace(self.style.runin_role(level), size=body.size)  # at the body's size
            spans = self.inlines(head, _Inline(span_role)) + self.inlines(rest[0], _Inline(body))
            self._add(Para(spans, body, bookmark=bookmark))
            rest = rest[1:]
        else:
            self._add(Para(self.inlines(head, _Inline(hrole)), hrole, keep_with_next=True, bookmark=bookmark))
        return rest

    def visit_p(self, el, role: Role | None = None):
        role = role or self.style.role("body")
        kids = children(el)
        display = (len(kids) == 1 and tag_of(kids[0]) == "math" and kids[0].get("display") == "block"
                   and not (el.text or "").strip() and not (kids[0].tail or "").strip())
        self._add(Para(self.inlines(el, _Inline(role)), role,  # a formula of its own: centred
                       align="center" if display else None, first_indent=0.0 if display else None))

    # --- closing ----------------------------------------------------------------------
    def visit_closing(self, el):
        for c in children(el):
            self.visit(c)

    def visit_attachments(self, el):
        # GB/T 9704: 附件：1. name, later items under the first, wrapped names under the name
        role = self.style.role("attachment")
        label_el = child(el, "label")
        label = Span(label_el.text or "", role, offset=self.pos.get((label_el, "text")))
        for k, att in enumerate(el.iterfind(q("attachment"))):
            spans = self.inlines(att, _Inline(role))
            num = child(att, "number")
            number = [Span(num.text or "", role)] if num is not None else []
            if k == 0:
                spans.insert(0, label)
            else:  # the blank line goes above the note, not between its items
                role = replace(role, space_before=0.0)
            self._add(Para(spans, role, first_indent=role.first_line_indent,
                           rest_indent=role.first_line_indent, first_after=[] if k == 0 else [label],
                           rest_after=[label] + number))

    def visit_signature(self, el):
        srole, drole = self.style.role("signature"), self.style.role("date")
        issuers = [Para([Span(i.text or "", srole, offset=self.pos.get((i, "text")))], srole)
                   for i in el.iterfind(q("issuer"))]
        date_el = child(el, "date")
        date = (Para([Span(date_el.text or "", drole, offset=self.pos.get((date_el, "text")))], drole)
                if date_el is not None else None)
        self.blocks.append(SignatureBlock(issuers, date))

    def visit_remark(self, el):
        self._simple(el, "remark")

    def visit_attendance(self, el):
        """纪要 (GB/T 9704 10.3): 出席 / 请假 / 列席 each on a line of its own, 左空二字, the label
        in its role (黑体) with its colon, the names after it, wrapped names under the first
        name (after the colon); one blank line above the first."""
        role, label_role = self.style.role("attendance"), self.style.role("attendance-label")
        for k, item in enumerate(el.iterfind(q("attendees"))):
            label_el = child(item, "label")
            label = self.inlines(label_el, _Inline(replace(label_role, size=role.size)))
            names = self._after(label_el, _Inline(role))
            line_role = role if k == 0 else replace(role, space_before=0.0)
            self._add(Para(label + names, line_role, first_indent=role.first_line_indent,
                           rest_indent=role.first_line_indent, rest_after=label))

    def _after(self, first, ctx: "_Inline") -> list[Span]:
        """The spans of the mixed content after the element ``first`` (its tail, the elements
        and text that follow it)."""
        spans: list[Span] = []
        node = first
        while node is not None:
            if node is not first and isinstance(node.tag, str):
                spans += self._inline(node, ctx)
            if node.tail:
                spans.append(Span(node.tail, ctx.role, ctx.link, offset=self.pos.get((node, "tail"))))
            node = node.getnext()
        return spans

    # --- the rest of a GB/T 9704 document: paragraphs in their roles, in source order ----------
    # (the exact GB/T 9704 page — red rule, 版记 rules, attachments on new pages — is a later issue)
    def visit_record(self, el):
        """A web page's record: one line per field, label and value as written."""
        for fld in el.iterfind(q("field")):
            self.visit_field(fld)

    def visit_field(self, el):
        role = self.style.role("record")
        spans = []
        for part in (child(el, "label"), child(el, "value")):
            if part is not None and part.text:
                spans.append(Span(part.text, role, offset=self.pos.get((part, "text"))))
        self._add(Para(spans, role))

    def visit_masthead(self, el):
        """版头: 份号 …, the mark (its top 35 mm under the type area's top), the 文号 (with 签发人
        on its line), and under a mark the red separator (4 mm under the 文号's baseline, two
        lines above the title)."""
        signers, number = child(el, "signers"), child(el, "docnumber")
        if self.style.letter and child(el, "mark") is not None:
            self._letterhead(el)
            return
        for c in children(el):
            if signers is not None and c is number:
                continue  # set on the 签发人's last line (visit_signers)
            self.visit(c)
        if child(el, "mark") is not None:
            pitch = self.style.role("body").line_pitch
            self.blocks.append(SeparatorBlock(SEPARATOR_BELOW, SEPARATOR_THICKNESS, self.style.role("mark").color,
                                              2 * pitch))

    def _letterhead(self, el) -> None:
        """信函 (GB/T 9704 10.1): the mark, then its double rule with 份号 … and the 文号 under it."""
        self.visit(child(el, "mark"))
        left = [Para(self.inlines(c, _Inline(self.style.role("masthead"))), self.style.role("masthead"))
                for c in children(el) if tag_of(c) in ("copy-number", "secrecy", "urgency")]
        number = child(el, "docnumber")
        role = self.style.role("docnumber")
        right = Para(self.inlines(number, _Inline(role)), role) if number is not None else None
        self.blocks.append(LetterheadBlock(left, right, self.style.role("mark").color))
        if child(el, "signers") is not None:  # a letter names no 签发人 (10.1): kept, on its own line
            self.visit_signers(child(el, "signers"), with_number=False)

    def visit_copy_number(self, el):
        self._simple(el, "masthead")

    visit_secrecy = visit_urgency = visit_copy_number

    def visit_mark(self, el):
        """发文机关标志: one line, the issuing body and 文件 as written; a joint issuance's
        issuers stacked with 文件 to their right (JointMarkBlock)."""
        role = self.style.role("mark")
        issuers = list(el.iterfind(q("issuer")))
        first = not self._mark_seen
        # the mark role's space-before is the depth of its top edge under the type area's
        # top (GB/T 9704: 35 mm; the 命令 format 20 mm, the 信函 format 30 mm from the page top)
        at_top = role.space_before if first else None
        lead = [Span(el.text, role, offset=self.pos.get((el, "text")))] if el.text and el.text.strip() else []
        if len(issuers) > 1:
            names = [self.inlines(i, _Inline(role)) for i in issuers]
            names[0] = lead + names[0]
            last = issuers[-1]
            word = ([Span(last.tail.strip(), role, offset=self.pos.get((last, "tail")))]
                    if last.tail and last.tail.strip() else [])
            self.blocks.append(JointMarkBlock(names, word, role, at_top))
            self._mark_seen = True
            return
        for issuer in issuers:
            spans = lead + [Span(issuer.text or "", role, offset=self.pos.get((issuer, "text")))]
            if issuer.tail and issuer.tail.strip():
                spans.append(Span(issuer.tail, role, offset=self.pos.get((issuer, "tail"))))
            on_top = at_top if not lead else None
            lead = []
            self._add(Para(spans, role, keep_with_next=True, at_top=on_top))
            self._mark_seen = True

    def visit_signers(self, el, with_number: bool = True):
        """签发人：names on the 文号's line (SignersBlock): the label in the 文号's role (仿宋),
        the names in the signer role (楷体); without a 文号, on a line of their own."""
        role, names_role = self.style.role("docnumber"), self.style.role("signer")
        number_el = child(el.getparent(), "docnumber")
        number = self.inlines(number_el, _Inline(role)) if number_el is not None and with_number else []
        label_el = child(el, "label")
        label = [Span(label_el.text or "", role, offset=self.pos.get((label_el, "text")))] if label_el is not None else []
        names = [[Span(s.text or "", names_role, offset=self.pos.get((s, "text")))] for s in el.iterfind(q("signer"))]
        self.blocks.append(SignersBlock(number, label, names, role))

    def visit_byline(self, el):
        self._simple(el, "byline")

    def visit_annex(self, el):
        """An attachment body on a new page (GB/T 9704 7.3.4): its label flush left on line 1
        (bookmarked), its title centred on line 3, its content."""
        self._nest = 1
        self.blocks.append(PageBreakBlock())
        pitch = self.style.role("body").line_pitch
        for c in children(el):
            if tag_of(c) == "label":
                self._simple(c, "annex-label", keep_with_next=True, bookmark=self._part_bookmark(el))
            elif tag_of(c) == "title":
                para = self.visit_title(c)
                para.role = replace(para.role, space_before=pitch)  # line 3: one blank line above
            else:
                self.visit(c)
        self._nest = 0

    def visit_enclosure(self, el):
        """An enclosed document: its parts as the document's, its title bookmarked."""
        self._nest = 1
        for c in children(el):
            if tag_of(c) == "title":
                self.visit_title(c, bookmark=self._part_bookmark(el))
            else:
                self.visit(c)
        self._nest = 0

    def _part_bookmark(self, el) -> tuple[str, str, int]:
        return (el.get("id") or self._unnamed(), self._part_labels.get(el, ""), 0)

    def _unnamed(self) -> str:
        """A bookmark key for a part without an id: the same in every stream of the blocks
        (the layout reads them twice), numbered in document order."""
        self._unnamed_parts += 1
        return f"h-{self._unnamed_parts}"

    def visit_colophon(self, el):
        """版记 (GB/T 9704 7.4): 主送 and 抄送 (左右各空一字, wrapped names after the colon)
        between rules — a 主送 moved here (layout.front) on the line above 抄送, no rule between
        them —, 印发机关 (左空一字) and 印发日期 (右空一字) on the last line."""
        role = self.style.role("colophon")
        groups: list[list] = []
        moved = [self._moved_addressee(el.getroottree().getroot())] if self.addressee_moves and not self._colophon_seen else []
        self._colophon_seen = True
        for c in children(el):
            if tag_of(c) == "printer":
                groups.append([self._printer(c, role, role.size)])
                continue
            before = len(self.blocks)
            self.visit(c)
            paras = [b for b in self.blocks[before:] if isinstance(b, Para)]
            del self.blocks[before:]
            if moved and tag_of(c) == "cc":  # 7.4.2: 主送 on the line above 抄送, no rule between
                paras, moved = moved + paras, []
            groups.append(self._colophon_paras(paras))
        if moved:
            groups.insert(0, self._colophon_paras(moved))
        self.blocks.append(ColophonBlock(groups, COLOPHON_OUTER, COLOPHON_INNER, colophon_ruled(self.style)))

    def _colophon_paras(self, paras: list[Para]) -> list[Para]:
        """主送 and 抄送 lines: 左右各空一字, wrapped names aligned after the colon."""
        role = self.style.role("colophon")
        char = role.size
        for para in paras:
            text = "".join(sp.text for sp in para.spans)
            colon = next((i for i, ch in enumerate(text) if ch in "：:"), -1)
            label = [Span(text[: colon + 1], role)] if 0 <= colon < 8 else []
            para.role = replace(role, right_indent=char, first_line_indent=0.0, left_indent=char)
            para.first_indent, para.rest_indent, para.rest_after = char, char, label
            para.align = "justify"
        return paras

    def _printer(self, el, role, char):
        """印发机关 left, 印发日期 (with 印发) right, on one line."""
        parts = [c for c in children(el)]
        left = [Span(p.text or "", role, offset=self.pos.get((p, "text"))) for p in parts[:1]]
        right = [Span(p.text or "", role, offset=self.pos.get((p, "text"))) for p in parts[1:]]
        if len(parts) == 1 and tag_of(parts[0]) == "date":
            left, right = [], left
        for tail_of in parts:
            if tail_of.tail and tail_of.tail.strip():
                right.append(Span(tail_of.tail, role, offset=self.pos.get((tail_of, "tail"))))
        return (Para(left, replace(role, first_line_indent=0.0), first_indent=char, rest_indent=char, align="left"),
                Para(right, replace(role, first_line_indent=0.0), first_indent=0.0, rest_indent=0.0, align="left"))

    def visit_printer(self, el):
        role = self.style.role("colophon")
        spans = []
        for c in children(el):
            if spans:
                spans.append(Span(" ", role))
            spans.append(Span(c.text or "", role, offset=self.pos.get((c, "text"))))
        self._add(Para(spans, role))

    def visit_cc(self, el):
        self._simple(el, "colophon")

    # --- other blocks -----------------------------------------------------------------
    def visit_list(self, el, depth: int = 0):
        role = self.style.role("list")
        step = role.size * 2
        start = int(el.get("start", "1"))
        for n, item in enumerate(el.iterfind(q("item")), start=start):
            marker = f"{n}. " if el.get("type") == "ordered" else "• "
            if item.get("checked") is not None:  # a task: its box, checked or not, is the bullet
                box = "☒ " if item.get("checked") in ("true", "1") else "☐ "
                marker = marker + box if el.get("type") == "ordered" else box
            for k, block in enumerate(children(item)):
                if tag_of(block) == "list":
                    self.visit_list(block, depth + 1)
                    continue
                before = len(self.blocks)
                self.visit(block)
                for b in self.blocks[before:]:
                    if isinstance(b, Para):
                        # deep lists stop moving right at half the text width: their text stays on the page
                        indent = role.left_indent + min(depth * step, self.style.page.text_width / 2)
                        b.rest_indent = indent + step
                        b.first_indent = indent if k == 0 else indent + step
                        b.align = "left" if b.align is None and b.role.align == "justify" else b.align
                if k == 0 and len(self.blocks) > before and isinstance(self.blocks[before], Para):
                    p = self.blocks[before]
                    p.spans.insert(0, Span(marker, p.role))

    def visit_item(self, el):
        for c in children(el):
            self.visit(c)

    def visit_deflist(self, el):
        """Terms in bold, their definitions indented under them."""
        role = self.style.role("body")
        step = role.size * 2
        for part in children(el):
            if tag_of(part) == "term":
                term = self.style.variant(role, bold=True)
                self._add(Para(self.inlines(part, _Inline(term)), term, first_indent=0.0, rest_indent=0.0,
                               keep_with_next=True))
                continue
            before = len(self.blocks)
            for b in children(part):
                self.visit(b)
            for b in self.blocks[before:]:
                if isinstance(b, Para):
                    b.first_indent = (b.first_indent or 0.0) + step
                    b.rest_indent = (b.rest_indent or 0.0) + step

    def visit_table(self, el):
        role = self.style.role("table")
        cap = child(el, "caption")
        if cap is not None:
            self._add(Para(self.inlines(cap, _Inline(self.style.role("caption"))), self.style.role("caption"),
                           keep_with_next=True))
        parts = [part for part in children(el) if tag_of(part) in ("thead", "tbody")]
        rows = [row for part in parts for row in children(part)]
        if rows:
            header_rows = sum(len(children(part)) for part in parts if tag_of(part) == "thead")
            columns = max(len(children(row)) for row in rows)
            lazy = (el is self._unit and _long_table(el) and el.find(f".//{q('footnote')}") is None
                    and el.find(f".//{q('image')}") is None)  # (a note is numbered, a picture placed, as it is met)
            cells = self._table_rows(parts, _Positions(el, self.pos.base) if lazy else None)
            if not lazy:
                cells = list(cells)
            self.blocks.append(TableBlock(cells, header_rows, role, columns))
        # a cell's pictures after the table (they waited for the next paragraph, or were lost
        # with none after: found by tests/hostile/test_fuzz.py)
        self._set_inline_images()

    def _table_rows(self, parts, positions: "_Positions | None" = None) -> Iterator[list[Para]]:
        """A table's rows of cells (each cell a paragraph), made one row at a time as they are
        read; ``positions``: the table's own (read later than the translator's, row by row)."""
        role, hrole = self.style.role("table"), self.style.role("table-header")
        for part in parts:
            r = hrole if tag_of(part) == "thead" else role
            for row in part.iterchildren(tag=q("row")):  # (not a list of 100,000 rows held while they are read)
                held = self.pos
                if positions is not None:
                    self.pos = positions
                try:
                    cells = []
                    for cell in children(row):
                        align = cell.get("align") or ("center" if r is hrole else "left")
                        cells.append(Para(self.inlines(cell, _Inline(r)), r, first_indent=0.0, rest_indent=0.0,
                                          align=align))
                finally:
                    self.pos = held
                if positions is not None:
                    positions.forget()
                yield cells

    def visit_figure(self, el):
        img = child(el, "image")
        self._image(img)
        cap = child(el, "caption")
        if cap is not None:
            self._simple(cap, "caption")

    def _image(self, img) -> None:
        info = usable_image(img.get("src") or "", self.base_dir)
        if info is None:  # missing, remote or unreadable: its alt text in a frame (the build warned)
            role = self.style.role("caption")
            text = img.get("alt") or img.get("src") or ""
            self.blocks.append(Para([Span(text, role)], role, first_indent=0.0, rest_indent=0.0, framed=True))
            return
        self.blocks.append(ImageBlock(info.path, img.get("alt", ""), self.style.role("caption"), info))

    def visit_quote(self, el):
        before = len(self.blocks)
        for c in children(el):
            if tag_of(c) == "p":
                self.visit_p(c, self.style.role("quote"))
            else:
                self.visit(c)
        if any(tag_of(a) == "quote" for a in el.iterancestors()):
            # a quote inside a quote: one step further in, up to half the text width
            step, limit = self.style.role("quote").size * 2, self.style.page.text_width / 2
            for b in self.blocks[before:]:
                if isinstance(b, Para):
                    first = b.role.left_indent + b.role.first_line_indent if b.first_indent is None else b.first_indent
                    rest = b.role.left_indent if b.rest_indent is None else b.rest_indent
                    if rest + step <= limit:
                        b.first_indent, b.rest_indent = first + step, rest + step

    def visit_codeblock(self, el):
        role = self.style.role("code")
        spans: list[Span] = []
        offset = self.pos.get((el, "text"))
        for k, line in enumerate(highlight_lines(el.text or "", el.get("lang"), role.highlight)):
            if k:
                spans.append(Span("\n", role))
            for piece in line:
                # spaces as written: no-break spaces, so that no line breaks there
                spans.append(Span(piece.text.replace(" ", "\u00a0"), self._code_role(role, piece), offset=offset))
                if offset is not None:
                    offset += len("".join(piece.text.split()))
        self._add(Para(spans, role, align="left", first_indent=role.left_indent, preformatted=True))

    def _code_role(self, role: Role, piece) -> Role:
        """The code role in a highlighted token's colour, weight and slant (text.highlight)."""
        if piece.color is None and not piece.bold and not piece.italic:
            return role
        if piece.bold or piece.italic:
            role = self.style.variant(role, bold=role.bold or piece.bold, italic=role.italic or piece.italic)
        return replace(role, color=piece.color) if piece.color else role

    def visit_rule(self, el):
        self.blocks.append(RuleBlock(self.style.role("body")))

    def visit_pagebreak(self, el):
        self.blocks.append(PageBreakBlock())

    # --- inline content ---------------------------------------------------------------
    def inlines(self, el, ctx: _Inline) -> list[Span]:
        """The spans of an element's mixed content."""
        spans: list[Span] = []
        if el.text:
            spans.append(Span(el.text, ctx.role, ctx.link, offset=self.pos.get((el, "text"))))
        for c in el:
            if isinstance(c.tag, str):
                spans += self._inline(c, ctx)
            if c.tail:
                spans.append(Span(c.tail, ctx.role, ctx.link, offset=self.pos.get((c, "tail"))))
        return spans

    def _inline(self, c, ctx: _Inline) -> list[Span]:
        tag = tag_of(c)
        if tag in ("number", "issuer", "date"):  # a numbered paragraph; a byline's issuer and date
            return self.inlines(c, ctx)
        if tag == "lead":
            lead = self.style.role("lead")
            return self.inlines(c, _Inline(replace(lead, size=ctx.role.size), ctx.link))
        if tag == "em":
            return self.inlines(c, _Inline(self.style.variant(ctx.role, italic=True), ctx.link))
        if tag == "strong":
            return self.inlines(c, _Inline(self.style.variant(ctx.role, bold=True), ctx.link))
        if tag in ("strike", "sub", "sup"):
            spans = self.inlines(c, ctx)
            for s in spans:
                if tag == "strike":
                    s.strike = True
                elif s.text != "\n":
                    s.superscript, s.subscript = tag == "sup", tag == "sub"
            return spans
        if tag in ("code", "math"):  # math: its TeX source, set as code
            code = replace(self.style.role("code"), size=ctx.role.size)
            return [Span(c.text or "", code, ctx.link, offset=self.pos.get((c, "text")))]
        if tag == "link":
            return self.inlines(c, _Inline(ctx.role, c.get("href")))
        if tag == "br":
            return [Span("\n", ctx.role)]
        if tag == "footnote":
            before = len(self.blocks)
            for b in children(c):
                self.visit(b)
            self.notes.append(self.blocks[before:])
            del self.blocks[before:]
            n = len(self.notes)
            return [Span(str(n), ctx.role, superscript=True, link=f"#fn-{n}", anchor=f"fnref-{n}")]
        if tag == "image":
            self._after_para.append(c)
            return []
        raise NotImplementedError(f"the layout cannot set inline <{tag}>")

    def _add(self, para: Para) -> None:
        self.blocks.append(para)
        self._set_inline_images()

    def _set_inline_images(self) -> None:
        """The pictures met inside the block just set (a paragraph, a table's cells), after it."""
        pending, self._after_para = self._after_para, []
        for img in pending:
            self._image(img)

    #: elements set by the element they are met in (and <meta>, which is no part of the pages:
    #: painters read it with model.outline.metadata for the file's metadata)
    rendered_elsewhere = {
        "heading": "visit_section", "caption": "visit_figure",
        "label": "visit_attachments", "attachment": "visit_attachments", "attendees": "visit_attendance",
        "issuer": "visit_signature", "date": "visit_signature",
        "thead": "visit_table", "tbody": "visit_table", "row": "visit_table", "cell": "visit_table",
        **{name: "_inline" for name in ("number", "lead", "em", "strong", "code", "link", "br", "footnote", "image",
                                        "strike", "sub", "sup", "math")},
        "term": "visit_deflist", "definition": "visit_deflist",
        **{name: "converter.model.outline:metadata" for name in ("meta", "author", "subject", "keyword", "property")},
        # a record's values and the 签发人 names are set by their parents
        "value": "visit_field", "signer": "visit_signers",
    }
