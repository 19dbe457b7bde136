"""The body of a Word document in reading order: paragraphs of runs, tables, text boxes, notes.

What counts as shown text, as Word shows it:
- runs (w:t, w:tab, w:sym, non-breaking hyphens), line breaks (w:br, w:cr), page breaks;
- fields show their result, never their instruction (w:fldSimple, w:fldChar … w:instrText);
- tracked changes read as accepted: insertions and moves-to are text, deletions and
  moves-from are not (the document is noted as having them);
- hidden text (w:vanish), comments and their marks, bookmarks and proofing marks are not;
- text boxes and shapes (DrawingML w:txbxContent, and VML in legacy files) are read where they
  are anchored, after the paragraph that holds them; of w:AlternateContent only the choice Word
  shows is read, never its fallback copy.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ...model import new, tag_of
from .ooxml import NSMAP, R, W, attr, list_number, local, ns_of, on, to_int, wfind
from .content import Block, Item, Marks, Obj, Para, Span, fill
from .numbering import Numbering
from .styles import Styles

_MC = "{%s}" % NSMAP["mc"]
_SKIPPED_RUN_PARTS = {"rPr", "instrText", "delText", "delInstrText", "lastRenderedPageBreak", "footnoteRef",
                      "endnoteRef", "commentReference", "annotationRef", "separator", "continuationSeparator",
                      "softHyphen", "fldChar", "ptab"}
_CONTAINERS = {"smartTag", "customXml", "bdo", "dir", "ins", "moveTo", "sdtContent"}
_NOT_SHOWN = {"del", "moveFrom"}
_INVISIBLE = {"pPr", "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "proofErr",
              "permStart", "permEnd", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
              "moveToRangeEnd", "sdtPr", "sdtEndPr", "customXmlPr", "smartTagPr", "customXmlInsRangeStart",
              "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
              "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd", "customXmlMoveToRangeStart",
              "customXmlMoveToRangeEnd", "oMathParaPr"}


@dataclass
class Found:
    """What the reader met on the way that the user should hear about."""

    insertions: int = 0
    deletions: int = 0
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


@dataclass
class _Field:
    phase: str = "instr"  # instr (skipped) → result (shown)
    instr: str = ""
    href: str | None = None


class BodyReader:
    """Reads a story (the body, a note, a cell, a text box) of one part into items."""

    def __init__(self, part: str, styles: Styles, numbering: Numbering, found: Found, pictures, notes, rels):
        self.part = part
        self.styles = styles
        self.numbering = numbering
        self.found = found
        self.pictures = pictures  # media.Pictures
        self.notes = notes  # notes.Notes (None inside notes: a note in a note is read inline)
        self.rels = rels  # relationship id → Relationship, for this part
        self.fields: list[_Field] = []

    # --- blocks --------------------------------------------------------------------------
    def blocks(self, container: etree._Element) -> list[Item]:
        """The paragraphs and tables of a container (w:body, w:tc, w:txbxContent …) in order."""
        out: list[Item] = []
        for el in container:
            name = local(el)
            if ns_of(el) == NSMAP["mc"] and name == "AlternateContent":
                out += self.blocks(_chosen(el))
            elif ns_of(el) != NSMAP["w"]:
                continue
            elif name == "p":
                got = self.paragraph(el)
                if out and isinstance(out[-1], Para) and out[-1].joins_next and got and isinstance(got[0], Para):
                    _join(out[-1], got.pop(0))
                out += got
            elif name == "tbl" and _is_text_frame(el):
                # placed on its page by position (our 版记 on a page of its own): the page break
                # before it is that placement, not one the text asks for
                k = len(out)
                while k and isinstance(out[k - 1], Para) and out[k - 1].is_empty():
                    k -= 1
                if k and isinstance(out[k - 1], Block) and local(out[k - 1].element) == "pagebreak":
                    del out[k - 1]
                for tc in el.iter(f"{{{NSMAP['w']}}}tc"):
                    out += self.blocks(tc)
            elif name == "tbl":
                from .tables import read_table

                out.append(Block(read_table(el, self)))
            elif name in ("sdt", "customXml"):
                content = wfind(el, "sdtContent") if name == "sdt" else el
                if content is not None:
                    out += self.blocks(content)
            elif name in ("ins", "moveTo"):
                self.found.insertions += 1
                out += self.blocks(el)
            elif name in _NOT_SHOWN:
                self.found.deletions += 1
            elif name == "altChunk":
                self.found.warn("an imported chunk (w:altChunk, another file merged into the document by "
                                "the program that made it) is not read; open and save the document in Word first")
        return out

    def paragraph(self, p: etree._Element) -> list[Item]:
        """One w:p: the paragraph itself, then what is anchored in it (text boxes), page breaks between."""
        para = self._new_para(p)
        if any(f.instr.strip().upper().startswith("TOC") and f.phase == "result" for f in self.fields):
            para.kind = "toc"  # the entries of a table of contents Word made
        mark = wfind(wfind(p, "pPr"), "rPr")
        # a hidden paragraph mark (Word's style separator) shows this paragraph and the next as one
        para.joins_next = on(wfind(mark, "vanish")) or on(wfind(mark, "specVanish"))
        if not para.joins_next and _runin_frame(p, para):
            para.joins_next = para.runin_frame = True
        out: list[Item] = [para]
        if on(wfind(wfind(p, "pPr"), "pageBreakBefore")):
            out.insert(0, Block(new("pagebreak")))
        after: list[Item] = []
        self._inline(p, para, Marks(), out, after)
        if para.numbering.endswith("\t"):
            # the tab Word puts after a list number is a gap: none before Chinese text (一、总体),
            # a space before Latin text (1. Scope)
            first = next((i.text.lstrip()[:1] for i in para.items if isinstance(i, Span) and i.text.strip()), "")
            para.numbering = para.numbering[:-1] + ("" if not first or _wide(first) else " ")
        if para.kind == "rule" and not para.is_empty():
            para.kind = "para"  # a bordered paragraph with text is text
        if para.title:
            _title_lines_joined(para)
        return [i for i in out if not (isinstance(i, Para) and i.is_empty() and i is not para)] + after

    def _new_para(self, p: etree._Element) -> Para:
        ppr = wfind(p, "pPr")
        pstyle = wfind(ppr, "pStyle")
        info = self.styles.get(attr(pstyle, "val") if pstyle is not None else None)
        para = Para(heading=info.heading, title=info.title, subtitle=info.subtitle, caption=info.caption,
                    kind=info.kind)
        bottom = wfind(wfind(ppr, "pBdr"), "bottom")
        if bottom is not None and (attr(bottom, "val") or "none") not in ("none", "nil"):
            para.kind = "rule" if para.kind == "para" else para.kind  # a rule if it shows no text
        outline = wfind(ppr, "outlineLvl")
        if outline is not None:
            level = to_int(attr(outline, "val"), 9, 0, 9)
            para.heading = level + 1 if level < 9 else None
        jc = wfind(ppr, "jc")
        para.align = {"center": "center", "right": "right", "end": "right", "left": "left",
                      "start": "left"}.get(attr(jc, "val") or "") if jc is not None else None
        num_id, ilvl = list_number(ppr, info.num_id, info.ilvl)
        if num_id:
            shown = self.numbering.next(num_id, ilvl)
            if shown is not None:
                para.list_id, para.list_level, para.list_value = shown.num_id, shown.level, shown.value
                if shown.bullet:
                    para.bullet = True
                else:
                    para.numbering = shown.text
                    para.ordered_list = info.is_list and not _gongwen_numbering(shown.text)
                    para.numbering += {"space": " ", "nothing": ""}.get(shown.suffix, "\t")
        return para

    # --- inline content --------------------------------------------------------------------
    def _inline(self, el, para: Para, marks: Marks, out: list[Item], after: list[Item]) -> None:
        for c in el:
            name, ns = local(c), ns_of(c)
            if ns == NSMAP["mc"] and name == "AlternateContent":
                self._inline(_chosen(c), para, marks, out, after)
                continue
            if ns == "http://schemas.openxmlformats.org/officeDocument/2006/math":
                text = "".join(c.itertext()) if name in ("oMath", "oMathPara") else ""
                self._text(out, text, marks)
                continue
            if ns != NSMAP["w"] or name in _INVISIBLE:
                continue
            if name == "r":
                self._run(c, marks, out, after)
            elif name == "hyperlink":
                self._inline(c, para, Marks(marks.strong, marks.em, self._href(c), marks.code), out, after)
            elif name == "fldSimple":
                href = _hyperlink_instr(attr(c, "instr") or "")
                self._inline(c, para, Marks(marks.strong, marks.em, href or marks.href, marks.code), out, after)
            elif name in _CONTAINERS:
                if name in ("ins", "moveTo"):
                    self.found.insertions += 1
                self._inline(c, para, marks, out, after)
            elif name == "sdt":
                content = wfind(c, "sdtContent")
                if content is not None:
                    self._inline(content, para, marks, out, after)
            elif name in _NOT_SHOWN:
                self.found.deletions += 1
            elif name == "ruby":
                base = wfind(c, "rubyBase")
                if base is not None:
                    self._inline(base, para, marks, out, after)

    def _run(self, r, marks: Marks, out: list[Item], after: list[Item]) -> None:
        rpr = wfind(r, "rPr")
        if on(wfind(rpr, "vanish")) or on(wfind(rpr, "webHidden")) or on(wfind(rpr, "specVanish")):
            return
        for fc in r.iterfind(W + "fldChar"):
            self._field_char(fc)
        instr = r.find(W + "instrText")
        if instr is not None and self.fields:
            self.fields[-1].instr += instr.text or ""
        if any(f.phase == "instr" for f in self.fields):
            return  # a field's instruction is not shown (nor a field nested in it), only its result
        marks = self._run_marks(rpr, marks)
        for c in r:
            name = local(c)
            if ns_of(c) == NSMAP["mc"] and name == "AlternateContent":
                for d in _chosen(c):
                    self._run_child(d, marks, out, after)
            else:
                self._run_child(c, marks, out, after)

    def _run_child(self, c, marks: Marks, out: list[Item], after: list[Item]) -> None:
        name = local(c)
        if ns_of(c) != NSMAP["w"] or name in _SKIPPED_RUN_PARTS:
            return
        para = _last_para(out)
        if name == "t":
            self._text(out, c.text or "", marks)
        elif name == "tab":
            self._text(out, "\t", marks)
        elif name == "noBreakHyphen":
            self._text(out, "\u2011", marks)
        elif name == "sym":
            self._text(out, _symbol(attr(c, "char") or ""), marks)
        elif name in ("br", "cr"):
            if attr(c, "type") == "page":
                out.append(Block(new("pagebreak")))
                out.append(Para(heading=para.heading, align=para.align))  # the paragraph goes on after the break
            else:
                para.items.append(Obj(new("br")))
        elif name in ("footnoteReference", "endnoteReference"):
            note = self.notes.note(name[:-9], attr(c, "id") or "") if self.notes is not None else None
            if note is not None:
                para.items.append(Obj(note))
        elif name in ("drawing", "pict", "object"):
            for thing in self.pictures.read(c, self):
                if isinstance(thing, etree._Element):
                    para.items.append(Obj(thing))
                else:
                    after.extend(thing)  # a text box's paragraphs, after the one that holds it

    def _text(self, out: list[Item], text: str, marks: Marks) -> None:
        if text:
            href = self.fields[-1].href if self.fields and self.fields[-1].href else None
            _last_para(out).items.append(Span(text, Marks(marks.strong, marks.em, href or marks.href, marks.code)))

    def _run_marks(self, rpr, marks: Marks) -> Marks:
        strong, em, code = marks.strong, marks.em, marks.code
        rstyle = wfind(rpr, "rStyle")
        if rstyle is not None:
            name = self.styles.char_style_name(attr(rstyle, "val")).lower()
            code = code or name in ("inline code", "html code", "verbatim char", "source code", "code", "code char")
            strong = strong or name in ("strong", "strong emphasis", "要点") or "bold" in name
            em = em or name in ("emphasis", "强调", "emphasis char") or "italic" in name
        b, i = wfind(rpr, "b"), wfind(rpr, "i")
        if b is not None:
            strong = on(b) if not marks.strong else True
        if i is not None:
            em = on(i) if not marks.em else True
        return Marks(strong, em, marks.href, code)

    def _field_char(self, fc) -> None:
        kind = attr(fc, "fldCharType")
        if kind == "begin":
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            f = self.fields[-1]
            f.phase, f.href = "result", _hyperlink_instr(f.instr)
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _href(self, link) -> str | None:
        rid = link.get(R + "id")
        anchor = attr(link, "anchor")
        if rid and rid in self.rels:
            target = self.rels[rid].target
            return target + ("#" + anchor if anchor else "")
        return "#" + anchor if anchor else None

    def inline_into(self, el: etree._Element, items: list[Item]) -> None:
        """Paragraphs (of a cell, a note) as inline content of one element, lines joined by <br>."""
        first = True
        for item in items:
            if isinstance(item, Block):
                continue
            if item.is_empty():
                continue
            if not first:
                new("br", parent=el)
            fill(el, item.items, item.numbering)
            first = False


def _runin_frame(p: etree._Element, para: Para) -> bool:
    """A heading in a frame that floats in the text (anchored to it, the text wrapping around)
    is a run-in heading: the paragraph after it is its body, shown on the same line (our writer
    builds run-in headings so, since LibreOffice ignores Word's style separator)."""
    frame = wfind(wfind(p, "pPr"), "framePr")
    if frame is None or not para.heading:
        return False
    return ((attr(frame, "wrap") or "") == "around" and (attr(frame, "vAnchor") or "margin") == "text"
            and (attr(frame, "hAnchor") or "margin") == "text")


def _join(first: Para, second: Para) -> None:
    """Two paragraphs Word shows as one (the first's mark is hidden, or it is a run-in heading's
    frame): the second's text runs on; after a frame, which shows a gap, with a space between
    Latin words (a hidden mark shows the texts as they are)."""
    if first.runin_frame and _needs_space(first.text()[-1:], second.text().lstrip()[:1]):
        first.items.append(Span(" "))
    if second.numbering:
        first.items.append(Span(second.numbering))
    first.items += second.items
    first.joins_next, first.runin_frame = second.joins_next, second.runin_frame


def _needs_space(before: str, after: str) -> bool:
    """Whether two texts put together need a space between them: not when either side is
    wide (CJK text runs on with no gap) or already blank."""
    if not before or not after or before.isspace() or after.isspace():
        return False
    return not (_wide(before) or _wide(after))


def _title_lines_joined(para: Para) -> None:
    """The line breaks of a title are its balanced lines (our writer breaks titles between
    words), not part of its text: joined as the text reader joins a title's lines, with no
    gap between CJK and a space between Latin words."""
    items: list[Span | Obj] = []
    for k, item in enumerate(para.items):
        if isinstance(item, Obj) and tag_of(item.element) == "br":
            before = "".join(i.text for i in items if isinstance(i, Span))[-1:]
            after = "".join(i.text for i in para.items[k + 1:] if isinstance(i, Span)).lstrip()[:1]
            if _needs_space(before, after):
                items.append(Span(" "))
            continue
        items.append(item)
    para.items = items


def _last_para(out: list[Item]) -> Para:
    for item in reversed(out):
        if isinstance(item, Para):
            return item
    para = Para()
    out.append(para)
    return para


def _chosen(alt: etree._Element) -> etree._Element:
    """The branch of mc:AlternateContent Word shows: its first choice (we read every namespace
    a choice may require), else the fallback."""
    choice = alt.find(_MC + "Choice")
    if choice is not None:
        return choice
    fallback = alt.find(_MC + "Fallback")
    return fallback if fallback is not None else etree.Element("empty")


def _hyperlink_instr(instr: str) -> str | None:
    """The target of a HYPERLINK field instruction (HYPERLINK "https://…" or \\l "anchor")."""
    parts = instr.strip().split(None, 1)
    if not parts or parts[0].upper() != "HYPERLINK" or len(parts) < 2:
        return None
    rest = parts[1].strip()
    local_anchor = rest.startswith("\\l")
    if local_anchor:
        rest = rest[2:].strip()
    target = rest.split('"')[1] if rest.startswith('"') and rest.count('"') >= 2 else rest.split()[0]
    return ("#" + target) if local_anchor else target


def _symbol(code: str) -> str:
    """A w:sym character; symbol fonts put their characters at U+F0xx, whose low byte is ASCII-like."""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if 0xF020 <= value <= 0xF0FF:
        value -= 0xF000
    return chr(value)


def _wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


def _gongwen_numbering(text: str) -> bool:
    """一、 （一） （1） 第一章 … : numbering the structure rules read, not list numbering."""
    return any("\u4e00" <= ch <= "\u9fff" or ch in "（）、" for ch in text)


def _is_text_frame(tbl: etree._Element) -> bool:
    """A floating table (w:tblpPr) of one column placing text on the page, as a frame would (our
    DOCX's 版记 at the foot of the page): its paragraphs are text in place, not a table."""
    ppr = wfind(tbl, "tblPr")
    grid = wfind(tbl, "tblGrid")
    columns = [c for c in grid if local(c) == "gridCol"] if grid is not None else []
    return ppr is not None and wfind(ppr, "tblpPr") is not None and len(columns) == 1
