"""Folder builds: layout kept, parallel builds give the same bytes, incremental rebuilds,
reporting (lines, JSON, a progress bar on a terminal), --strict, and the library API."""
from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import time

import pytest

import converter
from batch_helpers import converter as run
from batch_helpers import make_sources, outputs
from converter.batch import BUILT, FAILED, UNCHANGED, build_folder, find_sources
from converter.errors import UsageError
from helpers import FIXTURES

ALL = "docx,pdf,epub,xml"


def statuses(result) -> dict[str, str]:
    return {d.name: d.status for d in result.documents}


def test_find_sources_keeps_the_relative_layout(tmp_path):
    src = make_sources(tmp_path)
    (src / ".hidden").mkdir()
    (src / ".hidden" / "x.txt").write_text("Hidden\n\nText.\n")
    (src / "notes.bin").write_bytes(b"\x00")
    names = [s.name for s in find_sources([src])]
    assert names == ["alpha", "delta", "sub/beta", "sub/deeper/gamma"]
    with pytest.raises(UsageError):
        find_sources([tmp_path / "nope"])


def test_parallel_builds_give_the_same_bytes_as_one_process(tmp_path):
    src = make_sources(tmp_path)
    one = build_folder([src], tmp_path / "j1", ALL, jobs=1)
    two = build_folder([src], tmp_path / "j2", ALL, jobs=2)
    assert one.ok and two.ok
    a, b = outputs(tmp_path / "j1"), outputs(tmp_path / "j2")
    assert sorted(a) == sorted(f"{n}.{ext}" for n in ["alpha", "delta", "sub/beta", "sub/deeper/gamma"]
                               for ext in ["docx", "epub", "pdf", "xml"])
    assert a == b


def test_cli_folder_build_with_jobs(tmp_path):
    src = make_sources(tmp_path)
    r = run("build", src, "-o", tmp_path / "out", "--to", "xml,pdf", "-j", "2")
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stdout.splitlines() if line.startswith("built ")]
    assert len(lines) == 4  # off a terminal: one line per document
    assert "4 built, 0 unchanged, 0 failed" in r.stdout
    assert (tmp_path / "out" / "sub" / "deeper" / "gamma.pdf").is_file()
    assert run("build", src, "-o", tmp_path / "out", "-j", "0").returncode == 2


def test_unchanged_documents_are_skipped_until_something_they_depend_on_changes(tmp_path):
    src = make_sources(tmp_path)
    out = tmp_path / "out"
    style = tmp_path / "styles" / "mine.toml"
    style.parent.mkdir()
    (style.parent / "base.toml").write_text('extends = "report"\n')
    style.write_text('extends = "base"\n')
    first = build_folder([src], out, "xml,pdf", str(style), jobs=1)
    assert set(statuses(first).values()) == {BUILT}
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")}

    again = build_folder([src], out, "xml,pdf", str(style), jobs=1)
    assert set(statuses(again).values()) == {UNCHANGED}
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")} == mtimes  # nothing rewritten
    assert again.documents[0].outputs == first.documents[0].outputs

    (src / "alpha.txt").write_text("Alpha report\n\n1. Scope. Changed.\n", encoding="utf-8")
    assert statuses(build_folder([src], out, "xml,pdf", str(style)))["alpha"] == BUILT
    assert set(statuses(build_folder([src], out, "xml,pdf", str(style))).values()) == {UNCHANGED}

    (out / "sub" / "beta.pdf").unlink()  # a missing output is rebuilt
    (out / "delta.xml").write_bytes(b"<tampered/>")  # so is an altered one
    s = statuses(build_folder([src], out, "xml,pdf", str(style)))
    assert s == {"alpha": UNCHANGED, "delta": BUILT, "sub/beta": BUILT, "sub/deeper/gamma": UNCHANGED}
    assert (out / "sub" / "beta.pdf").is_file()

    (style.parent / "base.toml").write_text('extends = "report"\n[page]\nmargin-top = "30mm"\n')
    assert set(statuses(build_folder([src], out, "xml,pdf", str(style))).values()) == {BUILT}  # a sheet it extends

    assert set(statuses(build_folder([src], out, "xml", str(style))).values()) == {BUILT}  # other formats
    assert set(statuses(build_folder([src], out, "xml", str(style), force=True)).values()) == {BUILT}


