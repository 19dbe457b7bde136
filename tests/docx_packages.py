"""Word packages written by hand for the DOCX reader's tests: exactly the XML a case needs.

Each test states the WordprocessingML it reads (runs, fields, tracked changes, text boxes …), so
what the reader is given is visible in the test, not hidden in a binary fixture.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
)
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def p(text: str = "", ppr: str = "") -> str:
    """A paragraph of one plain run."""
    run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{run}</w:p>"


def r(text: str, rpr: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def make_docx(path: Path, body: str, *, parts: dict[str, str | bytes] | None = None,
              rels: list[tuple[str, str, str] | tuple[str, str, str, str]] = (),
              main_type: str = MAIN_TYPE, sect: str = "") -> Path:
    """Write a .docx whose body is ``body``; ``parts``: more parts by name (word/numbering.xml …),
    ``rels``: (id, type, target[, "External"]) relationships of the main part."""
    parts = dict(parts or {})
    overrides = {"/word/document.xml": main_type}
    kinds = {"word/styles.xml": "styles", "word/numbering.xml": "numbering", "word/footnotes.xml": "footnotes",
             "word/endnotes.xml": "endnotes", "word/header1.xml": "header"}
    rel_list = list(rels)
    for name, kind in kinds.items():
        if name in parts and not any(t == kind and target == name.split("/", 1)[1] for _, t, target, *_ in rel_list):
            rel_list.append((f"rIdAuto{kind}", kind, name.split("/", 1)[1]))
    for name in parts:
        if name.endswith(".xml"):
            overrides["/" + name] = "application/xml"
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="png" ContentType="image/png"/><Default Extension="xml" ContentType="application/xml"/>'
             + "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items()) + "</Types>")
    root_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 f'<Relationship Id="rId1" Type="{REL}officeDocument" Target="word/document.xml"/></Relationships>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                + "".join(f'<Relationship Id="{i}" Type="{REL}{t}" Target="{target}"'
                          + (' TargetMode="External"' if rest else "") + "/>" for i, t, target, *rest in rel_list)
                + "</Relationships>")
    document = (f'<?xml version="1.0" encoding="UTF-8"?><w:document {NAMESPACES}><w:body>{body}'
                f"<w:sectPr>{sect}</w:sectPr></w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", root_rels)
        z.writestr("word/document.xml", document)
        z.writestr("word/_rels/document.xml.rels", doc_rels)
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def wrap(tag: str, inner: str) -> str:
    """A part's root element with the usual namespaces (w:footnotes, w:numbering, w:styles, w:hdr)."""
    return f'<?xml version="1.0" encoding="UTF-8"?><w:{tag} {NAMESPACES}>{inner}</w:{tag}>'


def png(w: int, h: int) -> bytes:
    """A red PNG of w × h pixels (no resolution chunk)."""
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def drawing(rid: str, cx: int, cy: int, descr: str) -> str:
    """A run holding an inline picture (relationship ``rid``) shown cx × cy EMU, described ``descr``."""
    return (f'<w:r><w:drawing><wp:inline><wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="1" name="p" descr="{descr}"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="0" name="p"/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill>'
            "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")
