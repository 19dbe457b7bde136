"""The EPUB style sheet: CSS generated from the resolved style, one rule per role.

Sizes are written in ``em`` relative to the enclosing text, never in points: a reader's own
font-size setting then scales the whole book, and the proportions of the style sheet (title
22 pt over body 16 pt = 1.375em) survive.  Lengths that belong to a role (indents, spacing)
are in ``em`` of that role's own size, which is what CSS ``em`` means on the element itself.
Line pitch becomes a unitless ``line-height`` (pitch / size), which inherits as a ratio.

Font-family lists name a role's Latin face, its CJK face, then the style's fallback faces,
then a generic family.  The EPUB writer embeds those faces (fonts.py) and passes the
``@font-face`` rules and the set of embedded families in; the lists then name only those, so
that every family a list names is in the book.  The XHTML translator (xhtml.py) produces the
classes these selectors name.

In vertical writing (style ``[epub] writing-mode``) lines run top to bottom and follow each
other right to left: space before a paragraph is on its right, an indent at its top.
"""
from __future__ import annotations

import re

from dataclasses import dataclass

from ...fonts.find import FontFace
from ...layout.blocks import (COLOPHON_INNER, COLOPHON_OUTER, LETTER_SPACE, LETTER_THICK, LETTER_THIN,
                              SEPARATOR_THICKNESS)
from ...style import ResolvedStyle, Role
from . import writing_mode

#: words in a family name that say which generic CSS family stands in when none is available
_SANS = ("sans", "hei", "gothic", "arial", "helvetica")
_MONO = ("mono", "code", "courier")


@dataclass(frozen=True)
class Families:
    """A role's font-family list, in the order a reader tries it.  Written out only when the
    sheet is formatted: which of these faces the book embeds is known only then."""

    role: Role
    fallback: tuple[FontFace, ...]

    def faces(self) -> list[FontFace]:
        return [self.role.fonts.latin, self.role.fonts.cjk, *self.fallback]

    def css(self, embedded: set[str] | None = None) -> str:
        """The declaration's value; with ``embedded``, only the families the book embeds."""
        names: list[str] = []
        for face in self.faces():
            if face.family not in names and (embedded is None or face.family in embedded):
                names.append(face.family)
        return ", ".join([f'"{n}"' for n in names] + [_generic(self.role)])


Rules = list[tuple[str, dict[str, "str | Families"]]]

#: (before, after, start, end) sides of a block: where space before/after and indents go
SIDES = {"horizontal-tb": ("top", "bottom", "left", "right"),
         "vertical-rl": ("right", "left", "top", "bottom")}


#: classes whose rules a book's style sheet has only when the book uses them (GB/T 9704 parts
#: few documents have: 签发人, a joint mark, the 信函's rules, a 纪要's attendance lists)
OPTIONAL_CLASSES = frozenset({"signers", "joint", "letter", "attendance", "attendance-label"})


def stylesheet(style: ResolvedStyle, font_faces: str = "", embedded: set[str] | None = None,
               classes: set[str] | frozenset[str] = frozenset(), title_page: bool = False) -> str:
    """The whole CSS text for a book in this style.

    ``font_faces``: the @font-face rules of the embedded fonts, written first; ``embedded``:
    their family names (font-family lists then name only these and a generic family);
    ``classes``: the classes the book's pages use (a rule for an OPTIONAL_CLASSES class is
    written only when it is among them); ``title_page``: the book has a title page (its rule is
    written only then).
    """
    head = f"/* Generated from style sheet {style.name!r}; sizes in em relative to the body text. */\n"
    chosen = rules(style) + (_title_page_rules(SIDES[writing_mode(style)]) if title_page else [])
    body = "\n".join(_format(sel, decls, embedded) for sel, decls in chosen
                     if decls and _wanted(sel, classes))
    return head + (font_faces + "\n" if font_faces else "") + body + "\n"


