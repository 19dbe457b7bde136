"""Model → blocks: paragraphs of styled spans, tables, images, rules, page breaks.

The translator decides *what* is set in which role; paginate decides *where*.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from ..model import child, children, line_of, q, tag_of, text_positions
from ..model.outline import heading_label, navigation
from ..model.images import ImageInfo, read_image, resolve_image
from ..model.visitor import Visitor
from ..style import ResolvedStyle, Role


@dataclass
class Span:
    text: str  # "\n" alone is a forced line break
    role: Role
    link: str | None = None
    superscript: bool = False
    #: where the text starts among the model's non-whitespace characters (None: generated text)
    offset: int | None = None
    anchor: str | None = None  # a link destination at the span's first character


@dataclass
class Para:
    spans: list[Span]
    role: Role  # alignment, indents, spacing and line pitch
    first_indent: float | None = None  # None: the role's first-line indent
    rest_indent: float | None = None  # None: the role's left indent
    align: str | None = None
    keep_with_next: bool | None = None
    bookmark: tuple[str, str, int] | None = None  # (key, title, level 0-based)
    balanced: bool = False  # a title: lines of balanced length
    preformatted: bool = False  # code: lines as written
    #: hanging text: the widths of these spans are added to the first / later lines' indent
    first_after: list[Span] = field(default_factory=list)
    rest_after: list[Span] = field(default_factory=list)


@dataclass
class ImageBlock:
    path: Path
    alt: str
    role: Role
    info: ImageInfo  # its type, pixels and printed size


@dataclass
class TableBlock:
    rows: list[list[Para]]
    header_rows: int
    role: Role


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


Block = Para | ImageBlock | TableBlock | SignatureBlock | RuleBlock | PageBreakBlock


@dataclass
class _Inline:
    """What inline content is set in while walking it."""

    role: Role
    link: str | None = None


class BlockTranslator(Visitor):
    """Visits the model and collects blocks; footnotes are gathered as endnotes."""

    def __init__(self, style: ResolvedStyle, base_dir: Path, lang: str):
        self.style = style
        self.base_dir = base_dir
        self.lang = lang
        self.blocks: list[Block] = []
        self.notes: list[list[Block]] = []
        self._after_para: list[Block] = []  # inline images, set after their paragraph
        #: bookmark depth added to sections: 1 inside an attachment body or enclosed document,
        #: whose own bookmark is the level above them
        self._nest = 0
        self._part_labels: dict = {}

    # --- document level -------------------------------------------------------------
    def translate(self, doc: etree._Element) -> list[Block]:
        self.pos = text_positions(doc)
        self._part_labels = {e.element: e.label for e in navigation(doc)}
        self.visit(doc)
        if self.notes:
            label = "注释" if self.lang.startswith("zh") else "Notes"
            self.blocks.append(Para([Span(label, self.style.role("heading-2"))], self.style.role("heading-2"),
                                    keep_with_next=True))
            for n, note in enumerate(self.notes, start=1):
                first = next((b for b in note if isinstance(b, Para)), None)
                if first is not None:  # the note's number links back to where it is referred to
                    first.spans.insert(0, Span(f"{n}. ", first.role, link=f"#fnref-{n}", anchor=f"fn-{n}"))
                self.blocks += note
        return self.blocks

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

    def visit_title(self, el):
        self._simple(el, "title", balanced=True)

    def visit_subtitle(self, el):
        self._simple(el, "subtitle")

    def visit_addressee(self, el):
        self._simple(el, "addressee")

    def visit_body(self, el):
        for c in children(el):
            self.visit(c)

    def visit_section(self, el, depth: int = 0):
        level = int(el.get("level"))
        head = child(el, "heading")
        hrole = self.style.role(f"heading-{min(level, 6)}")
        rest = [c for c in children(el) if c is not head]
        bookmark = (el.get("id") or f"h{id(el)}", heading_label(head), level - 1 + self._nest)
        if el.get("runin") == "true" and rest and tag_of(rest[0]) == "p":
            body = self.style.role("body")
            span_role = replace(self.style.runin_role(level), size=body.size)  # at the body's size
            spans = self.inlines(head, _Inline(span_role)) + self.inlines(rest[0], _Inline(body))
            self._add(Para(spans, body, bookmark=bookmark))
            rest = rest[1:]
        else:
            self._add(Para(self.inlines(head, _Inline(hrole)), hrole, keep_with_next=True, bookmark=bookmark))
        for c in rest:
            self.visit(c)

    def visit_p(self, el, role: Role | None = None):
        role = role or self.style.role("body")
        self._add(Para(self.inlines(el, _Inline(role)), role))

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
        for c in children(el):
            self.visit(c)

    def visit_copy_number(self, el):
        self._simple(el, "masthead")

    visit_secrecy = visit_urgency = visit_copy_number

    def visit_mark(self, el):
        """发文机关标志: one line per issuing body, 文件 after the last as written."""
        role = self.style.role("mark")
        lead = [Span(el.text, role, offset=self.pos.get((el, "text")))] if el.text and el.text.strip() else []
        for issuer in el.iterfind(q("issuer")):
            spans = lead + [Span(issuer.text or "", role, offset=self.pos.get((issuer, "text")))]
            if issuer.tail and issuer.tail.strip():
                spans.append(Span(issuer.tail, role, offset=self.pos.get((issuer, "tail"))))
            lead = []
            self._add(Para(spans, role, keep_with_next=True))

    def visit_signers(self, el):
        """签发人：names, on one line in the 文号's role."""
        role = self.style.role("docnumber")
        spans = []
        for c in children(el):
            if spans and tag_of(c) == "signer":
                spans.append(Span(" ", role))
            spans.append(Span(c.text or "", role, offset=self.pos.get((c, "text"))))
        self._add(Para(spans, role))

    def visit_byline(self, el):
        self._simple(el, "byline")

    def visit_annex(self, el):
        """An attachment body: its label (bookmarked), its title, its content."""
        self._nest = 1
        for c in children(el):
            if tag_of(c) == "label":
                self._simple(c, "annex-label", keep_with_next=True, bookmark=self._part_bookmark(el))
            else:
                self.visit(c)
        self._nest = 0

    def visit_enclosure(self, el):
        """An enclosed document: its parts as the document's, its title bookmarked."""
        self._nest = 1
        for c in children(el):
            if tag_of(c) == "title":
                self._simple(c, "title", balanced=True, bookmark=self._part_bookmark(el))
            else:
                self.visit(c)
        self._nest = 0

    def _part_bookmark(self, el) -> tuple[str, str, int]:
        return (el.get("id") or f"h{id(el)}", self._part_labels.get(el, ""), 0)

    def visit_colophon(self, el):
        """版记: 主送, 抄送, 印发机关 and 印发日期, each a paragraph in the colophon role."""
        for c in children(el):
            if tag_of(c) == "printer":
                self.visit_printer(c)
            else:
                self._simple(c, "colophon")

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
            for k, block in enumerate(children(item)):
                if tag_of(block) == "list":
                    self.visit_list(block, depth + 1)
                    continue
                before = len(self.blocks)
                self.visit(block)
                for b in self.blocks[before:]:
                    if isinstance(b, Para):
                        indent = role.left_indent + depth * step
                        b.rest_indent = indent + step
                        b.first_indent = indent if k == 0 else indent + step
                        b.align = "left" if b.align is None and b.role.align == "justify" else b.align
                if k == 0 and len(self.blocks) > before and isinstance(self.blocks[before], Para):
                    p = self.blocks[before]
                    p.spans.insert(0, Span(marker, p.role))

    def visit_item(self, el):
        for c in children(el):
            self.visit(c)

    def visit_table(self, el):
        role, hrole = self.style.role("table"), self.style.role("table-header")
        cap = child(el, "caption")
        if cap is not None:
            self._add(Para(self.inlines(cap, _Inline(self.style.role("caption"))), self.style.role("caption"),
                           keep_with_next=True))
        rows: list[list[Para]] = []
        header_rows = 0
        for part in children(el):
            if tag_of(part) not in ("thead", "tbody"):
                continue
            for row in children(part):
                r = hrole if tag_of(part) == "thead" else role
                cells = []
                for cell in children(row):
                    align = cell.get("align") or ("center" if r is hrole else "left")
                    cells.append(Para(self.inlines(cell, _Inline(r)), r, first_indent=0.0, rest_indent=0.0,
                                      align=align))
                rows.append(cells)
                header_rows += tag_of(part) == "thead"
        if rows:
            self.blocks.append(TableBlock(rows, header_rows, role))

    def visit_figure(self, el):
        img = child(el, "image")
        self._image(img)
        cap = child(el, "caption")
        if cap is not None:
            self._simple(cap, "caption")

    def _image(self, img) -> None:
        path = resolve_image(img.get("src"), self.base_dir, line_of(img))
        info = read_image(path, img.get("src"), line_of(img))
        self.blocks.append(ImageBlock(path, img.get("alt", ""), self.style.role("caption"), info))

    def visit_quote(self, el):
        for c in children(el):
            if tag_of(c) == "p":
                self.visit_p(c, self.style.role("quote"))
            else:
                self.visit(c)

    def visit_codeblock(self, el):
        role = self.style.role("code")
        spans: list[Span] = []
        offset = self.pos.get((el, "text"))
        for k, line in enumerate((el.text or "").split("\n")):
            if k:
                spans.append(Span("\n", role))
            # spaces as written: no-break spaces, so that no line breaks there
            spans.append(Span(line.replace(" ", "\u00a0"), role, offset=offset))
            if offset is not None:
                offset += len("".join(line.split()))
        self._add(Para(spans, role, align="left", first_indent=role.left_indent, preformatted=True))

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
        if tag == "code":
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
        pending, self._after_para = self._after_para, []
        for img in pending:
            self._image(img)

    #: elements set by the element they are met in (and <meta>, which is no part of the pages:
    #: painters read it with model.outline.metadata for the file's metadata)
    rendered_elsewhere = {
        "heading": "visit_section", "caption": "visit_figure",
        "label": "visit_attachments", "attachment": "visit_attachments",
        "issuer": "visit_signature", "date": "visit_signature",
        "thead": "visit_table", "tbody": "visit_table", "row": "visit_table", "cell": "visit_table",
        **{name: "_inline" for name in ("number", "lead", "em", "strong", "code", "link", "br", "footnote", "image")},
        **{name: "converter.model.outline:metadata" for name in ("meta", "author", "subject", "keyword", "property")},
        # a record's values and the 签发人 names are set by their parents
        "value": "visit_field", "signer": "visit_signers",
    }
