"""Subsets draw each character as the face does, and are the same bytes however the cache came
to hold what they were made from (the PDF's outlines, converted glyph by glyph); a damaged cache
file is made again; two processes wanting one subset make it once."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from converter.cachefiles import write_checked_cache_file
from converter.fonts import outlines, subset
from converter.fonts.find import find_face

#: a large CFF face (65,535 glyphs, with subroutines) and a smaller one (10,365, without)
LARGE, SMALL = "Noto Serif CJK SC", "FandolFang R"
TEXT = "乌鲁木齐市人民政府年度法治政府建设情况报告，我市深入学习领会和贯彻落实习近平法治思想。2021 Report"
MORE = "积极推进各项工作任务圆满完成"


def face_or_skip(family: str):
    face = find_face(family, False, False)
    if face is None or face.family != family:
        pytest.skip(f"{family} is not installed")
    return face


def all_flavours(face, chars: set[str], cache: Path) -> dict[str, bytes]:
    return {
        "pdf": subset.pdf_subset(face, chars, cache)[0].read_bytes(),
        "docx": subset.office_subset(face, chars, cache).read_bytes(),
        "docx-truetype": subset.office_subset(face, chars, cache, truetype=True).read_bytes(),
        "epub": subset.web_subset(face, chars, cache).path.read_bytes(),
    }


def face_glyphs(face, chars: set[str]) -> dict[str, tuple]:
    """Per character the face draws: its glyph's name, advance and outline (as a pen records it)."""
    from fontTools.pens.recordingPen import RecordingPen

    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        cmap, glyphs = font.getBestCmap(), font.getGlyphSet()
        out = {}
        for c in sorted(chars):
            if ord(c) in cmap:
                pen = RecordingPen()
                glyphs[cmap[ord(c)]].draw(pen)
                out[c] = (cmap[ord(c)], font["hmtx"][cmap[ord(c)]][0], pen.value)
        return out


def bounds(recording: list) -> tuple:
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.pens.recordingPen import replayRecording

    pen = BoundsPen(None)
    replayRecording(recording, pen)
    return pen.bounds or ()


@pytest.mark.parametrize("family", [LARGE, SMALL, "Liberation Serif"])
def test_each_flavour_draws_the_characters_as_the_face_does(tmp_path, family):
    """Every flavour maps each character the face has to the face's own glyph: the same advance,
    the same outline (the DOCX's and the EPUB's; the PDF's, converted to TrueType, with as many
    contours), no hints."""
    from fontTools.pens.recordingPen import RecordingPen

    face = face_or_skip(family)
    expected = face_glyphs(face, set(TEXT))
    assert set("Report2021") <= set(expected)
    files = {"docx": subset.office_subset(face, set(TEXT), tmp_path),
             "epub": subset.web_subset(face, set(TEXT), tmp_path).path}
    pdf, _ = subset.pdf_subset(face, set(TEXT), tmp_path)
    if pdf != Path(face.path):  # a CFF face: its own PDF subset
        files["pdf"] = pdf
    for flavour, path in files.items():
        with TTFont(path) as font:
            cmap, glyphs = font.getBestCmap(), font.getGlyphSet()
            assert not {"fpgm", "prep", "cvt "} & set(font.keys())
            for c, (name, advance, outline) in expected.items():
                got = cmap[ord(c)]
                assert font["hmtx"][got][0] == advance, (flavour, c)
                pen = RecordingPen()
                glyphs[got].draw(pen)
                if flavour == "pdf":  # quadratic: as many contours, the same bounds within a unit
                    assert [op for op, _ in pen.value].count("closePath") == \
                        [op for op, _ in outline].count("closePath"), c
                    assert all(abs(a - b) <= 1 for a, b in zip(bounds(pen.value), bounds(outline))), c
                else:
                    assert pen.value == outline, (flavour, c)


