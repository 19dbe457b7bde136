"""Small WordprocessingML helpers for the DOCX writer: elements, child order, units, role formatting.

python-docx covers the common cases; what it lacks (the East Asian font slot, languages, exact
line pitch from a style role, hidden paragraph marks, borders, outline levels) is written here
as plain XML, in the child order the schema requires (Word refuses misordered children).
"""
from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

from docx.oxml import OxmlElement
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser

from ...fonts.find import FontFace
from ...fonts.metrics import Widths, widths
from ...style.resolve import Role

#: CT_PPr child order (ECMA-376 §17.3.1.26), the ones we may write
PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
#: CT_RPr child order (ECMA-376 §17.3.2.28)
RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
    "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
    "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)
#: CT_Settings child order (ECMA-376 §17.15.1.78), up to the ones python-docx's template ends with
SETTINGS_ORDER = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts", "w:embedSystemFonts",
    "w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins", "w:alignBordersAndEdges",
    "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
    "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign", "w:attachedTemplate",
    "w:linkStyles", "w:stylePaneFormatFilter", "w:stylePaneSortMethod", "w:documentType", "w:mailMerge",
    "w:revisionView", "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
    "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet",
    "w:defaultTabStop", "w:autoHyphenation", "w:consecutiveHyphenLimit", "w:hyphenationZone",
    "w:doNotHyphenateCaps", "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle",
    "w:defaultTableStyle", "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData", "w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne",
    "w:strictFirstAndLastChars", "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt",
    "w:showXMLTags", "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr",
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)
#: the model's alignment words → w:jc values
JC = {"left": "left", "right": "right", "center": "center", "justify": "both"}


#: ECMA-376 border widths are in eighths of a point
EIGHTHS = 8
#: where a line of exact height (w:lineRule="exact") has its baseline: this fraction of the line
#: height under its top, whatever the font. ECMA-376 17.3.1.33 says only that the line is that
#: high; LibreOffice (sw/source/core/text/itrform2.cxx, CalcRealHeight, fixed line spacing) sets
#: the ascent to 4/5 of the height, measured on its PDFs: a 三号 body line's baseline 3.3 mm and a
#: 二号 title's 1.5 mm under the PDF's, whose baseline is 0.88 em under the line's top
EXACT_ASCENT = 0.8


def el(tag: str, **attrs: str | int) -> OxmlElement:
    """A new element ``tag`` ("w:foo") with w: attributes given as keyword arguments (python-docx's
    OxmlElement, its tag and attribute names read once: a large document makes 100,000s)."""
    clark, nsmap = _clark(tag)
    e = oxml_parser.makeelement(clark, nsmap=nsmap)
    for k, v in attrs.items():
        e.set(_qname(k if ":" in k else f"w:{k}"), str(v))
    return e


@lru_cache(maxsize=None)
def _clark(tag: str) -> tuple[str, dict[str, str]]:
    nsptag = NamespacePrefixedTag(tag)
    return nsptag.clark_name, nsptag.nsmap


_qname = lru_cache(maxsize=None)(qn)


def put(parent, child, order: tuple[str, ...]):
    """Insert ``child`` into ``parent`` at its schema position, replacing a same-named child."""
    tag = child.tag
    old = parent.find(tag)
    if old is not None:
        old.addprevious(child)
        parent.remove(old)
        return child
    rank = _ranks(order)
    mine = rank.get(tag, len(rank))
    for sibling in parent:
        if rank.get(sibling.tag, -1) > mine:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


@lru_cache(maxsize=None)
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    """Clark name → position in a schema's child order, built once per order (not per insert)."""
    return {qn(t): i for i, t in enumerate(order)}


def twips(points: float) -> int:
    """Points → twentieths of a point (Word's paragraph and page unit)."""
    return round(points * 20)


def line_twips(points: float) -> int:
    """A line pitch in twips, rounded down: 22 lines of 28.99 pt rounded up to 29 pt would
    overflow GB/T 9704's 225 mm type area and leave every page one line short."""
    return math.floor(points * 20 + 1e-6)


def half_points(points: float) -> int:
    """Points → half points (w:sz)."""
    return round(points * 2)


def fonts_el(role_fonts, hint_east_asia: bool = False) -> OxmlElement:
    """w:rFonts naming the role's Latin face for ascii/hAnsi/cs and its CJK face for eastAsia."""
    attrs = {"ascii": role_fonts.latin.family, "hAnsi": role_fonts.latin.family,
             "eastAsia": role_fonts.cjk.family, "cs": role_fonts.latin.family}
    if hint_east_asia:
        attrs["hint"] = "eastAsia"
    return el("w:rFonts", **attrs)


def role_rpr(role: Role, *, fonts: bool = True, size: bool = True, weight: bool = True,
             color: bool = True, scale: int = 100) -> OxmlElement:
    """A w:rPr carrying the role's character values (the parts asked for); ``scale``: the
    glyphs' width in percent (w:w), see glyph_scale."""
    rpr = el("w:rPr")
    if fonts:
        put(rpr, fonts_el(role.fonts), RPR_ORDER)
    if weight and role.bold:
        put(rpr, el("w:b"), RPR_ORDER)
        put(rpr, el("w:bCs"), RPR_ORDER)
    if weight and role.italic:
        put(rpr, el("w:i"), RPR_ORDER)
        put(rpr, el("w:iCs"), RPR_ORDER)
    if color:
        put(rpr, el("w:color", val=role.color.lstrip("#").upper()), RPR_ORDER)
    if scale != 100:
        put(rpr, el("w:w", val=scale), RPR_ORDER)
    if size:
        put(rpr, el("w:sz", val=half_points(role.size)), RPR_ORDER)
        put(rpr, el("w:szCs", val=half_points(role.size)), RPR_ORDER)
    return rpr


