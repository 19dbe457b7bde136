"""Pictures of a Word document, extracted where the writers can read them, at their size.

The model names an image by a path relative to the folder its writers read resources from
(converter.model.images). A Word document carries its pictures inside the package, so the
reader copies each one, under a name made of its content's hash, into a folder of the cache
(``<cache>/docx-media/<sha256 of the .docx>/``) and tells the pipeline that this is where the
document's images are (``DocxReader.resource_dir``). The size a picture has in the document
(wp:extent) travels in the copy's own resolution (PNG pHYs, JPEG JFIF density), since the model
has no size attribute: a writer that honours an image's resolution shows it at that size.

GIF, BMP and TIFF pictures are converted to PNG with Pillow; vector pictures (EMF, WMF, SVG
without a PNG copy) and linked pictures are left out with a warning, their description kept
in the warning. Linked (external) pictures are never fetched.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import tempfile
import zlib
from pathlib import Path

from lxml import etree

from ...model import new
from .ooxml import NSMAP, R, local, ns_of, to_int

EMU_PER_INCH = 914400
_A = "{%s}" % NSMAP["a"]
_WP = "{%s}" % NSMAP["wp"]
_PIC = "{%s}" % NSMAP["pic"]
_V = "{%s}" % NSMAP["v"]
_W = "{%s}" % NSMAP["w"]
_RASTER_TO_PNG = {b"GIF8": "GIF", b"BM": "BMP", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}


class Pictures:
    def __init__(self, pkg, folder: Path, found, source_mtime: float | None = None):
        self.pkg = pkg
        #: extracted pictures take the document's time: they are as old as the file they come from
        #: (a folder build trusts a resource's recorded hash only for files older than the build)
        self.source_mtime = source_mtime
        self.folder = folder
        self.found = found
        self.written: dict[tuple[str, int, int], str] = {}

    def read(self, el: etree._Element, reader) -> list:
        """The pictures (model <image> elements) and text boxes (lists of items) inside a
        w:drawing, w:pict or w:object, in document order."""
        out: list = []
        self._walk(el, reader, out, None)
        return out

    def _walk(self, el, reader, out: list, frame) -> None:
        for c in el:
            name, ns = local(c), ns_of(c)
            if ns == NSMAP["w"] and name == "txbxContent":
                out.append(reader.blocks(c))
                continue
            if ns == NSMAP["mc"] and name == "AlternateContent":
                from .paragraphs import _chosen

                self._walk(_chosen(c), reader, out, frame)
                continue
            if ns == NSMAP["wp"] and name in ("inline", "anchor"):
                self._walk(c, reader, out, c)
                continue
            if ns == NSMAP["pic"] and name == "pic":
                image = self._drawing_picture(c, frame, reader)
                if image is not None:
                    out.append(image)
                continue
            if ns == NSMAP["v"] and name == "imagedata":
                image = self._vml_picture(c, el, reader)
                if image is not None:
                    out.append(image)
                continue
            if ns == "http://schemas.openxmlformats.org/drawingml/2006/chart" or name in ("relIds",):
                self.found.warn(f"a chart or diagram is not read as text{_described(frame)}; "
                                "its data stays in the Word file")
                continue
            self._walk(c, reader, out, frame)

    def _drawing_picture(self, pic, frame, reader) -> etree._Element | None:
        c_nv = pic.find(f"{_PIC}nvPicPr/{_PIC}cNvPr")
        doc_pr = frame.find(f"{_WP}docPr") if frame is not None else None
        alt = _first(c_nv, doc_pr, "descr")
        title = _first(c_nv, doc_pr, "title")
        ext = pic.find(f"{_PIC}spPr/{_A}xfrm/{_A}ext")
        if ext is None and frame is not None:
            ext = frame.find(f"{_WP}extent")
        size = (to_int(ext.get("cx"), 0, 0), to_int(ext.get("cy"), 0, 0)) if ext is not None else (0, 0)
        blip = pic.find(f".//{_A}blip")
        if blip is None:
            return None
        rid = blip.get(R + "embed")
        if not rid and blip.get(R + "link"):
            rel = reader.rels.get(blip.get(R + "link"))
            self.found.warn(f"a linked picture ({rel.target if rel else 'external'}) is not fetched"
                            f"{_alt_note(alt)}; insert it into the document instead of linking it")
            return None
        return self._image(rid, size, alt, title, reader)

    def _vml_picture(self, imagedata, shape, reader) -> etree._Element | None:
        rid = imagedata.get(R + "id") or imagedata.get("{%s}relid" % NSMAP["o"])
        alt = shape.get("alt") or imagedata.get("{%s}title" % NSMAP["o"])
        size = _vml_size(shape.get("style", ""))
        return self._image(rid, size, alt, None, reader) if rid else None

    def _image(self, rid: str | None, size_emu: tuple[int, int], alt: str | None, title: str | None,
               reader) -> etree._Element | None:
        rel = reader.rels.get(rid or "")
        if rel is None:
            return None
        if rel.external:
            self.found.warn(f"a linked picture ({rel.target}) is not fetched{_alt_note(alt)}")
            return None
        if not self.pkg.has(rel.target):
            self.found.warn(f"picture {rel.target} is missing from the package{_alt_note(alt)}")
            return None
        key = (rel.target, *size_emu)
        if key not in self.written:
            data = self.pkg.read(rel.target)
            picture = _as_png_or_jpeg(data)
            if picture is None:
                kind = Path(rel.target).suffix.lstrip(".").upper() or "unknown"
                self.found.warn(f"picture {Path(rel.target).name} ({kind}) is not a raster picture we can "
                                f"embed (PNG, JPEG, GIF, BMP, TIFF) and is left out{_alt_note(alt)}")
                return None
            data, ext = picture
            data = _with_size(data, ext, size_emu)
            name = hashlib.sha256(data).hexdigest()[:20] + "." + ext
            _write_once(self.folder / name, data, self.source_mtime)
            self.written[key] = name
        return new("image", src=self.written[key], alt=alt or None, title=title or None)


def _first(a, b, name: str) -> str | None:
    for el in (a, b):
        if el is not None and el.get(name):
            return el.get(name)
    return None


def _described(frame) -> str:
    doc_pr = frame.find(f"{_WP}docPr") if frame is not None else None
    descr = doc_pr.get("descr") if doc_pr is not None else None
    return f" (described as {descr!r})" if descr else ""


def _alt_note(alt: str | None) -> str:
    return f" (its description: {alt!r})" if alt else ""


def _vml_size(style: str) -> tuple[int, int]:
    """width/height of a VML shape's style, in EMU (pt, in, cm, mm, px)."""
    per = {"pt": 12700, "in": 914400, "cm": 360000, "mm": 36000, "px": 9525, "": 12700}
    found = dict(re.findall(r"(width|height)\s*:\s*([\d.]+\s*[a-z]*)", style))
    out = []
    for key in ("width", "height"):
        m = re.match(r"([\d.]+)\s*([a-z]*)", found.get(key, ""))
        out.append(int(float(m.group(1)) * per.get(m.group(2), 12700)) if m else 0)
    return out[0], out[1]