def test_an_embedded_image_is_part_of_the_key(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(FIXTURES / "model" / "full.xml", src / "full.xml")
    shutil.copy(FIXTURES / "model" / "dot.png", src / "dot.png")
    out = tmp_path / "out"
    assert build_folder([src], out, "pdf").ok
    assert statuses(build_folder([src], out, "pdf")) == {"full": UNCHANGED}
    shutil.copy(FIXTURES / "docx" / "chart.png", src / "dot.png")
    assert statuses(build_folder([src], out, "pdf")) == {"full": BUILT}


def test_a_no_change_rebuild_does_not_load_the_writers(tmp_path):
    src = make_sources(tmp_path)
    out = tmp_path / "out"
    assert build_folder([src], out, "xml,pdf").ok
    probe = ("import sys; from converter import build_folder; "
             f"r = build_folder([{str(src)!r}], {str(out)!r}, 'xml,pdf'); "
             "assert all(d.status == 'unchanged' for d in r.documents), r; "
             "print(sorted(m for m in sys.modules if m.startswith('converter.writers.')))")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_the_writers_are_imported_once_for_the_workers(tmp_path):
    """A parallel build imports the readers and writers its documents need before it starts the
    workers, which inherit them (each importing them again was the same work twice); a build
    with nothing to do imports none (see above)."""
    src = make_sources(tmp_path)
    probe = ("import sys; from converter import build_folder; "
             f"r = build_folder([{str(src)!r}], {str(tmp_path / 'out')!r}, 'xml,pdf', jobs=2); "
             "assert r.ok and r.count('built') == len(r.documents) > 1, r; "
             "print(sorted(m for m in sys.modules if m in ('converter.writers.pdf', 'converter.writers.xml', "
             "'converter.writers.docx', 'converter.readers.text')))")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["['converter.readers.text',", "'converter.writers.pdf',", "'converter.writers.xml']"]


def test_a_failed_document_is_reported_and_the_others_are_built(tmp_path):
    src = make_sources(tmp_path)
    (src / "bad.txt").write_bytes(b"   \n")
    (src / "sub" / "alpha.xml").write_bytes(b"x")  # not a clash: another folder
    r = run("build", src, "-o", tmp_path / "out", "--to", "xml", "--json")
    assert r.returncode == 1
    summary = json.loads(r.stdout)  # stdout is only the JSON summary
    assert summary["failed"] == 2 and summary["built"] == 4 and summary["ok"] is False
    docs = {d["name"]: d for d in summary["documents"]}
    assert set(docs["alpha"]) == {"source", "name", "status", "outputs", "warnings", "error", "style", "seconds"}
    assert docs["bad"]["status"] == FAILED and "empty" in docs["bad"]["error"]
    assert docs["alpha"]["outputs"] == [str(tmp_path / "out" / "alpha.xml")]
    assert f"{src / 'bad.txt'}" in r.stderr and "Traceback" not in r.stderr


def test_two_sources_for_one_output_name_fail_the_second(tmp_path):
    src = make_sources(tmp_path, {"same.txt": "Same\n\nText.\n"})
    shutil.copy(FIXTURES / "cli" / "small.txt", tmp_path / "same.txt")
    result = build_folder([src, tmp_path / "same.txt"], tmp_path / "out", "xml")
    assert [d.status for d in result.documents] == [BUILT, FAILED]
    assert "already taken" in result.documents[1].error
    assert "Same" in (tmp_path / "out" / "same.xml").read_text(encoding="utf-8")


RARE = "Title\n\nA line.\nUnassigned \U000e01ff here.\n"


def test_strict_turns_warnings_into_failures(tmp_path):
    src = make_sources(tmp_path, {"rare.txt": RARE, "fine.txt": "Fine\n\nText.\n"})
    out = tmp_path / "out"
    r = run("build", src, "-o", out, "--to", "pdf", "--allow-missing-glyphs")
    assert r.returncode == 0, r.stderr
    assert "warning" in r.stderr and "U+E01FF" in r.stderr
    entry = json.loads((out / "manifest.json").read_text())["documents"]["rare"]
    assert "U+E01FF" in entry["warnings"][0]["message"] and entry["warnings"][0]["line"] == 4

    r = run("build", src, "-o", out, "--to", "pdf", "--allow-missing-glyphs", "--strict")
    assert r.returncode == 1  # the document with a warning is rebuilt under --strict, and fails
    assert "--strict" in r.stderr and f"{src / 'rare.txt'}:4:" in r.stderr
    assert not (out / "rare.pdf").exists() and (out / "fine.pdf").is_file()
    assert "rare" not in json.loads((out / "manifest.json").read_text())["documents"]


def test_a_progress_bar_on_a_terminal(tmp_path):
    src = make_sources(tmp_path)
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_INTERACTIVE", "TTY_COMPATIBLE", "NO_COLOR")}
    env.update(TERM="xterm", COLUMNS="100")
    proc = subprocess.Popen([sys.executable, "-m", "converter", "build", str(src), "-o", str(tmp_path / "out"),
                             "--to", "xml", "-j", "1"], stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    screen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the build is over
            break
        if not chunk:
            break
        screen += chunk
    stdout, _ = proc.communicate(timeout=60)
    os.close(leader)
    assert proc.returncode == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.decode("utf-8", "replace"))  # colours, cursor moves
    assert "4/4" in text and "━" in text  # rich's bar, counting documents
    assert "built " not in stdout.decode()  # no per-document lines: the bar shows progress
    assert "4 built" in stdout.decode()


def test_library_api(tmp_path):
    small = FIXTURES / "cli" / "small.txt"
    result = converter.convert(small, tmp_path / "one", to="pdf,xml")
    assert [p.name for p in result.outputs] == ["small.xml", "small.pdf"]
    assert result.messages == [] and result.pages == {"pdf": 1}
    assert [p.name for p in converter.convert(small, tmp_path / "old", ["docx"]).outputs] == ["small.docx"]
    with pytest.raises(UsageError):
        converter.convert(small, tmp_path / "x", to="odt")

    src = make_sources(tmp_path)
    folder = converter.build_folder([src], tmp_path / "many", to=["xml"], jobs=2)
    assert folder.ok and [d.status for d in folder.documents] == [BUILT] * 4
    assert folder.documents[2].outputs == [tmp_path / "many" / "sub" / "beta.xml"]
    assert folder.documents[2].messages == []


def test_an_output_folder_inside_the_input_folder_is_not_read_back(tmp_path):
    from converter.batch import build_folder

    (tmp_path / "a.txt").write_text("标题\n\n正文。\n", encoding="utf-8")
    first = build_folder([tmp_path], tmp_path / "dist", to=["xml"])
    second = build_folder([tmp_path], tmp_path / "dist", to=["xml"])
    assert [d.source.name for d in first.documents] == ["a.txt"]
    assert [d.source.name for d in second.documents] == ["a.txt"]
    assert not (tmp_path / "dist" / "dist").exists()


SECRET = "SECRET-MARKER-7f3a"


def test_links_leading_out_of_the_folder_are_refused(tmp_path):
    src = make_sources(tmp_path, {"a.txt": "Alpha\n\nOne paragraph.\n"})
    (tmp_path / "secret.txt").write_text(f"Secret\n\n{SECRET}\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "b.txt").write_text(f"Secret too\n\n{SECRET}\n")
    os.symlink(tmp_path / "secret.txt", src / "passwd.txt")
    os.symlink(tmp_path / "outside", src / "linked")  # a folder link is not followed
    os.symlink("a.txt", src / "same.txt")  # a link that stays inside is a source like any other
    r = run("build", src, "-o", tmp_path / "out", "--to", "xml,pdf")
    assert r.returncode == 1
    assert f"{src / 'passwd.txt'}: a symbolic link leading out of the input folder" in r.stderr
    built = outputs(tmp_path / "out")
    assert sorted(built) == ["a.pdf", "a.xml", "same.pdf", "same.xml"]
    assert not any(SECRET.encode() in data for data in built.values())
    assert SECRET not in (tmp_path / "out" / "manifest.json").read_text()


def test_a_deleted_source_takes_its_outputs_and_entry_away(tmp_path):
    src = make_sources(tmp_path)
    out = tmp_path / "out"
    assert build_folder([src], out, "xml,pdf").ok
    (src / "sub" / "beta.txt").unlink()
    (src / "delta.txt").unlink()
    (src / "delta.txt").mkdir()  # not a source any more either
    r = run("build", src, "-o", out, "--to", "xml,pdf", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["removed"] == 2
    assert {d["name"]: d["status"] for d in summary["documents"]}["sub/beta"] == "removed"
    assert f"{src / 'sub' / 'beta.txt'}: source gone: removed {out / 'sub' / 'beta.pdf'}" in r.stderr
    assert sorted(outputs(out)) == ["alpha.pdf", "alpha.xml", "sub/deeper/gamma.pdf", "sub/deeper/gamma.xml"]
    assert sorted(json.loads((out / "manifest.json").read_text())["documents"]) == ["alpha", "sub/deeper/gamma"]
    # a build of one file of the folder leaves the other documents' entries alone
    assert build_folder([src / "alpha.txt"], out, "xml,pdf").ok
    assert sorted(json.loads((out / "manifest.json").read_text())["documents"]) == ["alpha", "sub/deeper/gamma"]
