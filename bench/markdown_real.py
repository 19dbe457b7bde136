"""Real Markdown through the converter and through ``pandoc -t plain``, side by side.

For every output format: how many documents built (exit codes of the converter's folder build,
per document), why the others failed, whether any failure was an internal error or a traceback,
the words of pandoc's plain text that our output lacks (per document, then summed), and the time
(the converter's per-document seconds inside one folder build, pandoc's per-process wall time).

    python bench/markdown_real.py FOLDER [FOLDER ...] [--out DIR] [--formats xml,docx,epub,pdf] [-j N]

Material is brought by hand into a scratch folder (never into the project), e.g. the CommonMark
spec's examples (one file per example of spec.txt) and pandoc's MANUAL.txt and test files.
pandoc is a Debian package (``pandoc``), needed only here. Each folder is one row group; a
details file (``details.json`` in --out) lists every document's missing words and messages.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

WORD = re.compile(r"\w+")
FORMATS = ("xml", "docx", "epub", "pdf")


def pandoc_plain(src: Path) -> tuple[int, str, float]:
    """pandoc's exit code, plain text and wall time for one file."""
    start = time.perf_counter()
    run = subprocess.run(["pandoc", "-f", "markdown", "-t", "plain", "--wrap=none", str(src)],
                         capture_output=True, text=True)
    return run.returncode, run.stdout, time.perf_counter() - start


def converter_build(folder: Path, out: Path, fmt: str, jobs: int) -> dict[str, dict]:
    """One folder build of one format; the JSON summary's documents by source path."""
    run = subprocess.run([sys.executable, "-m", "converter", "build", str(folder), "-o", str(out), "--to", fmt,
                          "--json", "-q", "--force", "-j", str(jobs)], capture_output=True, text=True)
    try:
        summary = json.loads(run.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"the folder build gave no summary (exit {run.returncode}): {run.stderr[-2000:]}")
    docs = {str(Path(d["source"]).resolve()): d for d in summary["documents"]}
    docs["_stderr"] = {"text": run.stderr}
    return docs


# --- text of each output --------------------------------------------------------------------
def output_text(path: Path, fmt: str) -> str:
    if fmt == "pdf":
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    if fmt == "xml":
        from converter import model

        return model.plain_text(etree.parse(str(path)).getroot())
    if fmt == "docx":
        return _zip_text(path, lambda n: n in ("word/document.xml", "word/footnotes.xml"))
    if fmt == "epub":
        return _zip_text(path, lambda n: n.endswith(".xhtml") and "nav" not in n)
    raise ValueError(fmt)


#: elements that end a word (blocks of XHTML, paragraphs, cells and breaks of WordprocessingML);
#: text inside any other element runs on (foo<em>bar</em>baz is one word)
_BREAKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "pre", "div", "br",
           "blockquote", "figcaption", "caption", "aside", "section", "tc", "tab", "cr"}


def _zip_text(path: Path, wanted) -> str:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    parts: list[str] = []

    def walk(el) -> None:
        gap = " " if isinstance(el.tag, str) and etree.QName(el).localname in _BREAKS else ""
        parts.append(gap + (el.text or ""))
        for c in el:
            if isinstance(c.tag, str):
                walk(c)
            parts.append(c.tail or "")
        parts.append(gap)

    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if wanted(name):
                walk(etree.fromstring(z.read(name), parser))
    return "".join(parts)


def missing_words(expected: str, got: str) -> list[str]:
    """Words of pandoc's text (with their counts) that our text lacks: a word counts as present
    when it occurs as often, or when it is found inside our text with spaces removed (CJK runs
    and words broken across lines)."""
    have = Counter(WORD.findall(got))
    joined = re.sub(r"\s+", "", got)
    out = []
    for word, n in Counter(WORD.findall(expected)).items():
        if have[word] < n and word not in joined:
            out.append(word)
    return out


def _reason(error: str) -> str:
    low = error.lower()
    if "internal error" in low or "traceback" in low:
        return "INTERNAL"
    if "image" in low:
        return "image"
    if "font can draw" in low:
        return "glyphs"
    return "other"