def _as_png_or_jpeg(data: bytes) -> tuple[bytes, str] | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data, "png"
    if data.startswith(b"\xff\xd8\xff"):
        return data, "jpg"
    if any(data.startswith(m) for m in _RASTER_TO_PNG):
        try:
            from PIL import Image

            from ...model.images import max_image_pixels

            with Image.open(io.BytesIO(data)) as im:  # the header only, so far
                if im.size[0] * im.size[1] > max_image_pixels():
                    return None  # a pixel bomb is left out as a damaged picture is (model/images.py)
                im.load()
                buf = io.BytesIO()
                (im if im.mode in ("RGB", "RGBA", "L", "LA", "P") else im.convert("RGBA")).save(buf, "PNG")
            return buf.getvalue(), "png"
        except Exception:  # a damaged picture: left out with the warning the caller gives
            return None
    return None


def _pixels(data: bytes, ext: str) -> tuple[int, int] | None:
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except Exception:
        return None


def _with_size(data: bytes, ext: str, size_emu: tuple[int, int]) -> bytes:
    """The picture with a resolution that makes its natural size the size it has in the document."""
    px = _pixels(data, ext)
    if px is None or not all(size_emu) or not all(px):
        return data
    dpi_x = px[0] * EMU_PER_INCH / size_emu[0]
    dpi_y = px[1] * EMU_PER_INCH / size_emu[1]
    if ext == "png":
        return _png_with_dpi(data, dpi_x, dpi_y)
    return _jpeg_with_dpi(data, dpi_x, dpi_y)


def _png_with_dpi(data: bytes, dpi_x: float, dpi_y: float) -> bytes:
    """A PNG whose pHYs chunk says this resolution (chunks copied byte for byte otherwise)."""
    out = [data[:8]]
    pos = 8
    phys = struct.pack(">IIB", round(dpi_x / 0.0254), round(dpi_y / 0.0254), 1)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos:pos + 12 + length]
        pos += 12 + length
        if kind == b"pHYs":
            continue
        out.append(chunk)
        if kind == b"IHDR":
            out.append(struct.pack(">I", len(phys)) + b"pHYs" + phys
                       + struct.pack(">I", zlib.crc32(b"pHYs" + phys) & 0xFFFFFFFF))
    return b"".join(out)


def _jpeg_with_dpi(data: bytes, dpi_x: float, dpi_y: float) -> bytes:
    """A JPEG that starts with a JFIF segment giving this density (the image data untouched)."""
    x, y = min(max(round(dpi_x), 1), 65535), min(max(round(dpi_y), 1), 65535)
    app0 = b"\xff\xe0" + struct.pack(">H5sBBBHHBB", 16, b"JFIF\x00", 1, 1, 1, x, y, 0, 0)
    rest = data[2:]
    if rest[:2] == b"\xff\xe0" and rest[4:9] == b"JFIF\x00":
        rest = rest[2 + struct.unpack(">H", rest[2:4])[0]:]
    return data[:2] + app0 + rest


def _write_once(path: Path, data: bytes, mtime: float | None) -> None:
    """Write a content-named file unless it is there already (atomically: builds run in parallel)."""
    if path.is_file() and path.stat().st_size == len(data):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    if mtime is not None:
        os.utime(tmp, (mtime, mtime))
    os.replace(tmp, path)
