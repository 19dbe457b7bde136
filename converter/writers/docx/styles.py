"""Word styles, list numbering and the font table, all made from the resolved style sheet's roles.

The writer formats with named styles, not direct formatting, so that a user who opens the file in
Word sees "Heading 1", "Body Text", "Enumeration Lead" … and can restyle the whole document.
Built-in Word styles are emptied and refilled: the python-docx template gives them theme fonts
(w:asciiTheme …), colours and borders that would override the style sheet.
"""
from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.styles import BabelFish
from docx.styles.style import StyleFactory
from lxml import etree

from ...style.resolve import ResolvedStyle, Role
from .package import number_line_pitch
from .ooxml import (PPR_ORDER, RPR_ORDER, el, fonts_el, glyph_scale, half_points, is_cjk_lang, put, role_ppr,
                         role_rpr, twips)

#: CT_Style child order (ECMA-376 §17.7.4.17)
STYLE_ORDER = (
    "w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden",
    "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked", "w:personal",
    "w:personalCompose", "w:personalReply", "w:rsid", "w:pPr", "w:rPr", "w:tblPr", "w:trPr",
    "w:tcPr", "w:tblStylePr",
)
#: Word's own (built-in) style names we use; they must not be marked customStyle
BUILTIN_NAMES = {"Signature", "Date", "Hyperlink", "footnote text", "footnote reference", "List Continue"}
#: the ids Word gives built-in styles whose names have lower-case words (python-docx would
#: only drop the spaces: "footnotetext")
BUILTIN_IDS = {"footnote text": "FootnoteText", "footnote reference": "FootnoteReference"}
BODY = "Body Text"
#: the styles a user applies, shown in Word's style gallery (w:qFormat); the others (table text,
#: footers, continuation styles …) exist for the writer and stay in the full list only
GALLERY = {"Normal", BODY, "Title", "Subtitle", "heading 1", "heading 2", "heading 3", "heading 4", "Addressee",
           "Attachment", "Signature", "Date", "Remark", "Quote", "List Bullet", "List Number", "Enumeration Lead"}


@dataclass(frozen=True)
class ParaStyle:
    """A paragraph style to make: its Word name, the role it takes its values from, and options."""

    key: str  # the writer's name for it
    name: str  # Word's (internal) style name
    role: Role
    outline_level: int | None = None
    exact_pitch: bool = True
    next: str | None = None
    bottom_border: bool = False
    #: indents also in characters (w:firstLineChars …): only styles whose paragraphs never get
    #: indents of their own (list items and attachment notes do), which the characters would beat
    char_indents: bool = False


def paragraph_styles(style: ResolvedStyle) -> list[ParaStyle]:
    """Every paragraph style the writer uses, in the order they are defined."""
    r = style.role
    body = r("body")
    out = [
        ParaStyle("body", BODY, body, char_indents=True),
        ParaStyle("title", "Title", r("title"), next=BODY, char_indents=True),
        ParaStyle("subtitle", "Subtitle", r("subtitle"), next=BODY, char_indents=True),
        ParaStyle("docnumber", "Document Number", r("docnumber"), next="Title", char_indents=True),
        ParaStyle("addressee", "Addressee", r("addressee"), next=BODY, char_indents=True),
    ]
    for n in range(1, 7):
        out.append(ParaStyle(f"heading-{n}", f"heading {n}", r(f"heading-{n}"), outline_level=n - 1, next=BODY,
                             char_indents=True))
    attachment = r("attachment")
    out += [
        ParaStyle("attachment", "Attachment", attachment, next="Attachment Continuation"),
        # later attachment items: no blank line above them
        ParaStyle("attachment-cont", "Attachment Continuation", dataclasses.replace(attachment, space_before=0.0)),
        ParaStyle("signature", "Signature", r("signature"), next="Date", char_indents=True),
        ParaStyle("date", "Date", r("date"), char_indents=True),
        ParaStyle("remark", "Remark", r("remark"), char_indents=True),
        # the rest of a GB/T 9704 document (parts.py)
        ParaStyle("record", "Record", r("record")),
        ParaStyle("masthead", "Masthead", r("masthead"), char_indents=True),
        ParaStyle("mark", "Issuing Mark", r("mark"), next="Document Number", char_indents=True),
        ParaStyle("byline", "Byline", r("byline"), next=BODY, char_indents=True),
        ParaStyle("annex-label", "Attachment Label", r("annex-label"), next="Title", char_indents=True),
        ParaStyle("colophon", "Colophon", r("colophon"), char_indents=True),
        ParaStyle("quote", "Quote", r("quote")),
        ParaStyle("code", "Source Code", r("code")),  # the names pandoc reads back as code
        ParaStyle("caption", "caption", r("caption"), next=BODY),
        ParaStyle("footnote", "footnote text", r("footnote")),
        ParaStyle("table", "Table Text", r("table")),
        ParaStyle("table-header", "Table Heading", r("table-header")),
        ParaStyle("list-bullet", "List Bullet", r("list")),
        ParaStyle("list-number", "List Number", r("list")),
        ParaStyle("list-continue", "List Continue", r("list")),
        # a picture's paragraph: centred, and never an exact line pitch (that clips the picture)
        ParaStyle("figure", "Figure", dataclasses.replace(body, align="center", first_line_indent=0.0,
                                                         left_indent=0.0, right_indent=0.0, keep_with_next=True),
                  exact_pitch=False),
        ParaStyle("rule", "Horizontal Rule",
                  dataclasses.replace(body, line_pitch=body.size / 2, space_before=0.0, space_after=body.size / 2,
                                      first_line_indent=0.0, keep_with_next=False),
                  bottom_border=True),
    ]
    if style.page.number is not None:
        out.append(ParaStyle("footer", "footer", page_number_role(style)))
    return out


