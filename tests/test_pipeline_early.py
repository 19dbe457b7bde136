"""The writers that read no pages run in a second process while the pages are laid out
(pipeline.Early), for a build of one document that may take a second core: the same bytes, the
same messages in the same order, the same error, and nothing left behind when it is stopped.
Real processes, a real plug-in writer (through entry points) and real signals."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from converter import parallel
from helpers import plugin_site

pytestmark = pytest.mark.skipif(parallel._cores() < 2, reason="one core: nothing runs in a second process")

#: a third-party writer that reads no pages and may run beside the layout (unless told not to):
#: it warns, says which process wrote it, and on request notes its pid, sleeps or fails
PROBE = textwrap.dedent('''
    import os
    import time

    from converter.errors import ConverterError


    class ProbeWriter:
        suffix = ".probe"
        beside_layout = os.environ.get("PROBE_BESIDE", "1") == "1"

        def write(self, doc, style, target, ctx):
            ctx.warn("probe: a warning of this writer")
            if os.environ.get("PROBE_MARKER"):
                with open(os.environ["PROBE_MARKER"], "w") as f:
                    f.write(str(os.getpid()))
            time.sleep(float(os.environ.get("PROBE_SLEEP", "0")))
            if os.environ.get("PROBE_FAIL"):
                raise ConverterError("probe: this writer failed")
            target.write_text(f"written by a child of {os.getppid()}\\n", encoding="utf-8")


    class BrokenWriter:
        """Fails, in the build's own process (it does not say it may run beside the layout)."""
        suffix = ".broken"

        def write(self, doc, style, target, ctx):
            raise ConverterError("broken: the writer whose turn comes first failed")
