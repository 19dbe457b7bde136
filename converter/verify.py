"""Verifying one output file with means independent of the writer that made it.

Each function returns ``(status, detail)`` with status ``ok``, ``failed`` or ``skipped`` (a tool
that is not installed). Text is compared without whitespace: line breaks and justification are
layout, not content. What a writer adds by design — page numbers, list numbers, bullets,
footnote markers — may be in the output; any other difference from the source fails.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from copy import deepcopy
from pathlib import Path

from lxml import etree

from . import model

OK, FAILED, SKIPPED = "ok", "failed", "skipped"
Verdict = tuple[str, str]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: headings the DOCX and PDF writers give the notes they gather at the end of a document
NOTES_LABELS = ("Notes", "注释")
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def nonspace(text: str) -> str:
    return re.sub(r"\s+", "", text)


class Reference:
    """The text an output must carry: a canonical document's text, with its footnotes apart
    (writers move them to the page or the end, so their place in the output varies)."""

    def __init__(self, doc: etree._Element, origin: str):
        self.origin = origin  # where the text came from, for messages
        self.text = model.plain_text(doc)
        bare = deepcopy(doc)
        notes = [el for el in bare.iter(model.q("footnote"))]
        self.footnotes = [model.plain_text(n) for n in notes]
        for note in notes:
            model.remove_keeping_tail(note)
        self.main = model.plain_text(bare)
        #: table header rows, which a paginated output repeats on every page a table spans
        self.headers = [_letters(model.plain_text(h)) for h in doc.iter(model.q("thead"))]


def _letters(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c)[0] in "LM")


def compare_text(ref: Reference, found: str) -> Verdict:
    """Whether extracted text equals the reference, whitespace aside."""
    out = nonspace(found)
    if out == nonspace(ref.text):
        return OK, f"equal to {ref.origin}"
    for note in ref.footnotes:  # a footnote's text may be anywhere: at the foot of a page, at the end
        n = nonspace(note)
        k = out.find(n)
        if k < 0:
            return FAILED, f"footnote text not found: {n[:30]!r}"
        out = out[:k] + out[k + len(n):]
    if ref.footnotes:  # the heading writers put above the notes they gather at the end
        for label in NOTES_LABELS:
            k = out.rfind(label)
            if k >= 0:
                out = out[:k] + out[k + len(label):]
    exp = nonspace(ref.main)
    i, extras = 0, []
    for ch in out:
        if i < len(exp) and ch == exp[i]:
            i += 1
        else:
            extras.append(ch)
    if i < len(exp):
        return FAILED, f"differs from {ref.origin} at character {i} of {len(exp)}: expected {exp[i:i + 20]!r}"
    words = _letters("".join(extras))
    for header in ref.headers:  # repeated on the pages a table continues onto
        if header:
            words = words.replace(header, "")
    if words:  # numbering, bullets and markers are digits and punctuation; letters are text
        return FAILED, f"text that is not in {ref.origin}: {words[:30]!r}"
    return OK, f"equal to {ref.origin} apart from {len(extras)} generated mark(s) (numbers, bullets, note markers)"


def xml_schema(path: Path) -> tuple[Verdict, etree._Element | None]:
    """The canonical XML parses safely and matches the schema; the document, when it does."""
    from .errors import ConverterError
    from .readers.xml import parse_xml

    try:
        doc = parse_xml(path.read_bytes(), str(path))
        model.validate(doc, str(path))
    except (ConverterError, OSError) as e:
        return (FAILED, str(e)), None
    return (OK, "valid against document.rng"), doc


def _poppler(tool: str, *args: str) -> tuple[str | None, str]:
    exe = shutil.which(tool)
    if exe is None:
        return None, f"{tool} is not installed (Debian package poppler-utils)"
    r = subprocess.run([exe, *args], capture_output=True, text=True, errors="replace")
    if r.returncode != 0:
        return None, f"{tool} failed: {r.stderr.strip()[:200]}"
    return r.stdout, ""


def pdf_fonts(path: Path) -> Verdict:
    """Every font in the PDF is embedded (pdffonts)."""
    out, problem = _poppler("pdffonts", str(path))
    if out is None:
        return (SKIPPED if "not installed" in problem else FAILED), problem
    rows = out.splitlines()[2:]
    fonts, missing = 0, []
    for row in rows:
        # name type encoding emb sub uni id gen: the last five columns are fixed words
        cols = row.split()
        if len(cols) < 6:
            continue
        fonts += 1
        if cols[-5] != "yes":
            missing.append(cols[0])
    if missing:
        return FAILED, "not embedded: " + ", ".join(missing)
    return OK, f"{fonts} font(s), all embedded"


def pdf_text(path: Path, raw: bool = True) -> tuple[str | None, str]:
    """The PDF's text (pdftotext), without the page number line of each page. ``raw``: in the
    order it is drawn (a table row by row), else in poppler's reading order."""
    out, problem = _poppler("pdftotext", *(["-raw"] if raw else []), "-enc", "UTF-8", str(path), "-")
    if out is None:
        return None, problem
    pages = []
    for n, page in enumerate(out.split("\f"), 1):
        lines = [line for line in page.splitlines() if line.strip()]
        for i in (len(lines) - 1, 0):  # a footer or header line that is only this page's number
            if lines and re.fullmatch(rf"[^\w]*{n}[^\w]*", nonspace(lines[i])):
                del lines[i]
                break
        pages.append("\n".join(lines))
    return "\n".join(pages), ""


