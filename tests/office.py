"""LibreOffice as the tests' real word processor: headless PDF export, optionally on a machine
that has none of our fonts (fontconfig limited to DejaVu), and reading its PDFs back."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

#: the one font family left visible when fonts are hidden: a basic font every Debian has
BASIC_FONTS = Path("/usr/share/fonts/truetype/dejavu")


def hidden_fonts_env(folder: Path) -> dict[str, str]:
    """Environment variables under which fontconfig sees only DejaVu (``folder`` holds its
    configuration and cache), as on a machine where our fonts are not installed."""
    if not BASIC_FONTS.is_dir():
        pytest.skip(f"{BASIC_FONTS} is absent: cannot simulate a machine without our fonts")
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                    f"<fontconfig><dir>{BASIC_FONTS}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    return {"FONTCONFIG_FILE": str(conf)}


def to_pdf(documents: list[Path], out: Path, hide_fonts: bool = False) -> dict[Path, Path]:
    """Convert documents to PDF with headless LibreOffice; returns document → PDF.

    One process and profile per document, two at a time: fonts embedded in one document stay
    registered for the rest of a LibreOffice process, so a batch would let one document's
    subset of a font stand in for another's. ``hide_fonts``: only DejaVu is installed, as far
    as LibreOffice can tell.
    """
    import os

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if hide_fonts:
        env |= hidden_fonts_env(out / "fontconfig")
    stems = [d.stem for d in documents]
    assert len(set(stems)) == len(stems), "one PDF per name: convert same-named documents separately"
    pending = list(enumerate(documents))
    running: list[tuple[Path, subprocess.Popen]] = []
    while pending or running:
        while pending and len(running) < 2:
            i, doc = pending.pop(0)
            profile = (out / f"profile-{i}").as_uri()
            running.append((doc, subprocess.Popen(
                [soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf",
                 "--outdir", str(out), str(doc)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)))
        doc, proc = running.pop(0)
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        assert (out / (doc.stem + ".pdf")).is_file(), f"LibreOffice made no PDF of {doc}: {stdout} {stderr}"
    return {d: out / (d.stem + ".pdf") for d in documents}


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    return float(m.group(1)), float(m.group(2))


def font_names(pdf: Path) -> list[str]:
    """The fonts a PDF uses (pdffonts), without the subset tag (ABCDEF+)."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+", 1)[-1] for line in out.splitlines()[2:] if line.strip()]


def split_numbers(pdf: Path, source_text: str) -> list[tuple[str, str]]:
    """The numbers a PDF breaks over two lines: (end of one line, start of the next) where the
    line ends in digits, the next starts with digits, and the two digit runs joined are part
    of one digit run of the source (``163`` / ``9次`` from ``1639次``; ``2021`` / ``3``, two numbers
    the source keeps apart, is not a split). ``source_text``: the source as written, its
    lines apart (a label ``附件1`` over a title ``2024年…`` is two numbers)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    runs = set(re.findall(r"[0-9]+", source_text))
    lines = [ln.strip() for ln in text.replace("\f", "\n").splitlines() if ln.strip()]
    splits = []
    for a, b in zip(lines, lines[1:]):
        tail, head = re.search(r"[0-9]+$", a), re.match(r"[0-9]+", b)
        if tail and head and any(tail.group() + head.group() in run for run in runs):
            splits.append((a[-12:], b[:12]))
    return splits


def shown_strings(pdf: Path) -> list[tuple[str, int, float, str]]:
    """Every string a PDF shows, as (text, text render mode, line width, font name), read with
    pdfminer's interpreter (pdfplumber's characters do not say the render mode: 2 is a
    synthetic bold's fill and stroke)."""
    pytest.importorskip("pdfminer")
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    shown: list[tuple[str, int, float, str]] = []

    class Recorder(PDFPageAggregator):
        def render_string(self, textstate, seq, ncs, graphicstate):
            font = textstate.font
            text = "".join(font.to_unichr(c) for s in seq if isinstance(s, bytes) for c in font.decode(s))
            shown.append((text, textstate.render, graphicstate.linewidth, font.fontname))
            super().render_string(textstate, seq, ncs, graphicstate)

    manager = PDFResourceManager()
    device = Recorder(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    with open(pdf, "rb") as f:
        for page in PDFPage.get_pages(f):
            interpreter.process_page(page)
    return shown
