"""Opening a Word package safely: the bytes are checked before anything is unzipped.

Hand-written on zipfile and lxml rather than python-docx's ``Document()``: python-docx refuses a
``.docm`` (whose document we read, never its macros), inflates every part before one could check
sizes, and resolves nothing we need for reading order (text boxes, fields, tracked changes).
What is refused, each with a message naming the file:

- not a ZIP package: a binary Word ``.doc`` or WPS ``.wps`` (OLE compound files), an encrypted
  or password-protected document (an OLE file holding an ``EncryptedPackage``), anything else;
- a zip bomb: too many entries, too many bytes once inflated, or a compression ratio no document
  has — all read from the central directory, and enforced again while inflating;
- a package whose main part is not a Word document (a workbook, a presentation …);
- XML with a DOCTYPE or entity declarations (never expanded, never fetched).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ...errors import InputError

#: the largest .docx read (pictures make Word files larger than text sources)
MAX_PACKAGE_BYTES = 128 * 1024 * 1024
#: all parts together, once inflated
MAX_INFLATED_BYTES = 512 * 1024 * 1024
#: one part, once inflated
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 10_000
#: inflated ÷ compressed for one part; XML compresses about 10:1, long runs of spaces up to
#: a few hundred; a bomb is thousands
MAX_RATIO = 1000
#: parts smaller than this are never called bombs, whatever their ratio
RATIO_FLOOR = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

NS = {
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
OFFICE_DOCUMENT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
                   "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument")
WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "template",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "macro-enabled document",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "macro-enabled template",
}
_OTHER_OFFICE = {"spreadsheetml": "an Excel workbook", "presentationml": "a PowerPoint presentation"}
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str  # the last path segment of the relationship type: "image", "hyperlink" …
    target: str  # a part name (no leading slash) or, when external, the URL as written
    external: bool


@dataclass
class Package:
    """An opened Word package: its parts by name, read on demand with the size limits."""

    name: str  # the file, for messages
    zf: zipfile.ZipFile
    main: str  # the main document part, e.g. "word/document.xml"
    kind: str  # "document", "macro-enabled document" …
    has_macros: bool = False
    _rels: dict[str, dict[str, Relationship]] = field(default_factory=dict)

    def has(self, part: str) -> bool:
        try:
            self.zf.getinfo(part)
            return True
        except KeyError:
            return False

    def read(self, part: str) -> bytes:
        """A part's bytes, inflated no further than its declared size (a lying header is a bomb)."""
        info = self.zf.getinfo(part)
        try:
            with self.zf.open(info) as f:
                data = f.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as e:
            raise InputError(f"part {part} of the package is damaged and cannot be read ({e})", self.name) from None
        if len(data) > info.file_size:
            raise InputError(f"part {part} inflates beyond its declared size: refused as a zip bomb", self.name)
        return data

    def xml(self, part: str) -> etree._Element | None:
        """A part parsed as XML (None when the package has no such part)."""
        if not self.has(part):
            return None
        return parse_part(self.read(part), part, self.name)

    def rels(self, part: str) -> dict[str, Relationship]:
        """The relationships of a part, by id (external targets are never fetched)."""
        if part not in self._rels:
            folder, base = posixpath.split(part)
            rels_part = posixpath.join(folder, "_rels", base + ".rels")
            found: dict[str, Relationship] = {}
            root = self.xml(rels_part)
            for r in root.iterfind("rel:Relationship", NS) if root is not None else ():
                external = r.get("TargetMode", "").lower() == "external"
                target = r.get("Target", "")
                if not external:
                    target = _part_name(folder, target)
                found[r.get("Id", "")] = Relationship(r.get("Id", ""), r.get("Type", "").rsplit("/", 1)[-1],
                                                      target, external)
            self._rels[part] = found
        return self._rels[part]

    def related(self, part: str, rel_type: str) -> str | None:
        """The first internal part related from ``part`` with this relationship type."""
        for r in self.rels(part).values():
            if r.type == rel_type and not r.external and self.has(r.target):
                return r.target
        return None


