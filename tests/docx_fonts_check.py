"""Reading a DOCX's embedded fonts back as the specification describes them, independently of
the writer: the parts fontTable.xml relates, de-obfuscated with the key it gives (ECMA-376
Part 1 §17.8.1), opened with fontTools; and the characters each run draws, by script."""
from __future__ import annotations

import io
import posixpath
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED = "application/vnd.openxmlformats-officedocument.obfuscatedFont"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class EmbeddedFont:
    family: str  # w:font/@w:name
    tag: str  # embedRegular, embedBold …
    key: str
    part: str  # word/fonts/font1.odttf
    content_type: str
    data: bytes  # de-obfuscated

    @property
    def font(self) -> TTFont:
        return TTFont(io.BytesIO(self.data))

    @property
    def ps_name(self) -> str:
        return self.font["name"].getDebugName(6)

    @property
    def ps_names(self) -> set[str]:
        """The names a PDF may give it: its PostScript name, and for CFF its font dictionaries'."""
        font = self.font
        names = {font["name"].getDebugName(6)}
        if "CFF " in font:
            cff = font["CFF "].cff
            names |= set(cff.fontNames)
            top = cff[cff.fontNames[0]]
            names |= {fd.FontName for fd in getattr(top, "FDArray", []) if getattr(fd, "FontName", None)}
        return names

    @property
    def family_names(self) -> set[str]:
        name = self.font["name"]
        return {n for n in (name.getDebugName(1), name.getDebugName(16)) if n}

    @property
    def cmap(self) -> set[int]:
        return set(self.font.getBestCmap())


def deobfuscate(data: bytes, key: str) -> bytes:
    """§17.8.1: the key's GUID bytes, read from the end of its string form, XORed over the font's
    first 32 bytes (twice 16)."""
    hexdigits = key.strip("{}").replace("-", "")
    key_bytes = [int(hexdigits[i:i + 2], 16) for i in range(0, 32, 2)][::-1]
    return bytes(b ^ key_bytes[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def embedded_fonts(path: Path) -> list[EmbeddedFont]:
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        table = etree.fromstring(z.read("word/fontTable.xml"))
        rels_name = "word/_rels/fontTable.xml.rels"
        rels = {r.get("Id"): r for r in etree.fromstring(z.read(rels_name)).iter(f"{{{PR}}}Relationship")} \
            if rels_name in names else {}
        types = etree.fromstring(z.read("[Content_Types].xml"))
        overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in types.iter(f"{{{CT}}}Override")}
        defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{{{CT}}}Default")}
        out = []
        for font in table.iter(w("font")):
            for embed in font:
                tag = etree.QName(embed).localname
                if not tag.startswith("embed"):
                    continue
                rel = rels[embed.get(f"{{{R}}}id")]
                assert rel.get("Type") == FONT_REL
                part = posixpath.normpath(posixpath.join("word", rel.get("Target")))
                key = embed.get(w("fontKey"))
                out.append(EmbeddedFont(font.get(w("name")), tag, key, part,
                                        overrides.get(part) or defaults.get(part.rsplit(".", 1)[-1], ""),
                                        deobfuscate(z.read(part), key)))
        return out


def drawn_characters(path: Path) -> dict[tuple[str, bool], set[str]]:
    """(family, bold) → the characters runs draw with it: East Asian wide characters with the
    run's w:eastAsia font, ASCII letters, digits and marks with its w:ascii font. Fonts come from
    the run, its character style, its paragraph style (with what they are based on) and the
    document defaults; bold from the run, else the two styles' values toggled (§17.7.3)."""
    with zipfile.ZipFile(path) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        parts = [etree.fromstring(z.read(n)) for n in z.namelist()
                 if n == "word/document.xml" or n.startswith(("word/footer", "word/header"))]
    by_id = {s.get(w("styleId")): s for s in styles.iter(w("style"))}
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")

    def chain(style_id, attr):
        while style_id in by_id:
            s = by_id[style_id]
            rpr = s.find(w("rPr"))
            value = _get(rpr, attr)
            if value is not None:
                return value
            based = s.find(w("basedOn"))
            style_id = based.get(w("val")) if based is not None else None
        return None

    out: dict[tuple[str, bool], set[str]] = {}
    for root in parts:
        for p in root.iter(w("p")):
            ps = p.find(f"{w('pPr')}/{w('pStyle')}")
            pstyle = ps.get(w("val")) if ps is not None else "Normal"
            for r in p.iter(w("r")):
                rpr = r.find(w("rPr"))
                rs = rpr.find(w("rStyle")) if rpr is not None else None
                rstyle = rs.get(w("val")) if rs is not None else None

                def font(slot):
                    return next((v for v in (_get(rpr, slot), chain(rstyle, slot), chain(pstyle, slot),
                                             _get(defaults, slot)) if v), None)

                bold = _get(rpr, "b")
                if bold is None:
                    bold = bool(chain(pstyle, "b")) != bool(chain(rstyle, "b"))
                text = "".join(t.text or "" for t in r.iter(w("t")))
                for ch in text:
                    if unicodedata.east_asian_width(ch) in "WF":
                        out.setdefault((font("eastAsia"), bold), set()).add(ch)
                    elif ch.isascii() and ch.isprintable() and not ch.isspace():
                        out.setdefault((font("ascii"), bold), set()).add(ch)
    return out


def _get(rpr, attr):
    if rpr is None:
        return None
    if attr == "b":
        b = rpr.find(w("b"))
        return None if b is None else b.get(w("val"), "1") not in ("0", "false")
    rfonts = rpr.find(w("rFonts"))
    return rfonts.get(w(attr)) if rfonts is not None else None
