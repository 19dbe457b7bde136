"""版头 parts the DOCX sets where GB/T 9704 puts them, with the layout's numbers (layout/blocks.py,
layout/paginate.py): the 签发人 on the 文号's line (7.2.4–7.2.5) and a joint issuance's stacked
issuers with 文件 beside them (7.2.3).

Widths are measured with the faces' own advances (text.titles.face_measure, as the title's
lines are), narrowed as the style narrows text of the body's size on the grid (glyph_scale).
"""
from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from lxml import etree

from ...layout.blocks import (LETTER_BELOW, LETTER_FOOT, LETTER_GAP, LETTER_RULE, LETTER_SPACE, LETTER_THICK,
                              LETTER_THIN, SEPARATOR_BELOW, SEPARATOR_THICKNESS, SIGNERS_A_LINE)
from ...layout.paginate import ASCENT, JOINT_PITCH, JOINT_WORD_GAP
from ...model import child, children, tag_of
from ...text.titles import face_measure
from .ooxml import EXACT_ASCENT, PPR_ORDER, el, glyph_scale, line_twips, put, role_rpr, twips
from .output import Output

SIGNER_STYLE = "Signer"
#: between two names on a line (generated whitespace, as in the PDF)
NAME_GAP = "\u3000"
#: points a cell is wider than its measured text, on its left: the word processor's rounding
#: must not wrap a name, and the names still end 右空一字
SLACK = 2.0
#: measured on LibreOffice 7.4's PDF: a frame's line of the 小标宋 stand-in draws its characters
#: this much (em) above the frame's top, and a compound border twice its ``space`` away
FRAME_LIFT, BORDER_SPACE_DRAWN, EXACT_LINE_DROP = 0.198, 2, 3.0


def baseline_drop(role) -> float:
    """How much deeper a line of ``role`` has its baseline under its line's top in the DOCX
    (EXACT_ASCENT of its exact line) than in the layout (ASCENT em)."""
    return EXACT_ASCENT * role.line_pitch - ASCENT * role.size


def under_baseline(role) -> float:
    """From the baseline of an exact line of ``role`` in the DOCX down to the line's bottom."""
    return (1 - EXACT_ASCENT) * role.line_pitch


def room_to_title(style, drawn: float) -> float:
    """The room to leave under a point ``drawn`` under the 文号's baseline (the separator's
    bottom) for the title's line: its baseline where the layout puts it, SEPARATOR_BELOW and two
    lines (layout.paginate.place_separator) and ASCENT em under the 文号's baseline."""
    pitch, title = style.role("body").line_pitch, style.role("title")
    return SEPARATOR_BELOW + 2 * pitch + ASCENT * title.size - EXACT_ASCENT * title.line_pitch - drawn


def signer_style(out: Output) -> str:
    """The character style of the 签发人 names (the signer role: 楷体), defined in a document
    that has them only, so that others keep their styles part as it was."""
    from .styles import _define  # the one way styles are made; kept private to the styles module

    if SIGNER_STYLE not in out.setup.ids:
        role = out.setup.style.role("signer")
        s = _define(out.setup.document, SIGNER_STYLE, WD_STYLE_TYPE.CHARACTER, None,
                    role_rpr(role, size=False, weight=False, color=False))
        out.setup.ids[SIGNER_STYLE] = s.style_id
    return out.setup.ids[SIGNER_STYLE]


def _scale(out: Output, size: float) -> float:
    style = out.setup.style
    on_grid = style.grid is not None and abs(size - style.role("body").size) < 0.01
    return glyph_scale(style.grid.char_pitch, size) / 100 if on_grid else 1.0


