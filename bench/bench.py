#!/usr/bin/env python3
"""Speed and memory of whole-process builds, side by side with pandoc and Typst, in one run.

Run by hand, never in the tests (``pip install -e .[bench]`` for the peers):

    python3 bench/bench.py [--runs 7] [--big] [--paragraph] [--fonts] [--folder] [--all]
                           [--folder-runs N] [--baseline DIR]

Machines are noisy (and shared): every row is a median over ``--runs`` runs, and the runs of
the things compared are *interleaved* (ours, then each peer, then ours again …) so that both see
the same load; read the **ratios**, and CPU time (user + system of the process and its
children) beside wall time — a busy machine stretches wall time, not CPU time.

Peers: pandoc (Markdown reader, the same text) → DOCX, → EPUB, and pandoc → Typst → PDF
(``typst`` from PyPI compiles the Typst source, in a process of its own). pandoc is the one on
PATH when it writes Typst (≥ 3.1.2), else the binary of ``pypandoc-binary`` (the bench extra).

- default: the corpus seed → DOCX + PDF + EPUB in one process and each format alone, against
  the peers; the floor of a Python process importing what each writer needs.
- ``--big``: the seed's body repeated to ¼, ½, 1 and 2 × 1.1 MB → all three: time, peak memory
  (the child's maximum RSS) and time per page, which must stay flat (linear in the size).
- ``--paragraph``: one 240,000-character paragraph (a source without line breaks): its time per
  page against the large document's.
- ``--fonts``: an empty font cache, and one new character (in the title, then in the body) in a
  document whose subsets are cached, against an unchanged rebuild.
- ``--folder``: 50 documents (bench/folder.py), -j 1 and -j 2 and the no-change rebuild, and
  the cost of a document inside the folder build next to building it alone; ``--folder-runs``
  pairs of -j 1 and -j 2 builds (a third of ``--runs`` unless given): the speed-up is read
  from both the medians and each pair's own ratio, whose spread says how far to trust it.
- ``--baseline DIR``: also run the converter of another checkout (``git worktree add DIR
  COMMIT``, or ``git archive COMMIT converter styles pyproject.toml | tar -x -C DIR``),
  interleaved with this one, for before/after ratios from one run; it gets the entry points
  its own pyproject.toml declares, and runs from a byte-compiled copy (as this checkout is
  compiled first), so that neither pays for compiling its modules.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import folder  # bench/folder.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "corpus" / "000_2a18c0f27f3b9e20.txt"
BIG_BYTES = 1_100_000
PARAGRAPH_CHARS = 240_000
#: characters common in Chinese reports; the font bench adds one the seed lacks to it
COMMON = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感"


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_mb: float


def run_commands(cmds: list[list[str]], env: dict | None = None) -> Sample:
    """Run commands one after the other (a pipeline of processes, as pandoc → typst is): wall
    time, CPU time and the largest peak memory of them."""
    wall = cpu = peak = 0.0
    for cmd in cmds:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's rusage, not all children's
        wall += time.perf_counter() - start
        if status != 0:
            sys.exit(f"failed: {' '.join(cmd)}: {proc.stderr.read().decode()[-2000:]}")
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss / 1024)
    return Sample(wall, cpu, peak)


def interleaved(cases: dict[str, list[list[str]]], runs: int, env: dict | None = None) -> dict[str, Sample]:
    """Each case ``runs`` times, taking turns, after one run of each that is not counted; the
    median wall and CPU time and the peak.

    The uncounted run fills the caches a warm build reads (font subsets, widths, compiled
    modules): a case whose characters are new to the cache would otherwise count the making
    of their subsets once (the 240,000-character paragraph, all of it a title, on a new machine:
    1.64× the large document's time per page and 203 MB over two runs, against 1.18× and 91 MB warm).
    """
    for cmds in cases.values():
        run_commands(cmds, env)
    samples: dict[str, list[Sample]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, cmds in cases.items():
            samples[name].append(run_commands(cmds, env))
    return {name: Sample(statistics.median(s.wall for s in got), statistics.median(s.cpu for s in got),
                         max(s.peak_mb for s in got)) for name, got in samples.items()}


def ours(src: Path, out: Path, formats: str, code: Path | None = None) -> list[str]:
    """Our build command; ``code``: the checkout whose converter runs (``--baseline``), else this one."""
    # --force: a whole build each time, not the no-change rebuild that skips unchanged documents
    # env execs: the same process, rusage and all; -P: the current folder (this checkout, when
    # the bench runs from it) does not come before PYTHONPATH
    prefix = ["env", f"PYTHONPATH={code}", sys.executable, "-P"] if code else [sys.executable]
    return prefix + ["-m", "converter", "build", str(src), "-o", str(out), "--to", formats, "-q",
                     "--force"]


def register_baseline(code: Path) -> None:
    """Give a baseline checkout its own entry points: readers, writers and transforms are found
    through the installed distribution's metadata, which names this checkout's plug-ins (a module
    the baseline may not have). A ``converter.dist-info`` beside its package, first on
    PYTHONPATH, shadows the installed one (importlib.metadata keeps the first distribution of a
    name)."""
    import tomllib

    project = tomllib.loads((code / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    info = code / f"converter-{project['version']}.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: converter\nVersion: {project['version']}\n",
                                   encoding="utf-8")
    groups = project.get("entry-points", {}) | {"console_scripts": project.get("scripts", {})}
    (info / "entry_points.txt").write_text("".join(
        f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in eps.items()) + "\n"
        for group, eps in groups.items()), encoding="utf-8")


def compiled(code: Path, tmp: Path | None = None) -> Path:
    """A checkout's package byte-compiled, so that no run compiles its modules: this one in
    place, a baseline (``tmp`` given) as a copy of its package, styles and pyproject.toml — a
    read-only checkout, or one run under PYTHONDONTWRITEBYTECODE, would otherwise compile every
    module on every run, which the code it is compared with does not."""
    if tmp is not None:
        copy = tmp / "baseline"
        for part in ("converter", "styles", "pyproject.toml"):
            if (code / part).is_dir():
                shutil.copytree(code / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
            elif (code / part).is_file():
                copy.mkdir(parents=True, exist_ok=True)
                shutil.copy2(code / part, copy / part)
        code = copy
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "converter")], check=True)
    return code


def find_pandoc() -> str | None:
    """A pandoc that writes Typst: the one on PATH if new enough, else pypandoc-binary's."""
    candidates = [shutil.which("pandoc")]
    try:
        import pypandoc

        candidates.append(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        pass
    for exe in filter(None, candidates):
        formats = subprocess.run([exe, "--list-output-formats"], capture_output=True, text=True).stdout.split()
        if "typst" in formats:
            return exe
    return next(filter(None, candidates), None)


def typst_available() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


def peers(pandoc: str | None, src: Path, tmp: Path) -> dict[str, list[list[str]]]:
    """The peers' commands for a source: pandoc → DOCX, → EPUB, pandoc → Typst → PDF."""
    if pandoc is None:
        return {}
    out: dict[str, list[list[str]]] = {
        "docx": [[pandoc, "-f", "markdown", str(src), "-o", str(tmp / "peer.docx")]],
        "epub": [[pandoc, "-f", "markdown", str(src), "-o", str(tmp / "peer.epub")]],
    }
    if typst_available() and "typst" in subprocess.run([pandoc, "--list-output-formats"], capture_output=True,
                                                       text=True).stdout.split():
        typ = tmp / "peer.typ"
        compile_ = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])")
        out["pdf"] = [[pandoc, "-f", "markdown", str(src), "-t", "typst", "-s", "-V", "mainfont=Noto Serif CJK SC",
                       "-V", "lang=zh", "-o", str(typ)],
                      [sys.executable, "-c", compile_, str(typ), str(tmp / "peer.pdf")]]
    if "pdf" in out:
        out["all"] = out["docx"] + out["epub"] + out["pdf"]
    return out


