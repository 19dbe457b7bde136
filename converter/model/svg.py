"""SVG pictures: sanitised, sized and rasterised (part of the image rule, model/images.py).

An SVG is a program as much as a picture: it may carry scripts, event handlers, links that
load other files or web addresses when it is drawn, and entity expansions. Before any output
embeds it, it is parsed with lxml (no DTD, no entities, no network) and rebuilt keeping only
drawing: ``<script>``, ``<foreignObject>`` (HTML inside), ``on…`` attributes, and every
reference that is not to the picture itself (``#id``) or an embedded PNG, JPEG or GIF
(``data:image/…``) are removed, as are style rules that load anything (``url(…)`` other than
``#id``, ``@import``). No library does this for SVG (bleach and lxml's HTML cleaner know
HTML's vocabulary, not SVG's), so it is written here, as a whitelist of what may refer.

Drawn by svglib in the PDF (vector: it turns the SVG into reportlab drawing operators; an SVG
with text as its raster, since svglib sets text in unembedded standard fonts) and
embedded as it is in the EPUB (SVG is a core media type of EPUB 3); rasterised with Debian's
librsvg (``rsvg-convert``) for the DOCX and the page images, at twice its CSS size.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from lxml import etree

from ..errors import InputError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: elements removed with everything inside them
DROPPED = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
#: references that stay: this picture's own ids, pictures embedded in it
SAFE_REFERENCE = re.compile(r"^\s*(#|data:image/(png|jpeg|gif);base64,)", re.I)
#: CSS that loads something: @import, a declaration with url(…) not to #id (dropped whole, so
#: that the element's own attributes apply)
UNSAFE_CSS = re.compile(r"@import[^;]*;?|[^;{}]*url\(\s*(?![\"']?#)[^)]*\)[^;{}]*;?", re.I)
#: CSS pixels per unit (SVG's width and height)
UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
#: the size of an SVG that says none (CSS's replaced-element default)
DEFAULT_SIZE = (300.0, 150.0)
#: changes when sanitising changes: the cached copies of older rules are not reused
SANITISER_VERSION = "2"
#: elements that set text: svglib would draw it in reportlab's unembedded standard fonts, so
#: an SVG with text is drawn as its raster in the PDF too
TEXT_ELEMENTS = {"text", "tspan", "textPath"}
#: the raster's pixels per CSS pixel (192 dpi: sharp in print at its size)
RASTER_ZOOM = 2


def sanitise(data: bytes, name: str, line: int | None = None) -> tuple[bytes, list[str]]:
    """The SVG with only drawing left, and what was removed (for the build's message)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise InputError(f"image {name!r} is not a well-formed SVG file: {e}", line=line) from None
    if etree.QName(root).localname != "svg":
        raise InputError(f"image {name!r} is not an SVG file (its root is <{etree.QName(root).localname}>)",
                         line=line)
    removed: list[str] = []
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments, entities
            if el.getparent() is not None:
                el.getparent().remove(el)
            continue
        local = etree.QName(el).localname
        if local in DROPPED:
            removed.append(f"<{local}>")
            el.getparent().remove(el)
            continue
        for attr in list(el.attrib):
            a = etree.QName(attr).localname
            value = el.get(attr)
            if a.lower().startswith("on"):
                removed.append(f"{a}=")
                del el.attrib[attr]
            elif a == "href" and not SAFE_REFERENCE.match(value):
                removed.append(f"href {value[:40]!r}")
                del el.attrib[attr]
            elif a == "style" and UNSAFE_CSS.search(value):
                removed.append("style url()")
                el.set(attr, UNSAFE_CSS.sub("", value))
        if local == "style" and el.text and UNSAFE_CSS.search(el.text):
            removed.append("<style> url()")
            el.text = UNSAFE_CSS.sub("", el.text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), removed


def css_size(root: etree._Element) -> tuple[float, float]:
    """The picture's width and height in CSS pixels: its width and height attributes, else its
    viewBox's, else 300 × 150 (a percentage says nothing of the size: the viewBox decides)."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    vb = (float(box[2]), float(box[3])) if len(box) == 4 and _number(box[2]) and _number(box[3]) else None
    w, h = _length(root.get("width")), _length(root.get("height"))
    if w and h:
        return w, h
    if vb and vb[0] > 0 and vb[1] > 0:
        if w:
            return w, w * vb[1] / vb[0]
        if h:
            return h * vb[0] / vb[1], h
        return vb
    return w or DEFAULT_SIZE[0], h or DEFAULT_SIZE[1]


def _number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _length(value: str | None) -> float | None:
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(px|pt|pc|in|cm|mm)?\s*", value or "", re.I)
    if not m:
        return None
    v = float(m.group(1)) * UNITS[(m.group(2) or "").lower()]
    return v if v > 0 else None


def read_svg(path: Path, name: str, line: int | None, cache: Path):
    """The sanitised SVG (cached) as an ImageInfo, with its raster for pixel-only outputs."""
    from .images import DEFAULT_DPI, SVG_KIND, ImageInfo, check_pixels, converted

    data = path.read_bytes()
    clean, removed = sanitise(data, name, line)
    svg = converted(cache, data, f"clean{SANITISER_VERSION}", ".svg", lambda target: target.write_bytes(clean))
    clean = svg.read_bytes()  # the cached copy: its raster is made from, and keyed by, these bytes
    root = etree.fromstring(clean, etree.XMLParser(resolve_entities=False, no_network=True))
    width, height = css_size(root)
    check_pixels(width, height, name, line, zoom=RASTER_ZOOM)  # before rsvg-convert draws it
    raster = converted(cache, clean, f"x{RASTER_ZOOM}", ".png", lambda target: _rasterise(svg, target, name, line))
    pixels = (max(1, round(width)), max(1, round(height)))
    has_text = any(isinstance(e.tag, str) and etree.QName(e).localname in TEXT_ELEMENTS for e in root.iter())
    return ImageInfo(svg, *SVG_KIND, pixels, (DEFAULT_DPI, DEFAULT_DPI), raster=raster, source=path,
                     removed=tuple(dict.fromkeys(removed)), vector=not has_text)


def _rasterise(svg: Path, target: Path, name: str, line: int | None) -> None:
    exe = shutil.which("rsvg-convert")
    if exe is None:
        raise InputError(f"image {name!r}: rsvg-convert (Debian's librsvg2-bin) is not installed to draw it",
                         line=line)
    done = subprocess.run([exe, "--zoom", str(RASTER_ZOOM), "--format", "png", "--output", str(target), str(svg)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise InputError(f"image {name!r} cannot be drawn: {done.stderr.strip()[:200]}", line=line)
