"""converter check: real outputs pass; tampered, stale, broken and unembedded ones fail."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from batch_helpers import converter as run
from batch_helpers import make_sources
from converter.batch import build_folder

DOCS = {"alpha.txt": "Alpha report\n\n1. Scope. The review covers 2023. It counted 1,032 cases.\n",
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


def rewrite_zip_part(path: Path, part: str, edit) -> None:
    """Change one part of a zip (DOCX, EPUB) in place, keeping the others as they were."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in entries:
            if info.filename == part:
                changed = edit(data.decode("utf-8"))
                assert changed != data.decode("utf-8"), f"nothing changed in {part}"
                data = changed.encode("utf-8")
            z.writestr(info, data)


def update_manifest(out: Path, output: Path) -> None:
    """Record the tampered output's new sha256 and size, as someone hiding the change would."""
    import json

    from converter.fingerprint import file_sha256

    path = out / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["documents"].values():
        for o in entry["outputs"]:
            if (out / o["path"]).resolve() == output.resolve():
                o["sha256"], o["bytes"] = file_sha256(output), output.stat().st_size
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_changed_digit_in_the_docx_fails_even_with_the_manifest_updated(built, tmp_path):
    out = copy(built, tmp_path)
    docx = out / "alpha.docx"
    rewrite_zip_part(docx, "word/document.xml", lambda x: x.replace("1,032", "91,032"))
    update_manifest(out, docx)
    r = run("check", docx)
    assert r.returncode == 1, r.stdout
    table = rows(r.stdout)
    assert table[("alpha.docx", "manifest")] == "ok" and table[("alpha.docx", "text")] == "FAILED"
    assert "91,032" in r.stdout


def test_a_deleted_sentence_in_the_epub_fails_even_with_the_manifest_updated(built, tmp_path):
    out = copy(built, tmp_path)
    epub = out / "alpha.epub"
    rewrite_zip_part(epub, "EPUB/text/part-001.xhtml", lambda x: x.replace("It counted 1,032 cases.", ""))
    update_manifest(out, epub)
    r = run("check", epub)
    assert r.returncode == 1, r.stdout
    table = rows(r.stdout)
    assert table[("alpha.epub", "manifest")] == "ok" and table[("alpha.epub", "text")] == "FAILED"
    assert "Itcounted1,032cases" in r.stdout


def test_a_heading_named_like_the_notes_heading_is_text(tmp_path):
    src = make_sources(tmp_path, {"release.md": "# Release Notes\n\nFixed a crash.[^1]\n\n## Notes\n\n"
                                                "1. first item\n2. second item\n\n[^1]: Seen on 3 machines.\n"})
    assert build_folder([src], tmp_path / "out", "pdf,docx,epub").ok
    r = run("check", tmp_path / "out")
    assert r.returncode == 0, r.stdout + r.stderr
    assert [row for row in rows(r.stdout).items() if row[0][1] == "text"] == [
        (("release.docx", "text"), "ok"), (("release.epub", "text"), "ok"), (("release.pdf", "text"), "ok")]
    # the notes heading may head the notes, and nothing else: taking it out of the text fails
    from converter import verify
    from converter.fidelity import Reference
    from converter.pipeline import read

    ref = Reference(read(src / "release.md"), "release.md")
    pdf_text, _ = verify.pdf_text(tmp_path / "out" / "release.pdf")
    assert verify.compare_text(ref, pdf_text)[0] == "ok"
    assert verify.compare_text(ref, pdf_text.replace("Release Notes", "Release", 1))[0] == "failed"
    assert verify.compare_text(ref, pdf_text.replace("Seen on 3", "Seen on 33"))[0] == "failed"


def test_a_deleted_or_unreadable_source_is_reported(built, tmp_path):
    out = copy(built, tmp_path)
    (out.parent / "src" / "alpha.txt").unlink()
    beta = out.parent / "src" / "sub" / "beta.txt"
    beta.unlink()
    beta.mkdir()  # a folder where the source was: it cannot be read as a file
    r = run("check", out / "alpha.pdf", out / "sub" / "beta.docx")
    assert r.returncode == 1
    table = rows(r.stdout)
    assert table[("alpha.pdf", "text")] == "FAILED" and table[("beta.docx", "text")] == "FAILED"
    assert "alpha.txt is gone" in r.stdout and "cannot read its source" in r.stdout


