"""Interrupted folder builds, with real processes and real signals: SIGINT (to the build, or to
its whole process group as a terminal's Ctrl-C does) and SIGTERM stop the workers within a
second, keep what finished in the manifest, leave no temporary file, say so, and exit 130/143."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_helpers import converter as run
from converter.fingerprint import file_sha256


#: documents in the interrupted folder
COUNT = 6


def slow_sources(root: Path, count: int = COUNT) -> Path:
    """A quick document, then documents that take a few seconds each to build (the manifest
    is saved at most once a second: the first one shows up a second after it is done, and
    the interruption must still find work going on)."""
    src = root / "src"
    src.mkdir()
    for i in range(count):
        body = "\n\n".join(f"{n}. Section {n}. " + "Words of a paragraph that goes on. " * 30
                           for n in range(1, 5 if i == 0 else 240))  # the first one soon done
        (src / f"doc{i}.txt").write_text(f"Report {i}\n\n{body}\n", encoding="utf-8")
    return src


def start(src: Path, out: Path, jobs: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "converter", "build", src, "-o", out, "-j", str(jobs),
                             "--to", "pdf,docx,epub"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def wait_for_first(proc: subprocess.Popen, out: Path, timeout: float = 60) -> None:
    """Until the first document is recorded (so that the interruption finds work done and work
    going on)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]:
                return
        except (OSError, ValueError, KeyError):
            pass
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    pytest.fail("no document was built in time")


def session_members(session: int) -> list[int]:
    """The processes still alive in a session (read from /proc: procps may not be installed)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # after the name: state, ppid, pgrp, session
            members.append(int(stat.parent.name))
    return members


def assert_consistent(out: Path) -> dict:
    """Every file in the folder is the manifest's or the lock; every listed output is intact."""
    docs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    listed = {o["path"]: o["sha256"] for entry in docs.values() for o in entry["outputs"]}
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert present - set(listed) == {"manifest.json", ".converter.lock"}, "unrecorded or temporary files"
    for path, sha in listed.items():
        assert file_sha256(out / path) == sha
    return docs


@pytest.mark.parametrize("how, code", [("SIGINT", 130), ("SIGTERM", 143), ("group-SIGINT", 130)])
@pytest.mark.parametrize("jobs", [2, 1])
def test_an_interrupted_build_keeps_what_finished_and_nothing_else(tmp_path, how, code, jobs):
    src, out = slow_sources(tmp_path), tmp_path / "out"
    proc = start(src, out, jobs)
    wait_for_first(proc, out)
    time.sleep(0.3)  # into the next documents
    sent = time.monotonic()
    sig = signal.SIGTERM if how == "SIGTERM" else signal.SIGINT
    if how.startswith("group"):
        import os

        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=30)
    stopped = time.monotonic() - sent
    assert proc.returncode == code, stderr
    # workers get a second to remove their files (then SIGKILL); the rest is tidying up, which
    # a busy machine may slow down (0.2 s measured on an idle one)
    assert stopped < 3, f"the build took {stopped:.1f} s to stop"
    assert "Traceback" not in stderr
    name = "SIGTERM" if how == "SIGTERM" else "SIGINT"
    assert f"interrupted by {name}" in stderr and "recorded in" in stderr and "not built:" in stderr
    docs = assert_consistent(out)
    assert 1 <= len(docs) < COUNT
    for line in stdout.splitlines():  # every document said to be built is in the manifest
        if line.startswith("built "):
            assert Path(line.split()[1]).stem in docs
    assert not session_members(proc.pid), "workers of the build are still running"
    if (how, jobs) == ("SIGTERM", 2):  # the next build builds only what is missing (once: slow)
        again = run("build", src, "-o", out, "--to", "pdf,docx,epub", "-j", "2")
        assert again.returncode == 0, again.stderr
        assert again.stdout.count("unchanged ") == len(docs)
        assert len(assert_consistent(out)) == COUNT


def test_a_signal_inside_a_finalizer_is_delivered_again_not_swallowed():
    """Python prints and swallows an exception raised in __del__ or in a weak reference's
    callback: the stop must wait for it to return."""
    import sys
    import weakref

    from converter.signals import in_finalizer

    seen = []

    class Closing:
        def __del__(self):
            seen.append(in_finalizer(sys._getframe()))

    Closing()  # collected at once: its __del__ runs here
    assert seen == [True]

    class Key:
        pass

    table = weakref.WeakKeyDictionary()
    key = Key()
    table[key] = 1
    frames = []
    weakref.finalize(key, lambda: frames.append(in_finalizer(sys._getframe())))
    del key  # WeakKeyDictionary's remove and the finalizer run during this deallocation
    assert frames == [True] and not table
    assert not in_finalizer(sys._getframe())


def test_ctrl_c_inside_a_weak_reference_callback_still_stops_the_command(tmp_path):
    """The command line's own process: a SIGINT that lands while a weak-keyed table drops an
    entry is delivered again afterwards, and the command stops with 130, no traceback."""
    script = tmp_path / "stop.py"
    script.write_text(
        "import os, signal, sys, time, weakref\n"
        "from converter import cli\n"
        "class Key: pass\n"
        "table = weakref.WeakKeyDictionary()\n"
        "def build(args):\n"
        "    k = Key(); table[k] = 1\n"
        "    weakref.finalize(k, os.kill, os.getpid(), signal.SIGINT)\n"
        "    del k  # the signal arrives inside the weak references' callbacks\n"
        "    time.sleep(5)\n"
        "    return 0\n"
        "cli._build = build\n"
        "sys.exit(cli.main())\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), "build", str(tmp_path / "none.txt")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert "interrupted by SIGINT" in done.stderr