def open_package(path: Path) -> Package:
    """Open a Word document, or raise InputError saying why it is not one we read."""
    name = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", name) from None
    if size == 0:
        raise InputError("file is empty", name)
    if size > MAX_PACKAGE_BYTES:
        raise InputError(f"file is {size:,} bytes; the limit for Word documents is {MAX_PACKAGE_BYTES:,}", name)
    if head.startswith(OLE_MAGIC):
        raise InputError(_ole_message(path), name)
    if not head.startswith(ZIP_MAGIC) or not zipfile.is_zipfile(path):
        raise InputError("not a Word document: a .docx is a ZIP package, and this file is not one", name)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"not a Word document: damaged ZIP package ({e})", name) from None
    try:
        _check_sizes(zf, name)
        pkg = _main_part(zf, name)
    except BaseException:
        zf.close()
        raise
    return pkg


def _ole_message(path: Path) -> str:
    """Why an OLE compound file is not read: encrypted OOXML, binary Word, WPS."""
    try:
        with path.open("rb") as f:
            data = f.read(4 * 1024 * 1024)
    except OSError:
        data = b""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return ("the document is encrypted (password-protected); remove the password in Word or WPS "
                "(File → Info → Protect Document) and save it again")
    if path.suffix.lower() == ".wps" or "WPS".encode("utf-16-le") in data[:4096]:
        return "a WPS Writer .wps file is not read; save it as .docx (WPS: 文件 → 另存为 → Word 文档)"
    return "a binary Word .doc (Word 97–2003) is not read; save it as .docx (Word: File → Save As → Word Document)"


def _check_sizes(zf: zipfile.ZipFile, name: str) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise InputError(f"the package has {len(infos):,} entries (limit {MAX_ENTRIES:,}): refused as a zip bomb", name)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputError("the package is encrypted (a password-protected ZIP); it cannot be read", name)
        if info.file_size > MAX_PART_BYTES:
            raise InputError(f"part {info.filename} inflates to {info.file_size:,} bytes "
                             f"(limit {MAX_PART_BYTES:,}): refused as a zip bomb", name)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(f"part {info.filename} inflates {info.file_size // max(info.compress_size, 1):,} "
                             f"times (limit {MAX_RATIO}): refused as a zip bomb", name)
        total += info.file_size
    if total > MAX_INFLATED_BYTES:
        raise InputError(f"the package inflates to {total:,} bytes (limit {MAX_INFLATED_BYTES:,}): "
                         "refused as a zip bomb", name)


def _main_part(zf: zipfile.ZipFile, name: str) -> Package:
    """The main document part, found as OPC says: the package's officeDocument relationship."""
    pkg = Package(name, zf, main="", kind="")
    types = pkg.xml("[Content_Types].xml")
    if types is None:
        raise InputError("not a Word document: the ZIP package has no [Content_Types].xml", name)
    overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType", "")
                 for o in types.iterfind("ct:Override", NS)}
    main = next((r.target for r in pkg.rels("").values()
                 if r.type == "officeDocument" and not r.external), None)
    if main is None or not pkg.has(main):
        raise InputError("not a Word document: the package names no main document part", name)
    content_type = overrides.get(main, "")
    kind = WORD_MAIN_TYPES.get(content_type)
    if kind is None:
        what = next((v for k, v in _OTHER_OFFICE.items() if k in content_type), None)
        raise InputError(f"not a Word document: it is {what}" if what else
                         f"not a Word document: its main part is {content_type or 'of no known type'}", name)
    pkg.main, pkg.kind = main, kind
    pkg.has_macros = "macroEnabled" in content_type or any(
        n.lower().endswith("vbaproject.bin") for n in zf.namelist())
    return pkg


def parse_part(data: bytes, part: str, name: str) -> etree._Element:
    """Parse one XML part; a DOCTYPE or entity declaration is refused, never expanded."""
    if _DOCTYPE.search(data[:4096]) or _DOCTYPE.search(data):
        raise InputError(f"part {part} declares a DOCTYPE or entities, which Word never writes: refused", name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
                             remove_comments=True, remove_pis=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise InputError(f"part {part} is not well-formed XML: {e.msg}", name) from None


def _part_name(folder: str, target: str) -> str:
    """A relationship target as a part name inside the package (no leading slash)."""
    target = target.split("#", 1)[0]
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))