def _wanted(selector: str, classes) -> bool:
    named = set(re.findall(r"\.([\w-]+)", selector)) & OPTIONAL_CLASSES
    return named <= set(classes)


def rules(style: ResolvedStyle) -> Rules:
    """Every rule of the sheet, in order: (selector, declarations)."""
    body = style.role("body")
    sides = SIDES[writing_mode(style)]
    out: Rules = []
    out += _base_rules(style, body, sides)
    out += _front_rules(style, body, sides)
    out += _heading_rules(style, body, sides)
    out += _block_rules(style, body, sides)
    out += _closing_rules(style, body, sides)
    out += _masthead_rules(style, body, sides)
    out += _fixed_rules(sides)
    return out


def _masthead_rules(style: ResolvedStyle, body: Role, sides) -> Rules:
    """GB/T 9704 7.2.3–7.2.5 and 10.1 as an e-book can show them (layout/blocks.py has the
    print's numbers): the 文号 and the 签发人 on one line, later names under the first; a joint
    mark's issuers spread to one width with 文件 centred beside them; the 信函's red double rule
    (thick over thin) under its mark and the 文号 flush right."""
    red = style.role("mark").color
    signer, number = style.role("signer"), style.role("docnumber")
    return [
        ("div.signers", {"display": "table", "width": "100%", f"margin-{sides[1]}": "0"}),
        ("div.signers > p.docnumber", {"display": "table-cell", "vertical-align": "bottom", "text-align": "left",
                                       "text-indent": "0", f"padding-{sides[2]}": "1em"}),
        ("div.signers > p.signers", {"display": "table-cell", "vertical-align": "bottom", "text-align": "right",
                                     "text-indent": "0", f"padding-{sides[3]}": "1em"}),
        ("span.signers", {"display": "inline-block", "text-align": "left", "vertical-align": "top"}),
        ("span.signers span.signer", font(signer, body, style.fallback)),
        ("div.joint", {"display": "table", "margin": "0 auto"}),
        ("div.joint > div.issuers, div.joint > p.mark", {"display": "table-cell", "vertical-align": "middle"}),
        ("div.joint p.mark", {"text-align": "justify", "text-align-last": "justify", "margin": "0"}),
        ("div.joint > p.mark", {f"padding-{sides[2]}": "0.5em", "text-align-last": "auto"}),
        # the 信函's mark and rule above 份号 … (written before the mark), the first of 份号 …
        # and the 文号 on one line under them, the others one a line below, where a reader lays
        # out flex boxes (elsewhere in the order written). On a narrow screen the 文号 wraps
        # under 份号, still flush right; the two never overlap.
        # the space the 文号 keeps under it (to the title) goes under the whole group
        ("div.masthead.letter", {"display": "flex", "flex-flow": "row wrap", "align-items": "flex-start",
                                 f"padding-{sides[1]}": em(number.space_after, body.size)}),
        ("div.masthead.letter > div.mark", {"order": "-2", "flex": "1 0 100%"}),
        ("div.masthead.letter > hr.letter", {"order": "-1", "flex": "1 0 100%", "box-sizing": "border-box"}),
        ("div.masthead.letter > p.masthead", {"flex": "0 1 auto", f"margin-{sides[3]}": "1em"}),
        ("div.masthead.letter > p.masthead ~ p.masthead", {"order": "2", "flex": "1 0 100%", f"margin-{sides[3]}": "0"}),
        ("div.masthead.letter > p.docnumber.letter", {"order": "1", "flex": "0 1 auto", f"margin-{sides[2]}": "auto",
                                                      f"margin-{sides[1]}": "0"}),
        ("hr.letter", {"border": "none", f"border-{sides[0]}": f"{_mm(LETTER_THICK)} solid {red}",
                       f"border-{sides[1]}": f"{_mm(LETTER_THIN)} solid {red}", "height": _mm(LETTER_SPACE),
                       f"margin-{sides[0]}": "0.5em", f"margin-{sides[1]}": "0.5em"}),
        ("p.docnumber.letter", {"text-align": "right" if sides[0] == "top" else "end"}),
    ]


