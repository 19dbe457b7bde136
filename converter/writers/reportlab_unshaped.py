"""reportlab, imported without HarfBuzz and with Pillow loaded lazily: import this module
before reportlab's.

reportlab imports ``uharfbuzz`` when it is installed, for shaping text itself: platypus
paragraphs, and text drawn with ``shaping=True``. Our painters use neither: the layout shapes
complex scripts with HarfBuzz (layout/shaping.py) and the PDF draws the glyphs it placed.
Loading HarfBuzz's library costs about 75 million instructions (a twentieth of a small PDF
build), so it is hidden while reportlab's font module is imported (reportlab then takes it for
absent) and loaded only by a document that has complex scripts to shape. A process that has
loaded it already gives it to reportlab as before.

reportlab's utilities also import Pillow's ``Image`` module (5 ms, its EXIF and TIFF tables)
for pictures only. It is given to reportlab as a module that loads on first use
(``importlib.util.LazyLoader``, the standard library's lazy import), so that only a document
with pictures loads it.
"""
from __future__ import annotations

import importlib.util
import sys


def _lazy(name: str) -> None:
    """Module ``name`` (of a package already imported) put in place unloaded: it is loaded
    when one of its attributes is first read. Nothing happens if it is loaded already."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return  # not installed: whoever imports it gets the ImportError as before
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)


if "reportlab.lib.utils" not in sys.modules:
    _lazy("PIL.Image")

if "reportlab.pdfbase.ttfonts" not in sys.modules and "uharfbuzz" not in sys.modules:
    sys.modules["uharfbuzz"] = None  # an import of it raises ImportError
    try:
        import reportlab.pdfbase.ttfonts  # noqa: F401
    finally:
        del sys.modules["uharfbuzz"]
