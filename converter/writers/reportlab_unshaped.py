"""reportlab, imported without HarfBuzz: import this module before reportlab's.

reportlab imports ``uharfbuzz`` when it is installed, for shaping text itself: platypus
paragraphs, and text drawn with ``shaping=True``. Our painters use neither: the layout shapes
complex scripts with HarfBuzz (layout/shaping.py) and the PDF draws the glyphs it placed.
Loading HarfBuzz's library costs about 75 million instructions (a twentieth of a small PDF
build), so it is hidden while reportlab's font module is imported (reportlab then takes it for
absent) and loaded only by a document that has complex scripts to shape. A process that has
loaded it already gives it to reportlab as before.
"""
from __future__ import annotations

import sys

if "reportlab.pdfbase.ttfonts" not in sys.modules and "uharfbuzz" not in sys.modules:
    sys.modules["uharfbuzz"] = None  # an import of it raises ImportError
    try:
        import reportlab.pdfbase.ttfonts  # noqa: F401
    finally:
        del sys.modules["uharfbuzz"]
