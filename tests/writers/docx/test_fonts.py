"""Fonts embedded in the DOCX: subset, obfuscated as ECMA-376 says, announced in fontTable.xml,
cached, optional — and used by LibreOffice on a machine without them."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

import office
from converter.errors import StyleError
from converter.pipeline import build
from converter.style import load_style
from converter.writers.docx.fonts import font_key, obfuscate
from converter.writers.docx.writer import DocxWriter
from docx_fonts_check import OBFUSCATED, W, deobfuscate, drawn_characters, embedded_fonts
from helpers import FIXTURES, SEED

EVERY = FIXTURES / "docx" / "every-element.xml"
FULL = FIXTURES / "model" / "full.xml"


def docx_of(src: Path, out: Path, style: str | None = None) -> Path:
    return build(src, out, ["docx"], style).outputs[0]


def no_embedding_style(tmp_path: Path, parent: str = "gongwen") -> str:
    sheet = tmp_path / f"{parent}-plain.toml"
    sheet.write_text(f'name = "{parent}-plain"\nextends = "{parent}"\n[docx]\nembed-fonts = false\n', encoding="utf-8")
    return str(sheet)


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, Path]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        out = {"every": docx_of(EVERY, tmp_path_factory.mktemp("every")),
               "full": docx_of(FULL, tmp_path_factory.mktemp("full"))}
        if SEED.is_file():
            out["seed"] = docx_of(SEED, tmp_path_factory.mktemp("seed"))
        return out


def test_obfuscation_is_ecma_376():
    """§17.8.1 on the specification's own kind of key: the GUID's bytes read from the end of its
    string, XORed over the first 32 bytes of the font, twice; the rest untouched."""
    key = "{62E79491-959F-41E9-B76B-6B32631DEA5C}"
    data = bytes(range(64))
    out = obfuscate(data, key)
    reversed_key = bytes.fromhex("5CEA1D63326B6BB7E9419F959194E762")
    assert out[:16] == bytes(a ^ b for a, b in zip(data[:16], reversed_key))
    assert out[16:32] == bytes(a ^ b for a, b in zip(data[16:32], reversed_key))
    assert out[32:] == data[32:]
    assert deobfuscate(out, key) == data


def test_key_comes_from_the_content():
    a, b = font_key(b"one font"), font_key(b"another font")
    assert a == font_key(b"one font") and a != b
    assert a.startswith("{") and a.endswith("}") and a == a.upper() and len(a) == 38


@pytest.mark.parametrize("key", ["seed", "every", "full"])
def test_every_font_drawn_is_embedded_and_covers_its_characters(docs, key):
    if key not in docs:
        pytest.skip("corpus seed ../shared/corpus is absent")
    fonts = embedded_fonts(docs[key])
    assert fonts
    by_face = {(f.family, f.tag): f for f in fonts}
    for f in fonts:
        assert f.part.startswith("word/fonts/") and f.part.endswith(".odttf")
        assert f.content_type == OBFUSCATED
        assert f.family in f.family_names  # the name the runs use is the font's own family name
        # the face's place in its own family (head.macStyle), not its weight: the Fandol Bold
        # faces say 400, Noto Serif CJK SC Black is the regular of "Noto Serif CJK SC Black"
        bold = bool(f.font["head"].macStyle & 1)
        assert bold == (f.tag in ("embedBold", "embedBoldItalic")), (f.family, f.tag)
    assert len({f.part for f in fonts}) == len(fonts)
    for (family, bold), chars in drawn_characters(docs[key]).items():
        face = by_face.get((family, "embedBold")) if bold else None
        face = face or by_face.get((family, "embedRegular"))
        assert face is not None, f"{family} (bold={bold}) draws {''.join(sorted(chars))[:20]} but is not embedded"
        # drawn_characters does not tell italics apart: an italic run's characters are in the
        # italic face's subset (the quote role of the report style is italic)
        faces = [face] + [f for f in (by_face.get((family, "embedBoldItalic" if bold else "embedItalic")),) if f]
        absent = [c for c in chars if not any(ord(c) in f.cmap for f in faces)]
        assert not absent, (family, face.tag, absent)


def test_subsets_are_small(docs):
    """Subsets, not whole fonts: the body face of the seed holds its few hundred characters."""
    if "seed" not in docs:
        pytest.skip("corpus seed ../shared/corpus is absent")
    body = next(f for f in embedded_fonts(docs["seed"]) if f.family == "FandolFang R" and f.tag == "embedRegular")
    assert 300 < len(body.cmap) < 1000
    assert len(body.data) < 1_000_000  # the installed face is 20 MB


def test_settings_announce_embedded_subsets(docs):
    with zipfile.ZipFile(docs["every"]) as z:
        settings = etree.fromstring(z.read("word/settings.xml"))
        table = etree.fromstring(z.read("word/fontTable.xml"))
    assert settings.find(f"{{{W}}}embedTrueTypeFonts") is not None
    assert settings.find(f"{{{W}}}saveSubsetFonts") is not None
    embeds = [e for e in table.iter() if etree.QName(e).localname.startswith("embed")]
    assert embeds and all(e.get(f"{{{W}}}subsetted") == "1" for e in embeds)
    # children of w:font in the schema's order: charset before the embeds
    order = ["charset", "embedRegular", "embedBold", "embedItalic", "embedBoldItalic"]
    for font in table:
        names = [etree.QName(c).localname for c in font]
        assert names == sorted(names, key=order.index), names


def test_embedding_can_be_turned_off(tmp_path, docs):
    plain = docx_of(EVERY, tmp_path, no_embedding_style(tmp_path))
    with zipfile.ZipFile(plain) as z:
        assert not [n for n in z.namelist() if n.startswith("word/fonts/")]
        assert b"embedRegular" not in z.read("word/fontTable.xml")
        assert b"embedTrueTypeFonts" not in z.read("word/settings.xml")
    assert plain.stat().st_size < docs["every"].stat().st_size / 2


@pytest.mark.parametrize("value,message", [('"no"', "docx.embed-fonts must be a bool"),
                                           ("false\nfonts = 1", "unknown key docx.fonts")])
def test_the_style_key_is_checked_by_the_writer_before_any_output(tmp_path, value, message):
    """[docx] belongs to the DOCX writer: a bad key fails every build, even one without a DOCX."""
    sheet = tmp_path / "bad.toml"
    sheet.write_text(f'extends = "gongwen"\n[docx]\nembed-fonts = {value}\n', encoding="utf-8")
    with pytest.raises(StyleError, match=message) as e:
        load_style(str(sheet)).settings("docx", DocxWriter.settings)
    assert e.value.file.endswith("bad.toml")
    for formats in (["docx"], ["xml"]):
        out = tmp_path / "out"
        with pytest.raises(StyleError, match=message):
            build(EVERY, out, formats, style=str(sheet))
        assert not out.exists() or not list(out.iterdir())


def test_rebuild_uses_the_cached_subsets(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVERTER_CACHE", str(tmp_path / "cache"))
    a = docx_of(EVERY, tmp_path / "a").read_bytes()
    cached = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "subsets").iterdir()}
    assert cached
    b = docx_of(EVERY, tmp_path / "b").read_bytes()
    assert a == b
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "subsets").iterdir()} == cached


def test_libreoffice_without_our_fonts_uses_the_embedded_ones(tmp_path, docs):
    """On a machine with only DejaVu, LibreOffice draws with the fonts the DOCX carries; the
    same document without them falls back to DejaVu (so they came from the file)."""
    src = SEED if SEED.is_file() else EVERY
    with_fonts = docs["seed" if SEED.is_file() else "every"]
    without = docx_of(src, tmp_path / "plain", no_embedding_style(tmp_path))
    pdf_with = office.to_pdf([with_fonts], tmp_path / "lo-with", hide_fonts=True)[with_fonts]
    pdf_without = office.to_pdf([without], tmp_path / "lo-without", hide_fonts=True)[without]
    embedded = {n for f in embedded_fonts(with_fonts) for n in f.ps_names}
    used = office.font_names(pdf_with)
    assert used and all(any(u.startswith(name) for name in embedded) for u in used), (used, embedded)
    assert not any(u.startswith(name) for u in office.font_names(pdf_without) for name in embedded)


def test_footnote_characters_are_embedded(tmp_path):
    """Characters found only in a footnote (footnotes.xml), and the digits Word draws for the
    note's number, are in the subsets of the fonts the Footnote Text style names (黑体 here:
    no other text uses its Latin face, which draws nothing but the number)."""
    from converter import model

    sheet = tmp_path / "notes.toml"
    sheet.write_text('name = "notes"\nextends = "gongwen"\n[roles.footnote]\nfont = "heiti"\n', encoding="utf-8")
    src = tmp_path / "note.xml"
    src.write_text(f'<document xmlns="{model.NS}" version="1" xml:lang="zh-CN"><title>标题</title>'
                   "<body><p>正文<footnote><p>鬱鬯</p></footnote>。</p></body></document>", encoding="utf-8")
    path = docx_of(src, tmp_path / "out", str(sheet))
    with zipfile.ZipFile(path) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        assert "鬱鬯" in z.read("word/footnotes.xml").decode() and "鬱" not in z.read("word/document.xml").decode()
    fonts = styles.find(f"{{{W}}}style[@{{{W}}}styleId='FootnoteText']/{{{W}}}rPr/{{{W}}}rFonts")
    by_family = {f.family: f for f in embedded_fonts(path) if f.tag == "embedRegular"}
    assert {"鬱", "鬯"} <= {chr(c) for c in by_family[fonts.get(f"{{{W}}}eastAsia")].cmap}
    assert set("0123456789") <= {chr(c) for c in by_family[fonts.get(f"{{{W}}}ascii")].cmap}


def test_libreoffice_draws_inline_code_in_a_table_cell_in_the_mono_face(tmp_path):
    """LibreOffice gives a table's cells its table style's fonts as direct formatting, which beat
    the Verbatim Char style: `code 1` in a cell of a Chinese document came out in Liberation
    Serif, whose embedded subset lacks the letters — blank space on the page. A code run in a
    cell repeats its style's fonts, so LibreOffice draws it in Liberation Mono, as in the body;
    a link and bold beside it keep theirs."""
    pdfplumber = pytest.importorskip("pdfplumber")
    src = tmp_path / "table.md"
    src.write_text("# 表\n\n| 序号 | 内容 |\n| --- | --- |\n| 1 | `code 1` |\n| 2 | 中文 `mono` **粗** [链接](https://example.org) |\n\n"
                   "正文 `inline` 段落。\n", encoding="utf-8")
    path = docx_of(src, tmp_path / "out")
    drawn = drawn_characters(path)
    assert set("codemn1") <= drawn[("Liberation Mono", False)]
    pdf = office.to_pdf([path], tmp_path / "lo")[path]
    with pdfplumber.open(pdf) as doc:
        chars = doc.pages[0].chars
    faces: dict[str, set[str]] = {}
    for c in chars:
        faces.setdefault(c["fontname"].split("+", 1)[-1], set()).add(c["text"])
    mono = "".join(sorted(set().union(*(t for f, t in faces.items() if "Mono" in f))))
    assert set("codeinlm") <= set(mono), faces
    assert not set("codeilm") & set().union(*(t for f, t in faces.items() if "Mono" not in f)), faces
    text = "".join(c["text"] for c in chars)
    assert "code1" in text.replace(" ", "") and "链接" in text and "粗" in text