def test_a_subset_depends_on_the_characters_alone(tmp_path):
    """The same characters give the same bytes, however the cache came to be: made in a fresh
    cache, or in one where other documents' subsets (and converted outlines) were made first."""
    face = face_or_skip(LARGE)
    fresh = all_flavours(face, set(TEXT), tmp_path / "fresh")
    all_flavours(face, set(TEXT[::2] + MORE), tmp_path / "warm")
    assert all_flavours(face, set(TEXT), tmp_path / "warm") == fresh


def test_the_web_flavour_drops_other_regions_forms(tmp_path):
    """locl pulls every other region's form of a CJK character into a subset: the DOCX keeps
    the feature (a word processor may set the text in another language), the EPUB does not."""
    face = face_or_skip(LARGE)
    chars = set("门说")  # locl forms for Japanese, Korean and Chinese (Traditional)
    with TTFont(subset.office_subset(face, chars, tmp_path)) as docx, \
            TTFont(subset.web_subset(face, chars, tmp_path).path) as epub:
        def features(font):
            return {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord} if "GSUB" in font else set()
        assert "locl" in features(docx) and "locl" not in features(epub)
        assert epub["maxp"].numGlyphs < docx["maxp"].numGlyphs


def test_a_collection_face_gets_its_own_cff_name(tmp_path):
    """The faces of a Noto CJK collection share one CFF table named for Japanese: each subset's
    CFF FontName is its own PostScript name, as OpenType wants."""
    face = face_or_skip(LARGE)
    for path in (subset.office_subset(face, set(TEXT), tmp_path), subset.web_subset(face, set(TEXT), tmp_path).path):
        with TTFont(path) as font:
            assert font["CFF "].cff.fontNames == [font["name"].getDebugName(6)] == ["NotoSerifCJKsc-Regular"]


@pytest.mark.parametrize("family", [LARGE, SMALL])
def test_pdf_outlines_converted_once_give_the_same_subset(tmp_path, family):
    face = face_or_skip(family)
    fresh = subset.pdf_subset(face, set(TEXT), tmp_path / "fresh")[0].read_bytes()
    # an earlier build converted some of these glyphs and others: they are taken from the store
    subset.pdf_subset(face, set(TEXT[::2] + MORE), tmp_path / "warm")
    assert list((tmp_path / "warm" / "outlines").iterdir())
    warm = subset.pdf_subset(face, set(TEXT), tmp_path / "warm")[0].read_bytes()
    assert warm == fresh
    with TTFont(next((tmp_path / "fresh" / "fonts").glob("*.ttf"))) as font:
        assert "glyf" in font and "CFF " not in font
        assert {ord(c) for c in TEXT if c != " "} <= set(font.getBestCmap())


def test_a_damaged_outline_store_counts_as_empty(tmp_path):
    from converter.fonts import outlines

    store = tmp_path / "store.bin"
    outlines.save(store, {"a": b"12345", "b": b"678"})
    assert outlines.load(store) == {"a": b"12345", "b": b"678"}
    data = store.read_bytes()
    store.write_bytes(data[:-2])  # cut short
    assert outlines.load(store) == {}
    store.write_bytes(data[:3] + b"X" + data[4:])  # a byte altered
    assert outlines.load(store) == {}
    assert outlines.load(tmp_path / "absent.bin") == {}