def page_number_role(style: ResolvedStyle) -> Role:
    """The page number's values as a role (the style sheet keeps them under page.number)."""
    pn = style.page.number
    return Role(name="page-number", fonts=pn.fonts, size=pn.size, bold=False, italic=False, align="center",
                first_line_indent=0.0, left_indent=0.0, right_indent=0.0, line_pitch=number_line_pitch(pn.size),
                space_before=0.0, space_after=0.0, keep_with_next=False, color="#000000")


def install_styles(document, style: ResolvedStyle, lang: str) -> dict[str, str]:
    """Define every style in ``document``; returns the writer's style key → Word style id."""
    root = document.styles.element
    _strip_theme_fonts(root)
    _gallery_only(root)
    for numpr in root.findall(f"{qn('w:style')}/{qn('w:pPr')}/{qn('w:numPr')}"):
        numpr.getparent().remove(numpr)  # the template's list styles point at its own numbering
    _doc_defaults(root, style, lang)
    body = style.role("body")
    ids: dict[str, str] = {"normal": _normal(document, body, style.grid is not None).style_id}
    for ps in paragraph_styles(style):
        # GB/T 9704's 22 × 28 characters: Word's document grid (package.setup_page) for
        # text of the body's size; other sizes stay off it (Word would stretch them to whole cells)
        on_grid = style.grid is not None and abs(ps.role.size - body.size) < 0.01
        scale = glyph_scale(style.grid.char_pitch, ps.role.size) if on_grid else 100
        # no paragraph snaps to the character grid: LibreOffice gives every run of half-width
        # characters whole grid cells ("6.8%  。", "（1 ）") and breaks digit runs across lines;
        # the narrowed glyphs (w:w) hold 28 characters a line and the exact pitch 22 lines a
        # page in Word and LibreOffice alike
        ppr = role_ppr(ps.role, exact_pitch=ps.exact_pitch, outline_level=ps.outline_level,
                       snap_to_grid=style.grid is None,
                       char_unit=style.grid.char_pitch if on_grid and ps.char_indents else None)
        if ps.bottom_border:
            border = el("w:pBdr")
            border.append(el("w:bottom", val="single", sz=6, space=1, color="auto"))
            put(ppr, border, PPR_ORDER)
        # the fonts once, in the document defaults (the body's): a style names only other ones
        rpr = role_rpr(ps.role, scale=scale, fonts=ps.role.fonts != body.fonts)
        s = _define(document, ps.name, WD_STYLE_TYPE.PARAGRAPH, ppr, rpr, ps.next)
        ids[ps.key] = s.style_id
    ids |= _character_styles(document, style)
    return ids


def _normal(document, body: Role, grid: bool = False):
    """Normal, the default paragraph style, at the body's size: Word measures the document grid's
    character pitch from it, and LibreOffice reads the size from this style only (not from the
    document defaults). On a document grid, off the character grid (see install_styles)."""
    normal = document.styles["Normal"]
    e = normal.element
    for old in e.findall(qn("w:rPr")) + e.findall(qn("w:pPr")):
        e.remove(old)
    if grid:
        ppr = el("w:pPr")
        put(ppr, el("w:snapToGrid", val=0), PPR_ORDER)
        put(e, ppr, STYLE_ORDER)
    rpr = el("w:rPr")
    put(rpr, el("w:sz", val=half_points(body.size)), RPR_ORDER)
    put(rpr, el("w:szCs", val=half_points(body.size)), RPR_ORDER)
    put(e, rpr, STYLE_ORDER)
    return normal


