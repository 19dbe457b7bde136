"""The EPUB style sheet: CSS generated from the resolved style, one rule per role.

Sizes are written in ``em`` relative to the enclosing text, never in points: a reader's own
font-size setting then scales the whole book, and the proportions of the style sheet (title
22 pt over body 16 pt = 1.375em) survive.  Lengths that belong to a role (indents, spacing)
are in ``em`` of that role's own size, which is what CSS ``em`` means on the element itself.
Line pitch becomes a unitless ``line-height`` (pitch / size), which inherits as a ratio.

Fonts are named, not embedded: the reader uses the resolved families where it has them, else
the generic family that ends each list.  The XHTML translator (xhtml.py) produces the classes
these selectors name.
"""
from __future__ import annotations


from ..style import ResolvedStyle, Role

#: words in a family name that say which generic CSS family stands in when none is available
_SANS = ("sans", "hei", "gothic", "arial", "helvetica")
_MONO = ("mono", "code", "courier")

Rules = list[tuple[str, dict[str, str]]]


def stylesheet(style: ResolvedStyle) -> str:
    """The whole CSS text for a book in this style."""
    body = style.role("body")
    rules: Rules = []
    rules += _base_rules(body)
    rules += _front_rules(style, body)
    rules += _heading_rules(style, body)
    rules += _block_rules(style, body)
    rules += _closing_rules(style, body)
    rules += _fixed_rules()
    head = f"/* Generated from style sheet {style.name!r}; sizes in em relative to the body text. */\n"
    return head + "\n".join(_format(sel, decls) for sel, decls in rules if decls) + "\n"


# --- declarations for one role -------------------------------------------------------------

def font_family(role: Role) -> str:
    """The CSS font-family list: the resolved Latin family, the resolved CJK family, a generic."""
    names = [role.fonts.latin.family, role.fonts.cjk.family]
    families = [f'"{n}"' for i, n in enumerate(names) if n and n not in names[:i]]
    return ", ".join(families + [_generic(role)])


def _generic(role: Role) -> str:
    words = " ".join((role.fonts.family, role.fonts.latin.family, role.fonts.cjk.family)).lower()
    if any(w in words for w in _MONO):
        return "monospace"
    if any(w in words for w in _SANS):
        return "sans-serif"
    return "serif"


