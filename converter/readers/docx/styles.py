"""What a paragraph's Word style says about it: a title, a heading level, a list, a caption.

Styles are followed through w:basedOn; a paragraph's own w:outlineLvl or w:numPr wins over its
style's. Names are matched on the built-in English names Word stores (``heading 1``, ``Title``)
and the Chinese names WPS and localised Word templates give (``标题 1``, ``标题``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .ooxml import W, attr, list_number, on, to_int, wfind

_HEADING = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TITLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)
_SUBTITLE = re.compile(r"^(?:subtitle|副标题)$", re.IGNORECASE)
_CAPTION = re.compile(r"^(?:caption|题注)$", re.IGNORECASE)
_QUOTE = re.compile(r"^(?:quote|intense quote|block text|引用|明显引用)$", re.IGNORECASE)
_CODE = re.compile(r"^(?:code|source code|html preformatted|plain text|纯文本|代码)$", re.IGNORECASE)
_RULE = re.compile(r"^horizontal rule$", re.IGNORECASE)
_TOC = re.compile(r"^(?:toc|目录)\s*[1-9]$|^toc heading$", re.IGNORECASE)


@dataclass(frozen=True)
class StyleInfo:
    name: str
    heading: int | None = None  # 1–9, from the name or the outline level
    title: bool = False
    subtitle: bool = False
    caption: bool = False
    num_id: str | None = None
    ilvl: int = 0
    bold: bool = False
    italic: bool = False
    kind: str = "para"  # quote, code, rule, toc: blocks the style makes its paragraphs

    @property
    def is_list(self) -> bool:
        """A style for list items (Word's List Number / List Bullet, ours): its numbers are a
        list's, not 公文 numbering. Not ``List Paragraph``, which Word gives any numbered paragraph."""
        return self.name.lower().startswith(("list number", "list bullet"))


class Styles:
    """The styles of styles.xml, resolved along w:basedOn."""

    def __init__(self, root: etree._Element | None):
        self.raw: dict[str, etree._Element] = {}
        self.default_para: str | None = None
        self._cache: dict[str, StyleInfo] = {}
        if root is None:
            return
        for s in root.iterfind(W + "style"):
            sid = attr(s, "styleId") or ""
            self.raw[sid] = s
            if attr(s, "type") == "paragraph" and on_default(s):
                self.default_para = sid

    def get(self, style_id: str | None) -> StyleInfo:
        sid = style_id or self.default_para or ""
        if sid not in self._cache:
            self._cache[sid] = self._resolve(sid, set())
        return self._cache[sid]

    def _resolve(self, sid: str, seen: set[str]) -> StyleInfo:
        s = self.raw.get(sid)
        if s is None or sid in seen:
            return StyleInfo(name=sid)
        seen.add(sid)
        base_el = wfind(s, "basedOn")
        base = self._resolve(attr(base_el, "val") or "", seen) if base_el is not None else StyleInfo(name="")
        name_el = wfind(s, "name")
        name = attr(name_el, "val") if name_el is not None else sid
        ppr, rpr = wfind(s, "pPr"), wfind(s, "rPr")
        m = _HEADING.match(name or "")
        heading = int(m.group(1)) if m else None
        outline = wfind(ppr, "outlineLvl")
        if heading is None and outline is not None:
            level = to_int(attr(outline, "val"), 9, 0, 9)
            heading = level + 1 if level < 9 else None
        if heading is None and not _TITLE.match(name or "") and not m:
            heading = base.heading
        num_id, ilvl = list_number(ppr, base.num_id, base.ilvl)
        return StyleInfo(
            name=name or sid, heading=heading,
            title=bool(_TITLE.match(name or "")) or (base.title and not m),
            subtitle=bool(_SUBTITLE.match(name or "")) or base.subtitle,
            caption=bool(_CAPTION.match(name or "")) or base.caption,
            num_id=num_id, ilvl=ilvl,
            kind=("quote" if _QUOTE.match(name or "") else "code" if _CODE.match(name or "")
                  else "rule" if _RULE.match(name or "") else "toc" if _TOC.match(name or "") else base.kind),
            bold=on(wfind(rpr, "b")) if wfind(rpr, "b") is not None else base.bold,
            italic=on(wfind(rpr, "i")) if wfind(rpr, "i") is not None else base.italic)

    def char_style_name(self, style_id: str | None) -> str:
        s = self.raw.get(style_id or "")
        name_el = wfind(s, "name") if s is not None else None
        return (attr(name_el, "val") if name_el is not None else style_id) or ""


def on_default(style: etree._Element) -> bool:
    return (attr(style, "default") or "").lower() in ("1", "true", "on")
