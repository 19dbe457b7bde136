#!/usr/bin/env python3
"""Speed and memory of whole-process builds, side by side with pandoc (when installed).

Run by hand, never in the tests (machines are noisy: compare ratios, not single timings):

    python3 bench/bench.py [--runs 7] [--big] [--folder]

- seed → every format (docx, pdf, epub, xml) as one process, warm font cache;
- seed → each format alone;
- pandoc on the same text (Markdown reader) → docx and → epub, when pandoc is installed;
- with --big: a document of about 1 MB of text (the seed's body repeated) → pdf, reporting
  pages per second and peak memory (ru_maxrss of the child process);
- with --folder: 50 documents (bench/folder.py), full builds with -j 1 and -j 2 and the no-change
  rebuild, with their ratios.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import folder  # bench/folder.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "corpus" / "000_2a18c0f27f3b9e20.txt"


def timed(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall time (s) and peak memory (MB, the child's own maximum RSS) over several runs."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's rusage, not all children's
        times.append(time.perf_counter() - start)
        if status != 0:
            sys.exit(f"failed: {' '.join(cmd)}: {proc.stderr.read().decode()}")
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def converter(src: Path, out: Path, formats: str) -> list[str]:
    # --force: a whole build each time, not the no-change rebuild that skips unchanged documents
    return [sys.executable, "-m", "converter", "build", str(src), "-o", str(out), "--to", formats, "-q", "--force"]


def big_source(tmp: Path, target_bytes: int = 1_000_000) -> Path:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    title, body = lines[0], "\n".join(lines[1:])
    parts = [title]
    while sum(len(p.encode()) for p in parts) < target_bytes:
        parts.append(body)
    path = tmp / "big.txt"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--big", action="store_true", help="also the ~1 MB document (slow)")
    ap.add_argument("--folder", action="store_true",
                    help="also a folder of 50 documents: -j 1, -j 2 and the no-change rebuild (slow)")
    args = ap.parse_args()
    if not SEED.is_file():
        sys.exit(f"corpus seed not found: {SEED}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        subprocess.run(converter(SEED, tmp / "warm", "docx,pdf,epub,xml"), check=True)  # warm the font cache
        rows = []
        for formats in ["docx,pdf,epub,xml", "pdf", "docx", "epub", "xml"]:
            t, mb = timed(converter(SEED, tmp / "out", formats), args.runs)
            rows.append((f"converter seed → {formats}", t, mb))
        if shutil.which("pandoc"):
            for fmt in ["docx", "epub"]:
                t, mb = timed(["pandoc", "-f", "markdown", str(SEED), "-o", str(tmp / f"p.{fmt}")], args.runs)
                rows.append((f"pandoc seed → {fmt}", t, mb))
        base = {r[0]: r[1] for r in rows}
        print(f"{'what':40} {'median s':>9} {'peak MB':>8}")
        for name, t, mb in rows:
            print(f"{name:40} {t:9.3f} {mb:8.1f}")
        if "pandoc seed → docx" in base:
            print(f"\nratio converter→docx / pandoc→docx: {base['converter seed → docx'] / base['pandoc seed → docx']:.1f}×")
            print(f"ratio converter→epub / pandoc→epub: {base['converter seed → epub'] / base['pandoc seed → epub']:.1f}×")
        if args.big:  # layout must grow linearly: ~250 kB, ~500 kB, ~1 MB
            for size in (250_000, 500_000, 1_000_000):
                big = big_source(tmp, size)
                t, mb = timed(converter(big, tmp / "big", "pdf"), max(1, args.runs // 3))
                pages = int(subprocess.run(["pdfinfo", str(tmp / "big" / "big.pdf")], capture_output=True,
                                           text=True).stdout.split("Pages:")[1].split()[0])
                print(f"{big.stat().st_size:>9,} bytes → pdf: {t:6.2f} s, {pages:4} pages, "
                      f"{pages / t:5.0f} pages/s, {t / pages * 1000:5.1f} ms/page, peak {mb:4.0f} MB")
        if args.folder:
            rows = folder.run(tmp, SEED, max(1, args.runs // 3))
            folder.report(rows)


if __name__ == "__main__":
    main()
