"""Fonts travel with the book: every family the CSS names is embedded (subset, WOFF2), every
character of the text is drawn by an embedded font its CSS names, subsets are cached.

Which font-family list applies to an element is computed with cssselect from the book's own
style sheet, and the fonts are read with fontTools: nothing here trusts the writer's own view.
"""
from __future__ import annotations

import io
import time

import pytest
from fontTools.ttLib import TTFont

from converter.errors import MissingGlyphsError
from converter.pipeline import build
from converter.style import load_style
from epub_books import BOOKS, RARE, NS, Epub, families, plain, text_nodes

MEDIA_TYPES = {".woff2": "font/woff2", ".otf": "font/otf", ".ttf": "font/ttf"}


def _documents(epub: Epub) -> list[str]:
    """Every XHTML document a reader shows: the spine, the navigation document included."""
    return epub.spine(linear_only=False)


@pytest.mark.parametrize("name", BOOKS)
def test_every_character_is_drawn_by_an_embedded_font_its_css_names(library, name):
    epub = Epub(library[name].require().epub)
    sheet, fonts = epub.sheet(), epub.fonts()
    assert fonts
    checked = 0
    for path in _documents(epub):
        root = plain(epub.xml(path))
        family_of = sheet.computed(root, "font-family")
        for el, text in text_nodes(root):
            names = families(family_of[el])
            for ch in set(text) - set(" \t\n\r\u00a0\u3000"):
                assert any(ord(ch) in fonts.get(n, ()) for n in names), (path, ch, names)
                checked += 1
    assert checked
    # and every family a list names is in the book (not a font the reader may or may not have)
    for selector, decls in sheet.rules:
        if "font-family" in decls:
            assert set(families(decls["font-family"])) <= set(fonts), selector


@pytest.mark.parametrize("name", BOOKS)
def test_fonts_are_subsets_listed_in_the_manifest(library, name):
    epub = Epub(library[name].require().epub)
    manifest = {epub.base + i.get("href"): i.get("media-type") for i in epub.manifest.values()}
    files = [n for n in epub.zip.namelist() if n.startswith(epub.base + "fonts/")]
    assert files and len(files) == len(epub.sheet().font_faces)
    text = "".join("".join(epub.xml(p).itertext()) for p in _documents(epub)) + "0123456789."
    for name_ in files:
        suffix = name_[name_.rfind("."):]
        assert manifest[name_] == MEDIA_TYPES[suffix]
        data = epub.zip.read(name_)
        assert suffix == ".woff2" and data[:4] == b"wOF2"  # brotli is installed: WOFF2
        with TTFont(io.BytesIO(data)) as font:
            cmap = set(font.getBestCmap())
            # the characters the book draws (ordered lists' numbers included) and few others:
            # the subsetter keeps what layout features reach (">" from "<" by mirroring)
            extra = cmap - {ord(c) for c in text}
            assert cmap and len(extra) <= len(cmap) // 20 + 2, (name_, sorted(map(chr, extra)))
            assert len(font.getGlyphOrder()) < 2 * len(cmap) + 50  # no other region's forms (locl)


def test_rare_characters_take_the_fallback_faces(library):
    """𠀀 and 𪚥 are in no gongwen role face: the fallback HanaMinB draws them, and the lists
    name it; bold text takes the bold faces."""
    epub = Epub(library["rare"].require().epub)
    fonts, sheet = epub.fonts(), epub.sheet()
    style = load_style("gongwen")
    roles = {f.family for r in style.roles.values() for f in (r.fonts.latin, r.fonts.cjk)}
    for ch in RARE:
        holders = {fam for fam, cmap in fonts.items() if ord(ch) in cmap}
        assert holders and holders <= {"HanaMinA", "HanaMinB"} and not holders & roles
        assert holders & set(families(sheet.rule("body")["font-family"]))
    # <strong> draws with the bold faces of its families, <em> Latin letters with italic ones
    faces = epub.faces()
    root = plain(epub.xml(epub.spine()[0]))
    family_of = sheet.computed(root, "font-family")
    for tag, weight, style, chars in (("strong", "700", "normal", "重点No1"), ("em", "400", "italic", "English")):
        el = root.find(f".//{tag}")
        names = families(family_of[el])
        for ch in chars:
            assert any(ord(ch) in faces.get((n, weight, style), ()) for n in names), (tag, ch)


def test_rebuild_reads_the_subset_cache(seed, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CONVERTER_CACHE", str(cache))
    t0 = time.perf_counter()
    first = build(seed, tmp_path / "a", ["epub"]).outputs[0]
    cold = time.perf_counter() - t0
    made = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    assert any(p.suffix == ".woff2" for p in made)
    t0 = time.perf_counter()
    second = build(seed, tmp_path / "b", ["epub"]).outputs[0]
    warm = time.perf_counter() - t0
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == made  # nothing subset again
    assert second.read_bytes() == first.read_bytes()
    # the same bytes with the user's cache (filled by other builds or not)
    monkeypatch.delenv("CONVERTER_CACHE")
    assert build(seed, tmp_path / "c", ["epub"]).outputs[0].read_bytes() == first.read_bytes()
    print(f"seed EPUB: {cold:.2f} s with an empty font cache, {warm:.2f} s from the cache")


def test_a_character_no_font_has(tmp_path):
    """A warning naming it (the reading system draws with its own fonts; with a PDF it would
    be an error), and a book whose fonts simply do not have it."""
    src = tmp_path / "missing.xml"
    src.write_text('<document xmlns="urn:x-converter:document:1" version="1" xml:lang="zh-CN">'
                   "<title>缺字</title><body><p>这里有一个\U0010fffd字。</p></body></document>", encoding="utf-8")
    with pytest.raises(MissingGlyphsError):
        build(src, tmp_path / "out", ["epub", "pdf"])
    result = build(src, tmp_path / "out", ["epub"])
    assert any("\U0010fffd" in d.message for d in result.diagnostics)
    epub = Epub(result.outputs[0])
    assert all(0x10FFFD not in cmap for cmap in epub.fonts().values())
    assert "这里有一个" in "".join(epub.xml(epub.spine()[0]).find("x:body", NS).itertext())