def _character_styles(document, style: ResolvedStyle) -> dict[str, str]:
    """The character styles: enumeration lead, run-in heading, inline code, hyperlink, footnote reference."""
    r = style.role
    link = el("w:rPr")
    put(link, el("w:color", val=r("link").color.lstrip("#").upper()), RPR_ORDER)
    put(link, el("w:u", val="single"), RPR_ORDER)  # a link must be recognisable in print too
    sup = el("w:rPr")
    put(sup, el("w:vertAlign", val="superscript"), RPR_ORDER)
    body = r("body").fonts
    made = {
        # a lead takes the size of the paragraph it is in (as the PDF writer draws it)
        "lead": _define(document, "Enumeration Lead", WD_STYLE_TYPE.CHARACTER, None,
                        role_rpr(r("lead"), size=False, fonts=r("lead").fonts != body)),
        "runin": _define(document, "Run-in Heading", WD_STYLE_TYPE.CHARACTER, None,
                         role_rpr(r("runin-heading"), fonts=r("runin-heading").fonts != body)),
        "inline-code": _define(document, "Verbatim Char", WD_STYLE_TYPE.CHARACTER, None,
                               role_rpr(r("code"), size=False, weight=False, color=False)),
        "link": _define(document, "Hyperlink", WD_STYLE_TYPE.CHARACTER, None, link),
        "note-ref": _define(document, "footnote reference", WD_STYLE_TYPE.CHARACTER, None, sup),
    }
    return {k: s.style_id for k, s in made.items()} | _runin_levels(document, style, made["runin"].style_id)


def _runin_levels(document, style: ResolvedStyle, base_id: str) -> dict[str, str]:
    """The run-in heading character style of each heading level (``runin-N``).

    Bold and italic are toggles (ECMA-376 §17.7.3): Word flips a paragraph style's bold where a
    character style says bold again, while LibreOffice keeps it. In a Heading N that is already
    bold (italic), a variant that does not repeat it shows the style sheet's look in both.
    """
    runin = style.role("runin-heading")
    ids = {}
    for n in range(1, 7):
        heading = style.role(f"heading-{n}")
        repeated = {"w:b": heading.bold and runin.bold, "w:bCs": heading.bold and runin.bold,
                    "w:i": heading.italic and runin.italic, "w:iCs": heading.italic and runin.italic}
        if not any(repeated.values()):
            ids[f"runin-{n}"] = base_id
            continue
        rpr = role_rpr(runin, fonts=runin.fonts != style.role("body").fonts)
        for tag, drop in repeated.items():
            if drop:
                rpr.remove(rpr.find(qn(tag)))
        ids[f"runin-{n}"] = _define(document, f"Run-in Heading {n}", WD_STYLE_TYPE.CHARACTER, None, rpr).style_id
    return ids


def _define(document, name: str, kind, ppr, rpr, next_name: str | None = None):
    """Create or reset the style ``name`` so that it holds exactly ``ppr`` and ``rpr``."""
    index = _index(document)
    s = index.get(name)
    if s is None:
        s = index.add(name, kind)
        if name in BUILTIN_IDS:
            s.element.set(qn("w:styleId"), BUILTIN_IDS[name])
    e = s.element
    if name in BUILTIN_NAMES:  # python-docx marks every added style custom
        e.attrib.pop(qn("w:customStyle"), None)
    # drop what the template put there: its formatting, numbering and its links to *Char styles
    for tag in ("w:basedOn", "w:next", "w:link", "w:rsid", "w:pPr", "w:rPr", "w:semiHidden", "w:unhideWhenUsed"):
        for old in e.findall(qn(tag)):
            e.remove(old)
    if kind == WD_STYLE_TYPE.PARAGRAPH:
        put(e, el("w:basedOn", val="Normal"), STYLE_ORDER)
        if next_name:
            put(e, el("w:next", val=_style_id(index, next_name)), STYLE_ORDER)
    if name in GALLERY:
        put(e, el("w:qFormat"), STYLE_ORDER)
    else:
        for old in e.findall(qn("w:qFormat")):
            e.remove(old)
    if ppr is not None:
        put(e, ppr, STYLE_ORDER)
    put(e, rpr, STYLE_ORDER)
    return s


