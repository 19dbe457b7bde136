"""A folder of 50 documents: full builds with -j 1 and -j 2, and the no-change rebuild.

Used by ``bench.py --folder``. The documents are variations of the corpus seed and the samples in
``sources/`` (each a different title and length, in five sub-folders), so that every one has its
own bytes and its own key.
"""
from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_folder(dest: Path, seed: Path, n: int = 50) -> Path:
    """n report-like sources under dest, written from the seed and the samples."""
    bases = [seed, ROOT / "sources" / "gongwen-report.txt", ROOT / "sources" / "annual-review.txt"]
    texts = [b.read_text(encoding="utf-8") for b in bases if b.is_file()]
    for i in range(n):
        lines = texts[i % len(texts)].splitlines()
        title, body = lines[0], lines[1:]
        keep = max(3, len(body) * (3 + i % 8) // 10)  # 30 % … 100 % of the document's lines
        suffix = f"（第{i + 1}号）" if any("\u4e00" <= c <= "\u9fff" for c in title) else f" (No. {i + 1})"
        path = dest / f"part{i // 10}" / f"doc{i:02d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(title + suffix + "\n" + "\n".join(body[:keep]) + "\n", encoding="utf-8")
    return dest


def halves(src: Path, dest: Path) -> tuple[Path, Path]:
    """The folder's documents split in two folders of the same work (by size, alternately)."""
    docs = sorted(src.rglob("*.txt"), key=lambda p: (-p.stat().st_size, p))
    parts = (dest / "half-a", dest / "half-b")
    for i, doc in enumerate(docs):
        target = parts[i % 2] / doc.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(doc, target)
    return parts


def _build(src: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the build and its workers) of one build."""
    return _builds_at_once([(src, out)], *extra)


def _builds_at_once(builds: list[tuple[Path, Path]], *extra: str) -> tuple[float, float]:
    """Wall time and CPU time (every process) of builds (source, output) started together."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "converter", "build", str(src), "-o", str(out), "-q", *extra],
                              stdout=subprocess.DEVNULL) for src, out in builds]
    for proc in procs:
        if proc.wait() != 0:
            raise subprocess.CalledProcessError(proc.returncode, proc.args)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


#: a pure-Python loop with a tiny working set, about as long as a -j 2 build (a short one reads
#: the host's noise more than the cores): how much two processes on the two cores slow
#: each other when they share nothing (a virtual machine's cores may share a physical core, or
#: its power and cache, with other guests: then no program scales by 2)
SPIN = "s = 0\nfor i in range(16_000_000):\n    s += i * i\n"


