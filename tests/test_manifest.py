"""DIR/manifest.json (contents, stable and sorted, atomic), the output folder's lock, and a
build killed midway."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from lxml import etree

from batch_helpers import converter as run
from batch_helpers import make_sources, outputs
from converter import manifest, outdir
from converter.batch import UNCHANGED, build_folder
from converter.fingerprint import file_sha256


def without_build_time(m: dict) -> dict:
    return {**m, "documents": {k: {f: v for f, v in e.items() if f != "build_time"} for k, e in m["documents"].items()}}


def test_manifest_lists_sources_outputs_style_fonts_and_warnings(tmp_path):
    src = make_sources(tmp_path)
    out = tmp_path / "out"
    assert build_folder([src], out, "xml,pdf,docx,epub").ok
    text = (out / "manifest.json").read_text(encoding="utf-8")
    m = json.loads(text)
    # one line a document, in order, each sorted: a rebuild of one document is one line of a diff
    lines = text.splitlines()
    rows = [line for line in lines if line.startswith("    ")]
    assert [json.loads("{" + r.rstrip(",") + "}") for r in rows] == [{k: m["documents"][k]} for k in sorted(m["documents"])]
    assert all(r.rstrip(",").split(": ", 1)[1] == json.dumps(json.loads(r.rstrip(",").split(": ", 1)[1]), sort_keys=True,
                                                              ensure_ascii=False) for r in rows)
    assert lines[0] == "{" and lines[-1] == "}" and len(lines) == len(rows) + 6
    assert sorted(m["documents"]) == ["alpha", "delta", "sub/beta", "sub/deeper/gamma"]
    beta = m["documents"]["sub/beta"]
    assert manifest.resolve(beta["source"]["path"], out).resolve() == (src / "sub" / "beta.txt").resolve()
    assert beta["source"]["sha256"] == file_sha256(src / "sub" / "beta.txt")
    assert [o["path"] for o in beta["outputs"]] == ["sub/beta.docx", "sub/beta.epub", "sub/beta.pdf", "sub/beta.xml"]
    for o in beta["outputs"]:
        path = out / o["path"]
        assert o["sha256"] == file_sha256(path) and o["bytes"] == path.stat().st_size
    pdf = next(o for o in beta["outputs"] if o["format"] == "pdf")
    info = subprocess.run(["pdfinfo", str(out / pdf["path"])], capture_output=True, text=True).stdout
    assert re.search(rf"^Pages:\s+{pdf['pages']}$", info, re.M)
    assert "pages" not in next(o for o in beta["outputs"] if o["format"] == "epub")
    assert beta["style"]["name"] == "gongwen" and m["documents"]["alpha"]["style"]["name"] == "report"
    assert beta["style"]["files"][0]["path"].endswith("styles/gongwen.toml")
    assert any("Noto" in f["family"] and f["bytes"] > 0 for f in beta["style"]["fonts"])
    assert beta["warnings"] == []
    assert set(beta["build_time"]) == {"at", "seconds"}


def test_manifest_is_stable_across_rebuilds(tmp_path):
    src = make_sources(tmp_path)
    out = tmp_path / "out"
    build_folder([src], out, "xml,pdf")
    before = (out / "manifest.json").read_bytes()
    build_folder([src], out, "xml,pdf")
    assert (out / "manifest.json").read_bytes() == before  # a no-change rebuild keeps it byte for byte
    build_folder([src], out, "xml,pdf", force=True)
    # a forced rebuild changes only the build times
    assert without_build_time(json.loads((out / "manifest.json").read_bytes())) == without_build_time(json.loads(before))
    assert not list(out.glob(".*.part"))


def test_a_damaged_manifest_costs_a_rebuild_not_a_crash(tmp_path):
    src = make_sources(tmp_path)
    out = tmp_path / "out"
    build_folder([src], out, "xml")
    (out / "manifest.json").write_text("{not json")
    result = build_folder([src], out, "xml")
    assert result.ok and result.count(UNCHANGED) == 0
    assert len(json.loads((out / "manifest.json").read_text())["documents"]) == 4


def test_a_second_build_waits_for_the_lock(tmp_path):
    src = make_sources(tmp_path)
    out = tmp_path / "out"
    with outdir.locked(out):
        proc = subprocess.Popen([sys.executable, "-m", "converter", "build", str(src), "-o", str(out), "--to", "xml"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        assert proc.poll() is None  # still waiting
        assert not outputs(out)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "waiting for another build" in stderr
    assert len(outputs(out)) == 4


def test_two_builds_at_once_into_one_folder(tmp_path):
    a = make_sources(tmp_path / "a")
    b = make_sources(tmp_path / "b", {"other.txt": "Other report\n\nText.\n", "more.txt": "More\n\nText.\n"})
    out = tmp_path / "out"
    procs = [subprocess.Popen([sys.executable, "-m", "converter", "build", str(s), "-o", str(out),
                               "--to", "xml,pdf", "-j", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for s in (a, b)]
    for p in procs:
        p.communicate(timeout=120)
        assert p.returncode == 0
    m = json.loads((out / "manifest.json").read_text())  # both builds' documents, none lost
    assert sorted(m["documents"]) == ["alpha", "delta", "more", "other", "sub/beta", "sub/deeper/gamma"]
    for entry in m["documents"].values():
        for o in entry["outputs"]:
            assert file_sha256(out / o["path"]) == o["sha256"]
    assert not list(out.rglob(".*.part"))


def complete(path: Path) -> bool:
    """Whether an output file is whole: it parses with a real tool."""
    if path.suffix == ".pdf":
        return subprocess.run(["pdfinfo", str(path)], capture_output=True).returncode == 0
    if path.suffix in (".docx", ".epub"):
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None
    etree.parse(str(path))
    return True


def test_a_killed_build_leaves_no_partial_output_and_the_next_build_repairs(tmp_path):
    docs = {f"doc{i:02d}.txt": f"Report {i}\n\n1. Scope. Paragraph {i} of the test.\n\n2. More. Text.\n"
            for i in range(8)}
    src = make_sources(tmp_path, docs)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "converter", "build", str(src), "-o", str(out), "-j", "2",
                             "--to", "xml,pdf,docx,epub"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not outputs(out) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(1)  # the workers die with the build: nothing changes any more
    seen = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    time.sleep(1)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.exists()} == seen
    visible = [out / name for name in outputs(out)]
    assert 0 < len(visible) < 32, "the kill should land mid-build"
    assert all(complete(p) for p in visible)  # whatever is visible is whole; temporaries are hidden

    r = run("build", src, "-o", out, "-j", "2", "--to", "xml,pdf,docx,epub")
    assert r.returncode == 0, r.stderr
    assert not list(out.glob(".*.part"))  # the stale temporaries are gone
    assert len(outputs(out)) == 32
    clean = tmp_path / "clean"
    assert build_folder([src], clean, "xml,pdf,docx,epub").ok
    assert outputs(out) == outputs(clean)
    assert len(json.loads((out / "manifest.json").read_text())["documents"]) == 8


def test_a_rebuild_that_changes_nothing_leaves_the_manifest_file_alone(tmp_path):
    """Nothing built, nothing rewritten (the file keeps its bytes and its mtime); a rebuild that
    builds one document saves it with that document's new entry."""
    src = make_sources(tmp_path)
    out = tmp_path / "out"
    assert build_folder([src], out, "xml", jobs=2).ok
    path = manifest.path_in(out)
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    again = build_folder([src], out, "xml", jobs=2)
    assert [d.status for d in again.documents] == [UNCHANGED] * 4
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp
    (src / "alpha.txt").write_text("Alpha report\n\nA changed paragraph.\n", encoding="utf-8")
    third = build_folder([src], out, "xml", jobs=2)
    assert sorted(d.status for d in third.documents) == ["built"] + [UNCHANGED] * 3
    assert json.loads(path.read_text(encoding="utf-8"))["documents"]["alpha"]["source"]["sha256"] == \
        file_sha256(src / "alpha.txt")
