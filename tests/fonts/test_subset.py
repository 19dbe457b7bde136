"""Subsets are the same bytes however the cache came to hold what they were made from: a face's
base (a large face is subset through it), the PDF's outlines converted glyph by glyph, the
charstrings an earlier subset made; a damaged cache file is made again."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from converter.cachefiles import write_checked_cache_file
from converter.fonts import outlines, subset
from converter.fonts.find import find_face

#: a large CFF face (65,535 glyphs: subset through a base) and a smaller one (subset directly)
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


def test_a_large_face_is_subset_through_its_base_to_the_same_bytes(tmp_path, monkeypatch):
    face = face_or_skip(LARGE)
    chars = set(TEXT)
    monkeypatch.setattr(subset, "BASE_GLYPHS_PER_CHAR", 10 ** 9)  # never a base: from the face
    direct = all_flavours(face, chars, tmp_path / "direct")
    monkeypatch.undo()
    # a base made for more characters than this document's, as an earlier build leaves it
    subset.web_subset(face, chars | set(MORE), tmp_path / "based")
    bases = list((tmp_path / "based" / "bases").iterdir())
    assert len(bases) == 1
    with TTFont(bases[0]) as base:
        assert set(MORE) <= {chr(cp) for cp in base.getBestCmap()}
    assert all_flavours(face, chars, tmp_path / "based") == direct


def test_the_base_grows_with_the_characters_asked_for(tmp_path):
    face = face_or_skip(LARGE)
    subset.office_subset(face, set(TEXT), tmp_path)
    subset.office_subset(face, set(MORE), tmp_path)
    [base] = (tmp_path / "bases").iterdir()
    with TTFont(base) as font:
        assert set(TEXT + MORE) - {" "} <= {chr(cp) for cp in font.getBestCmap()}


def test_a_face_small_for_the_request_is_subset_directly(tmp_path):
    face = face_or_skip(SMALL)  # 10,365 glyphs: a base pays below 104 characters
    subset.office_subset(face, {chr(0x4E00 + k) for k in range(300)}, tmp_path)
    assert not (tmp_path / "bases").exists()


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


def test_a_damaged_base_is_made_again(tmp_path):
    face = face_or_skip(LARGE)
    fresh = subset.office_subset(face, set(TEXT), tmp_path / "fresh").read_bytes()
    [base] = (tmp_path / "fresh" / "bases").iterdir()
    base.write_bytes(base.read_bytes()[:1000])
    (tmp_path / "fresh" / "subsets").rename(tmp_path / "old-subsets")
    assert subset.office_subset(face, set(TEXT), tmp_path / "fresh").read_bytes() == fresh


def test_a_face_without_subroutines_keeps_its_charstrings_and_one_with_them_does_not(tmp_path):
    small, large = face_or_skip(SMALL), face_or_skip(LARGE)
    assert subset._self_contained(small, tmp_path)  # the Fandol faces
    assert not subset._self_contained(large, tmp_path)  # Noto CJK: renumbered per subset
    # the answers are kept on disk (read by the next process, without reading the face)
    kept = {p.read_bytes()[:1]: p for p in (tmp_path / "faces").iterdir()}
    assert sorted(kept) == [b"0", b"1"]
    write_checked_cache_file(kept[b"0"], b"1")
    subset._self_contained.cache_clear()
    assert subset._self_contained(large, tmp_path)
    subset._self_contained.cache_clear()


def test_stored_charstrings_give_the_same_subsets(tmp_path):
    face = face_or_skip(SMALL)
    fresh = all_flavours(face, set(TEXT), tmp_path / "fresh")
    # an earlier build stored the charstrings of other glyphs and some of these
    all_flavours(face, set(TEXT[::2] + MORE), tmp_path / "warm")
    store = subset._dehinted_programs(face, tmp_path / "warm")
    assert store is not None and set(MORE) <= {chr(cp) for cp, name in face_cmap(face).items() if name in store[1]}
    assert all_flavours(face, set(TEXT), tmp_path / "warm") == fresh


def test_one_new_character_makes_only_its_glyph(tmp_path):
    """An edited document's subsets take every other glyph from the stores: only the new
    character's charstring and outline are made (and added to them)."""
    face = face_or_skip(SMALL)
    all_flavours(face, set(TEXT), tmp_path)
    programs_path, programs = subset._dehinted_programs(face, tmp_path)
    outline_paths = list((tmp_path / "outlines").glob("*.bin"))
    before = {p: outlines.load(p) for p in outline_paths}
    new = all_flavours(face, set(TEXT + "龙"), tmp_path)
    name = face_cmap(face)[ord("龙")]
    for path, known in before.items():  # the PDF's outlines and the charstrings
        after = outlines.load(path)
        assert set(after) - set(known) == {name}
        assert all(after[g] == known[g] for g in known)
    assert new == all_flavours(face, set(TEXT + "龙"), tmp_path / "fresh")


