"""Verifying one output file with means independent of the writer that made it.

Each function returns ``(status, detail)`` with status ``ok``, ``failed`` or ``skipped`` (a tool
that is not installed). Text is compared without whitespace: line breaks and justification are
layout, not content. What a writer adds by design — page numbers, list numbers, bullets,
footnote markers — may be in the output where the writer puts it; any other difference from the
source fails (fidelity.compare).
"""
from __future__ import annotations

import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

from .fidelity import Reference, compare, nonspace

OK, FAILED, SKIPPED = "ok", "failed", "skipped"
Verdict = tuple[str, str]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: the embedding marks pdftotext wraps each right-to-left run in (RLE … PDF, LRE …): its own
#: reading aid, not the PDF's text (found by fuzzing: every Hebrew or Arabic word failed check)
POPPLER_BIDI_MARKS = re.compile("[\u202a-\u202e]")
#: left-to-right and right-to-left marks (U+200E, U+200F)
DIRECTION_MARKS = re.compile("[\u200e\u200f]")
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def compare_text(ref: Reference, found: str) -> Verdict:
    """Whether extracted text says exactly what the reference says (see fidelity), apart from
    what outputs print that is not the text: alt texts framed where a picture cannot be shown,
    the title block (front matter's authors and date), and the direction marks a PDF's lines
    of right-to-left text end their stretches with for poppler (writers/pdf/reading.py),
    unless the source has them itself."""
    first = None
    for text in (found, DIRECTION_MARKS.sub("", found)) if DIRECTION_MARKS.search(found) else (found,):
        verdict = compare(ref, text)
        if verdict.ok:
            return OK, verdict.detail
        if ref.printed:
            second = compare(ref, _without(text, ref.printed))
            if second.ok:
                return OK, second.detail + " (with framed alt texts or a title block)"
        first = first or verdict
    return FAILED, first.detail


def _without(found: str, printed: list[str]) -> str:
    """The extracted text with the first occurrence of each printed extra taken out."""
    for extra in printed:
        if extra:
            found = re.sub(r"\s*".join(map(re.escape, extra)), "", found, count=1)
    return found


def xml_schema(path: Path) -> tuple[Verdict, etree._Element | None]:
    """The canonical XML parses safely and matches the schema; the document, when it does."""
    from . import model
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


def pdf_text(path: Path, raw: bool = True, logical: bool = False) -> tuple[str | None, str]:
    """The PDF's text (pdftotext), without the page number line of each page. ``raw``: in the
    order it is drawn (a table row by row), else in poppler's reading order (right-to-left
    text in logical order, without the embedding controls poppler marks it with).
    ``logical``: in drawing order, each line put back in logical order by the bidirectional
    algorithm (``logical_line``): the order of a page that mixes directions, which poppler's
    reading order gets wrong (it reads a whole page in one direction)."""
    out, problem = _poppler("pdftotext", *(["-raw"] if raw or logical else []), "-enc", "UTF-8", str(path), "-")
    if out is None:
        return None, problem
    if logical:
        out = "\n".join(logical_line(line) for line in out.split("\n"))
    out = POPPLER_BIDI_MARKS.sub("", out)
    pages = []
    for n, page in enumerate(out.split("\f"), 1):
        lines = [line for line in page.splitlines() if line.strip()]
        for i in (len(lines) - 1, 0):  # a footer or header line that is only this page's number
            if lines and re.fullmatch(rf"[^\w]*{n}[^\w]*", nonspace(lines[i])):
                del lines[i]
                break
        pages.append("\n".join(lines))
    return "\n".join(pages), ""


#: a right-to-left word as ``pdftotext -raw`` gives it: wrapped in RLE … PDF, its characters in
#: logical order, the words of the line in the order they are drawn (left to right)
_RTL_SEGMENT = re.compile("\u202b([^\u202a-\u202e]*)\u202c")


def has_right_to_left(path: Path) -> bool:
    """Whether pdftotext marks any right-to-left text in the PDF (raw order)."""
    out, _ = _poppler("pdftotext", "-raw", "-enc", "UTF-8", str(path), "-")
    return bool(out and _RTL_SEGMENT.search(out))


def logical_line(line: str) -> str:
    """One line of ``pdftotext -raw`` in logical order: each right-to-left segment's characters
    reversed (the line as drawn, left to right), then the bidirectional algorithm (python-bidi;
    the line's direction from its first strong character, P2–P3) applied to that visual order.
    Reordering a line's levels is its own inverse: a PDF whose lines were ordered by the
    algorithm gives its logical text back exactly, and any other character or order differs."""
    if "\u202b" not in line:
        return line
    from bidi import get_display  # only PDFs with right-to-left text pay for the import

    visual = _RTL_SEGMENT.sub(lambda m: m.group(1)[::-1], line)
    return get_display(POPPLER_BIDI_MARKS.sub("", visual))


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



_OPF = "{http://www.idpf.org/2007/opf}"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"


def epub_text(path: Path) -> tuple[str | None, str]:
    """The EPUB's reading text, read with zipfile and lxml (not the library that wrote it): the
    body text of every document of the spine in reading order, the navigation document aside."""
    try:
        with zipfile.ZipFile(path) as z:
            container = etree.fromstring(z.read("META-INF/container.xml"), _SAFE)
            opf_path = container.find(f".//{_CONTAINER}rootfile").get("full-path")
            opf = etree.fromstring(z.read(opf_path), _SAFE)
            base = posixpath.dirname(opf_path)
            items = {i.get("id"): i for i in opf.iter(_OPF + "item")}
            texts = []
            for ref in opf.iter(_OPF + "itemref"):
                item = items[ref.get("idref")]
                if ref.get("linear") == "no" or "nav" in (item.get("properties") or "").split():
                    continue
                page = etree.fromstring(z.read(posixpath.normpath(posixpath.join(base, item.get("href")))), _SAFE)
                body = page.find(_XHTML + "body")
                if body is not None:
                    texts.append("".join(_visible_text(body)))
    except (KeyError, AttributeError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError) as e:
        return None, f"cannot read the EPUB's text: {type(e).__name__}: {e}"
    return "\n".join(texts), ""


def _visible_text(el: etree._Element):
    """Text content, without what a reading system does not show as text (scripts, styles)."""
    if isinstance(el.tag, str) and el.tag in (_XHTML + "script", _XHTML + "style"):
        return
    if el.text and isinstance(el.tag, str):
        yield el.text
    for child in el:
        yield from _visible_text(child)
        if child.tail:
            yield child.tail


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