def signers(out: Output, node: etree._Element, inlines, with_number: bool = True) -> None:
    """签发人：names 居右空一字, the 文号 居左空一字 on the line of the last names. One line of
    names: one paragraph, a right tab stop carrying the names. More (two names a line): a
    borderless table of one row — the 文号 at the foot of its cell, the names' lines in the
    other, later ones under the first name —, so the text still reads 文号 first."""
    style = out.setup.style
    role = style.role("docnumber")
    char = style.grid.char_pitch if style.grid else role.size
    label_el = child(node, "label")
    label = label_el.text or "" if label_el is not None else ""
    names = [c.text or "" for c in children(node) if tag_of(c) == "signer"]
    rows = [names[k:k + SIGNERS_A_LINE] for k in range(0, max(len(names), 1), SIGNERS_A_LINE)]
    number = child(node.getparent(), "docnumber") if with_number else None
    if len(rows) > 1:
        _signers_table(out, label, rows, number, inlines, char)
        return
    out.paragraph("docnumber")
    ppr = out.p.get_or_add_pPr()
    if number is None:
        put(ppr, el("w:ind", left=0, right=twips(char), firstLine=0, firstLineChars=0), PPR_ORDER)
        put(ppr, el("w:jc", val="right"), PPR_ORDER)
    else:
        # tab stops, not indents: the separator (the paragraph's bottom border) spans the
        # paragraph's indents and must be as wide as the type area
        tabs = el("w:tabs")
        tabs.append(el("w:tab", val="left", pos=twips(char)))
        tabs.append(el("w:tab", val="right", pos=twips(out.width - char)))
        put(ppr, tabs, PPR_ORDER)
        put(ppr, el("w:ind", left=0, right=0, firstLine=0, firstLineChars=0), PPR_ORDER)
        put(ppr, el("w:jc", val="left"), PPR_ORDER)
        out.empty_run("w:tab")
        inlines(number)
        out.empty_run("w:tab")
    out.text(label)
    _names(out, rows[0])


def _names(out: Output, row: list[str]) -> None:
    rstyle = signer_style(out)
    for i, name in enumerate(row):
        if i:
            out.run(NAME_GAP)
        out.run(name, rstyle=rstyle)


def _signers_table(out: Output, label: str, rows: list[list[str]], number, inlines, char: float) -> None:
    """The 文号 and several lines of 签发人 names side by side; the red separator (7.2.6) is the
    row's bottom border, SEPARATOR_BELOW under the last line's baseline."""
    style = out.setup.style
    role, names_role, pitch = style.role("docnumber"), style.role("signer"), style.role("body").line_pitch
    scale = _scale(out, role.size)
    label_w = face_measure(role.fonts, role.size)(label) * scale
    names_w = max(face_measure(names_role.fonts, names_role.size)(NAME_GAP.join(r)) for r in rows) * scale
    right_w = label_w + names_w + char + SLACK  # the names, 右空一字
    widths = [out.width - right_w, right_w]
    tbl = _table(widths)
    out.container._element.find(qn("w:sectPr")).addprevious(tbl)
    row = el("w:tr")
    tbl.append(row)
    under = under_baseline(role)
    width = round(SEPARATOR_THICKNESS * 8)
    margin = max(0, twips(SEPARATOR_BELOW - under - width / 8 / 2))  # the rule's middle SEPARATOR_BELOW under
    cells = [_cell(row, w, bottom=True) for w in widths]
    for tc in cells:  # (tcPr order: tcW, tcBorders, tcMar, vAlign)
        valign = tc.find(qn("w:tcPr")).find(qn("w:vAlign"))
        borders = el("w:tcBorders")
        borders.append(el("w:bottom", val="single", sz=width,
                          color=style.role("mark").color.lstrip("#").upper()))
        valign.addprevious(borders)
        mar = el("w:tcMar")
        mar.append(el("w:bottom", w=margin, type="dxa"))
        valign.addprevious(mar)
    out.container = _CellBox(cells[0])
    if number is not None:
        out.paragraph("docnumber")
        _flat(out.p, pitch, left=char, align="left")
        inlines(number)
    out.container = _CellBox(cells[1])
    out.paragraph("docnumber")
    _flat(out.p, pitch, left=label_w + SLACK, align="left", hanging=label_w, right=char)
    out.text(label)
    for k, names in enumerate(rows):
        if k:
            out.empty_run("w:br")
        _names(out, names)
    out.container = out.setup.document._body
    # the room down to the title's line, as under a 文号 paragraph (Parts.separator)
    out.paragraph("docnumber")
    room = room_to_title(style, under + margin / 20 + width / 8)
    put(out.p.get_or_add_pPr(), el("w:spacing", before=0, after=0, line=max(20, line_twips(room)),
                                   lineRule="exact"), PPR_ORDER)
    out.p = out.target = None  # the separator is drawn: none under a paragraph


