"""Embedded fonts in the DOCX (ECMA-376 Part 1 §17.8.1, §17.8.3.3), so that it renders the same
on a machine that lacks them.

Every face the text is drawn with (runfonts.py) is subset to the characters drawn with it,
obfuscated with a key derived from its bytes (so rebuilds are byte-identical), stored as
/word/fonts/fontN.odttf, related from fontTable.xml and announced there with w:embedRegular,
w:embedBold, w:embedItalic or w:embedBoldItalic; settings.xml says the fonts are embedded and
subset. Subsets are cached on disk (converter.fonts.subset).
"""
from __future__ import annotations

import hashlib
import uuid
from functools import partial

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import nsmap, qn
from lxml import etree

from ... import parallel
from ...context import BuildContext
from ...fonts.coverage import charset
from ...fonts.find import FontFace, find_face
from ...fonts.subset import office_subset, office_subset_cached, subset_cost
from .ooxml import SETTINGS_ORDER, el, put
from .runfonts import Face, RunFonts

CT_OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
#: the w:font child that announces each kind of face, in the schema's order (CT_Font)
EMBED_TAGS = ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic")
FONT_ORDER = ("w:altName", "w:panose1", "w:charset", "w:family", "w:notTrueType", "w:pitch", "w:sig",
              *(f"w:{t}" for t in EMBED_TAGS))


def embed_fonts(document, lang: str, ctx: BuildContext, drawn: dict[Face, set[str]] | None = None) -> None:
    """Embed every installed face the document's text uses, subset to its characters
    (``drawn``: those of text no longer in the tree, the rows of long tables: rowspool.py)."""
    used = RunFonts(document, lang).used()
    for face, chars in (drawn or {}).items():
        used[face] = used.get(face, set()) | chars
    faces = faces_to_embed(used, ctx)
    if not faces:
        return
    table_part = document.part.part_related_by(RT.FONT_TABLE)
    root = _with_r_namespace(etree.fromstring(table_part.blob))
    # the subsets not cached yet, about half of them made by a second process when allowed
    parallel.share((subset_cost(chars), partial(office_subset, face, chars, ctx.cache))
                   for face, chars in faces.values() if not office_subset_cached(face, chars, ctx.cache))
    for n, ((family, tag), (face, chars)) in enumerate(sorted(faces.items(), key=_order), start=1):
        data = office_subset(face, chars, ctx.cache).read_bytes()
        key = font_key(data)
        part = Part(PackURI(f"/word/fonts/font{n}.odttf"), CT_OBFUSCATED_FONT, obfuscate(data, key),
                    document.part.package)
        rid = table_part.relate_to(part, RT.FONT)
        font = _font_entry(root, family)
        put(font, el(f"w:{tag}", **{"r:id": rid, "fontKey": key, "subsetted": 1}), FONT_ORDER)
    table_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = document.settings.element
    put(settings, el("w:embedTrueTypeFonts"), SETTINGS_ORDER)
    put(settings, el("w:saveSubsetFonts"), SETTINGS_ORDER)


def faces_to_embed(used, ctx: BuildContext) -> dict[tuple[str, str], tuple[FontFace, set[str]]]:
    """(family name as the runs give it, embed tag) → the installed face and the characters it draws.

    A bold or italic run whose family has no such face is drawn from the regular face (the word
    processor slants or emboldens it): its characters go to the regular face's subset.
    """
    out: dict[tuple[str, str], tuple[FontFace, set[str]]] = {}
    absent: set[str] = set()
    for want, chars in sorted(used.items(), key=lambda kv: (kv[0].family, kv[0].bold, kv[0].italic)):
        face = find_face(want.family, want.bold, want.italic)
        if face is None:
            absent.add(want.family)
            continue
        covered = charset(face)
        drawn = {c for c in chars if ord(c) in covered}
        if not drawn:
            continue
        # the face's place in its own family: a Black face is the regular of "… Black"
        tag = EMBED_TAGS[face.styled_bold + 2 * face.italic]
        _, have = out.setdefault((want.family, tag), (face, set()))
        have |= drawn
    for family in sorted(absent):
        ctx.info(f"font {family!r} is not installed here: not embedded in the DOCX")
    return out


def font_key(data: bytes) -> str:
    """The obfuscation key: a GUID derived from the font's bytes, in Word's string form
    (upper-case hex, which LibreOffice requires)."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 §17.8.1: XOR the first 32 bytes of the font with the key's 16 bytes, taken in
    reverse order of the GUID string's hex digits, twice. Applying it again restores the font."""
    key_bytes = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ key_bytes[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def _order(item) -> tuple[str, int]:
    (family, tag), _ = item
    return family, EMBED_TAGS.index(tag)


def _with_r_namespace(root):
    """The font table's root, declaring the relationships namespace the r:id attributes use."""
    if root.nsmap.get("r") == nsmap["r"]:
        return root
    new = etree.Element(root.tag, root.attrib, nsmap={**root.nsmap, "r": nsmap["r"]})
    new.extend(list(root))
    return new


def _font_entry(root, family: str):
    """The w:font of ``family`` in the font table (added, in name order, when missing)."""
    for font in root.iterfind(qn("w:font")):
        if font.get(qn("w:name")) == family:
            return font
    font = etree.Element(qn("w:font"), {qn("w:name"): family})
    later = [f for f in root.iterfind(qn("w:font")) if f.get(qn("w:name"), "") > family]
    if later:
        later[0].addprevious(font)
    else:
        root.append(font)
    return font


def deobfuscate(data: bytes, key: str) -> bytes:
    """The font bytes from an .odttf part (the XOR is its own inverse)."""
    return obfuscate(data, key)

