"""The DOCX packaging part: page setup, page-number footers, settings, core properties, clean parts.

Everything here is derived from the resolved style and the model's metadata, never the wall clock,
so that the same input gives the same bytes (the zip itself is made deterministic by write_zip()).
"""
from __future__ import annotations

from datetime import datetime

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import qn
from docx.shared import Twips

from ...model.outline import Metadata
from ...style.page_numbers import SIDES  # which side the number sits on for (odd pages, even pages)
from ...style.resolve import ResolvedStyle
from ..packaging import Pieces
from .ooxml import PPR_ORDER, RPR_ORDER, SETTINGS_ORDER, char_space, el, is_cjk_lang, line_twips, put, twips
from .rowspool import RowSpool


APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>converter</Application><DocSecurity>0</DocSecurity></Properties>"
)


def setup_page(document, style: ResolvedStyle) -> None:
    """Page size, margins (inside = left, outside = right), header/footer distances, grid."""
    page = style.page
    section = document.sections[0]
    section.page_width, section.page_height = Twips(twips(page.width)), Twips(twips(page.height))
    section.top_margin, section.bottom_margin = Twips(twips(page.margin_top)), Twips(twips(page.margin_bottom))
    section.left_margin = Twips(twips(page.margin_inside))
    section.right_margin = Twips(twips(page.margin_outside))
    section.header_distance = Twips(twips(page.header_distance))
    section.footer_distance = Twips(twips(footer_distance(style)))
    section.gutter = Twips(0)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = el("w:docGrid")
        section._sectPr.append(grid)
    grid.attrib.clear()
    if style.grid is not None:
        # Word's line and character grid (22 lines, 28 characters on a GB/T 9704 page); the
        # character pitch is relative to the Normal style's size, which is the body's
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(line_twips(style.grid.line_pitch)))
        size = style.role("body").size
        grid.set(qn("w:charSpace"), str(char_space(page.text_width, style.grid.chars, size)))
    else:
        grid.set(qn("w:linePitch"), str(line_twips(style.role("body").line_pitch)))
    if page.mirror:
        _mirror_margins(document)


def footer_distance(style: ResolvedStyle) -> float:
    """Word's footer distance (page edge to the footer's last line) that puts the top of the
    page number page.number.distance under the type area (GB/T 9704: 7 mm), as the PDF does;
    without a page number, the style's footer distance."""
    page, number = style.page, style.page.number
    if number is None:
        return page.footer_distance
    return max(0.0, page.margin_bottom - number.distance - number_line_pitch(number.size))


def number_line_pitch(size: float) -> float:
    """The exact line pitch of the page number's paragraph (it fixes where the digits sit)."""
    return size * 1.2


def page_numbers(document, style: ResolvedStyle, footer_style_id: str, cjk: bool) -> None:
    """Footers with a PAGE field in the style's format; odd/even footers when the sides differ."""
    number = style.page.number
    if number is None:
        return
    section = document.sections[0]
    odd, even = SIDES[number.position]
    _number_paragraph(section.footer, odd, number, footer_style_id, cjk)
    if odd != even:
        document.settings.odd_and_even_pages_header_footer = True
        _number_paragraph(section.even_page_footer, even, number, footer_style_id, cjk)
    if not number.first_page:
        section.different_first_page_header_footer = True
        section.first_page_footer.is_linked_to_previous = False  # an empty footer of its own


def _number_paragraph(footer, side: str, number, style_id: str, cjk: bool) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]._p
    ppr = p.get_or_add_pPr()
    ppr.style = style_id
    put(ppr, el("w:jc", val=side), PPR_ORDER)
    if side != "center":  # one character in from that side
        put(ppr, el("w:ind", **{side: twips(number.indent)}), PPR_ORDER)
    before, after = number.format.split("{n}", 1)
    if before:
        p.append(_run(before, cjk))
    for part in ("begin", " PAGE ", "separate", "1", "end"):
        p.append(_field_run(part, cjk))
    if after:
        p.append(_run(after, cjk))


def _run(text: str, cjk: bool):
    """A run of footer text; in a CJK document ambiguous marks (— “ ”) take the East Asian font."""
    r = el("w:r")
    if cjk:
        rpr = el("w:rPr")
        put(rpr, el("w:rFonts", hint="eastAsia"), RPR_ORDER)
        r.append(rpr)
    r.text = text
    return r