def _style_id(index: "_StyleIndex", name: str) -> str:
    """The id of a style that will exist (defined now, or named the python-docx way: no spaces)."""
    s = index.get(name)
    return s.style_id if s is not None else name.replace(" ", "")


class _StyleIndex:
    """The document's styles by name and by id, as python-docx's ``styles[name]`` finds them.

    python-docx looks a name up by walking every style of the template (about 160) for each
    lookup, which made defining the writer's 45 styles cost 30 ms; this index is made once a
    document and kept up to date as styles are added."""

    def __init__(self, root):
        self.root = root
        self.by_name: dict[str, object] = {}
        self.by_id: dict[str, object] = {}
        for e in root.iterfind(qn("w:style")):
            self._remember(e)

    def _remember(self, e) -> None:
        name = e.find(qn("w:name"))
        if name is not None and name.get(qn("w:val")) is not None:
            self.by_name.setdefault(name.get(qn("w:val")), e)  # the first of a name, as python-docx
        if e.get(qn("w:styleId")) is not None:
            self.by_id.setdefault(e.get(qn("w:styleId")), e)

    def get(self, name: str):
        """The style python-docx's ``styles[name]`` gives (by UI name, else by id), or None."""
        e = self.by_name.get(BabelFish.ui2internal(name))
        if e is None:
            e = self.by_id.get(name)
        return StyleFactory(e) if e is not None else None

    def add(self, name: str, kind):
        """A new style of that name and type (python-docx's ``styles.add_style``)."""
        e = self.root.add_style_of_type(BabelFish.ui2internal(name), kind, False)
        self._remember(e)
        return StyleFactory(e)


_INDEXES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _index(document) -> _StyleIndex:
    """The style index of a document's styles part (made at its first use)."""
    root = document.styles.element
    index = _INDEXES.get(root)
    if index is None:
        index = _INDEXES[root] = _StyleIndex(root)
    return index


