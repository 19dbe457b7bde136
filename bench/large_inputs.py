"""Large inputs through every writer: time and peak memory (issue #14, "large inputs are linear").

Builds generated sources — N paragraphs, N table rows, one line of M bytes, M bytes of paragraphs
each in quotes 40 deep — written as plain text, Markdown and canonical XML, one format per build
(so that each writer's peak is its own), each ``python -m converter build`` a child process whose
CPU time and peak resident set come from ``os.wait4`` (the kernel's rusage of that child, as
``/usr/bin/time -v`` reports it).

    python bench/large_inputs.py                          # the issue's sizes, every writer
    python bench/large_inputs.py --shapes paragraphs --sources text --formats docx \
        --sizes 10000,20000,40000                         # is the DOCX writer linear?

Prints one line per build, and with several sizes the slope of the peak between the smallest and
the largest (kB per paragraph, row or byte: what each more costs); with ``--json FILE``, writes
the rows. No assertion: the numbers are for people (and the issue's report), never a timed test.

``--baseline DIR``: each build is also run with the converter of another checkout (byte-compiled
copy, its own entry points: bench.py's ``compiled`` and ``register_baseline``), just before this
one's, and the line after shows the CPU-time ratio (after / before) — on a shared machine the
ratio of neighbouring runs, not single timings, says whether a change costs time.

    python bench/large_inputs.py --shapes rows --formats docx --baseline /work/base
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NS = 'xmlns="urn:x-converter:document:1" version="1" xml:lang="en"'
SENTENCE = "The committee reviewed item {n} and agreed to fund it from the 2024 budget line."


def paragraphs(kind: str, n: int) -> str:
    """A title and ``n`` paragraphs."""
    body = [SENTENCE.format(n=i) for i in range(n)]
    if kind == "xml":
        ps = "\n".join(f"<p>{p}</p>" for p in body)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<document {NS}>\n<title>Large</title>\n<body>\n{ps}\n</body>\n</document>\n'
    head = "# Large\n\n" if kind == "md" else "Large\n\n"
    return head + "\n\n".join(body) + "\n"


def rows(kind: str, n: int) -> str:
    """A title and one table of three columns and ``n`` rows (a header row besides)."""
    cells = [(f"item {i}", f"{i * 3}", f"line {i % 97}") for i in range(n)]
    if kind == "xml":
        xs = "\n".join(f"<row><cell>{a}</cell><cell>{b}</cell><cell>{c}</cell></row>" for a, b, c in cells)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<document {NS}>\n<title>Large</title>\n<body>\n'
                f'<table><thead><row><cell>Item</cell><cell>Amount</cell><cell>Line</cell></row></thead>\n'
                f'<tbody>\n{xs}\n</tbody></table>\n</body>\n</document>\n')
    if kind == "md":
        return "# Large\n\n| Item | Amount | Line |\n| --- | --- | --- |\n" + "".join(
            f"| {a} | {b} | {c} |\n" for a, b, c in cells)
    return "Large\n\nItem\tAmount\tLine\n" + "".join(f"{a}\t{b}\t{c}\n" for a, b, c in cells)


def long_line(kind: str, n_bytes: int) -> str:
    """A title and one paragraph of ``n_bytes`` bytes (words, no line break)."""
    words = []
    size = 0
    i = 0
    while size < n_bytes:
        w = f"word{i}"
        words.append(w)
        size += len(w) + 1
        i += 1
    if kind == "xml":
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<document {NS}>\n<title>Large</title>\n<body>\n'
                f'<p>{" ".join(words)}</p>\n</body>\n</document>\n')
    return ("# Large\n\n" if kind == "md" else "Large\n\n") + " ".join(words) + "\n"


def inline_marks(kind: str, n: int) -> str:
    """A title and ``n`` times ``*a* **b** `` (2n emphasis elements), ten a paragraph: Markdown
    thick with inline markup (markdown-it makes eight tokens of each)."""
    if kind == "xml":
        ps = "\n".join("<p>" + "<em>a</em> <strong>b</strong> " * 10 + "</p>" for _ in range(n // 10))
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<document {NS}>\n<title>Large</title>\n<body>\n{ps}\n</body>\n</document>\n'
    if kind == "md":
        return "# Large\n\n" + "\n\n".join(("*a* **b** " * 10).strip() for _ in range(n // 10)) + "\n"
    return "Large\n\n" + "\n\n".join(("a b " * 10).strip() for _ in range(n // 10)) + "\n"


def deep_quotes(kind: str, n_bytes: int, depth: int = 40) -> str:
    """A title and paragraphs each in quotes ``depth`` deep, ``n_bytes`` of source in all
    (Markdown; plain text has no quotes and gets the paragraphs alone): structure that is deep,
    not long, which an indenting writer pays for on every line."""
    count = n_bytes // (depth + len(SENTENCE) + 2)
    if kind == "xml":
        ps = "\n".join("<quote>" * depth + f"<p>{SENTENCE.format(n=i)}</p>" + "</quote>" * depth for i in range(count))
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<document {NS}>\n<title>Large</title>\n<body>\n{ps}\n</body>\n</document>\n'
    marks = ">" * depth + " " if kind == "md" else ""
    return ("# Large\n\n" if kind == "md" else "Large\n\n") + "\n\n".join(
        marks + SENTENCE.format(n=i) for i in range(count)) + "\n"


SHAPES = {"paragraphs": (paragraphs, 100_000), "rows": (rows, 100_000), "line": (long_line, 5 * 1024**2)}
SHAPES["marks"] = (inline_marks, 170_000)
SHAPES["quotes"] = (deep_quotes, 2 * 1024**2)
SUFFIX = {"text": ".txt", "md": ".md", "xml": ".xml"}


def measure(source: Path, out: Path, fmt: str, timeout: float, code: Path = ROOT) -> dict:
    """One build in a child process: exit code, wall and CPU seconds, peak RSS in MB.
    ``code``: the checkout whose converter runs (-P: the current folder does not come first)."""
    argv = [sys.executable, "-P", "-m", "converter", "build", str(source), "-o", str(out), "--to", fmt, "--force",
            "-q", "--allow-missing-glyphs"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(code)}
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    return {"exit": proc.returncode, "wall_s": round(time.monotonic() - start, 2),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "timed_out": time.monotonic() > deadline, "stderr": err.strip().splitlines()[-1:] if proc.returncode else []}


def report_line(row: dict, label: str = "") -> str:
    """One build's line of the report."""
    return (f"{label}{row['shape']:10} {row['size']:>9} {row['source']:4} → {row['format']:4}  exit {row['exit']}  "
            f"wall {row['wall_s']:7.1f} s  cpu {row['cpu_s']:7.1f} s  peak {row['peak_mb']:7.1f} MB"
            + ("  TIMED OUT" if row["timed_out"] else "") + (f"  {row['stderr']}" if row["stderr"] else ""))


