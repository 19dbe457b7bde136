"""The PDF painter writes plain runs' text operators itself (writers/pdf/paint.plain_run): they
must be what reportlab's text object writes for the same calls, byte for byte, and what it
keeps per document must go with the document."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest
from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from converter.layout.pages import GlyphRun
from converter.writers.pdf import paint

FACE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
#: more than 256 distinct characters (several of reportlab's subsets), a no-break space, PDF
#: string delimiters, characters the face lacks (日本), and texts seen before
TEXTS = ["Hello, world", "".join(chr(c) for c in range(0x100, 0x17F)), "(a) \\ b\u00a0c",
         "".join(chr(c) for c in range(0x391, 0x3C9) if c != 0x3A2), "Hello, world", "日本 x",
         "".join(chr(c) for c in range(0x410, 0x44F)), "ĀΩЖ mixed (again)", ""]


@pytest.mark.skipif(not FACE.is_file(), reason="DejaVu Sans not installed")
def test_plain_runs_write_what_reportlab_writes(tmp_path):
    name = "paint-test-DejaVuSans"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(FACE)))
    runs = [GlyphRun(None, 9.5 + k % 3, ("#000000", "#c00000")[k % 2], text, (72.0 + k,), 700.0 - 14 * k,
                     spacing=0.25 * (k % 2)) for k, text in enumerate(TEXTS * 3)]
    theirs = Canvas(str(tmp_path / "a.pdf")).beginText()
    for run in runs:
        theirs.setTextOrigin(run.x, run.baseline + run.rise)
        theirs.setFont(name, run.size)
        theirs.setFillColor(HexColor(run.color))
        theirs.setCharSpace(run.spacing)
        theirs.textOut(run.text)
    ours = Canvas(str(tmp_path / "b.pdf")).beginText()
    for run in runs:
        assert paint.plain_run(ours, run, name)
    assert " ".join(ours._code) == " ".join(theirs._code)  # what the text object writes (getCode)
    assert ours._canvas._doc._pdfVersion == theirs._canvas._doc._pdfVersion


def test_the_encoders_go_with_their_document(tmp_path):
    from converter.pipeline import build
    from helpers import FIXTURES

    build(FIXTURES / "cli" / "small.txt", tmp_path, ["pdf"])
    gc.collect()
    assert len(paint._ENCODERS) == 0