def pdf_pages(out: Path, name: str) -> int:
    """The page count the build of document ``name`` recorded in the manifest of ``out``."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return next(o["pages"] for o in manifest["documents"][name]["outputs"] if "pages" in o)


def table(rows: list[tuple[str, Sample, Sample | None]]) -> None:
    """ours vs peer: medians and the ratios of wall and CPU time."""
    print(f"{'what':44} {'ours wall':>9} {'CPU':>6} {'MB':>5} │ {'peer wall':>9} {'CPU':>6} │ {'ratio wall':>10} {'CPU':>5}")
    for name, mine, peer in rows:
        line = f"{name:44} {mine.wall:9.3f} {mine.cpu:6.3f} {mine.peak_mb:5.0f} │"
        if peer is not None:
            line += f" {peer.wall:9.3f} {peer.cpu:6.3f} │ {mine.wall / peer.wall:9.2f}× {mine.cpu / peer.cpu:4.2f}×"
        print(line)


def seed_bench(tmp: Path, pandoc: str | None, runs: int, baseline: Path | None = None) -> None:
    run_commands([ours(SEED, tmp / "warm", "docx,pdf,epub")])  # fonts found, subsets cached
    formats = ("docx,pdf,epub", "pdf", "docx", "epub")
    peer = peers(pandoc, SEED, tmp)
    cases = {f"ours {f}": [ours(SEED, tmp / "out", f)] for f in formats}
    if baseline:
        run_commands([ours(SEED, tmp / "warm-before", "docx,pdf,epub", baseline)])
        cases |= {f"before {f}": [ours(SEED, tmp / "out-before", f, baseline)] for f in formats}
    cases |= {f"peer {f}": cmds for f, cmds in peer.items()}
    cases |= floors()
    got = interleaved(cases, runs)
    names = {"docx,pdf,epub": "all", "pdf": "pdf", "docx": "docx", "epub": "epub"}
    print("\n## seed → each format, warm caches (peer: pandoc, pandoc → Typst → PDF)")
    table([(f"seed → {f}", got[f"ours {f}"], got.get(f"peer {p}")) for f, p in names.items()])
    if baseline:
        print(f"\nbefore ({baseline}):")
        table([(f"seed → {f}", got[f"before {f}"], got.get(f"peer {p}")) for f, p in names.items()])
        print("\nafter / before:")
        table([(f"seed → {f}", got[f"ours {f}"], got[f"before {f}"]) for f in formats])
    print("\nfloor: a bare Python process importing what each writer needs (no work):")
    for name in floors():
        print(f"  {name:42} wall {got[name].wall:6.3f}  CPU {got[name].cpu:6.3f}")


def floors() -> dict[str, list[list[str]]]:
    imports = {
        "floor: python -c pass": "pass",
        # the libraries each writer imports on a build whose fonts are cached (no fontTools;
        # reportlab without HarfBuzz, as writers/reportlab_unshaped.py imports it)
        "floor: imports of the DOCX writer": "import lxml.etree, docx",
        "floor: imports of the EPUB writer": "import lxml.etree, ebooklib.epub, brotli",
        "floor: imports of the PDF writer": "import sys; sys.modules['uharfbuzz'] = None; "
                                            "import lxml.etree, reportlab.pdfgen.canvas",
        "floor: converter --help": None,
    }
    return {name: [[sys.executable, "-c", code]] if code else [[sys.executable, "-m", "converter", "--help"]]
            for name, code in imports.items()}


def big_source(tmp: Path, target_bytes: int, name: str = "big") -> Path:
    """The seed's title, then its body repeated until the file has about ``target_bytes``."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    title, body = lines[0], "\n".join(lines[1:])
    parts, size = [title], len(title.encode())
    while size < target_bytes:
        parts.append(body)
        size += len(body.encode()) + 1
    path = tmp / f"{name}.txt"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def paragraph_source(tmp: Path) -> Path:
    """One paragraph of PARAGRAPH_CHARS characters and no line break (it is the title, too)."""
    body = "".join(line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()[1:])
    path = tmp / "paragraph.txt"
    path.write_text((body * (PARAGRAPH_CHARS // len(body) + 1))[:PARAGRAPH_CHARS] + "\n", encoding="utf-8")
    return path


def big_bench(tmp: Path, pandoc: str | None, runs: int, baseline: Path | None = None) -> dict[str, float]:
    print("\n## large documents → DOCX + PDF + EPUB (linear: time per page and memory per page flat)")
    per_page: dict[str, float] = {}
    rows = []
    for factor in (0.25, 0.5, 1, 2):
        src = big_source(tmp, int(BIG_BYTES * factor), f"big{factor}")
        cases = {"ours": [ours(src, tmp / "big", "docx,pdf,epub")]}
        if factor == 1 and "all" in peers(pandoc, src, tmp):
            cases["peer"] = peers(pandoc, src, tmp)["all"]
        if factor == 1 and baseline:
            cases["before"] = [ours(src, tmp / "big-before", "docx,pdf,epub", baseline)]
        got = interleaved(cases, runs)
        pages = pdf_pages(tmp / "big", src.stem)
        per_page[f"{factor}×"] = got["ours"].cpu / pages
        rows.append((f"{src.stat().st_size / 1e6:.2f} MB, {pages} pages", got["ours"], got.get("peer")))
        if "before" in got:
            rows.append((f"  before: {src.stat().st_size / 1e6:.2f} MB", got["before"], got.get("peer")))
            rows.append(("  after / before", got["ours"], got["before"]))
        print(f"  {factor:>4}× {src.stat().st_size / 1e6:5.2f} MB {pages:5} pages: CPU {got['ours'].cpu / pages * 1000:5.2f} "
              f"ms/page, peak {got['ours'].peak_mb:4.0f} MB")
    table(rows)
    return per_page


def paragraph_bench(tmp: Path, runs: int, per_page_big: float | None) -> None:
    print("\n## one 240,000-character paragraph → DOCX + PDF + EPUB")
    src = paragraph_source(tmp)
    got = interleaved({"ours": [ours(src, tmp / "para", "docx,pdf,epub")]}, runs)["ours"]
    pages = pdf_pages(tmp / "para", src.stem)
    line = f"  {pages} pages: wall {got.wall:.2f} s, CPU {got.cpu:.2f} s, {got.cpu / pages * 1000:.2f} ms CPU/page"
    if per_page_big:
        line += f"; per page {got.cpu / pages / per_page_big:.2f}× the 1.1 MB document's"
    print(line + f", peak {got.peak_mb:.0f} MB")


def fonts_bench(tmp: Path, runs: int, baseline: Path | None = None) -> None:
    """An empty cache; one new character in a cached document against an unchanged rebuild."""
    print("\n## fonts: empty cache, and one new character (seed → DOCX + PDF + EPUB)")
    codes = {"ours": None} | ({"before": baseline} if baseline else {})
    text = SEED.read_text(encoding="utf-8")
    new_chars = [c for c in COMMON if c not in text]
    empty: dict[str, list[Sample]] = {name: [] for name in codes}
    unchanged: dict[str, list[Sample]] = {name: [] for name in codes}
    added: dict[str, list[Sample]] = {name: [] for name in codes}
    in_body: dict[str, list[Sample]] = {name: [] for name in codes}
    for k in range(runs):
        for name, code in codes.items():
            env = dict(os.environ, CONVERTER_CACHE=str(tmp / f"empty-cache-{name}-{k}"))
            empty[name].append(run_commands([ours(SEED, tmp / f"fonts-empty-{name}", "docx,pdf,epub", code)], env))
    for name, code in codes.items():
        env = dict(os.environ, CONVERTER_CACHE=str(tmp / f"font-cache-{name}"))
        run_commands([ours(SEED, tmp / f"fonts-{name}", "docx,pdf,epub", code)], env)
    for k in range(min(runs, len(new_chars))):
        variant = tmp / "seed-plus-one.txt"
        variant.write_text(text.replace("\n", new_chars[k] + "\n", 1), encoding="utf-8")  # in the title
        for name, code in codes.items():
            env = dict(os.environ, CONVERTER_CACHE=str(tmp / f"font-cache-{name}"))
            unchanged[name].append(run_commands([ours(SEED, tmp / f"fonts-{name}", "docx,pdf,epub", code)], env))
            added[name].append(run_commands([ours(variant, tmp / f"fonts-{name}", "docx,pdf,epub", code)], env))
    for k in range(min(runs, len(new_chars) - runs)):  # other characters, new to the cache too
        variant = tmp / "seed-plus-one-in-body.txt"
        variant.write_text(text.replace("。", "。" + new_chars[runs + k], 1), encoding="utf-8")
        for name, code in codes.items():
            env = dict(os.environ, CONVERTER_CACHE=str(tmp / f"font-cache-{name}"))
            in_body[name].append(run_commands([ours(variant, tmp / f"fonts-{name}", "docx,pdf,epub", code)], env))

    def med(s: list[Sample]) -> tuple[float, float]:
        return statistics.median(x.wall for x in s), statistics.median(x.cpu for x in s)

    for name in codes:
        (ew, ec), (uw, uc), (aw, ac) = med(empty[name]), med(unchanged[name]), med(added[name])
        bw, bc = med(in_body[name])
        sizes = ", ".join(f"{p.suffix[1:]} {p.stat().st_size / 1000:.0f} kB"
                          for p in sorted((tmp / f"fonts-{name}").glob(f"{SEED.stem}.*")))
        print(f"  {name}: ({sizes})")
        print(f"    empty cache:            wall {ew:6.2f} s  CPU {ec:6.2f} s")
        print(f"    unchanged rebuild:      wall {uw:6.2f} s  CPU {uc:6.2f} s")
        print(f"    one new character:      wall {aw:6.2f} s  CPU {ac:6.2f} s  (+{aw - uw:.2f} s wall, +{ac - uc:.2f} s CPU)"
              "  in the title")
        print(f"    one new character:      wall {bw:6.2f} s  CPU {bc:6.2f} s  (+{bw - uw:.2f} s wall, +{bc - uc:.2f} s CPU)"
              "  in the body")


#: a pure-Python loop that touches almost no memory: how fast this machine runs Python now. A
#: shared virtual machine's speed changes from hour to hour (this loop: 0.39–0.42 s on the busy
#: night of 2 December 2026); the absolute targets (fonts) are read against it
HOST_LOOP = "s = 0\nfor i in range(3_000_000):\n    s += i * i\n"


def host_speed() -> float:
    """The best of three runs of HOST_LOOP, in seconds of CPU (its own process)."""
    code = f"import time\nt = time.process_time()\n{HOST_LOOP}print(time.process_time() - t)"
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    check=True).stdout) for _ in range(3))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--big", action="store_true", help="also the large documents (slow)")
    ap.add_argument("--paragraph", action="store_true", help="also the 240,000-character paragraph")
    ap.add_argument("--fonts", action="store_true", help="also an empty font cache and one new character")
    ap.add_argument("--folder", action="store_true", help="also a folder of 50 documents (slow)")
    ap.add_argument("--all", action="store_true", help="everything")
    ap.add_argument("--folder-runs", type=int, help="pairs of -j 1 and -j 2 builds of the folder (default: a third of --runs)")
    ap.add_argument("--baseline", type=Path, help="a checkout of the code to compare with (before/after)")
    args = ap.parse_args()
    if not SEED.is_file():
        sys.exit(f"corpus seed not found: {SEED}")
    pandoc = find_pandoc()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; runs {args.runs}, interleaved; "
          f"pandoc: {pandoc or 'not installed'}; typst: {'yes' if typst_available() else 'not installed'}")
    print(f"host speed: a 3-million-step Python loop takes {host_speed():.3f} s of CPU (best of 3)")
    slow_runs = max(1, args.runs // 3)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        compiled(ROOT)
        baseline = compiled(args.baseline.resolve(), tmp) if args.baseline else None
        if baseline:
            register_baseline(baseline)
        seed_bench(tmp, pandoc, args.runs, baseline)
        per_page = None
        if args.big or args.all:
            per_page = big_bench(tmp, pandoc, slow_runs, baseline).get("1×")
        if args.paragraph or args.all:
            paragraph_bench(tmp, slow_runs, per_page)
        if args.fonts or args.all:
            fonts_bench(tmp, slow_runs, baseline)
        if args.folder or args.all:
            folder.report(folder.run(tmp, SEED, args.folder_runs or slow_runs))
    print(f"\nhost speed at the end: {host_speed():.3f} s for the loop")


if __name__ == "__main__":
    main()