def slopes(results: list[dict]) -> list[str]:
    """The peak's growth per unit (paragraph, row, byte) from the smallest size to the largest,
    per shape, source and format."""
    groups: dict[tuple, list[dict]] = {}
    for row in results:
        if row["exit"] == 0:
            groups.setdefault((row.get("code", ""), row["shape"], row["source"], row["format"]), []).append(row)
    out = []
    for (code, shape, kind, fmt), rows in groups.items():
        small, large = min(rows, key=lambda r: r["size"]), max(rows, key=lambda r: r["size"])
        if large["size"] > small["size"]:
            per = (large["peak_mb"] - small["peak_mb"]) * 1024 / (large["size"] - small["size"])
            out.append(f"slope {code + ' ' if code else ''}{shape:10} {kind:4} → {fmt:4}  {small['size']} → {large['size']}: "
                       f"{per:.2f} kB per {'byte' if shape in ('line', 'quotes') else shape[:-1]}")
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shapes", default="paragraphs,rows,line")
    p.add_argument("--sources", default="text,md,xml")
    p.add_argument("--formats", default="xml,docx,epub,pdf")
    p.add_argument("--sizes", help="comma-separated sizes instead of the issue's (paragraphs or rows; bytes for line)")
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--baseline", type=Path, help="a checkout to compare with, run before each build (CPU ratio)")
    args = p.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="large-inputs-") as tmp:
        baseline = None
        if args.baseline:
            from bench import compiled, register_baseline  # bench/bench.py, beside this script

            baseline = compiled(args.baseline.resolve(), Path(tmp))
            register_baseline(baseline)
        for shape in args.shapes.split(","):
            make, default = SHAPES[shape]
            sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [default]
            for size in sizes:
                for kind in args.sources.split(","):
                    source = Path(tmp) / f"{shape}-{size}{SUFFIX[kind]}"
                    source.write_text(make(kind, size), encoding="utf-8")
                    for fmt in args.formats.split(","):
                        info = {"shape": shape, "size": size, "source": kind, "format": fmt,
                                "source_mb": round(source.stat().st_size / 2**20, 2)}
                        before = None
                        if baseline is not None:
                            before = {**info, "code": "before",
                                      **measure(source, Path(tmp) / "out-before", fmt, args.timeout, baseline)}
                            results.append(before)
                            print(report_line(before, "before "), flush=True)
                        row = {**info, **measure(source, Path(tmp) / "out", fmt, args.timeout)}
                        results.append(row)
                        print(report_line(row, "after  " if before else ""), flush=True)
                        if before and before["exit"] == row["exit"] == 0 and before["cpu_s"]:
                            print(f"{'':10} {'':>9} {'':4}   {'':4}  cpu after / before {row['cpu_s'] / before['cpu_s']:.2f}  "
                                  f"peak after / before {row['peak_mb'] / before['peak_mb']:.2f}", flush=True)
    for line in slopes(results):
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
