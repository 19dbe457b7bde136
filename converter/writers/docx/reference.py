"""``--reference-doc``: page setup and style definitions taken from a user's Word document or template.

What the reference defines wins; the style sheet fills the rest. Page setup is the last
section's page size and orientation, margins, header and footer distances and document grid
(Word's Page Setup dialog), and mirrored margins. Styles are matched by id, else by name
(``Heading1`` / ``heading 1``); a matched style takes every property the reference's style sets
(with those of the custom styles it is based on), and keeps ours where it sets nothing — the
East Asian font of a template made for Latin text, for instance. The reference's theme comes
too, since its styles may name theme fonts and colours.

Nothing else of the package is read, and nothing else reaches the DOCX (its text, pictures,
headers, macros, custom XML stay behind). Before any part is unzipped the package is checked
(check_package): at most MAX_PARTS parts, none unzipping to more than MAX_PART_BYTES, all of
them to at most MAX_TOTAL_BYTES, and no large part compressed more than MAX_RATIO times —
a 4 MB zip bomb unzips to gigabytes, a 0.9 MB theme to 800 MB. Python's zipfile never gives more
than a member's stated size, so the stated sizes are the ones to check.
"""
from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from lxml import etree

from ...errors import InputError, printable
from .ooxml import PPR_ORDER, RPR_ORDER, SETTINGS_ORDER, el, put
from .styles import STYLE_ORDER

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: property containers of a style that are merged child by child
CONTAINERS = ("w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr")
#: attributes that together say one thing: the reference setting one of them replaces all of ours
GROUPS = {
    "w:ind": (("left", "leftChars", "start", "startChars"), ("right", "rightChars", "end", "endChars"),
              ("firstLine", "firstLineChars", "hanging", "hangingChars")),
    "w:spacing": (("before", "beforeLines", "beforeAutospacing"), ("after", "afterLines", "afterAutospacing"),
                  ("line", "lineRule")),
    "w:rFonts": (("ascii", "asciiTheme"), ("hAnsi", "hAnsiTheme"), ("eastAsia", "eastAsiaTheme"),
                 ("cs", "cstheme")),
}
#: a reference's list styles point at its own numbering, which does not come along
DROPPED = ("w:numPr",)
CHAR_GRIDS = ("linesAndChars", "snapToChars")
#: the limits of a reference package (a Word template has some 10–50 parts of a few hundred kB)
MAX_PARTS = 5000
MAX_PART_BYTES = 64 * 2**20
MAX_TOTAL_BYTES = 256 * 2**20
MAX_RATIO = 100  # XML deflates 5–20 times; a bomb's filler thousands of times
RATIO_FROM_BYTES = 2**20  # small parts may compress as they like


@dataclass
class Reference:
    """The parts of a reference document that are used."""

    path: Path
    section: etree._Element | None  # the last w:sectPr of the body
    styles: etree._Element | None
    settings: etree._Element | None
    theme: bytes | None

    def apply(self, document, our_ids: set[str]) -> None:
        """Put the reference's page setup and style definitions into ``document``; ``our_ids``:
        the styles the style sheet defined (their glyph scaling serves our character grid only)."""
        self._page(document, our_ids)
        if self.styles is not None:
            self._styles(document)
        if self.theme is not None:
            document.part.part_related_by(RT.THEME)._blob = self.theme

    def _page(self, document, our_ids: set[str]) -> None:
        if self.section is None:
            return
        ours = document.sections[0]._sectPr
        for tag in ("w:pgSz", "w:pgMar", "w:docGrid"):
            theirs = self.section.find(qn(tag))
            mine = ours.find(qn(tag))
            if theirs is None:
                continue
            if mine is None:
                ours.append(_copy(theirs))
            else:
                mine.attrib.clear()
                mine.attrib.update(theirs.attrib)
        grid = ours.find(qn("w:docGrid"))
        if grid is None or grid.get(qn("w:type")) not in CHAR_GRIDS:
            _drop_glyph_scaling(document, our_ids)
        if self.settings is not None:
            settings = document.settings.element
            for old in settings.findall(qn("w:mirrorMargins")):
                settings.remove(old)
            if self.settings.find(qn("w:mirrorMargins")) is not None:
                put(settings, el("w:mirrorMargins"), SETTINGS_ORDER)

    def _styles(self, document) -> None:
        theirs = {s.get(qn("w:styleId")): s for s in self.styles.iterfind(qn("w:style"))}
        by_name = {_name(s): s for s in theirs.values()}
        for mine in document.styles.element.iterfind(qn("w:style")):
            match = theirs.get(mine.get(qn("w:styleId")))
            if match is None:
                match = by_name.get(_name(mine))
            if match is None or match.get(qn("w:type")) != mine.get(qn("w:type")):
                continue
            for tag, props in _inherited(match, theirs).items():
                _merge(mine, tag, props)


