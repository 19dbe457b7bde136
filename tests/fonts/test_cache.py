"""Whatever the font cache holds — nothing, what another document left, damaged files — a
document builds to the same bytes; the cache only ever saves time."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from converter.pipeline import build
from helpers import FIXTURES

FORMATS = ["docx", "pdf", "epub"]
#: a document in the official style: Fandol faces (no subroutines: charstrings kept), a Noto
#: CJK title face (subset through a base), fallback faces and page numbers
DOCUMENT = FIXTURES / "text" / "gongwen-full.txt"
OTHER = FIXTURES / "text" / "attachments.txt"


def digests(src: Path, out: Path, cache: Path, monkeypatch) -> dict[str, str]:
    monkeypatch.setenv("CONVERTER_CACHE", str(cache))
    return {p.suffix: hashlib.sha256(p.read_bytes()).hexdigest() for p in build(src, out, FORMATS).outputs}


@pytest.fixture(scope="module")
def empty_cache_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("empty")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        return digests(DOCUMENT, tmp / "out", tmp / "cache", mp)


def test_a_cache_warmed_by_another_document_gives_the_same_bytes(empty_cache_build, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    digests(OTHER, tmp_path / "other", cache, monkeypatch)
    assert digests(DOCUMENT, tmp_path / "out", cache, monkeypatch) == empty_cache_build
    # and with the document edited in between: its stores and bases hold more glyphs
    edited = tmp_path / "edited.txt"
    edited.write_text(DOCUMENT.read_text(encoding="utf-8").replace("\n", "龙凤呈祥\n", 3), encoding="utf-8")
    digests(edited, tmp_path / "edited", cache, monkeypatch)
    assert digests(DOCUMENT, tmp_path / "again", cache, monkeypatch) == empty_cache_build


@pytest.mark.parametrize("damage", ["cut short", "one byte altered"])
def test_damaged_cache_files_only_cost_time(empty_cache_build, tmp_path, monkeypatch, damage):
    cache = tmp_path / "cache"
    digests(DOCUMENT, tmp_path / "first", cache, monkeypatch)
    damaged = 0
    for path in sorted(cache.rglob("*")):
        if not path.is_file() or path.stat().st_size < 64:
            continue
        data = path.read_bytes()
        if damage == "cut short":
            path.write_bytes(data[: len(data) // 2])
        else:
            at = len(data) // 2
            path.write_bytes(data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1:])
        damaged += 1
    assert damaged > 10
    assert digests(DOCUMENT, tmp_path / "out", cache, monkeypatch) == empty_cache_build