class _CellBox:
    """A table cell as the container Output.paragraph adds paragraphs to."""

    def __init__(self, tc):
        self._element = tc

    def add_paragraph(self):
        from docx.text.paragraph import Paragraph

        p = el("w:p")
        self._element.append(p)
        return Paragraph(p, None)


def _flat(p, pitch: float, left: float, align: str, hanging: float = 0.0, right: float = 0.0) -> None:
    """A paragraph on exact lines of the grid's pitch, no space around it, indented as given."""
    ppr = p.get_or_add_pPr()
    put(ppr, el("w:spacing", before=0, after=0, line=line_twips(pitch), lineRule="exact"), PPR_ORDER)
    ind = {"left": twips(left), "right": twips(right), "firstLineChars": 0}
    ind |= {"hanging": twips(hanging)} if hanging else {"firstLine": 0}
    put(ppr, el("w:ind", **ind), PPR_ORDER)
    put(ppr, el("w:jc", val=align), PPR_ORDER)


def joint_mark(out: Output, node: etree._Element, lines_above: int) -> None:
    """GB/T 9704 7.2.3 as a borderless table of one row, centred: the issuers one a paragraph in
    the first cell, each spread over the cell's width (distributed); 文件 in the second, centred
    on them. An empty paragraph of exact height before it puts the first name's top edge the
    mark role's space-before under the type area's top; one after it, the room down to the 文号."""
    style = out.setup.style
    role, pitch = style.role("mark"), style.role("body").line_pitch
    issuers = [c for c in node if tag_of(c) == "issuer"]
    word = (issuers[-1].tail or "").strip()
    measure = face_measure(role.fonts, role.size)
    texts = [((node.text or "").strip() if k == 0 else "") + (i.text or "") for k, i in enumerate(issuers)]
    stack = max(measure(t) for t in texts)
    gap = JOINT_WORD_GAP * role.size if word else 0.0
    word_w = measure(word) + gap if word else 0.0
    scale = min(1.0, (out.width - 4.0) / (stack + word_w))  # set smaller when wider than the type area
    line = JOINT_PITCH * role.size * scale
    spacer = 1.0  # points: the empty paragraph's exact line
    out.paragraph("mark")
    top = role.space_before
    # as Parts._at_top: the characters' top edge sits (line - size) / 2 under the line's top, less
    # what LibreOffice 7.4 lifts the Black face (0.128 em)
    size = role.size * scale
    before = top - lines_above * pitch - spacer - (line - size) / 2 + 0.128 * size
    put(out.p.get_or_add_pPr(), el("w:spacing", before=max(0, twips(before)), after=0, line=twips(spacer),
                                   lineRule="exact"), PPR_ORDER)
    # 2 pt more a cell: half-point sizes and the word processor's own rounding must not wrap a name
    widths = [stack * scale + 2.0] + ([word_w * scale + 2.0] if word else [])
    tbl = _table(widths)
    out.p.addnext(tbl)
    row = el("w:tr")
    tbl.append(row)
    cells = [_cell(row, w, center=k == 1) for k, w in enumerate(widths)]
    for text in texts:
        _mark_paragraph(out, cells[0], text, line, size, "distribute")
    if word:
        _mark_paragraph(out, cells[1], word, line, size, "left", indent=gap * scale)
    # then the 文号 where it stands under a one-line mark: a mark line (two grid lines) and the
    # mark's space after under the last name's line top (as layout.paginate places it), its
    # baseline as deep as the layout's
    out.paragraph("mark")
    room = role.line_pitch + role.space_after - line - baseline_drop(style.role("docnumber"))
    put(out.p.get_or_add_pPr(), el("w:spacing", before=0, after=0, lineRule="exact",
                                   line=max(20, line_twips(room))), PPR_ORDER)
    out.p = out.target = None