def test_right_to_left_words_pass_the_pdf_text_check(tmp_path):
    """pdftotext wraps each right-to-left run in embedding marks (U+202B … U+202C): its reading
    aid, not the PDF's text (found by tests/hostile/test_fuzz.py: every Hebrew word failed)."""
    src = make_sources(tmp_path, {"h.txt": "Report\n\nThe word שלום means peace, and so does سلام in Arabic.\n"})
    assert build_folder([src], tmp_path / "out", "pdf").ok
    r = run("check", tmp_path / "out")
    assert r.returncode == 0, r.stdout + r.stderr
    assert rows(r.stdout)[("h.pdf", "text")] == "ok"


def test_a_chinese_note_that_starts_like_the_notes_label_passes(tmp_path):
    """注释 above a note whose text starts with 注, after a last reference whose mark the end of
    the text left unskipped (found by tests/hostile/test_fuzz.py); a changed note still fails."""
    src = make_sources(tmp_path, {"n.md": "---\nlang: zh-CN\n---\n\n文字。\n\n[^1]: 注意事项。\n"})
    assert build_folder([src], tmp_path / "out", "pdf,epub").ok
    r = run("check", tmp_path / "out")
    assert r.returncode == 0, r.stdout + r.stderr
    from converter import verify
    from converter.fidelity import Reference
    from converter.pipeline import read

    ref = Reference(read(src / "n.md"), "n.md")
    pdf_text, _ = verify.pdf_text(tmp_path / "out" / "n.pdf")
    assert verify.compare_text(ref, pdf_text)[0] == "ok"
    assert verify.compare_text(ref, pdf_text.replace("注意", "注", 1))[0] == "failed"


def test_task_boxes_are_generated_marks(tmp_path):
    """A task list item's box (☐ ☒) is printed by every writer, like a bullet (found by fuzzing:
    every task list failed the text check)."""
    src = make_sources(tmp_path, {"t.md": "# Tasks\n\n- [x] done\n- [ ] to do\n"})
    assert build_folder([src], tmp_path / "out", "pdf,docx,epub").ok
    r = run("check", tmp_path / "out")
    assert r.returncode == 0, r.stdout + r.stderr
    assert {k: v for k, v in rows(r.stdout).items() if k[1] == "text"} == {
        ("t.docx", "text"): "ok", ("t.epub", "text"): "ok", ("t.pdf", "text"): "ok"}


def test_a_framed_alt_text_is_matched_where_it_stands_not_where_its_words_first_occur(tmp_path):
    """An alt text also written earlier as text (1,032): the frame after its heading is the extra
    (found by fuzzing: the first occurrence was taken out, and the text no longer matched)."""
    src = make_sources(tmp_path, {"a.md": "# T\n\nWe spent 1,032 days.\n\n## Costs ![1,032](missing.png)\n\nText.\n"})
    assert build_folder([src], tmp_path / "out", "pdf,docx,epub").ok
    r = run("check", tmp_path / "out")
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_file_named_relative_to_the_working_folder(built, monkeypatch):
    """``converter check alpha.pdf`` from the output folder: its manifest entry is found (it was
    a StopIteration traceback when the path was relative)."""
    from converter.check import check, failed, table

    monkeypatch.chdir(built / "out")
    results = check(["alpha.pdf"])
    assert not failed(results), table(results)
    assert any(r.check == "manifest" for r in results)


def test_a_page_mixing_directions_passes_and_a_changed_arabic_letter_fails(tmp_path):
    """poppler reads a whole page in one direction: a page with Latin lines and Arabic or
    Hebrew ones fails both of its orders; each line put back in logical order by the
    bidirectional algorithm reads exactly (verify.logical_line). A PDF whose Arabic word
    lost one letter to another still fails."""
    from helpers import FIXTURES

    source = (FIXTURES / "scripts" / "scripts.md").read_text(encoding="utf-8")
    assert "بالعالم" in source
    good = make_sources(tmp_path / "good", {"scripts.md": source})
    assert build_folder([good], tmp_path / "good" / "out", "pdf").ok
    r = run("check", tmp_path / "good" / "out")
    assert r.returncode == 0, r.stdout + r.stderr
    assert rows(r.stdout)[("scripts.pdf", "text")] == "ok"

    bad = make_sources(tmp_path / "bad", {"scripts.md": source.replace("بالعالم", "بالغالم", 1)})
    assert build_folder([bad], tmp_path / "bad" / "out", "pdf").ok
    pdf = tmp_path / "good" / "out" / "scripts.pdf"
    shutil.copy(tmp_path / "bad" / "out" / "scripts.pdf", pdf)
    update_manifest(tmp_path / "good" / "out", pdf)
    r = run("check", pdf)
    assert r.returncode == 1, r.stdout
    table = rows(r.stdout)
    assert table[("scripts.pdf", "manifest")] == "ok" and table[("scripts.pdf", "text")] == "FAILED"
