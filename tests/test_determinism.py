"""Reproducible builds: the same input, style and SOURCE_DATE_EPOCH give the same bytes;
text → xml → build gives the same outputs as text → build."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from converter.pipeline import build
from helpers import FIXTURES, SEED, sample_sources
from helpers import SOURCES as SAMPLES

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


# --- no state shared between builds in one process (issue 10, item 9) -----------------------

#: documents that draw different characters in different fonts (subsets, cmaps and font
#: registrations differ between them) and one with pictures
MIXED = [FIXTURES / "cli" / "small.txt", FIXTURES / "markdown" / "mixed-scripts.md",
         FIXTURES / "text" / "attachments.txt", SAMPLES / "handbook.md"]
PROBE = """
import hashlib, json, sys
from pathlib import Path
import converter
src, out = Path(sys.argv[1]), Path(sys.argv[2])
result = converter.convert(src, out, to={formats!r})
print(json.dumps({{p.suffix: hashlib.sha256(p.read_bytes()).hexdigest() for p in result.outputs}}))
"""


def digests(paths) -> dict[str, str]:
    return {p.suffix: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Each document built by a fresh process of its own: the reference."""
    import os

    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}  # as conftest sets it for each test
    out = {}
    for src in MIXED:
        folder = tmp_path_factory.mktemp("alone")
        r = subprocess.run([sys.executable, "-c", PROBE.format(formats=FORMATS), str(src), str(folder)],
                           capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
        out[src.name] = json.loads(r.stdout)
    return out


def test_builds_in_one_process_are_those_of_separate_processes(alone, tmp_path):
    """convert() after convert(), in both orders and again: caches and registrations left by
    one document (font subsets, cmaps, the PDF's fonts) do not change another's bytes."""
    import converter

    for n, src in enumerate([*MIXED, *reversed(MIXED), *MIXED]):
        result = converter.convert(src, tmp_path / str(n), to=FORMATS)
        assert digests(result.outputs) == alone[src.name], (n, src.name)


@pytest.mark.parametrize("jobs", [1, 2])
def test_folder_builds_with_any_jobs_are_those_of_separate_processes(alone, tmp_path, jobs):
    from converter import build_folder

    folder = tmp_path / "src"
    folder.mkdir()
    for src in MIXED:  # each beside the pictures it shows
        shutil.copy(src, folder / src.name)
        for pic in [*src.parent.glob("*.png"), *(src.parent / "images").glob("*.png")]:
            target = folder / pic.relative_to(src.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(pic, target)
    result = build_folder([folder], tmp_path / "out", to=FORMATS, jobs=jobs)
    assert result.ok, [d.error for d in result.documents]
    for doc in result.documents:
        assert digests(doc.outputs) == alone[doc.source.name], doc.source.name


def test_outputs_get_the_usual_permissions_without_the_umask_being_changed(tmp_path, monkeypatch):
    """Reading the umask means setting it twice, which races with other threads: the build
    creates its files so that the kernel applies the umask instead."""
    import os

    def no_umask(mask):
        raise AssertionError("the build changed the process umask")

    old = os.umask(0o027)
    try:
        monkeypatch.setattr(os, "umask", no_umask)
        result = build(FIXTURES / "cli" / "small.txt", tmp_path / "out", FORMATS)
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert len(result.outputs) == len(FORMATS)
    for path in result.outputs:
        assert path.stat().st_mode & 0o777 == 0o640, path