def _gallery_only(root) -> None:
    """Only the GALLERY styles in Word's style gallery: the template's own styles and the
    latent (not yet defined) built-in ones lose their w:qFormat."""
    for style in root.iterfind(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is None or name.get(qn("w:val")) not in GALLERY:
            for old in style.findall(qn("w:qFormat")):
                style.remove(old)
    latent = root.find(qn("w:latentStyles"))
    if latent is not None:
        latent.set(qn("w:defQFormat"), "0")
        for exc in latent.iterfind(qn("w:lsdException")):
            if exc.get(qn("w:name")) not in GALLERY:
                exc.attrib.pop(qn("w:qFormat"), None)


def _strip_theme_fonts(root) -> None:
    """Remove theme font references everywhere: a w:asciiTheme beats our w:ascii in Word."""
    for rfonts in root.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        if not len(rfonts.attrib):
            rfonts.getparent().remove(rfonts)


def _doc_defaults(root, style: ResolvedStyle, lang: str) -> None:
    """Document defaults: the body's fonts and size, the document language, no Word spacing."""
    body = style.role("body")
    defaults = root.find(qn("w:docDefaults"))
    for old in list(defaults):
        defaults.remove(old)
    rpr = el("w:rPr")
    put(rpr, fonts_el(body.fonts), RPR_ORDER)
    put(rpr, el("w:sz", val=half_points(body.size)), RPR_ORDER)
    put(rpr, el("w:szCs", val=half_points(body.size)), RPR_ORDER)
    if lang not in ("", "und"):
        put(rpr, el("w:lang", val=latin_language(lang), eastAsia=lang), RPR_ORDER)
    ppr = el("w:pPr")
    if is_cjk_lang(lang):
        # no automatic extra space between CJK and Latin letters or digits: keeps the 28-character grid
        put(ppr, el("w:autoSpaceDE", val=0), PPR_ORDER)
        put(ppr, el("w:autoSpaceDN", val=0), PPR_ORDER)
    put(ppr, el("w:spacing", after=0, line=240, lineRule="auto"), PPR_ORDER)
    rdef, pdef = el("w:rPrDefault"), el("w:pPrDefault")
    rdef.append(rpr)
    pdef.append(ppr)
    defaults.extend([rdef, pdef])


def latin_language(lang: str) -> str:
    """The language of a document's Latin-script text (w:lang/@w:val; East Asian text has its own,
    w:eastAsia). In a Chinese document it is English, as Word's Chinese default says: with zh-CN
    there, LibreOffice breaks lines by the Chinese rules inside Latin text and digit runs too,
    splitting ``1639`` over two lines (``163`` / ``9次``, seen on the seed)."""
    return "en-US" if is_cjk_lang(lang) else lang


class ListNumbering:
    """Word list numbering: one bullet and one decimal definition, one instance per model list.

    Each <list> gets its own w:num so that every ordered list restarts (at its @start).
    """

    BULLETS = ("\u2022", "\u2013")
    FORMATS = (("decimal", "%{}."), ("lowerLetter", "%{})"), ("lowerRoman", "%{}."))
    LEVELS = 9  # Word's most (w:ilvl 0–8)

    def __init__(self, document, role: Role):
        self.role = role
        self.root = document.part.numbering_part.element
        for old in list(self.root):  # the template's definitions are for its own list styles
            self.root.remove(old)
        self.root.append(self._abstract(0, ordered=False))
        self.root.append(self._abstract(1, ordered=True))
        self.count = 0

    @property
    def step(self) -> float:
        """Indent per nesting level: two characters."""
        return 2 * self.role.size

    def text_indent(self, level: int) -> float:
        """Where the text of an item at ``level`` (0-based) starts; its marker hangs one step left."""
        return self.role.left_indent + (level + 1) * self.step

    def new(self, ordered: bool, start: int | None, level: int) -> int:
        """A new list instance; returns its w:numId."""
        self.count += 1
        num = el("w:num", numId=self.count)
        num.append(el("w:abstractNumId", val=1 if ordered else 0))
        if ordered:
            override = el("w:lvlOverride", ilvl=level)
            override.append(el("w:startOverride", val=1 if start is None else start))
            num.append(override)
        self.root.append(num)
        return self.count

    def _abstract(self, ident: int, ordered: bool):
        a = el("w:abstractNum", abstractNumId=ident)
        a.append(el("w:nsid", val=f"5C0E{ident:04X}"))
        a.append(el("w:multiLevelType", val="multilevel"))
        for level in range(self.LEVELS):
            lvl = el("w:lvl", ilvl=level)
            lvl.append(el("w:start", val=1))
            if ordered:
                fmt, text = self.FORMATS[level % len(self.FORMATS)]
                lvl.append(el("w:numFmt", val=fmt))
                lvl.append(el("w:lvlText", val=text.format(level + 1)))
            else:
                lvl.append(el("w:numFmt", val="bullet"))
                lvl.append(el("w:lvlText", val=self.BULLETS[level % len(self.BULLETS)]))
            lvl.append(el("w:lvlJc", val="left"))
            ppr = el("w:pPr")
            ppr.append(el("w:ind", left=twips(self.text_indent(level)), hanging=twips(self.step)))
            lvl.append(ppr)
            rpr = el("w:rPr")
            rpr.append(el("w:rFonts", ascii=self.role.fonts.latin.family, hAnsi=self.role.fonts.latin.family))
            lvl.append(rpr)
            a.append(lvl)
        return a


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: Windows character sets Word uses to know a font is meant for a script
CHARSETS = {"zh-cn": "86", "zh-sg": "86", "zh-hans": "86", "zh": "86", "zh-tw": "88", "zh-hk": "88",
            "zh-hant": "88", "ja": "80", "ko": "81"}


def rewrite_font_table(document, style: ResolvedStyle, lang: str) -> None:
    """List exactly the fonts the styles name, CJK ones with their character set."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    # our sheets' CJK slots name Simplified Chinese faces unless the document says otherwise
    charset = CHARSETS.get(lang.lower(), CHARSETS.get(lang.split("-")[0].lower(), "86"))
    groups = [r.fonts for r in style.roles.values()] + ([style.page.number.fonts] if style.page.number else [])
    fonts = {f.latin.family: "00" for f in groups}
    fonts |= {f.cjk.family: charset for f in groups}  # a face in both slots has CJK glyphs
    for face in style.fallback:  # runs of characters the role fonts lack name these
        fonts.setdefault(face.family, "00")
    root = etree.Element(f"{{{W_NS}}}fonts", nsmap={"w": W_NS})
    for name in sorted(fonts):
        font = etree.SubElement(root, f"{{{W_NS}}}font", {f"{{{W_NS}}}name": name})
        etree.SubElement(font, f"{{{W_NS}}}charset", {f"{{{W_NS}}}val": fonts[name]})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
