"""Complex scripts for the layout: shaping with HarfBuzz and the Unicode bidirectional algorithm.

Devanagari, Bengali, Tamil, Thai, Arabic, Hebrew … are not drawn one character per glyph:
HarfBuzz (uharfbuzz) turns the characters of a run into the face's glyphs — conjuncts,
ligatures, joining forms, marks placed on their bases — and the bidirectional algorithm
(python-bidi, the Rust crate unicode-bidi) says which characters run right to left. The
layout keeps characters in logical order (the line breaker and the page starts count them);
``shape`` gives each cluster's first character the cluster's glyph ids and advances (the
others of the cluster advance nothing), and ``visual_order`` puts a set line's glyphs in the
order they are seen. Latin and CJK text is not shaped: its glyphs stay one per character, as
the PDF has always drawn them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..fonts.find import FontFace

#: blocks whose text needs shaping: Hebrew … NKo, Samaritan, Mandaic, Arabic extensions; the
#: Indic scripts (Devanagari … Sinhala); Thai, Lao, Tibetan, Myanmar, Khmer; Hebrew and Arabic
#: presentation forms
COMPLEX_RANGES = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0E00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF),
                  (0xA8E0, 0xA8FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFE))
#: joiners that belong with the letters around them
JOINERS = frozenset("\u200c\u200d")
#: bidi classes that start right-to-left text or embed it
RTL_CLASSES = frozenset(("R", "AL", "RLE", "RLO", "RLI", "FSI"))


@dataclass(frozen=True)
class ShapedGlyph:
    """One glyph of a shaped cluster: its id in the face, advance and offsets, in points, and the
    advance in font units (what a painter's font says of the glyph: 0 for a placed mark); the
    offsets in font units too, and the face's units per em."""

    gid: int
    advance: float
    dx: float = 0.0
    dy: float = 0.0
    units: int = 0
    ox: int = 0
    oy: int = 0
    upem: int = 1000


@lru_cache(maxsize=4096)
def needs_shaping(ch: str) -> bool:
    """Whether a character belongs to a script whose glyphs depend on their neighbours, or is a
    mark or joiner that HarfBuzz must place."""
    cp = ord(ch)
    if any(lo <= cp <= hi for lo, hi in COMPLEX_RANGES):
        return True
    return ch in JOINERS or unicodedata.category(ch).startswith("M")


@lru_cache(maxsize=4096)
def is_mark(ch: str) -> bool:
    """A combining mark or joiner: it stays with the character before it (the same face, no
    line break between them)."""
    return ch in JOINERS or unicodedata.category(ch).startswith("M")


def has_rtl(text: str) -> bool:
    """Whether any character of the text is right-to-left (or embeds such text)."""
    return any(is_rtl(c) for c in set(text))  # each distinct character once


@lru_cache(maxsize=4096)
def is_rtl(ch: str) -> bool:
    """Whether a character is right-to-left (or starts an embedding of such text)."""
    return unicodedata.bidirectional(ch) in RTL_CLASSES


_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def bidi_levels(text: str) -> list[int]:
    """The embedding level of each character (even: left to right, odd: right to left), the
    paragraph's direction taken from its first strong character (UBA rules P2–P3)."""
    if not has_rtl(text):
        return [0] * len(text)
    from bidi import get_display  # only documents with right-to-left text pay for the import

    # python-bidi's documented debug mode returns the crate's BidiInfo, one level per UTF-8 byte
    info = get_display(text, debug=True)
    levels_part = info.split("levels:", 1)[1].split("paragraphs:", 1)[0]
    per_byte = [int(n) for n in _LEVEL.findall(levels_part)]
    out, at = [], 0
    for ch in text:
        out.append(per_byte[at] if at < len(per_byte) else 0)
        at += len(ch.encode("utf-8"))
    return out


def base_level(text: str) -> int:
    """1 when a paragraph starts (in its first strong character) right to left, else 0."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return 1
        if kind == "L":
            return 0
    return 0


class Shaper:
    """HarfBuzz fonts of one build, by face."""

    def __init__(self) -> None:
        self._fonts: dict[FontFace, tuple[object, int]] = {}

    def _font(self, face: FontFace):
        if face not in self._fonts:
            import uharfbuzz as hb  # only documents with complex scripts pay for the import

            with open(face.path, "rb") as f:
                blob = hb.Blob(f.read())
            hb_face = hb.Face(blob, face.index)
            font = hb.Font(hb_face)
            self._fonts[face] = (font, hb_face.upem)
        return self._fonts[face]

    def shape(self, text: str, face: FontFace, size: float, rtl: bool, lang: str) -> list[list[ShapedGlyph]]:
        """Per character of ``text``: the glyphs its cluster draws (in the order they are seen),
        on the cluster's first character; an empty list on the cluster's other characters."""
        import uharfbuzz as hb

        font, upem = self._font(face)
        buf = hb.Buffer()
        buf.add_codepoints([ord(c) for c in text])  # clusters count characters, not UTF-8 bytes
        buf.guess_segment_properties()
        buf.direction = "rtl" if rtl else "ltr"
        if lang and lang != "und":
            buf.language = lang
        hb.shape(font, buf, {})
        scale = size / upem
        per_char: list[list[ShapedGlyph]] = [[] for _ in text]
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
            per_char[info.cluster].append(ShapedGlyph(info.codepoint, pos.x_advance * scale, pos.x_offset * scale,
                                                      pos.y_offset * scale, pos.x_advance, pos.x_offset,
                                                      pos.y_offset, upem))
        return per_char


@lru_cache(maxsize=64)
def glyph_chars(face: FontFace) -> dict[int, str]:
    """The text each glyph of a face stands for, where the face says: the character its cmap
    maps to the glyph (one of them), else its glyph name read by the Adobe Glyph List rules
    (uni064E_uni0651 → fatha and shadda), presentation forms as their letters. Glyphs
    that say neither (a bet with its dagesh drawn as one) are absent."""
    from fontTools import agl
    from fontTools.ttLib import TTFont

    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        out: dict[int, str] = {}
        order = font.getGlyphOrder()
        names = {name: gid for gid, name in enumerate(order)}
        for cp, name in sorted((font.getBestCmap() or {}).items(), reverse=True):
            out[names[name]] = _letter(chr(cp))  # the lowest code point wins
        for gid, name in enumerate(order):
            if gid not in out:
                text = "".join(_letter(c) for c in agl.toUnicode(name))
                if text:
                    out[gid] = text
    return out


def _letter(ch: str) -> str:
    """A Hebrew or Arabic presentation form as its letters and marks (ﻟ → ل, בּ → ב and
    dagesh); any other character as it is."""
    if 0xFB1D <= ord(ch) <= 0xFDFF or 0xFE70 <= ord(ch) <= 0xFEFF:
        return unicodedata.normalize("NFKC", ch)
    return ch


def visual_order(levels: list[int]) -> list[int]:
    """The indices of a line's characters in the order they are seen (UBA rule L2: from the
    highest level down to the lowest odd one, reverse every run at that level or above)."""
    order = list(range(len(levels)))
    if not levels or max(levels) == 0:
        return order
    highest = max(levels)
    lowest_odd = min(lv for lv in levels if lv % 2) if any(lv % 2 for lv in levels) else highest + 1
    for level in range(highest, lowest_odd - 1, -1):
        k = 0
        while k < len(order):
            if levels[order[k]] >= level:
                end = k
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[k:end] = reversed(order[k:end])
                k = end
            else:
                k += 1
    return order


def shape_glyphs(glyphs: list, shaper: Shaper, lang: str) -> None:
    """Shape a paragraph's glyphs (layout.linebreak.Glyph, logical order) where they need it.

    Items are the longest runs of one face, size and bidi level; an item is shaped when it is
    right to left or holds a complex script. Each cluster's first glyph gets the cluster's
    glyphs and their total advance; later glyphs of the cluster advance nothing. Shaped glyphs
    take no justification space (that would pull joined letters and their marks apart).
    """
    text = "".join([g.ch for g in glyphs])
    chars = set(text)  # each distinct character asked once: most paragraphs need nothing
    if not any(is_rtl(c) or needs_shaping(c) for c in chars):
        return
    levels = bidi_levels(text)
    i = 0
    while i < len(glyphs):
        first = glyphs[i]
        j = i + 1
        while j < len(glyphs) and glyphs[j].font == first.font and glyphs[j].size == first.size \
                and levels[j] == levels[i]:
            j += 1
        item = glyphs[i:j]
        if levels[i] % 2 or any(needs_shaping(g.ch) for g in item):
            per_char = shaper.shape(text[i:j], first.font, first.size, levels[i] % 2 == 1, lang)
            for g, shaped in zip(item, per_char):
                g.shaped = tuple(shaped)
                g.advance = sum(s.advance for s in shaped)
                g.stretch = False
        for k in range(i, j):
            glyphs[k].level = levels[k]
        i = j