def font_rules(style: ResolvedStyle) -> list[tuple[str, dict]]:
    """The rules that set a font-family (the EPUB writer follows them to know which face
    draws each character): (selector, declarations with a Families value)."""
    return [(sel, decls) for sel, decls in rules(style) if isinstance(decls.get("font-family"), Families)]


# --- declarations for one role -------------------------------------------------------------

def _generic(role: Role) -> str:
    words = " ".join((role.fonts.family, role.fonts.latin.family, role.fonts.cjk.family)).lower()
    if any(w in words for w in _MONO):
        return "monospace"
    if any(w in words for w in _SANS):
        return "sans-serif"
    return "serif"


def font(role: Role, parent: Role | None, fallback: tuple[FontFace, ...]) -> dict:
    """Character properties; the size is relative to ``parent`` (omitted when None)."""
    decls: dict = {
        "font-family": Families(role, fallback),
        "font-weight": "bold" if role.bold else "normal",
        "font-style": "italic" if role.italic else "normal",
    }
    if parent is not None:
        decls["font-size"] = em(role.size, parent.size)
    if role.color.lower() != "#000000":
        # black is left unsaid so that a reader's night mode can still invert the text
        decls["color"] = role.color
    return decls


def paragraph(role: Role) -> dict[str, str]:
    """Line properties of a role's paragraphs: alignment, first-line indent, line height."""
    return {
        "text-align": role.align,
        "text-indent": em(role.first_line_indent, role.size),
        "line-height": _number(role.line_pitch / role.size) if role.size else "normal",
    }


def box(role: Role, sides: tuple[str, str, str, str] = SIDES["horizontal-tb"]) -> dict[str, str]:
    """Space around a role's block: space before/after and the start/end (left/right) indents."""
    before, after, start, end = sides
    decls = {
        f"margin-{before}": em(role.space_before, role.size),
        f"margin-{end}": em(role.right_indent, role.size),
        f"margin-{after}": em(role.space_after, role.size),
        f"margin-{start}": em(role.left_indent, role.size),
    }
    if role.keep_with_next:
        decls |= {"page-break-after": "avoid", "break-after": "avoid"}
    return decls


def block(role: Role, parent: Role | None, style: ResolvedStyle, sides) -> dict:
    """Every property of a block role."""
    return font(role, parent, style.fallback) | paragraph(role) | box(role, sides)


def em(points: float, size: float) -> str:
    """A length in points as em of a font size ("0" for nothing)."""
    if not size or abs(points) < 1e-6:
        return "0"
    return _number(points / size) + "em"