def _table(widths: list[float]) -> etree._Element:
    tbl = el("w:tbl")
    pr = el("w:tblPr")
    pr.append(el("w:tblW", w=twips(sum(widths)), type="dxa"))
    pr.append(el("w:jc", val="center"))
    borders = el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(el(f"w:{side}", val="nil"))
    pr.append(borders)
    pr.append(el("w:tblLayout", type="fixed"))
    margins = el("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(el(f"w:{side}", w=0, type="dxa"))
    pr.append(margins)
    tbl.append(pr)
    grid = el("w:tblGrid")
    for w in widths:
        grid.append(el("w:gridCol", w=twips(w)))
    tbl.append(grid)
    return tbl


def _cell(row: etree._Element, width: float, center: bool = False, bottom: bool = False) -> etree._Element:
    tc = el("w:tc")
    pr = el("w:tcPr")
    pr.append(el("w:tcW", w=twips(width), type="dxa"))
    if center or bottom:
        pr.append(el("w:vAlign", val="center" if center else "bottom"))
    tc.append(pr)
    row.append(tc)
    return tc


def _mark_paragraph(out: Output, cell: etree._Element, text: str, line: float, size: float, align: str,
                    indent: float = 0.0) -> None:
    """A paragraph of the mark style in a cell: its text, at ``size``, on an exact line."""
    p = el("w:p")
    cell.append(p)
    ppr = el("w:pPr")
    ppr.append(el("w:pStyle", val=out.setup.ids["mark"]))
    p.append(ppr)
    put(ppr, el("w:spacing", before=0, after=0, line=line_twips(line), lineRule="exact"), PPR_ORDER)
    put(ppr, el("w:ind", left=twips(indent), right=0, firstLine=0, firstLineChars=0), PPR_ORDER)
    put(ppr, el("w:jc", val=align), PPR_ORDER)
    r = el("w:r")
    rpr = el("w:rPr")
    rpr.append(el("w:sz", val=round(size * 2)))
    rpr.append(el("w:szCs", val=round(size * 2)))
    r.append(rpr)
    t = el("w:t")
    t.text = text
    r.append(t)
    p.append(r)


def letterhead(out: Output, node: etree._Element, visit, inlines) -> None:
    """The 信函's 版头 (GB/T 9704 10.1), with the layout's numbers (layout/blocks.py LETTER_*):
    the mark in a frame whose top edge is 30 mm from the page top, the double rule (thick over
    thin) its bottom border; 份号, 密级, 紧急 flush left in the text from 7/8 of a 三号 character
    under the rule; the 文号 in a frame flush right on their first line; the double rule (thin
    over thick) of page 1's foot the top border of an empty frame. Frames keep the text in its
    written order (份号 … before the mark) while the page shows the mark first."""
    style = out.setup.style
    page, pitch = style.page, style.role("body").line_pitch
    mark_role, role = style.role("mark"), style.role("masthead")
    color = mark_role.color.lstrip("#").upper()
    mark_top = page.margin_top + mark_role.space_before  # from the page's top edge
    mark_line = mark_role.size  # an exact line as tall as the characters
    rule_top = mark_top + mark_role.size + LETTER_BELOW
    first_top = rule_top + LETTER_THICK + LETTER_SPACE + LETTER_THIN + LETTER_GAP  # the first line's characters
    # an exact line's characters sit this far under its top (less what LibreOffice 7.4 was
    # measured to set them lower: 3 pt)
    inset = (pitch - role.size) / 2 + EXACT_LINE_DROP
    left = [c for c in children(node) if tag_of(c) in ("copy-number", "secrecy", "urgency")]
    # the pair as one compound border (thick, gap, thin); LibreOffice 7.4 draws its thick line
    # as wide as the border's size, the thin one and the gap in proportion
    double = round(LETTER_THICK * 8)
    overhang = (LETTER_RULE - out.width) / 2
    for k, c in enumerate(children(node)):
        tag = tag_of(c)
        if tag in ("copy-number", "secrecy", "urgency"):
            out.paragraph("masthead")
            out.text(c.text)
            if k == 0 or c is left[0]:
                _spacing(out.p, before=first_top - page.margin_top - inset)
        elif tag == "mark":
            out.paragraph("mark")
            out.text(c.text)
            for issuer in c:
                out.text(issuer.text)
                out.text(issuer.tail)
            ppr = out.p.get_or_add_pPr()
            put(ppr, el("w:framePr", w=twips(LETTER_RULE), hAnchor="margin", x=-twips(overhang), vAnchor="page",
                        y=twips(mark_top + FRAME_LIFT * mark_role.size),
                        wrap="none", hSpace=0, vSpace=0), PPR_ORDER)
            border = el("w:pBdr")
            # Word and LibreOffice draw a bottom border ``space`` under the line box
            border.append(el("w:bottom", val="thickThinSmallGap", sz=double, color=color,
                             space=max(0, round((LETTER_BELOW - FRAME_LIFT * mark_role.size) / BORDER_SPACE_DRAWN))))
            put(ppr, border, PPR_ORDER)
            _spacing(out.p, before=0, line=mark_line)
            put(ppr, el("w:ind", left=0, right=0, firstLine=0, firstLineChars=0), PPR_ORDER)
            _foot_rule(out, color, double, overhang)
        elif tag == "docnumber":
            out.paragraph("docnumber")
            inlines(c)
            number_w = face_measure(style.role("docnumber").fonts, style.role("docnumber").size)(
                "".join(c.itertext())) * _scale(out, style.role("docnumber").size) + 4 * SLACK
            ppr = out.p.get_or_add_pPr()
            put(ppr, el("w:framePr", w=twips(number_w), hAnchor="margin", xAlign="right", vAnchor="page",
                        y=twips(first_top - inset), wrap="none", hSpace=0, vSpace=0), PPR_ORDER)
            _spacing(out.p, before=0, after=0, line=pitch)
            put(ppr, el("w:jc", val="right"), PPR_ORDER)
            put(ppr, el("w:ind", left=0, right=0, firstLine=0, firstLineChars=0), PPR_ORDER)
        else:  # 签发人 (a letter names none): a line of its own
            visit(c)
    # the title two lines under the last element (the 文号's line when there is none)
    out.paragraph("docnumber")
    gap = 2 * pitch if left else first_top - page.margin_top - inset + 3 * pitch
    _spacing(out.p, before=0, after=0, line=gap)
    out.p = out.target = None


def _foot_rule(out: Output, color: str, double: int, overhang: float) -> None:
    """Page 1's lower double rule (thin over thick), its bottom edge LETTER_FOOT above the
    page's: the top border of an empty frame, as long as the upper one."""
    page = out.setup.style.page
    out.paragraph("mark")
    ppr = out.p.get_or_add_pPr()
    height = 1.0
    edge = page.height - LETTER_FOOT - (LETTER_THICK + LETTER_SPACE + LETTER_THIN)  # the pair's top edge
    put(ppr, el("w:framePr", w=twips(LETTER_RULE), hAnchor="margin", x=-twips(overhang), vAnchor="page",
                y=twips(edge), wrap="none", hSpace=0, vSpace=0, h=twips(height), hRule="exact"), PPR_ORDER)
    border = el("w:pBdr")
    border.append(el("w:top", val="thickThinSmallGap", sz=double, color=color, space=0))
    put(ppr, border, PPR_ORDER)
    _spacing(out.p, before=0, after=0, line=height)


def _spacing(p, before: float = 0.0, after: float = 0.0, line: float | None = None) -> None:
    attrs = {"before": max(0, twips(before)), "after": max(0, twips(after))}
    if line is not None:
        attrs |= {"line": max(20, line_twips(line)), "lineRule": "exact"}
    put(p.get_or_add_pPr(), el("w:spacing", **attrs), PPR_ORDER)
