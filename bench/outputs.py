#!/usr/bin/env python3
"""sha256 of every output of the samples, the corpus seed and the test fixtures.

Run before and after an optimisation and diff the two listings: an optimisation must not change
a byte, except where its commit message says why.

    python3 bench/outputs.py > before.txt   # … change …   python3 bench/outputs.py | diff before.txt -
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "corpus" / "000_2a18c0f27f3b9e20.txt"
SUFFIXES = {".txt", ".md", ".xml"}


def sources() -> list[Path]:
    found = [p for p in sorted((ROOT / "sources").glob("*")) if p.suffix in SUFFIXES]
    found += [p for p in sorted((ROOT / "tests" / "fixtures").rglob("*")) if p.suffix in SUFFIXES]
    return found + ([SEED] if SEED.is_file() else [])


def main() -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    with tempfile.TemporaryDirectory() as tmp:
        for src in sources():
            out = Path(tmp) / src.relative_to(ROOT.parent)  # a folder per source
            proc = subprocess.run([sys.executable, "-m", "converter", "build", str(src), "-o", str(out),
                                   "--to", "docx,pdf,epub,xml,png", "-q", "--force", "--allow-missing-glyphs"],
                                  env=env, capture_output=True, text=True)
            if proc.returncode:
                print(f"{src.relative_to(ROOT.parent)}: failed: {proc.stderr.strip().splitlines()[-1:]}")
                continue
            for f in sorted(out.iterdir()):
                if not f.name.startswith(".") and f.name != "manifest.json":  # build_time, code key
                    digest = hashlib.sha256(f.read_bytes()).hexdigest()[:16]
                    print(f"{digest}  {src.relative_to(ROOT.parent)}: {f.name}")


if __name__ == "__main__":
    main()
