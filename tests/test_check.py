"""converter check: real outputs pass; tampered, stale, broken and unembedded ones fail."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from batch_helpers import converter as run
from batch_helpers import make_sources
from converter.batch import build_folder

DOCS = {"alpha.txt": "Alpha report\n\n1. Scope. The review covers 2023.\n",
        "sub/beta.txt": "测试报告\n\n一、总体情况。今年完成了3.5万元的采购。\n"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A small folder built once into every format (copied by tests that alter it)."""
    root = tmp_path_factory.mktemp("built")
    src = make_sources(root, DOCS)
    assert build_folder([src], root / "out", "xml,pdf,docx,epub").ok
    return root


def copy(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built, tmp_path / "b")
    return tmp_path / "b" / "out"


def rows(stdout: str) -> dict[tuple[str, str], str]:
    """(output file name, check) → result, from the printed table."""
    out = {}
    for line in stdout.splitlines()[2:]:
        cols = line.split()
        if len(cols) >= 3 and "." in cols[0]:
            out[(Path(cols[0]).name, cols[1])] = cols[2]
    return out


def test_a_good_build_passes_every_check(built):
    r = run("check", built / "out")
    assert r.returncode == 0, r.stdout + r.stderr
    table = rows(r.stdout)
    for name in ["alpha", "beta"]:
        assert table[(f"{name}.xml", "schema")] == "ok"
        assert table[(f"{name}.pdf", "fonts")] == "ok"
        assert table[(f"{name}.pdf", "text")] == "ok"
        assert table[(f"{name}.docx", "opens")] == "ok"
        assert table[(f"{name}.docx", "text")] == "ok"
        assert table[(f"{name}.epub", "epubcheck")] == "ok"
        assert table[(f"{name}.pdf", "manifest")] == "ok"
    assert "0 failed" in r.stdout


def test_swapped_outputs_fail(built, tmp_path):
    out = copy(built, tmp_path)
    shutil.copy(out / "alpha.pdf", out / "sub" / "beta.pdf")
    shutil.copy(out / "alpha.docx", out / "sub" / "beta.docx")
    r = run("check", out / "sub" / "beta.pdf", out / "sub" / "beta.docx", out / "alpha.pdf")  # (epubcheck is slow)
    assert r.returncode == 1
    table = rows(r.stdout)
    assert table[("beta.pdf", "manifest")] == "FAILED"
    assert table[("beta.pdf", "text")] == "FAILED" and table[("beta.docx", "text")] == "FAILED"
    assert table[("alpha.pdf", "text")] == "ok"


def test_without_a_manifest_the_sibling_xml_is_the_reference(built, tmp_path):
    out = copy(built, tmp_path)
    (out / "manifest.json").unlink()
    r = run("check", out / "alpha.pdf", out / "alpha.docx")
    assert r.returncode == 0, r.stdout
    assert "equal to " + str(out / "alpha.xml") in r.stdout
    shutil.copy(out / "sub" / "beta.xml", out / "alpha.xml")
    assert run("check", out / "alpha.pdf").returncode == 1


def test_a_changed_source_makes_the_outputs_stale(built, tmp_path):
    out = copy(built, tmp_path)
    (out.parent / "src" / "alpha.txt").write_text("Alpha report\n\n1. Scope. Edited.\n", encoding="utf-8")
    r = run("check", out / "alpha.pdf")
    assert r.returncode == 1 and "stale" in r.stdout


def test_schema_violation_broken_docx_and_unembedded_font_fail(tmp_path):
    bad_xml = tmp_path / "bad.xml"
    bad_xml.write_text('<document xmlns="urn:x-converter:document:1" version="1"><nonsense/></document>')
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    from reportlab.pdfgen import canvas  # a PDF with the base-14 Helvetica, which is never embedded

    c = canvas.Canvas(str(tmp_path / "helvetica.pdf"))
    c.drawString(72, 720, "Not embedded")
    c.save()
    r = run("check", bad_xml, broken, tmp_path / "helvetica.pdf")
    assert r.returncode == 1
    table = rows(r.stdout)
    assert table[("bad.xml", "schema")] == "FAILED"
    assert table[("broken.docx", "opens")] == "FAILED"
    assert table[("helvetica.pdf", "fonts")] == "FAILED" and "Helvetica" in r.stdout
    assert table[("helvetica.pdf", "text")] == "skipped"  # nothing to compare with: said so


def test_epubcheck_missing_is_said_not_hidden(built, tmp_path):
    bin_dir = tmp_path / "bin"  # a PATH with poppler but without epubcheck
    bin_dir.mkdir()
    for tool in ["pdftotext", "pdffonts"]:
        os.symlink(shutil.which(tool), bin_dir / tool)
    r = run("check", built / "out" / "alpha.epub", built / "out" / "alpha.pdf", env={**os.environ, "PATH": str(bin_dir)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert rows(r.stdout)[("alpha.epub", "epubcheck")] == "skipped"
    assert "epubcheck is not installed" in r.stdout


def test_usage_errors(tmp_path):
    assert run("check", tmp_path / "nothing").returncode == 2
    (tmp_path / "notes.txt").write_text("x")
    assert run("check", tmp_path / "notes.txt").returncode == 2
    assert run("check", tmp_path).returncode == 2  # no output in it


def test_json_output(built):
    import json

    r = run("check", "--json", built / "out" / "alpha.xml")
    data = json.loads(r.stdout)
    assert data["ok"] is True
    assert {c["check"] for c in data["checks"]} == {"manifest", "schema", "text"}