def _spin(copies: int) -> tuple[float, float]:
    """Wall time, and CPU time a copy, of ``copies`` processes of SPIN started together."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(copies)]
    for proc in procs:
        proc.wait()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / copies


def _median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


@dataclass
class Result:
    """rows: (what, median wall seconds, median CPU seconds); pairs: for the speed-ups, the
    ratio of each run to the run beside it (-j 1 then -j 2, one loop then two at once)."""

    rows: list[tuple[str, float, float]]
    pairs: dict[str, list[float]]


def run(tmp: Path, seed: Path, runs: int = 3) -> Result:
    """The full builds and the no-change rebuild, a CPU loop alone and two at once, and two
    builds of half the folder each at once (the speed-ups the machine itself allows right now,
    for a loop and for our own work). CPU time says what a busy machine hides: -j 2 does the
    same work on two cores."""
    src = make_folder(tmp / "folder", seed)
    half_a, half_b = halves(src, tmp)
    _build(src, tmp / "warm", "-j", "2")  # converted fonts cached, as on any machine after one build
    samples: dict[str, list] = {"1": [], "2": []}
    spins: dict[int, list] = {1: [], 2: []}
    split: list = []
    for _ in range(runs):  # interleaved, so that both see the same load from other processes
        for jobs in samples:
            shutil.rmtree(tmp / f"full{jobs}", ignore_errors=True)
            samples[jobs].append(_build(src, tmp / f"full{jobs}", "-j", jobs))
        for copies in spins:
            spins[copies].append(_spin(copies))
        for out in ("out-a", "out-b"):
            shutil.rmtree(tmp / out, ignore_errors=True)
        split.append(_builds_at_once([(half_a, tmp / "out-a"), (half_b, tmp / "out-b")], "-j", "1"))
    rows = [(f"50 documents, full build -j {jobs}", *_median(s)) for jobs, s in samples.items()]
    rows += [(f"a CPU loop, {copies} at once (CPU: each)", *_median(s)) for copies, s in spins.items()]
    rows.append((SPLIT, *_median(split)))
    nochange = _median([_build(src, tmp / "full2", "-j", "2") for _ in range(max(runs, 5))])
    rows.append(("50 documents, no-change rebuild", *nochange))
    # the same documents one process each (fonts cached): what a folder build saves per document
    alone = [_build(doc, tmp / "alone", "--force") for doc in sorted(src.rglob("*.txt"))[::5]]
    rows.append(("one document alone (mean of 10)", statistics.mean(s[0] for s in alone),
                 statistics.mean(s[1] for s in alone)))
    # a run and the one beside it saw the same host: their ratio is the speed-up at that
    # moment, free of the drift that the ratio of two medians, taken from different moments,
    # carries (a shared machine's speed moves during a bench: the -j 2 build's median read
    # 1.51 s in one run and 1.68 s in another an hour later)
    pairs = {"-j 2": [one[0] / two[0] for one, two in zip(samples["1"], samples["2"])],
             "loop": [2 * one[0] / two[0] for one, two in zip(spins[1], spins[2])]}
    return Result(rows, pairs)


#: the best two processes of ours can do on this machine now, with nothing shared between them
SPLIT = "two -j 1 builds of 25 documents at once"


def _spread(ratios: list[float]) -> str:
    """Median and quartiles of per-pair ratios."""
    if len(ratios) < 4:
        return f"median {statistics.median(ratios):.2f}× of {len(ratios)} pairs"
    q1, q2, q3 = statistics.quantiles(ratios, n=4)
    return f"median {q2:.2f}×, quartiles {q1:.2f}–{q3:.2f}×, of {len(ratios)} pairs"


def report(result: Result) -> None:
    rows = result.rows
    t = {name: wall for name, wall, _ in rows}
    j1, j2, none = (t["50 documents, full build -j 1"], t["50 documents, full build -j 2"],
                    t["50 documents, no-change rebuild"])
    print(f"\n{'what':40} {'median s':>9} {'CPU s':>8}")
    for name, wall, cpu in rows:
        print(f"{name:40} {wall:9.3f} {cpu:8.3f}")
    ceiling = 2 * t["a CPU loop, 1 at once (CPU: each)"] / t["a CPU loop, 2 at once (CPU: each)"]
    print(f"\nspeed-up -j 2 over -j 1: {j1 / j2:.2f}× (ratio of the medians); "
          f"each -j 1 run over the -j 2 run beside it: {_spread(result.pairs['-j 2'])}")
    print(f"a CPU loop, two at once over one, pair by pair: {_spread(result.pairs['loop'])}")
    print(f"the machine's own: two CPU loops at once do {ceiling:.2f}× the work of one in the same time "
          f"(2.00 on cores that share nothing); -j 2 reaches {j1 / j2 / ceiling * 100:.0f} % of it")
    split = j1 / t[SPLIT]
    print(f"two independent builds of half the folder each, at once: {split:.2f}× the -j 1 build; "
          f"-j 2 reaches {j1 / j2 / split * 100:.0f} % of it (its own workers, forked, share one start-up)")
    print(f"no-change rebuild / full build -j 1: {none / j1:.3f} ({none / j1 * 100:.1f} %)")
    print(f"no-change rebuild / full build -j 2: {none / j2:.3f} ({none / j2 * 100:.1f} %)")
    cpu = {name: c for name, _, c in rows}
    print(f"per document inside the -j 1 build: {t['50 documents, full build -j 1'] / 50:.3f} s, "
          f"CPU {cpu['50 documents, full build -j 1'] / 50:.3f} s; alone: {t['one document alone (mean of 10)']:.3f} s, "
          f"CPU {cpu['one document alone (mean of 10)']:.3f} s")
