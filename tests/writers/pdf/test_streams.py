"""The PDF's streams are deflated and nothing more: no ASCII85 layer (a quarter larger than the
bytes it encodes, and a pass over every page to make). Checked on a real PDF with pictures:
every stream's filter, and the text and the pictures a reader gets back (pdftotext, pdfimages)."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from converter.pipeline import build
from helpers import SOURCES

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
