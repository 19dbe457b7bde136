"""Reproducible builds: the same input, style and SOURCE_DATE_EPOCH give the same bytes;
text → xml → build gives the same outputs as text → build."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from converter.pipeline import build
from helpers import FIXTURES, SEED, sample_sources

FORMATS = ["docx", "pdf", "epub", "xml"]
SOURCES = [FIXTURES / "cli" / "small.txt", *sample_sources()] + ([SEED] if SEED.is_file() else [])


def outputs(src: Path, out: Path) -> dict[str, bytes]:
    return {p.suffix: p.read_bytes() for p in build(src, out, FORMATS).outputs}


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.name)
def test_rebuilds_are_byte_identical(src, tmp_path):
    first = outputs(src, tmp_path / "a")
    second = outputs(src, tmp_path / "b")
    assert set(first) == {".docx", ".pdf", ".epub", ".xml"}
    for suffix in first:
        assert first[suffix] == second[suffix], suffix


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.name)
def test_text_to_xml_to_build_equals_text_to_build(src, tmp_path):
    direct = outputs(src, tmp_path / "direct")
    # the XML stands beside a copy of the source's folder: images resolve the same way
    shutil.copytree(src.parent, tmp_path / "via", ignore=shutil.ignore_patterns("*.txt", "*.md"))
    xml = tmp_path / "via" / src.with_suffix(".xml").name
    xml.write_bytes(direct[".xml"])
    via = outputs(xml, tmp_path / "out")
    for suffix in direct:
        assert direct[suffix] == via[suffix], suffix


def test_source_date_epoch_changes_only_the_dates(tmp_path, monkeypatch):
    src = FIXTURES / "cli" / "small.txt"
    a = outputs(src, tmp_path / "a")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    b = outputs(src, tmp_path / "b")
    assert a[".xml"] == b[".xml"]
    assert a[".pdf"] != b[".pdf"]  # the document information dates differ
    assert b"20200913" in b[".pdf"]  # 1600000000 is 2020-09-13


def test_without_source_date_epoch_a_fresh_copy_builds_the_same_bytes(tmp_path, monkeypatch):
    """No SOURCE_DATE_EPOCH and no date in the document: nothing may depend on file times."""
    import os

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    src = FIXTURES / "cli" / "small.txt"
    copy = tmp_path / "copy" / "small.txt"
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes())
    os.utime(copy, (1_000_000_000, 1_000_000_000))  # a very different modification time
    a = outputs(src, tmp_path / "a")
    b = outputs(copy, tmp_path / "b")
    for suffix in a:
        assert a[suffix] == b[suffix], suffix