def docx_text(path: Path) -> tuple[str | None, str]:
    """The DOCX opened with python-docx: its body text, then its footnotes' text."""
    try:
        import docx

        document = docx.Document(str(path))
    except Exception as e:  # whatever python-docx raises, the file does not open
        return None, f"python-docx cannot open it: {type(e).__name__}: {e}"
    parts = ["".join(t.text or "" for t in document.element.body.iter(W + "t"))]
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/word/footnotes.xml":
            root = etree.fromstring(part.blob, _SAFE)
            parts.append("".join(t.text or "" for t in root.iter(W + "t")))
    return "\n".join(parts), ""


def epubcheck_command() -> list[str] | None:
    """How to run epubcheck here, or None when it is not installed. Debian's /usr/bin/epubcheck
    is the bare .jar, run through ``java -jar`` where binfmt is not set up."""
    exe = shutil.which("epubcheck")
    if exe is None:
        return None
    real = Path(exe).resolve()
    with real.open("rb") as f:
        is_jar = f.read(2) == b"PK"
    if not is_jar:
        return [exe]
    java = shutil.which("java")
    return [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(real)] if java else None


def epub_check(path: Path) -> Verdict:
    """epubcheck's verdict, or skipped (saying so) when it is not installed."""
    cmd = epubcheck_command()
    if cmd is None:
        return SKIPPED, "epubcheck is not installed: EPUB not validated (Debian package epubcheck)"
    r = subprocess.run([*cmd, "-q", str(path)], capture_output=True, text=True, errors="replace")
    if r.returncode == 0:
        return OK, "no errors from epubcheck"
    problems = [line for line in (r.stdout + r.stderr).splitlines() if line.startswith(("ERROR", "FATAL"))]
    return FAILED, (problems[0] if problems else (r.stdout + r.stderr).strip()[:200]) + (
        f" (+{len(problems) - 1} more)" if len(problems) > 1 else "")



def png_image(path: Path) -> Verdict:
    """A well-formed PNG read with zlib alone (not the library that wrote it): signature, every
    chunk's CRC, the image data inflating to the size its header says; reports size and dpi."""
    import struct
    import zlib

    try:
        data = path.read_bytes()
    except OSError as e:
        return FAILED, f"cannot read: {e.strerror}"
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FAILED, "not a PNG file (no PNG signature)"
    pos, chunks, idat = 8, {}, []
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            return FAILED, f"damaged {kind.decode('latin-1')} chunk at byte {pos}"
        chunks.setdefault(kind, body)
        if kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
        if kind == b"IEND":
            break
    if b"IHDR" not in chunks or b"IEND" not in chunks or not idat:
        return FAILED, "incomplete PNG (no header, data or end chunk)"
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(color)
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        return FAILED, f"image data does not inflate: {e}"
    if channels is None or len(raw) != height * (1 + (width * channels * depth + 7) // 8):
        return FAILED, "image data does not match the header's size"
    dpi = ""
    if b"pHYs" in chunks:
        x, _, unit = struct.unpack(">IIB", chunks[b"pHYs"][:9])
        dpi = f", {round(x * 0.0254)} dpi" if unit == 1 else ""
    return OK, f"{width}×{height} pixels{dpi}"


def pdf_pages(path: Path) -> tuple[int | None, str]:
    """The PDF's page count (pdfinfo)."""
    out, problem = _poppler("pdfinfo", str(path))
    if out is None:
        return None, problem
    found = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return (int(found.group(1)), "") if found else (None, "pdfinfo gives no page count")