def font(role: Role, parent: Role | None) -> dict[str, str]:
    """Character properties; the size is relative to ``parent`` (omitted when None)."""
    decls = {
        "font-family": font_family(role),
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


def box(role: Role) -> dict[str, str]:
    """Space around a role's block: space before/after and the left/right indents."""
    decls = {
        "margin-top": em(role.space_before, role.size),
        "margin-right": em(role.right_indent, role.size),
        "margin-bottom": em(role.space_after, role.size),
        "margin-left": em(role.left_indent, role.size),
    }
    if role.keep_with_next:
        decls |= {"page-break-after": "avoid", "break-after": "avoid"}
    return decls


def block(role: Role, parent: Role | None) -> dict[str, str]:
    """Every property of a block role."""
    return font(role, parent) | paragraph(role) | box(role)


def em(points: float, size: float) -> str:
    """A length in points as em of a font size ("0" for nothing)."""
    if not size or abs(points) < 1e-6:
        return "0"
    return _number(points / size) + "em"


def _number(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# --- the rules, grouped as the document is -------------------------------------------------

def _base_rules(body: Role) -> Rules:
    return [
        # No font-size on body: the reader's chosen size is the body size, everything else is em.
        ("body", font(body, None) | {
            # strict: small kana and the iteration marks never start a line; Latin text is unaffected
            "line-break": "strict",
            "orphans": "2",
            "widows": "2",
        }),
        ("p", paragraph(body) | box(body)),
    ]


def _front_rules(style: ResolvedStyle, body: Role) -> Rules:
    return [
        ("h1.title", block(style.role("title"), body)),
        ("p.subtitle", block(style.role("subtitle"), body)),
        ("p.docnumber", block(style.role("docnumber"), body)),
        ("p.addressee", block(style.role("addressee"), body)),
    ]


def _heading_rules(style: ResolvedStyle, body: Role) -> Rules:
    rules: Rules = []
    for n in range(1, 7):
        rules.append((f"h{n}", block(style.role(f"heading-{n}"), body)))
    # A run-in heading is the start of a paragraph: the container is the paragraph (body
    # lines and spacing), the heading and the first paragraph flow inline inside it.
    rules.append(("div.runin", paragraph(body) | box(body)))
    for n in range(1, 7):
        rules.append((f"div.runin > h{n}", font(style.runin_role(n), body) | _INLINE))
    rules.append(("div.runin > p", _INLINE))
    rules.append(("span.lead", font(style.role("lead"), body)))
    return rules


_INLINE = {"display": "inline", "margin": "0", "padding": "0", "text-indent": "0"}


def _block_rules(style: ResolvedStyle, body: Role) -> Rules:
    quote, code, lst = style.role("quote"), style.role("code"), style.role("list")
    table, header, caption = style.role("table"), style.role("table-header"), style.role("caption")
    note, link = style.role("footnote"), style.role("link")
    return [
        ("blockquote", font(quote, body) | box(quote)),
        ("blockquote p", paragraph(quote)),
        ("pre", block(code, body) | {"white-space": "pre-wrap", "text-indent": "0"}),
        ("pre code", {"font-size": "1em"}),
        ("code", {"font-family": font_family(code)}),
        ("ul, ol", box(lst) | {"padding-left": "1.5em"}),
        ("li > p", paragraph(lst) | {"margin-top": "0", "margin-bottom": "0"}),
        ("table", font(table, body) | box(table) | {"border-collapse": "collapse"}),
        ("td", paragraph(table)),
        ("th", font(header, table) | paragraph(header)),
        ("caption, figcaption", block(caption, body)),
        ("figure", {"margin": "1em 0", "text-align": "center", "text-indent": "0"}),
        ("aside.footnote", block(note, body)),
        ("aside.footnote p", paragraph(note)),
        ("a", {"color": link.color} if link.color.lower() != "#000000" else {}),
    ]


def _closing_rules(style: ResolvedStyle, body: Role) -> Rules:
    return [
        ("p.attachment", block(style.role("attachment"), body)),
        # only the first attachment paragraph keeps the space above the attachment note
        ("p.attachment + p.attachment", {"margin-top": "0"}),
        ("p.signature", block(style.role("signature"), body)),
        ("p.signature + p.signature", {"margin-top": "0"}),
        ("p.date", block(style.role("date"), body)),
        ("p.remark", block(style.role("remark"), body)),
    ]


def _fixed_rules() -> Rules:
    """Rules that do not depend on the style sheet."""
    return [
        ("th, td", {"border": "1px solid", "padding": "0.2em 0.4em", "vertical-align": "top"}),
        ("th.align-left, td.align-left", {"text-align": "left"}),
        ("th.align-center, td.align-center", {"text-align": "center"}),
        ("th.align-right, td.align-right", {"text-align": "right"}),
        ("img", {"max-width": "100%", "height": "auto"}),
        ("hr", {"margin": "1em 0"}),
        ("div.pagebreak", {"page-break-before": "always", "break-before": "page",
                           "margin": "0", "height": "0"}),
        ("a.noteref", {"vertical-align": "super", "font-size": "0.75em", "line-height": "0",
                       "text-decoration": "none"}),
        ("a.backlink", {"text-decoration": "none", "margin-right": "0.5em"}),
    ]


def _format(selector: str, decls: dict[str, str]) -> str:
    body = "".join(f"  {k}: {v};\n" for k, v in decls.items())
    return f"{selector} {{\n{body}}}\n"
