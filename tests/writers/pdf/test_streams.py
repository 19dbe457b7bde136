"""The PDF's streams are deflated and nothing more: no ASCII85 layer (a quarter larger than the
bytes it encodes, and a pass over every page to make). Checked on a real PDF with pictures:
every stream's filter, and the text and the pictures a reader gets back (pdftotext, pdfimages)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pdfplumber
import pytest

from converter.pipeline import build
from helpers import FIXTURES, SOURCES

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdfimages") is None,
                                   reason="poppler-utils not installed")


@needs_poppler
def test_streams_are_deflated_without_ascii85(tmp_path):
    src = SOURCES / "handbook.md"  # text, fonts and pictures: every kind of stream the writer makes
    build(src, tmp_path, ["pdf"])
    pdf = tmp_path / "handbook.pdf"
    data = pdf.read_bytes()
    filters = re.findall(rb"/Filter\s*(\[[^\]]*\]|/\w+)", data)
    assert len(filters) > 10
    assert all(b"ASCII85Decode" not in f for f in filters), set(filters)
    assert all(b"FlateDecode" in f or b"DCTDecode" in f for f in filters), set(filters)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert len(re.sub(r"\s+", "", text)) > 1000
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()) > 2  # the header, and at least one picture read back


def test_pillow_is_loaded_only_by_a_document_with_pictures(tmp_path):
    """reportlab gets Pillow's Image module unloaded (writers/reportlab_unshaped.py): a PDF
    without pictures does not load it; a document with a PNG, built next in the same process,
    loads it and the picture is in the PDF at its size."""
    from PIL import Image

    Image.new("RGB", (40, 20), (20, 120, 200)).save(tmp_path / "blue.png")
    (tmp_path / "pic.md").write_text("# Pictures\n\n![a blue block](blue.png)\n", encoding="utf-8")
    code = ("import sys, pathlib; from converter.pipeline import build;"
            "build(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[3]), ['pdf']);"
            "m = sys.modules.get('PIL.Image'); print(m is None or type(m).__name__ == '_LazyModule');"
            "build(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]), ['pdf']);"
            "print(type(sys.modules['PIL.Image']).__name__)")
    r = subprocess.run([sys.executable, "-c", code, str(FIXTURES / "cli" / "small.txt"), str(tmp_path / "pic.md"),
                        str(tmp_path / "out")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "module"]
    with pdfplumber.open(tmp_path / "out" / "pic.pdf") as pdf:
        images = [im for page in pdf.pages for im in page.images]
    assert [im["srcsize"] for im in images] == [(40, 20)]