@pytest.mark.parametrize("damage", ["cut", "altered", "digest gone"])
def test_a_damaged_subset_file_is_made_again(tmp_path, damage):
    face = face_or_skip(SMALL)
    fresh = all_flavours(face, set(TEXT), tmp_path)
    for folder in ("fonts", "subsets", "webfonts"):
        for font in (tmp_path / folder).glob("*.*[ft2]"):  # .ttf .otf .woff2, not the digests
            data = font.read_bytes()
            if damage == "cut":
                font.write_bytes(data[: len(data) // 2])
            elif damage == "altered":
                font.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
            else:
                font.with_name(font.name + ".sha256").unlink()
    assert all_flavours(face, set(TEXT), tmp_path) == fresh


@pytest.mark.parametrize("family", [LARGE, SMALL, "AR PL UMing CN", "DejaVu Sans"])
def test_the_outlines_a_face_has_are_read_from_its_table_directory_as_fonttools_reads_them(family):
    """is_truetype reads the table directory by hand (a face of a collection too: Noto CJK's
    .ttc, AR PL UMing's): the same tables fontTools finds."""
    face = face_or_skip(family)
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        assert subset._table_tags(face.path, face.index) == {tag.encode("latin-1") for tag in font.reader.keys()}
        assert subset.is_truetype(face) == ("glyf" in font)


#: a process that waits for a start signal, then asks for the PDF's subset of a face for its
#: characters, and says how many times it made the subset itself
_RACER = """
import sys, time
from pathlib import Path
from converter.cachefiles import write_checked_cache_file
from converter.fonts import subset
from converter.fonts.find import find_face
cache, start, chars, family, counted = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
made = []
make = getattr(subset, counted)
setattr(subset, counted, lambda *a, **k: made.append(1) or make(*a, **k))
while not start.exists():
    time.sleep(0.005)
subset.pdf_subset(find_face(family), set(chars), cache)
print(len(made))
"""


def _race(tmp_path, family: str, texts: list[str], counted: str = "_make_cached") -> list[int]:
    import subprocess
    import sys

    start = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _RACER, str(tmp_path / "cache"), str(start), text, family,
                               counted], stdout=subprocess.PIPE, text=True) for text in texts]
    time.sleep(1.0)  # both imported and waiting
    start.touch()
    return [int(p.communicate(timeout=120)[0]) for p in procs]


def test_two_processes_needing_a_subset_at_once_make_it_once(tmp_path):
    """The build's second process and the build itself (converter.parallel, pipeline.Early), or
    two workers of a folder: one makes the subset, the other waits and reads it."""
    face = face_or_skip(SMALL)
    assert sorted(_race(tmp_path, face.family, [TEXT, TEXT], "_make_cached")) == [0, 1]
    assert len(list((tmp_path / "cache" / "fonts").glob("*.ttf"))) == 1


def test_a_font_harfbuzz_cannot_read_is_a_clear_error(tmp_path):
    """A damaged font file fails its subset with the file and the face named, not a traceback."""
    from converter.errors import ConverterError
    from converter.fonts.find import FontFace

    bad = tmp_path / "Bad.otf"
    bad.write_bytes(b"OTTO" + bytes(200))
    face = FontFace(family="Bad Sans", path=str(bad), index=0, weight=400, italic=False)
    for make in (subset.office_subset, lambda *a: subset.web_subset(*a).path, subset.pdf_subset):
        with pytest.raises(ConverterError) as caught:
            make(face, set("中文"), tmp_path / "cache")
        assert str(caught.value).startswith(f"{bad}: HarfBuzz could not subset the font Bad Sans")
    assert not list((tmp_path / "cache").rglob("*.otf")) and not list((tmp_path / "cache").rglob("*.part"))


def test_subsets_are_keyed_by_the_versions_that_make_them(tmp_path, monkeypatch):
    """An upgrade of HarfBuzz's binding or of fontTools may change a subset's bytes: what the
    old versions made is never taken for what the new ones make."""
    import importlib.metadata

    expected = f"uharfbuzz {importlib.metadata.version('uharfbuzz')} fonttools {importlib.metadata.version('fonttools')}"
    assert subset._makers_version() == expected
    face = face_or_skip(SMALL)
    made = subset.office_subset(face, set(TEXT), tmp_path)
    monkeypatch.setattr(subset, "_makers_version", lambda: "uharfbuzz 99 fonttools 99")
    again = subset.office_subset(face, set(TEXT), tmp_path)
    assert again != made and again.is_file()
