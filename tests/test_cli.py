"""The command line: builds, exit codes, messages, no partial output, inspect and styles."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from converter.cli import main
from helpers import FIXTURES

SMALL = FIXTURES / "cli" / "small.txt"


def output_files(out: Path) -> list[str]:
    """Output files under a folder, relative to it: the build's own files (manifest.json, the
    hidden lock) left out."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.is_file() and p.name != "manifest.json" and not p.name.startswith("."))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, text=True, cwd=cwd)


def test_build_writes_every_format_named_after_the_source(tmp_path):
    assert main(["build", str(SMALL), "-o", str(tmp_path), "-q"]) == 0
    assert output_files(tmp_path) == ["small.docx", "small.epub", "small.pdf", "small.xml"]


def test_build_a_folder_and_choose_formats(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("甲报告\n\n正文。\n", encoding="utf-8")
    (src / "sub" / "b.txt").write_text("B report\n\nBody text.\n", encoding="utf-8")
    (src / "notes.bin").write_bytes(b"\x00\x01")  # not a source: ignored
    out = tmp_path / "out"
    assert main(["build", str(src), "-o", str(out), "--to", "xml,pdf", "-q"]) == 0
    assert output_files(out) == ["a.pdf", "a.xml", "sub/b.pdf", "sub/b.xml"]


def test_python_dash_m_and_console_script(tmp_path):
    r = run("build", str(SMALL), "-o", str(tmp_path), "--to", "xml")
    assert r.returncode == 0, r.stderr
    assert "fonts" in r.stdout  # the build says which fonts it uses
    assert (tmp_path / "small.xml").is_file()
    r = subprocess.run(["converter", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and "converter" in r.stdout


def test_unknown_format_is_a_usage_error_listing_known_ones(tmp_path, capsys):
    assert main(["build", str(SMALL), "-o", str(tmp_path), "--to", "pdf,odt"]) == 2
    err = capsys.readouterr().err
    assert "odt" in err and "docx" in err and "epub" in err
    assert not any(tmp_path.iterdir())


def test_missing_input_and_unknown_style_are_usage_errors(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nope.txt"), "-o", str(tmp_path)]) == 2
    assert main(["build", str(SMALL), "-o", str(tmp_path), "--style", "nosuch"]) == 2
    assert "gongwen" in capsys.readouterr().err
    assert run("frobnicate").returncode == 2


def test_failed_document_exit_1_message_with_file_and_line_and_no_output(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("标题\n正文\n".encode() + b"\xff\xfe\xfa broken\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "bad.pdf").write_bytes(b"stale output of an earlier build")
    assert main(["build", str(bad), str(SMALL), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "byte offset" in err
    assert "Traceback" not in err
    names = sorted(p.name for p in out.iterdir())
    assert not any(n.startswith("bad") for n in names)  # not even the stale one
    assert "small.pdf" in names  # the good document still built
    assert not any(n.endswith(".part") for n in names)


def test_traceback_flag_shows_the_traceback(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"   \n")
    r = run("build", str(bad), "-o", str(tmp_path / "o"), "--traceback")
    assert r.returncode == 1
    assert "Traceback" in r.stderr and "empty" in r.stderr


def test_a_character_no_font_has_is_an_error_unless_allowed(tmp_path, capsys):
    src = tmp_path / "rare.txt"
    src.write_text("Title\n\nA line.\nUnassigned \U000e01ff here.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(src), "-o", str(out), "--to", "pdf"]) == 1
    err = capsys.readouterr().err
    assert f"{src}:4:" in err and "U+E01FF" in err
    assert not out.exists() or not output_files(out)
    assert main(["build", str(src), "-o", str(out), "--to", "pdf", "--allow-missing-glyphs"]) == 0
    assert "warning" in capsys.readouterr().err
    assert (out / "rare.pdf").is_file()


def test_inspect_json_has_the_fixed_shape(seed, capsys):
    assert main(["inspect", str(seed), "--json"]) == 0
    tree = json.loads(capsys.readouterr().out)
    assert {"title", "lang", "addressee", "sections", "attachments", "signature"} <= set(tree)
    assert tree["docnumber"] is None and tree["tables"] == 0 and tree["record"] is None
    assert tree["addressee"] is None and tree["signature"] == {"issuer": None, "date": None}
    assert tree["lang"] == "zh-CN"
    first = tree["sections"][0]
    assert set(first) == {"level", "number", "heading", "runin", "sections"}
    assert first == {"level": 1, "number": "一、", "heading": "深入学习领会、完整准确贯彻习近平法治思想",
                     "runin": True, "sections": []}
    assert len(tree["sections"]) == 8


def test_inspect_tree(capsys):
    assert main(["inspect", str(SMALL)]) == 0
    out = capsys.readouterr().out
    assert "title: 测试报告" in out and "一、 总体情况" in out and "[run-in]" in out


def test_styles_lists_one_line_each(capsys):
    assert main(["styles"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert any(line.startswith("gongwen") for line in lines)
    assert any(line.startswith("report") for line in lines)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_bad_inputs_get_clear_messages(tmp_path, capsys, content, message):
    src = tmp_path / "x.txt"
    src.write_bytes(content)
    assert main(["build", str(src), "-o", str(tmp_path / "o")]) == 1
    assert message in capsys.readouterr().err


def test_a_build_run_from_python_leaves_the_garbage_collector_as_it_was(tmp_path):
    """Only the program's own process runs its build without the cyclic collector: main()
    called with arguments (from Python, a test) leaves it on."""
    import gc

    assert gc.isenabled()
    assert main(["build", str(FIXTURES / "cli" / "small.txt"), "-o", str(tmp_path), "--to", "xml", "-q"]) == 0
    assert gc.isenabled()