# --- the table ----------------------------------------------------------------------------------
def measure(folder: Path, out: Path, formats: list[str], jobs: int) -> tuple[list[dict], dict]:
    sources = sorted(p.resolve() for p in folder.rglob("*") if p.suffix.lower() in (".md", ".markdown"))
    pandoc = {src: pandoc_plain(src) for src in sources}
    rows, details = [], {str(s): {"pandoc_exit": pandoc[s][0]} for s in sources}
    for fmt in formats:
        target = out / folder.name / fmt
        shutil.rmtree(target, ignore_errors=True)
        docs = converter_build(folder, target, fmt, jobs)
        built = failed = internal = with_missing = missing_total = pandoc_only_ok = numbers = 0
        reasons: Counter = Counter()
        seconds = 0.0
        for src in sources:
            doc = docs.get(str(src))
            info = details[str(src)].setdefault(fmt, {})
            if doc is None:
                failed += 1
                reasons["not built"] += 1
                continue
            seconds += doc.get("seconds") or 0.0
            info["warnings"] = doc.get("warnings", [])
            if doc.get("error"):
                failed += 1
                reasons[_reason(doc["error"])] += 1
                internal += _reason(doc["error"]) == "INTERNAL"
                info["error"] = doc["error"]
                pandoc_only_ok += pandoc[src][0] == 0
                continue
            built += 1
            if pandoc[src][0] != 0:
                continue
            produced = next((Path(p) for p in doc["outputs"] if p.endswith("." + fmt)), None)
            lost = missing_words(pandoc[src][1], output_text(produced, fmt)) if produced else ["<no output>"]
            if lost:
                with_missing += 1
                missing_total += len(lost)
                numbers += sum(w.isdigit() for w in lost)
                info["missing"] = lost
        internal += "Traceback" in docs["_stderr"]["text"]
        rows.append({"folder": folder.name, "format": fmt, "files": len(sources), "built": built,
                     "failed": failed, "why": dict(reasons), "internal": internal,
                     "pandoc_ok_we_fail": pandoc_only_ok, "files_missing_words": with_missing,
                     "missing_words": missing_total, "of_which_numbers": numbers,
                     "seconds": round(seconds, 1)})
    pandoc_row = {"folder": folder.name, "format": "pandoc -t plain", "files": len(sources),
                  "built": sum(1 for s in sources if pandoc[s][0] == 0),
                  "failed": sum(1 for s in sources if pandoc[s][0] != 0),
                  "seconds": round(sum(p[2] for p in pandoc.values()), 1)}
    return rows + [pandoc_row], details


def print_table(rows: list[dict]) -> None:
    head = ["folder", "output", "files", "built", "failed (why)", "internal", "pandoc ok, we fail",
            "files missing words", "missing words (of which numbers)", "seconds"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        why = ", ".join(f"{k} {v}" for k, v in sorted(r.get("why", {}).items()))
        failed = f"{r['failed']} ({why})" if why else str(r["failed"])
        missing = str(r.get("missing_words", ""))
        if r.get("of_which_numbers"):  # list numbers: pandoc's plain text writes them, models do not
            missing += f" ({r['of_which_numbers']})"
        cells = [r["folder"], r["format"], r["files"], r["built"], failed, r.get("internal", ""),
                 r.get("pandoc_ok_we_fail", ""), r.get("files_missing_words", ""), missing, r["seconds"]]
        print("| " + " | ".join(str(c) for c in cells) + " |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path("/tmp/markdown-real"))
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("-j", "--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    if shutil.which("pandoc") is None:
        raise SystemExit("pandoc is not installed (Debian: apt-get install pandoc)")
    rows, details = [], {}
    for folder in args.folders:
        r, d = measure(folder, args.out, args.formats.split(","), args.jobs)
        rows += r
        details.update(d)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "details.json").write_text(json.dumps(details, indent=1, ensure_ascii=False), encoding="utf-8")
    print_table(rows)
    print(f"\ndetails: {args.out / 'details.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