''')

FORMATS = "pdf,docx,epub,xml,probe"


@pytest.fixture
def site(tmp_path) -> Path:
    return plugin_site(tmp_path, "probe_plugin", PROBE, "[converter.writers]\nprobe = probe_plugin:ProbeWriter\n"
                                                        "broken = probe_plugin:BrokenWriter\n")


@pytest.fixture
def source(tmp_path) -> Path:
    """A document with messages from the pipeline (a missing picture), the EPUB (a link out of
    the book) and the probe."""
    src = tmp_path / "doc.md"
    src.write_text("# A report\n\nText with ![a picture](missing.png) here.\n\n"
                   "And [a link](other.md) to another file.\n", encoding="utf-8")
    return src


def _build(site: Path, src: Path, out: Path, jobs: int, formats: str = FORMATS, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "converter", "build", str(src), "-o", str(out), "-j", str(jobs), "--to", formats],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env=dict(os.environ, PYTHONPATH=str(site), **env))


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")
            and p.name != "manifest.json"}


def test_the_same_outputs_and_messages_with_a_second_process(tmp_path, site, source):
    runs = {}
    for jobs in (1, 2):
        proc = _build(site, source, tmp_path / f"out{jobs}", jobs)
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        runs[jobs] = (_outputs(tmp_path / f"out{jobs}"), stderr, proc.pid)
    (one, one_err, one_pid), (two, two_err, two_pid) = runs[1], runs[2]
    assert set(one) == {"doc.pdf", "doc.docx", "doc.epub", "doc.xml", "doc.probe"}
    # -j 1: the build's own process wrote it (its parent is this test); -j 2: a child of the build
    assert one["doc.probe"] == f"written by a child of {os.getpid()}\n".encode()
    assert two["doc.probe"] == f"written by a child of {two_pid}\n".encode()
    assert {k: v for k, v in one.items() if k != "doc.probe"} == {k: v for k, v in two.items() if k != "doc.probe"}
    messages = [line for line in one_err.splitlines() if "warning" in line]
    assert len(messages) >= 3 and any("missing.png" in m for m in messages) and any("probe:" in m for m in messages)
    assert [line for line in two_err.splitlines() if "warning" in line] == messages  # in the same order


def test_a_writer_that_does_not_say_it_may_is_run_by_the_build_itself(tmp_path, site, source):
    proc = _build(site, source, tmp_path / "out", 2, PROBE_BESIDE="0")
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert (tmp_path / "out" / "doc.probe").read_text() == f"written by a child of {os.getpid()}\n"


def test_a_writer_failing_in_the_second_process_fails_the_build_as_in_one(tmp_path, site, source):
    errors = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        proc = _build(site, source, out, jobs, PROBE_FAIL="1")
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 1
        assert "Traceback" not in stderr
        errors[jobs] = stderr.splitlines()
        assert not out.exists() or _outputs(out) == {}, "a failed build leaves no output"
        assert not out.exists() or not [p for p in out.iterdir() if p.name.endswith(".part")]
    assert errors[2] == errors[1] and f"{source}: probe: this writer failed" in errors[1]


def test_of_two_failing_writers_the_first_in_turn_is_reported(tmp_path, site, source):
    """The XML and the probe run in the second process, the broken writer between them here:
    the broken one's error is the build's, as one after the other, though the probe failed too."""
    errors = {}
    for jobs in (1, 2):
        proc = _build(site, source, tmp_path / f"out{jobs}", jobs, "xml,pdf,broken,probe", PROBE_FAIL="1")
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 1
        errors[jobs] = stderr.splitlines()
    assert f"{source}: broken: the writer whose turn comes first failed" in errors[1]
    assert errors[2] == errors[1]


#: the build's command line, with a SIGINT sent to each child the moment it is forked (a Ctrl-C
#: can land there, before the child has handlers of its own)
_FORK_INTERRUPTED = """
import os, signal, sys
real_fork = os.fork
def fork():
    pid = real_fork()
    if pid == 0:
        os.kill(os.getpid(), signal.SIGINT)
    return pid
os.fork = fork
from converter.cli import main
try:
    code = main(sys.argv[1:])
finally:
    print(f"[{os.getpid()} left the build's code]", file=sys.stderr)
sys.exit(code)
"""


def test_a_signal_the_moment_the_child_is_forked_never_runs_the_builds_code_in_it(tmp_path, site, source):
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-c", _FORK_INTERRUPTED, "build", str(source), "-o", str(out), "-j", "2",
                        "--to", FORMATS], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(site)))
    assert r.returncode == 0, r.stderr
    # the child stopped at once, without the build's clean-up or messages: one process left the code
    assert r.stderr.count("left the build's code") == 1 and "interrupted" not in r.stderr
    # and its formats were written by the build itself
    assert set(_outputs(out)) == {"doc.pdf", "doc.docx", "doc.epub", "doc.xml", "doc.probe"}
    assert (out / "doc.probe").read_text() == f"written by a child of {os.getpid()}\n"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("how, code", [("SIGTERM", 143), ("group-SIGINT", 130)])
def test_a_stopped_build_stops_its_second_process_and_leaves_nothing(tmp_path, site, source, how, code):
    marker, out = tmp_path / "probe.pid", tmp_path / "out"
    proc = _build(site, source, out, 2, PROBE_MARKER=str(marker), PROBE_SLEEP="60")
    deadline = time.monotonic() + 60
    while not marker.exists() or not marker.read_text():
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    child = int(marker.read_text())
    assert child != proc.pid  # the probe is sleeping in the second process
    sent = time.monotonic()
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code, stderr
    assert time.monotonic() - sent < 5
    assert "Traceback" not in stderr
    assert not _alive(child), "the second process outlived the build"
    assert not out.exists() or [p.name for p in out.iterdir()] in ([], [".converter.lock"], ["manifest.json", ".converter.lock"],
                                                                   [".converter.lock", "manifest.json"])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_build_takes_its_second_process_with_it(tmp_path, site, source):
    marker = tmp_path / "probe.pid"
    proc = _build(site, source, tmp_path / "out", 2, PROBE_MARKER=str(marker), PROBE_SLEEP="60")
    deadline = time.monotonic() + 60
    while not marker.exists() or not marker.read_text():
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    child = int(marker.read_text())
    proc.kill()  # SIGKILL: the build cleans nothing up; the kernel tells the child
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the second process outlived a killed build"


#: a third-party painter that makes (pretends to make) its fonts ahead: ``prefetch`` notes the
#: process and the faces it was given, the painter the faces it is opened with
PAINTER = textwrap.dedent('''
    import json
    import os


    def _faces(faces):
        return {f"{face.path}:{face.index}": "".join(sorted(chars)) for face, chars in faces.items()}


    class FacesWriter:
        suffix = ".faces"
        paints_pages = True

        def prefetch(self, faces, ctx):
            with open(os.environ["PREFETCHED"], "w") as f:
                json.dump({"pid": os.getpid(), "faces": _faces(faces)}, f)

        def page_sink(self, doc, style, target, ctx):
            return lambda faces: _Sink(faces, target)

        def write(self, doc, style, target, ctx):
            raise AssertionError("painted as laid out")


    class _Sink:
        def __init__(self, faces, target):
            self.faces, self.target = faces, target

        def page(self, page):
            pass

        def close(self, pagination=None):
            self.target.write_text(json.dumps({"pid": os.getpid(), "faces": _faces(self.faces.faces)}))
''')


def test_a_painters_fonts_are_made_ahead_in_the_second_process_for_the_faces_it_is_opened_with(tmp_path):
    """pipeline.Early's child first hands each painter the faces the layout will open it with
    (layout.faces_of: without breaking the title into lines), so that it makes their fonts
    while the build reads its title's words and lays out; under -j 1 nothing is made ahead."""
    site = plugin_site(tmp_path, "faces_plugin", PAINTER, "[converter.writers]\nfaces = faces_plugin:FacesWriter\n")
    src = tmp_path / "notice.txt"  # a long title: broken into balanced lines by the layout
    src.write_text("关于进一步加强和改进全市机关事务管理与公共机构节能工作的实施意见的通知\n\n"
                   "各区人民政府，市政府各部门：\n　　现将有关事项通知如下，请认真贯彻执行。Latin 2024。\n", encoding="utf-8")
    for jobs in (2, 1):
        noted = tmp_path / f"prefetched-{jobs}.json"
        proc = _build(site, src, tmp_path / f"out{jobs}", jobs, "faces,docx", PREFETCHED=str(noted))
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        painted = json.loads((tmp_path / f"out{jobs}" / "notice.faces").read_text())
        assert painted["pid"] == proc.pid
        if jobs == 1:
            assert not noted.exists()
            continue
        ahead = json.loads(noted.read_text())
        assert ahead["pid"] != proc.pid
        assert ahead["faces"] == painted["faces"] and len(ahead["faces"]) >= 2
