"""The 发文机关标志 of a letterhead in the first page's header (headers are otherwise not content).

Offices keep their red 发文机关标志 (``某某市人民政府文件``) in a template's first-page header.
The header's text is read and kept when every line of it reads as one (the text reader's rule,
``text.shapes.is_mark_line``: an issuing body's name, with 文件 or not); page number fields are
not its text. It is read before the body, so that the rules place it in the 版头; when they do
not, it is kept as the ``issuing-mark`` property of the metadata instead.
"""
from __future__ import annotations

import re

from ..text.shapes import is_mark_line
from .ooxml import R, W, attr, local


def letterhead(pkg, main_root) -> list[str]:
    """The lines of a 发文机关标志 in the first page's header, or []."""
    body = main_root.find(W + "body")
    sect = body.find(".//" + W + "sectPr") if body is not None else None
    if sect is None:
        return []
    refs = {attr(h, "type") or "default": h.get(R + "id") for h in sect.iterfind(W + "headerReference")}
    title_page = sect.find(W + "titlePg") is not None
    rid = refs.get("first") if title_page else refs.get("default")
    rel = pkg.rels(pkg.main).get(rid or "")
    if rel is None or rel.external or not pkg.has(rel.target):
        return []
    root = pkg.xml(rel.target)
    lines = []
    for p in root.iter(W + "p"):
        if any("PAGE" in (t.text or "") for t in p.iter(W + "instrText")) or p.find(f".//{W}fldSimple") is not None:
            continue
        text = "".join(t.text or "" for t in p.iter(W + "t") if local(t.getparent()) != "del").strip()
        text = re.sub(r"[\s\u3000]+", "", text)
        if text:
            lines.append(text)
    if lines and len(lines) <= 4 and all(is_mark_line(line) for line in lines):
        return lines
    return []