def _field_run(part: str, cjk: bool):
    """One run of a complex field: begin / instruction / separate / result / end."""
    if part in ("begin", "separate", "end"):
        r = el("w:r")
        r.append(el("w:fldChar", fldCharType=part))
        return r
    if part.startswith(" "):
        r = el("w:r")
        instr = el("w:instrText")
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        instr.text = part
        r.append(instr)
        return r
    return _run(part, False)


def _mirror_margins(document) -> None:
    """w:mirrorMargins in w:settings: inside/outside margins swap on even pages."""
    put(document.settings.element, el("w:mirrorMargins"), SETTINGS_ORDER)


def settings(document, lang: str) -> None:
    """Language-dependent settings; drop the template's preview-picture request (we ship none)
    and its claim that spelling and grammar were checked."""
    root = document.settings.element
    for tag in ("w:savePreviewPicture", "w:proofState"):
        for old in root.findall(qn(tag)):
            root.remove(old)
    compat = root.find(qn("w:compat"))
    if compat is not None and compat.find(qn("w:doNotExpandShiftReturn")) is None:
        # a line ended by <br/> in a justified paragraph is not stretched across the line
        compat.insert(0, el("w:doNotExpandShiftReturn"))
    if is_cjk_lang(lang):
        font_lang = root.find(qn("w:themeFontLang"))
        if font_lang is not None:
            font_lang.set(qn("w:eastAsia"), lang)
        control = root.find(qn("w:characterSpacingControl"))
        if control is not None:  # full-width punctuation is compressed in pairs, as clreq asks
            control.set(qn("w:val"), "compressPunctuation")


def core_properties(document, meta: Metadata, when: datetime) -> None:
    """Title, author, language, dates from the build's source date; nothing from python-docx."""
    cp = document.core_properties
    author = "; ".join(meta.authors)
    cp.title = _short(meta.title)
    cp.author = _short(author)
    cp.last_modified_by = _short(author)
    cp.subject = _short(meta.subject or "")
    cp.keywords = _short(", ".join(meta.keywords))
    cp.language = "" if meta.lang == "und" else meta.lang
    cp.identifier = _short(meta.docnumber or "")
    cp.comments = ""
    cp.category = ""
    cp.content_status = ""
    cp.version = ""
    cp.created = cp.modified = cp.last_printed = when.replace(tzinfo=None)
    cp.revision = 1


def _short(text: str) -> str:
    """Core properties hold at most 255 characters (python-docx refuses more)."""
    return text if len(text) <= 255 else text[:254] + "…"


def clean_parts(document) -> None:
    """Drop template parts that would describe another document: its thumbnail, Word 2010
    style effects, a custom-XML item; replace app.xml (it named Microsoft Word and 1 page)."""
    pkg = document.part.package
    for rels, drop in ((pkg.rels, (RT.THUMBNAIL,)),
                       (document.part.rels, (RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"))):
        for rid, rel in list(rels.items()):
            if rel.reltype in drop:
                del rels[rid]
    for rel in pkg.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML


class _Members:
    """Where python-docx's package writer puts the package's members: a list, not a zip."""

    def __init__(self):
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.entries.append((pack_uri.membername, blob))


def members(document, spool: RowSpool | None = None) -> list[tuple[str, bytes | Pieces]]:
    """The package's members (name, bytes) in the order python-docx writes them; with a
    ``spool`` that holds rows of long tables, document.xml in Pieces (rowspool.py).

    What ``document.save()`` does (OpcPackage.save: each part's before_marshal, then
    PackageWriter.write) with a list in place of the zip it deflates: the writer's own zip
    (packaging.write_zip) is the only one written, instead of python-docx's, read back and
    deflated again."""
    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    sink = _Members()
    PackageWriter._write_content_types_stream(sink, package.parts)
    PackageWriter._write_pkg_rels(sink, package.rels)
    PackageWriter._write_parts(sink, package.parts)
    if spool is None:
        return sink.entries
    main = document.part.partname.membername
    return [(name, spool.pieces(blob) if name == main else blob) for name, blob in sink.entries]