def _number(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# --- the rules, grouped as the document is -------------------------------------------------

def _base_rules(style: ResolvedStyle, body: Role, sides) -> Rules:
    out: Rules = []
    vertical = writing_mode(style)
    if vertical != "horizontal-tb":
        # the root's writing mode decides the page progression; -epub- for older reading systems
        mode = {"writing-mode": vertical, "-epub-writing-mode": vertical}
        out.append(("html", mode))
    else:
        mode = {}
    out += [
        # No font-size on body: the reader's chosen size is the body size, everything else is em.
        ("body", mode | font(body, None, style.fallback) | {
            # strict: small kana and the iteration marks never start a line; Latin text is unaffected
            "line-break": "strict",
            "orphans": "2",
            "widows": "2",
        }),
        ("p", paragraph(body) | box(body, sides)),
    ]
    if vertical != "horizontal-tb":
        # digits standing in vertical lines (upright.py): one or two in one cell, more upright
        out += [
            ("span.tcy", {"text-combine-upright": "all", "-epub-text-combine": "horizontal",
                          "-webkit-text-combine": "horizontal"}),
            ("span.upright", {"text-orientation": "upright", "-epub-text-orientation": "upright",
                              "-webkit-text-orientation": "upright"}),
        ]
    return out


def _front_rules(style: ResolvedStyle, body: Role, sides) -> Rules:
    return [
        ("h1.title", block(style.role("title"), body, style, sides)),
        ("p.subtitle", block(style.role("subtitle"), body, style, sides)),
        ("p.docnumber", block(style.role("docnumber"), body, style, sides)),
        ("p.addressee", block(style.role("addressee"), body, style, sides)),
    ]


def _title_page_rules(sides) -> Rules:
    """The title page: its lines (the title, subtitle and byline roles) a third down the page."""
    return [("section.titlepage", {f"margin-{sides[0]}": "30%", "text-indent": "0"})]


def _heading_rules(style: ResolvedStyle, body: Role, sides) -> Rules:
    rules: Rules = []
    for n in range(1, 7):
        rules.append((f"h{n}", block(style.role(f"heading-{n}"), body, style, sides)))
    # A run-in heading is the start of a paragraph: the container is the paragraph (body
    # lines and spacing), the heading and the first paragraph flow inline inside it.
    rules.append(("div.runin", paragraph(body) | box(body, sides)))
    for n in range(1, 7):
        rules.append((f"div.runin > h{n}", font(style.runin_role(n), body, style.fallback) | _INLINE))
    rules.append(("div.runin > p", _INLINE))
    rules.append(("span.lead", font(style.role("lead"), body, style.fallback)))
    return rules


_INLINE = {"display": "inline", "margin": "0", "padding": "0", "text-indent": "0"}


def _block_rules(style: ResolvedStyle, body: Role, sides) -> Rules:
    quote, code, lst = style.role("quote"), style.role("code"), style.role("list")
    table, header, caption = style.role("table"), style.role("table-header"), style.role("caption")
    note, link = style.role("footnote"), style.role("link")
    fb = style.fallback
    return [
        ("blockquote", font(quote, body, fb) | box(quote, sides)),
        ("blockquote p", paragraph(quote)),
        ("pre", block(code, body, style, sides) | {"white-space": "pre-wrap", "text-indent": "0"}),
        ("pre code", {"font-size": "1em"}),
        ("code", {"font-family": Families(code, fb)}),
        ("ul, ol", box(lst, sides) | {f"padding-{sides[2]}": "1.5em"}),
        ("li > p", paragraph(lst) | {f"margin-{sides[0]}": "0", f"margin-{sides[1]}": "0"}),
        ("table", font(table, body, fb) | box(table, sides) | {"border-collapse": "collapse"}),
        ("td", paragraph(table)),
        ("th", font(header, table, fb) | paragraph(header)),
        ("caption, figcaption", block(caption, body, style, sides)),
        ("figure", {"margin": "1em 0" if sides[0] == "top" else "0 1em", "text-align": "center",
                    "text-indent": "0"}),
        ("aside.footnote", block(note, body, style, sides)),
        ("aside.footnote p", paragraph(note)),
        ("a", {"color": link.color} if link.color.lower() != "#000000" else {}),
    ]


def _closing_rules(style: ResolvedStyle, body: Role, sides) -> Rules:
    return [
        ("p.attachment", block(style.role("attachment"), body, style, sides)),
        # only the first attachment paragraph keeps the space above the attachment note
        ("p.attachment + p.attachment", {f"margin-{sides[0]}": "0"}),
        ("p.signature", block(style.role("signature"), body, style, sides)),
        ("p.signature + p.signature", {f"margin-{sides[0]}": "0"}),
        ("p.date", block(style.role("date"), body, style, sides)),
        ("p.remark", block(style.role("remark"), body, style, sides)),
        # 纪要: 出席 / 请假 / 列席 左空二字, wrapped names under the first name: after the label,
        # three characters with its colon (出席：); one blank line above the first
        ("p.attendance", block(style.role("attendance"), body, style, sides)
         | {"text-indent": "-3em",
            f"margin-{sides[2]}": _number(style.role("attendance").first_line_indent / body.size + 3) + "em"}),
        ("p.attendance + p.attendance", {f"margin-{sides[0]}": "0"}),
        ("span.attendance-label", font(style.role("attendance-label"), None, style.fallback)),
        # the rest of a GB/T 9704 document (parts.py)
        ("p.record", block(style.role("record"), body, style, sides)),
        ("p.masthead", block(style.role("masthead"), body, style, sides)),
        ("p.mark", block(style.role("mark"), body, style, sides)),
        ("p.byline", block(style.role("byline"), body, style, sides)),
        ("p.annex-label", block(style.role("annex-label"), body, style, sides)),
        ("p.colophon", block(style.role("colophon"), body, style, sides)),
        # the GB/T 9704 rules from the same numbers as the print (layout/blocks.py): the red
        # separator under the 文号, attachment bodies from a new page, the 版记 between rules
        ("hr.separator", {"border": "none", f"border-{sides[0]}": f"{_mm(SEPARATOR_THICKNESS)} solid {style.role('mark').color}",
                           f"margin-{sides[0]}": "0.5em", f"margin-{sides[1]}": "2em"}),
        ("section.annex", {"page-break-before": "always", "break-before": "page"}),
        ("div.colophon", {f"border-{sides[0]}": f"{_mm(COLOPHON_OUTER)} solid",
                          f"border-{sides[1]}": f"{_mm(COLOPHON_OUTER)} solid", f"margin-{sides[0]}": "2em"}),
        ("p.printer", {f"border-{sides[0]}": f"{_mm(COLOPHON_INNER)} solid"}),
        # a 信函's 版记 without rules (GB/T 9704 10.1)
        ("div.colophon.letter", {f"border-{sides[0]}": "none", f"border-{sides[1]}": "none"}),
        ("div.colophon.letter > p.printer", {f"border-{sides[0]}": "none"}),
    ]


def _mm(points: float) -> str:
    return f"{_number(points * 25.4 / 72)}mm"


def _fixed_rules(sides) -> Rules:
    """Rules that do not depend on the style sheet (but on the writing mode)."""
    horizontal = sides[0] == "top"
    return [
        ("th, td", {"border": "1px solid", "padding": "0.2em 0.4em", "vertical-align": "top"}),
        ("th.align-left, td.align-left", {"text-align": "left"}),
        ("th.align-center, td.align-center", {"text-align": "center"}),
        ("th.align-right, td.align-right", {"text-align": "right"}),
        ("img", {"max-width": "100%", "height": "auto"} if horizontal
         else {"max-width": "100%", "max-height": "100%", "width": "auto"}),
        ("hr", {"margin": "1em 0" if horizontal else "0 1em"}),
        ("div.pagebreak", {"page-break-before": "always", "break-before": "page",
                           "margin": "0", "height" if horizontal else "width": "0"}),
        ("a.noteref", {"vertical-align": "super", "font-size": "0.75em", "line-height": "0",
                       "text-decoration": "none"}),
        ("span.missing-image", {"display": "inline-block", "border": "1px solid", "padding": "0.2em 0.4em"}),
        ("a.backlink", {"text-decoration": "none", f"margin-{sides[3]}": "0.5em"}),
        ("li.task", {"list-style-type": "none"}),  # the box is the item's marker
        ("dt", {"font-weight": "bold"}),
        ("dd", {f"margin-{sides[3]}": "2em"}),
        ("code.math.display", {"display": "block", "text-align": "center", "text-indent": "0"}),
    ]


def _format(selector: str, decls: dict, embedded: set[str] | None) -> str:
    def value(v) -> str:
        return v.css(embedded) if isinstance(v, Families) else v

    body = "".join(f"  {k}: {value(v)};\n" for k, v in decls.items())
    return f"{selector} {{\n{body}}}\n"
