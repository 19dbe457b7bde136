"""Running one hostile case: ``python -m converter`` in a separate process under a memory and a
time cap, then the promises every case shares — the exit code asked for, a message that names
the file (and line) or is a usage error, no traceback and no ``internal error``, no output for a
refused document, no temporary file left, a manifest that still parses, and the secret (a
marker in a file outside the input folder) in no output, however deep in a zip or a PDF."""
from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: the caps each case runs under: address space and CPU seconds (a wall clock cap besides)
MEMORY_BYTES = 2 * 1024**3
CPU_SECONDS = 8  # a case of this suite needs 2 s at most; a blow-up is stopped early
WALL_SECONDS = 90
#: the marker of the file outside the input folder that must never reach an output
SECRET = "SECRET-7c1d-MARKER"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Case:
    """One hostile input and what the converter must do with it.

    ``files``: paths relative to the case folder (sources under ``src/``) → text or bytes.
    ``argv``: the command line after ``converter``, with ``{case}``, ``{src}``, ``{out}`` and
    ``{secret}`` filled in. ``says``: a regex the standard error must match. ``where``: the file
    (``src/x.txt``) or file and line (``src/x.txt:3``) the message must name. ``refused``: names of
    documents that must leave no output. ``env``: extra environment. ``setup(case_dir)`` and
    ``after(case_dir, result)`` run before and after for what tables cannot say.
    """

    id: str
    argv: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    code: int | tuple[int, ...] = 0  # a tuple: any of these (a refusal or a sound build)
    says: str = ""
    where: str | None = None
    refused: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    after: Callable[[Path, subprocess.CompletedProcess], None] | None = None
    xfail: str | None = None  # why it fails today (work another part of the issue does)
    stdin: str | None = None


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def prepare(case: Case, tmp: Path) -> dict[str, str]:
    """Write the case's files and the secret; the placeholders' values."""
    (tmp / "secret.txt").write_text(f"Secret\n\n{SECRET}\n", encoding="utf-8")
    (tmp / "src").mkdir(exist_ok=True)
    for rel, data in case.files.items():
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if case.setup:
        case.setup(tmp)
    return {"case": str(tmp), "src": str(tmp / "src"), "out": str(tmp / "out"), "secret": str(tmp / "secret.txt")}


def run(case: Case, tmp: Path) -> subprocess.CompletedProcess:
    """Run the case's command line under the caps."""
    values = prepare(case, tmp)
    argv = [a.format(**values) for a in case.argv]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(ROOT), **case.env}
    env = {k: v for k, v in env.items() if v is not None and v != "<unset>"}
    return subprocess.run([sys.executable, "-m", "converter", *argv], capture_output=True, cwd=tmp, env=env,
                          preexec_fn=_limits, timeout=WALL_SECONDS, input=(case.stdin or "").encode())


def check(case: Case, tmp: Path, result: subprocess.CompletedProcess) -> None:
    """Every promise a hostile case is held to."""
    out, err = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    shown = f"exit {result.returncode}\n--- stdout\n{out[-1500:]}\n--- stderr\n{err[-3000:]}"
    codes = case.code if isinstance(case.code, tuple) else (case.code,)
    assert result.returncode in codes, shown
    assert "Traceback" not in err + out, shown
    assert "internal error" not in err, shown
    assert "MemoryError" not in err, shown
    if case.says and result.returncode == codes[-1]:
        assert re.search(case.says, err), f"stderr does not say {case.says!r}\n{shown}"
    if case.where:
        file, _, line = case.where.partition(":")
        named = re.escape(str(tmp / file)) + (rf":{line}: " if line else r"(:\d+)?: ")
        assert re.search(named, err), f"stderr does not name {case.where}\n{shown}"
    if result.returncode == 1 and not case.where:
        assert re.search(r"^\S.*?(:\d+)?: ", err, re.M), f"no 'file:line: message' on stderr\n{shown}"
    if result.returncode == 2:
        assert re.search(r"converter: error: |usage: ", err), f"not a usage error\n{shown}"
    for line in (out + err).splitlines():  # names are printed escaped: no terminal control codes
        assert "\x1b" not in line and "\r" not in line, f"raw control characters printed: {line!r}"
    outputs = sorted(p for p in (tmp / "out").rglob("*") if p.is_file()) if (tmp / "out").is_dir() else []
    for path in outputs:
        assert not path.name.endswith((".part", ".rezip")), f"temporary file left: {path}"
        assert path.stem not in case.refused, f"output of a refused document: {path}"
        assert SECRET not in readable_text(path), f"the secret is in {path}"
    manifest = tmp / "out" / "manifest.json"
    if manifest.is_file():
        json.loads(manifest.read_text(encoding="utf-8"))
    if case.after:
        case.after(tmp, result)


def readable_text(path: Path) -> str:
    """Everything a file says, as text: zip members unpacked, PDF streams inflated."""
    data = path.read_bytes()
    chunks = [data]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            chunks += [z.read(info) for info in z.infolist() if info.file_size < 64 * 1024**2]
    if data.startswith(b"%PDF"):
        for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
            try:
                chunks.append(zlib.decompress(stream))
            except zlib.error:
                pass
        try:
            chunks.append(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, timeout=60).stdout)
        except (OSError, subprocess.TimeoutExpired):
            pass
    return "\n".join(c.decode("utf-8", "replace") + c.decode("latin-1") for c in chunks)


def can_mount() -> bool:
    """Whether this process may mount a small tmpfs (root with CAP_SYS_ADMIN): the disk-full
    and read-only cases need one."""
    if os.geteuid() != 0:
        return False
    probe = Path("/tmp") / f"converter-mount-probe-{os.getpid()}"
    probe.mkdir(exist_ok=True)
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(probe)],
                            capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", str(probe)], capture_output=True)
        return ok
    except OSError:  # no mount command
        return False
    finally:
        probe.rmdir()