def role_ppr(role: Role, *, exact_pitch: bool = True, outline_level: int | None = None,
             snap_to_grid: bool = True, char_unit: float | None = None) -> OxmlElement:
    """A w:pPr carrying the role's paragraph values: spacing, exact line pitch, indents, alignment
    (``char_unit``: indents also in characters of that pitch, see indent_el)."""
    ppr = el("w:pPr")
    if role.keep_with_next:
        put(ppr, el("w:keepNext"), PPR_ORDER)
    if not snap_to_grid:  # a size off the document grid would be stretched to whole grid cells
        put(ppr, el("w:snapToGrid", val=0), PPR_ORDER)
    spacing = {"before": twips(role.space_before), "after": twips(role.space_after)}
    if exact_pitch:
        spacing |= {"line": line_twips(role.line_pitch), "lineRule": "exact"}
    else:  # pictures would be clipped to one line by an exact pitch
        spacing |= {"line": 240, "lineRule": "auto"}
    put(ppr, el("w:spacing", **spacing), PPR_ORDER)
    put(ppr, indent_el(role.left_indent, role.right_indent, role.first_line_indent,
                       role.size if char_unit else None, char_unit), PPR_ORDER)
    put(ppr, el("w:jc", val=JC[role.align]), PPR_ORDER)
    if outline_level is not None:
        put(ppr, el("w:outlineLvl", val=outline_level), PPR_ORDER)
    return ppr


def indent_el(left: float, right: float, first_line: float, em: float | None = None,
              char_unit: float | None = None) -> OxmlElement:
    """w:ind; a negative first-line indent is a hanging indent (Word has no negative firstLine).

    With ``em`` (the role's size) and ``char_unit`` (the grid's character pitch), indents are
    also given in hundredths of a character (w:firstLineChars …), which Word uses on a character
    grid; the lengths are then that many grid cells as LibreOffice measures them (it ignores the
    characters and starts the text at the next whole cell: 2 × 15.79 pt would give 3 cells).
    """
    sides = {"left": left, "right": right}
    sides |= {"hanging": -first_line} if first_line < 0 else {"firstLine": first_line}
    attrs: dict[str, int] = {}
    for side, length in sides.items():
        if em and char_unit and length:
            chars = length / em
            attrs[f"{side}Chars"] = round(chars * 100)
            length = chars * grid_cell(char_unit)
        attrs[side] = twips(length)
    return el("w:ind", **attrs)


def char_space(text_width: float, chars: int, size: float) -> int:
    """w:docGrid/@w:charSpace for ``chars`` characters of ``size`` points a line: the pitch's
    difference from the size in 4096ths of a point, rounded down so that the line always fits
    (GB/T 9704: 28 characters of 16 pt in 156 mm → −848)."""
    return math.floor((text_width / chars - size) * 4096)


def grid_cell(pitch: float) -> float:
    """A grid character's width as LibreOffice (7.4) lays it out: the pitch less its rounding
    (it keeps the cell in whole 1/100 mm after adding charSpace in twips: 15.73 pt for 15.79)."""
    return pitch - 0.1


def glyph_scale(pitch: float, size: float) -> int:
    """The glyph width (w:w, percent) that keeps characters of ``size`` within a grid ``pitch``.

    Word narrows the pitch itself (charSpace). LibreOffice (7.4) gives a CJK character as many
    grid cells as its advance needs, so a 16 pt character in a 15.8 pt cell takes two and a
    line holds 14; measured: at 98 % it takes one and a line holds 28.
    """
    return min(100, math.floor(100 * grid_cell(pitch) / size))


def is_cjk_lang(lang: str) -> bool:
    """True for Chinese, Japanese and Korean language tags."""
    return lang.split("-")[0].lower() in ("zh", "ja", "ko")


def text_width(text: str, size: float, cjk_doc: bool, latin_face: FontFace | None = None) -> float:
    """An upper estimate of the width of ``text`` at ``size`` points (for tab stops after a label).

    Wide characters are one em, ambiguous ones one em in a CJK document (their East Asian form);
    the rest take their advance in ``latin_face`` when it has them, else 0.6 em. Tracking only
    narrows characters, so text measured here never overruns a tab stop set after it.
    """
    advances = _widths_of(latin_face) if latin_face else None
    width = 0.0
    for ch in text:
        eaw = unicodedata.east_asian_width(ch)
        if eaw in "WF" or (eaw == "A" and cjk_doc):
            width += size
        elif advances is not None and (units := advances.units(ch)) is not None:
            width += units * size / advances.upem
        else:
            width += 0.6 * size
    return width


def _widths_of(face: FontFace) -> Widths | None:
    """The face's advances (fonts.metrics: kept on disk, so a build does not import fontTools
    for them); None for a face that cannot be read, which only makes the estimate coarser."""
    try:
        return widths(face)
    except Exception:
        return None


def run_in_frame(p, role: Role) -> None:
    """Make a heading paragraph run in: a frame (w:framePr) one line tall, as wide as its text,
    at the start of the line, with the next paragraph's text wrapping around it.

    Chosen over Word's style separator (a hidden paragraph mark, w:specVanish), which
    LibreOffice 7.4 ignores (the heading then stands on its own line). A framed paragraph is
    still a paragraph of its Heading N style with its outline level, so Word's navigation pane
    and a table of contents list it; LibreOffice imports it as a frame the body flows around.
    """
    ppr = p.get_or_add_pPr()
    frame = el("w:framePr", hSpace=0, vSpace=0, wrap="around", vAnchor="text", hAnchor="text",
               x=0, y=0, h=line_twips(role.line_pitch), hRule="atLeast")
    put(ppr, frame, PPR_ORDER)
