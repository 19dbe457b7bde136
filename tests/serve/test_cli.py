"""`converter serve` as a command: its defaults, its refusals, and a clean stop."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from converter.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp writes them) listening on a port."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.add(address)
    return found


@pytest.mark.parametrize("args, words", [
    (["--token", "short"], "--token needs 8 to 256"),
    (["--token", "has space;semicolon"], "--token needs"),
    (["--port", "70000"], "--port needs"),
    (["--workers", "0"], "must be positive"),
])
def test_impossible_options_are_usage_errors(args, words, capsys):
    assert main(["serve", *args]) == 2
    assert words in capsys.readouterr().err


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_it_listens_on_this_machine_only_by_default_and_stops_cleanly(tmp_path):
    port = _free_port()
    env = dict(os.environ, TMPDIR=str(tmp_path), CONVERTER_TOKEN="from-the-environment")
    proc = subprocess.Popen([sys.executable, "-m", "converter", "serve", "--port", str(port), "--workers", "1", "-q"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _listening_addresses(port):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()
            time.sleep(0.2)
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing else
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/styles", timeout=10)
        assert refused.value.code == 401  # the token came from $CONVERTER_TOKEN
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/styles",
                                         headers={"Authorization": "Bearer from-the-environment"})
        assert urllib.request.urlopen(request, timeout=10).status == 200
        assert any(tmp_path.iterdir())  # the jobs' folder
        workers = _children(proc.pid)
        assert len(workers) == 1 and "converter.serve.workers" in Path(f"/proc/{workers[0]}/cmdline").read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    assert proc.returncode in (0, -signal.SIGTERM)  # uvicorn shuts down, then re-raises the signal
    assert list(tmp_path.iterdir()) == []  # its temporary folder went with it: a graceful stop
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)  # and its workers


def _children(pid: int) -> list[int]:
    """Child processes of pid (each thread lists the ones it started)."""
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
