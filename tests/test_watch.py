"""converter watch, run as a user would: a separate process that rebuilds on changes until it is
stopped."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from batch_helpers import make_sources

WAIT = 60  # seconds: a bound, never a sleep


def wait_for(condition, what: str, proc: subprocess.Popen, touch=None) -> None:
    """Wait until condition() holds; touch() is called again every few seconds in case the
    watcher was not yet listening when the first change was made."""
    deadline = time.monotonic() + WAIT
    next_touch = time.monotonic() + 3
    while not condition():
        assert proc.poll() is None, f"watch exited early: {proc.stdout.read()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        if touch is not None and time.monotonic() > next_touch:
            touch()
            next_touch = time.monotonic() + 3
        time.sleep(0.1)


def key_of(out: Path, name: str) -> str | None:
    try:
        return json.loads((out / "manifest.json").read_text())["documents"][name]["key"]
    except (OSError, ValueError, KeyError):
        return None


def test_watch_rebuilds_a_changed_source_and_a_changed_style(tmp_path):
    src = make_sources(tmp_path, {"a.txt": "Alpha report\n\nFirst text.\n", "b.txt": "Beta report\n\nOther.\n"})
    style = tmp_path / "mine.toml"
    style.write_text('extends = "report"\n')
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "converter", "watch", str(src), "-o", str(out), "--to", "xml",
                             "--style", str(style), "-j", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: key_of(out, "a") and key_of(out, "b"), "the first build", proc)
        b_key = key_of(out, "b")

        def edit_source():
            (src / "a.txt").write_text("Alpha report\n\nEdited text.\n", encoding="utf-8")

        edit_source()
        wait_for(lambda: "Edited" in (out / "a.xml").read_text(encoding="utf-8"), "a.xml rebuilt", proc, edit_source)
        assert key_of(out, "b") == b_key  # the other document was left alone

        def edit_style():
            style.write_text('extends = "report"\n[page]\nmargin-top = "31mm"\n')

        edit_style()
        wait_for(lambda: key_of(out, "b") != b_key, "b rebuilt for the new style", proc, edit_style)
    finally:
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, log
    assert "built" in log and "watching" in log
    assert not list(out.glob(".*.part"))