def load_reference(path: str | Path | None) -> Reference | None:
    """The reference document at ``path`` (None: no reference); InputError naming the file
    when it is not a readable Word document or template."""
    if path is None:
        return None
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as z:
            check_package(z, path)
            main = _target(z, "", RT.OFFICE_DOCUMENT)
            if main is None:
                raise InputError("not a Word document: the package names no main document", str(path))
            rels = _rels(z, main)
            body = _xml(z, main).find(qn("w:body"))
            sections = body.findall(f".//{qn('w:sectPr')}") if body is not None else []
            return Reference(
                path=path,
                section=sections[-1] if sections else None,
                styles=_xml(z, rels[RT.STYLES]) if RT.STYLES in rels else None,
                settings=_xml(z, rels[RT.SETTINGS]) if RT.SETTINGS in rels else None,
                theme=z.read(rels[RT.THEME]) if RT.THEME in rels else None,
            )
    except FileNotFoundError:
        raise InputError("no such file", str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a Word document", str(path)) from None
    except zipfile.BadZipFile:
        raise InputError("not a Word document (.docx or .dotx): not a zip package", str(path)) from None
    except (KeyError, etree.XMLSyntaxError) as e:
        raise InputError(f"not a Word document: a part is missing or broken ({e})", str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", str(path)) from None


# ----- reading the package ------------------------------------------------------------------------


def check_package(z: zipfile.ZipFile, path: Path) -> None:
    """InputError naming the file and the part when the package is too large to unzip safely
    (see the module's docstring), from the sizes its directory states, before anything is read."""
    parts = z.infolist()
    if len(parts) > MAX_PARTS:
        raise InputError(f"not used as a reference document: it has {len(parts):,} parts, more than the "
                         f"{MAX_PARTS:,} a Word document or template has", str(path))
    for info in parts:
        if info.file_size > MAX_PART_BYTES:
            raise InputError(f"not used as a reference document: part {_shown(info.filename)} unzips to "
                             f"{_mb(info.file_size)}, more than {_mb(MAX_PART_BYTES)} a part may hold", str(path))
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise InputError(f"not used as a reference document: part {_shown(info.filename)} unzips to "
                             f"{_mb(info.file_size)} from {_mb(info.compress_size)}, compressed "
                             f"{info.file_size // max(1, info.compress_size):,} times (a zip bomb; a Word "
                             f"part is compressed at most {MAX_RATIO} times)", str(path))
    total = sum(info.file_size for info in parts)
    if total > MAX_TOTAL_BYTES:
        raise InputError(f"not used as a reference document: its parts unzip to {_mb(total)}, more than "
                         f"{_mb(MAX_TOTAL_BYTES)}", str(path))


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def _shown(name: str) -> str:
    return printable(name if len(name) <= 80 else name[:80] + "…")


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship type → target part name, for the internal relationships of ``part``."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in z.namelist():
        return {}
    out = {}
    for rel in _xml(z, rels_name).iterfind(f"{{{REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out.setdefault(rel.get("Type"), full)
    return out


def _target(z: zipfile.ZipFile, part: str, reltype: str) -> str | None:
    return _rels(z, part).get(reltype)


def _xml(z: zipfile.ZipFile, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(z.read(name), parser)


# ----- styles -------------------------------------------------------------------------------------


def _name(style) -> str:
    name = style.find(qn("w:name"))
    return (name.get(qn("w:val"), "") if name is not None else "").lower()


def _inherited(style, theirs: dict, seen: tuple = ()) -> dict[str, etree._Element]:
    """The style's property containers over those of the custom styles it is based on (not the
    default style: Normal's own definition is merged into our Normal, when the reference has one)."""
    based = style.find(qn("w:basedOn"))
    parent = theirs.get(based.get(qn("w:val"))) if based is not None else None
    props: dict[str, etree._Element] = {}
    if parent is not None and parent.get(qn("w:default")) not in ("1", "true") and parent not in seen:
        props = _inherited(parent, theirs, (*seen, style))
    for tag in CONTAINERS:
        own = style.find(qn(tag))
        if own is None:
            continue
        if tag in props:
            target = props[tag]
            for child in own:
                _merge_child(target, child)
        else:
            props[tag] = _copy(own)
    return props


def _merge(style, tag: str, props: etree._Element) -> None:
    """Merge a reference container (w:pPr …) into our style's, child by child."""
    mine = style.find(qn(tag))
    if mine is None:
        mine = put(style, el(tag), STYLE_ORDER)
    for child in props:
        _merge_child(mine, child)


def _merge_child(container, child) -> None:
    """Put a copy of ``child`` into ``container``: attributes merged (by GROUPS), element
    content (borders, tab stops) replaced, at the schema position of its kind."""
    if not isinstance(child.tag, str) or any(child.tag == qn(t) for t in DROPPED) or child.tag == qn("w:rPr"):
        return
    mine = container.find(child.tag)
    if mine is None or len(child):
        new = _copy(child)
        if mine is not None:
            mine.addprevious(new)
            container.remove(mine)
        else:
            _insert(container, new)
        return
    for group in GROUPS.get(_prefixed(child.tag), ()):
        if any(child.get(qn(f"w:{a}")) is not None for a in group):
            for a in group:
                mine.attrib.pop(qn(f"w:{a}"), None)
    mine.attrib.update(child.attrib)


def _insert(container, child) -> None:
    order = {qn("w:pPr"): PPR_ORDER, qn("w:rPr"): RPR_ORDER}.get(container.tag)
    if order is None:
        container.append(child)
    else:
        put(container, child, order)


def _prefixed(tag: str) -> str:
    return "w:" + etree.QName(tag).localname


def _copy(e):
    """A copy of a reference element as python-docx's own element classes."""
    return parse_xml(etree.tostring(e))


def _drop_glyph_scaling(document, our_ids: set[str]) -> None:
    """Without a character grid, our styles' narrowed glyphs (ooxml.glyph_scale) serve nothing."""
    for style in document.styles.element.iterfind(qn("w:style")):
        if style.get(qn("w:styleId")) in our_ids:
            for scale in style.findall(f"{qn('w:rPr')}/{qn('w:w')}"):
                scale.getparent().remove(scale)