def test_a_damaged_charstring_store_counts_as_empty(tmp_path):
    face = face_or_skip(SMALL)
    fresh = all_flavours(face, set(TEXT), tmp_path / "fresh")
    all_flavours(face, set(TEXT + MORE), tmp_path / "warm")
    for folder in ("fonts", "subsets", "webfonts"):
        shutil.rmtree(tmp_path / "warm" / folder)
    path, _ = subset._dehinted_programs(face, tmp_path / "warm")
    data = path.read_bytes()
    path.write_bytes(data[:40] + bytes([data[40] ^ 1]) + data[41:])
    assert all_flavours(face, set(TEXT), tmp_path / "warm") == fresh


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


def test_a_base_holds_the_digits_for_the_page_numbers(tmp_path):
    """The PDF asks a face for a dash and a space, the DOCX's page-number field for the digits
    too: the base made for the first holds the second, and is not made again."""
    face = face_or_skip(LARGE)
    subset.pdf_subset(face, set("— "), tmp_path)
    [base] = (tmp_path / "bases").iterdir()
    made = base.stat().st_ino, base.stat().st_mtime_ns
    subset.office_subset(face, set("— 0123456789"), tmp_path)
    assert (base.stat().st_ino, base.stat().st_mtime_ns) == made


def face_cmap(face) -> dict[int, str]:
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        return font.getBestCmap()


def test_a_new_character_the_base_holds_reuses_it(tmp_path):
    """An edit bringing a character an earlier build asked of the face: every flavour is subset
    from the cached base as it is (not made again), to the bytes subsetting the face gives."""
    face = face_or_skip(LARGE)
    all_flavours(face, set(TEXT + MORE), tmp_path / "warm")  # an earlier, longer document
    [base] = (tmp_path / "warm" / "bases").iterdir()
    made = base.stat().st_ino, base.stat().st_mtime_ns
    edited = set(TEXT + MORE[0])
    assert all_flavours(face, edited, tmp_path / "warm") == all_flavours(face, edited, tmp_path / "fresh")
    assert (base.stat().st_ino, base.stat().st_mtime_ns) == made


@pytest.mark.parametrize("family", [LARGE, SMALL, "AR PL UMing CN", "DejaVu Sans"])
def test_the_outlines_a_face_has_are_read_from_its_table_directory_as_fonttools_reads_them(family):
    """is_truetype reads the table directory by hand (a face of a collection too: Noto CJK's
    .ttc, AR PL UMing's): the same tables fontTools finds."""
    face = face_or_skip(family)
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        assert subset._table_tags(face.path, face.index) == {tag.encode("latin-1") for tag in font.reader.keys()}
        assert subset.is_truetype(face) == ("glyf" in font)


#: a process that waits for a start signal, then asks for a subset of a face for its characters
#: (the DOCX's, through the face's base; or the PDF's), and says how many times it made the base
#: (or the subset) itself
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
(subset.office_subset if counted == "_make_base" else subset.pdf_subset)(find_face(family), set(chars), cache)
print(len(made))
"""


def _race(tmp_path, family: str, texts: list[str], counted: str = "_make_base") -> list[int]:
    import subprocess
    import sys

    start = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _RACER, str(tmp_path / "cache"), str(start), text, family,
                               counted], stdout=subprocess.PIPE, text=True) for text in texts]
    time.sleep(1.0)  # both imported and waiting
    start.touch()
    return [int(p.communicate(timeout=120)[0]) for p in procs]


def test_two_processes_needing_a_base_at_once_make_it_once(tmp_path):
    face = face_or_skip(LARGE)
    assert sorted(_race(tmp_path, face.family, [TEXT, TEXT])) == [0, 1]  # one made it, the other waited
    [base] = (tmp_path / "cache" / "bases").iterdir()
    with TTFont(base) as font:
        assert set(TEXT) <= {chr(cp) for cp in font.getBestCmap()}


def test_a_base_grown_by_two_processes_at_once_keeps_what_both_added(tmp_path):
    face = face_or_skip(LARGE)
    subset.office_subset(face, set(TEXT), tmp_path / "cache")  # the base as an earlier build left it
    assert sorted(_race(tmp_path, face.family, [TEXT + "甲", TEXT + "乙"])) == [1, 1]  # one after the other
    [base] = (tmp_path / "cache" / "bases").iterdir()
    with TTFont(base) as font:
        assert set(TEXT + "甲乙") <= {chr(cp) for cp in font.getBestCmap()}


def test_two_processes_needing_a_subset_at_once_make_it_once(tmp_path):
    """The build's second process and the build itself (converter.parallel, pipeline.Early), or
    two workers of a folder: one makes the subset, the other waits and reads it."""
    face = face_or_skip(SMALL)
    assert sorted(_race(tmp_path, face.family, [TEXT, TEXT], "_make_cached")) == [0, 1]
    assert len(list((tmp_path / "cache" / "fonts").glob("*.ttf"))) == 1
