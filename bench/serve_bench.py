#!/usr/bin/env python3
"""How fast the web page answers: from the last keystroke to the page previews on screen.

Run by hand, never in the tests (machines are noisy: compare ratios, not single timings):

    python3 bench/serve_bench.py [--edits 9]

Starts `converter serve` on a free port (as a user would), then, in Debian's Chromium driven by
Playwright (the tests' set-up; skipped when either is missing):

- **keystroke → preview**: the seed is pasted, then one character is typed at its end, again and
  again; for each edit, the time from the keystroke to the new build's first page image being
  loaded, and to all of its pages (the page records them: ``window.converterTimes``). Median and
  worst. The page waits 250 ms after the last keystroke before it sends the text: that pause is
  part of the number.
- and through the API alone (no browser): POST the seed → previews listed and → every format
  built, for the first build in a fresh worker without the warm-up (`warm=False`, the cost a
  cold process pays once), and for repeated builds in the same worker (what editing costs).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "corpus" / "000_2a18c0f27f3b9e20.txt"
CHROMIUM = Path("/usr/bin/chromium")
# (functions, not expressions: the page's Content-Security-Policy forbids eval)
DONE = "() => document.getElementById('status').dataset.state === 'done'"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "converter", "serve", "--port", str(port), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/info", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("converter serve did not start")


def browser_edits(url: str, edits: int) -> tuple[list[float], list[float]]:
    """Seconds from each keystroke to its build's first page on screen, and to all its pages."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_selector("#style option[value=report]", state="attached")
        page.fill("#text", SEED.read_text(encoding="utf-8"))
        page.wait_for_function("() => window.converterTimes.length >= 1 && window.converterTimes[0].all > 0", timeout=60_000)
        page.wait_for_function(DONE, timeout=60_000)
        page.focus("#text")
        page.keyboard.press("End")
        page.keyboard.press("Control+End")
        for i in range(edits):
            seen = page.evaluate("window.converterTimes.length")
            page.keyboard.type("。")
            page.wait_for_function("(seen) => window.converterTimes.length > seen && window.converterTimes[seen].all > 0",
                                   arg=seen, timeout=60_000)
            page.wait_for_function(DONE, timeout=60_000)  # the next edit starts on a finished build
        times = page.evaluate("window.converterTimes")
        ctx.close()
    return [(t["shown"] - t["input"]) / 1000 for t in times[1:]], [(t["all"] - t["input"]) / 1000 for t in times[1:]]


def api_builds(runs: int, warm: bool) -> tuple[list[float], list[float]]:
    """(seconds to previews, seconds to every output) for `runs` builds of the seed in one server."""
    from dataclasses import replace

    from starlette.testclient import TestClient

    from converter.serve.app import create_app
    from converter.serve.limits import Limits

    text = SEED.read_text(encoding="utf-8")
    to_preview, to_all = [], []
    with TestClient(create_app(replace(Limits(), workers=1), warm=warm)) as client:
        for i in range(runs):
            start = time.perf_counter()
            url = client.post("/api/convert", data={"text": text + "。" * i, "name": "seed.txt"}).json()["url"]
            preview = None
            while True:
                job = client.get(url).json()
                if preview is None and job["previews"]:  # the first page
                    preview = time.perf_counter() - start
                if job["status"] in ("done", "failed"):
                    break
                time.sleep(0.005)
            assert job["status"] == "done", job
            to_preview.append(preview)
            to_all.append(time.perf_counter() - start)
    return to_preview, to_all


def describe(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s ({len(times)} runs)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=9)
    args = parser.parse_args()
    if not SEED.is_file():
        raise SystemExit(f"no corpus seed at {SEED}")
    results = {}

    cold_preview, cold_all = api_builds(1, warm=False)
    results["api cold worker: first page"] = cold_preview
    results["api cold worker: first build, every format"] = cold_all
    preview, every = api_builds(args.edits + 1, warm=True)
    results["api warm worker: first page"] = preview[1:]
    results["api warm worker: every format"] = every[1:]

    try:
        import playwright  # noqa: F401
        has_browser = CHROMIUM.exists()
    except ImportError:
        has_browser = False
    if has_browser:
        port = free_port()
        server = start_server(port)
        try:
            first, every = browser_edits(f"http://127.0.0.1:{port}/", args.edits)
            results["browser: keystroke → first page on screen"] = first
            results["browser: keystroke → every page on screen"] = every
        finally:
            server.terminate()
            server.wait(30)
    else:
        print("(no chromium or playwright: the browser measurement is skipped)")

    for name, times in results.items():
        print(f"{name:45} {describe(times)}")
    if os.environ.get("BENCH_JSON"):
        print(json.dumps(results))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
