"""``converter check``: verify built outputs independently and print a table — a CI gate.

For a folder, every output in it (and its sub-folders); for a file, that output. The text each
output must carry comes from its source as ``manifest.json`` records it (read again, and only if
its bytes are the ones built: otherwise the outputs are stale; a source that is gone or cannot be
read fails the output), else, for outputs no manifest lists, from the sibling canonical ``.xml``.
Checks: the manifest's sha256 still matches; canonical XML against the schema; the PDF's
fonts all embedded (pdffonts) and its text (pdftotext); the EPUB with epubcheck when installed
(said when not) and its text (zipfile and lxml); the DOCX opens (python-docx) and its text; page
images (``NAME-1.png`` …) are well-formed PNGs, numbered 1 to N without a gap, as many as the
sibling PDF's pages. Text is compared exactly, with only the allowances fidelity.py lists.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from . import manifest, model, verify
from .errors import ConverterError, UsageError, printable
from .fingerprint import file_sha256
from .verify import FAILED, OK, SKIPPED, Reference

FORMATS = {".xml": "xml", ".pdf": "pdf", ".epub": "epub", ".docx": "docx", ".png": "png"}
#: a page image's name: the document's name, a dash, the page number
PAGE_IMAGE = re.compile(r"(.+)-([1-9][0-9]*)\.png$", re.IGNORECASE)


@dataclass(frozen=True)
class CheckResult:
    output: str
    check: str
    status: str  # ok | failed | skipped
    detail: str = ""


@dataclass
class _Item:
    path: Path
    entry: dict | None = None  # the manifest entry that lists this output
    root: Path | None = None  # the folder of that manifest


def check(paths: Iterable[str | Path]) -> list[CheckResult]:
    """Check every output under the given folders and files. UsageError when a path does not
    exist or nothing to check is found."""
    items: list[_Item] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            items += _outputs_in(path)
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                raise UsageError(f"{raw}: not an output (checked: {', '.join(FORMATS)})")
            items.append(_listed(path))
        else:
            raise UsageError(f"{raw}: no such file or folder")
    if not items:
        raise UsageError("nothing to check: no .xml, .pdf, .epub, .docx or page .png file found")
    refs: dict[str, Reference | str | None] = {}
    results: list[CheckResult] = []
    unique = {str(i.path.resolve()): i for i in reversed(items)}  # the first mention of a file wins
    for item in sorted(unique.values(), key=lambda i: str(i.path)):
        results += _check(item, refs)
    return results


def failed(results: list[CheckResult]) -> bool:
    return any(r.status == FAILED for r in results)


def table(results: list[CheckResult]) -> str:
    """The results as an aligned text table with a closing count."""
    rows = [("output", "check", "result", "detail")] + [
        (printable(r.output), r.check, r.status.upper() if r.status == FAILED else r.status, printable(r.detail))
        for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3] for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 6)
    counts = {s: sum(r.status == s for r in results) for s in (OK, FAILED, SKIPPED)}
    lines.append(f"\n{len(results)} checks: {counts[OK]} ok, {counts[FAILED]} failed, {counts[SKIPPED]} skipped")
    return "\n".join(line.rstrip() for line in lines)


def to_json(results: list[CheckResult]) -> str:
    checks = [{**asdict(r), "output": printable(r.output), "detail": printable(r.detail)} for r in results]
    return json.dumps({"ok": not failed(results), "checks": checks},
                      ensure_ascii=False, indent=2, sort_keys=True)


def _outputs_in(folder: Path) -> list[_Item]:
    listed = _manifest_outputs(folder)
    items = [listed.get(p.resolve(), _Item(p)) for p in sorted(folder.rglob("*"))
             if p.is_file() and p.suffix.lower() in FORMATS and p.name != manifest.NAME
             and not any(part.startswith(".") for part in p.relative_to(folder).parts)
             and (p.suffix.lower() != ".png" or p.resolve() in listed or PAGE_IMAGE.match(p.name))]
    # an output the manifest lists but that is gone is checked too (and fails)
    present = {i.path.resolve() for i in items}
    return items + [item for key, item in sorted(listed.items()) if key not in present]


def _manifest_outputs(folder: Path) -> dict[Path, _Item]:
    if not manifest.path_in(folder).is_file():
        return {}
    out = {}
    for entry in manifest.load(folder)["documents"].values():
        for o in entry.get("outputs", []):
            path = manifest.resolve(o["path"], folder)
            out[path.resolve()] = _Item(path, entry, folder)
    return out


def _listed(path: Path) -> _Item:
    """A single output, with the manifest entry of the nearest folder above it that lists it."""
    for folder in list(path.resolve().parents)[:8]:
        item = _manifest_outputs(folder).get(path.resolve())
        if item is not None:
            return _Item(path, item.entry, item.root)
    return _Item(path)


def _check(item: _Item, refs: dict) -> list[CheckResult]:
    name, path = str(item.path), item.path
    if not path.is_file():
        return [CheckResult(name, "exists", FAILED, "listed in manifest.json but missing")]
    results = []
    if item.entry is not None:
        recorded = next(o for o in item.entry["outputs"]  # a path as given (relative) or as recorded
                        if manifest.resolve(o["path"], item.root).resolve() == path.resolve())
        same = file_sha256(path) == recorded.get("sha256")
        results.append(CheckResult(name, "manifest", OK if same else FAILED,
                                   "sha256 as recorded" if same else "changed since the build (sha256 differs)"))
    fmt = FORMATS[path.suffix.lower()]
    ref = _reference(item, refs)

    def text(found: str | None, problem: str) -> None:
        if found is None:
            results.append(CheckResult(name, "text", FAILED if "not installed" not in problem else SKIPPED, problem))
        elif isinstance(ref, Reference):
            results.append(CheckResult(name, "text", *verify.compare_text(ref, found)))
        else:
            results.append(CheckResult(name, "text", FAILED, ref) if ref else CheckResult(
                name, "text", SKIPPED, "no source to compare with (no manifest entry, no sibling .xml)"))

    if fmt == "xml":
        verdict, doc = verify.xml_schema(path)
        results.append(CheckResult(name, "schema", *verdict))
        if doc is not None and not (isinstance(ref, Reference) and ref.origin == str(path)):
            text(model.plain_text(doc), "")
    elif fmt == "pdf":
        results.append(CheckResult(name, "fonts", *verify.pdf_fonts(path)))
        found, problem = verify.pdf_text(path)
        if found is not None and isinstance(ref, Reference) and verify.compare_text(ref, found)[0] != OK:
            other, _ = verify.pdf_text(path, raw=False)  # drawn out of order, but reads right?
            if other is not None and verify.compare_text(ref, other)[0] == OK:
                found = other
            elif verify.has_right_to_left(path):  # both directions on a page: line by line
                lines, _ = verify.pdf_text(path, logical=True)
                if lines is not None and verify.compare_text(ref, lines)[0] == OK:
                    found = lines
        text(found, problem)
    elif fmt == "epub":
        results.append(CheckResult(name, "epubcheck", *verify.epub_check(path)))
        text(*verify.epub_text(path))
    elif fmt == "png":
        results.append(CheckResult(name, "image", *verify.png_image(path)))
        match = PAGE_IMAGE.match(path.name)
        if match and match.group(2) == "1":  # the document's page images, checked once
            results.append(CheckResult(name, "pages", *_page_images(path.parent, match.group(1), item)))
    else:
        found, problem = verify.docx_text(path)
        results.append(CheckResult(name, "opens", FAILED, problem) if found is None
                       else CheckResult(name, "opens", OK, "python-docx reads it"))
        if found is not None:
            text(found, "")
    return results


def _page_images(folder: Path, stem: str, item: _Item) -> tuple[str, str]:
    """The page images of a document are numbered 1 … N without a gap (the manifest's list, when
    it has one, else the files there), and N is the sibling PDF's page count when there is one."""
    if item.entry is not None:
        paths = [manifest.resolve(o["path"], item.root) for o in item.entry["outputs"] if o.get("format") == "png"]
    else:
        paths = [p for p in folder.glob("*.png") if (m := PAGE_IMAGE.match(p.name)) and m.group(1) == stem]
    numbers = sorted(int(PAGE_IMAGE.match(p.name).group(2)) for p in paths if PAGE_IMAGE.match(p.name))
    if numbers != list(range(1, len(numbers) + 1)):
        return verify.FAILED, f"page images are not numbered 1 to {len(numbers)}: {numbers}"
    pdf = folder / f"{stem}.pdf"
    if not pdf.is_file():
        return OK, f"{len(numbers)} page image(s); no {pdf.name} to compare the count with"
    count, problem = verify.pdf_pages(pdf)
    if count is None:
        return (SKIPPED if "not installed" in problem else verify.FAILED), problem
    if count != len(numbers):
        return verify.FAILED, f"{len(numbers)} page image(s), but {pdf.name} has {count} pages"
    return OK, f"{len(numbers)} page image(s), as many as {pdf.name} has pages"


def _reference(item: _Item, refs: dict) -> Reference | str | None:
    """The text this output must carry, or why there is none (a string), cached per source."""
    if item.entry is not None:
        source = manifest.resolve(item.entry["source"]["path"], item.root)
        key = str(source)
        if key not in refs:
            refs[key] = _from_source(source, item.entry["source"].get("sha256"))
        return refs[key]
    sibling = item.path.with_suffix(".xml")
    if not sibling.is_file():
        return None
    key = str(sibling)
    if key not in refs:
        verdict, doc = verify.xml_schema(sibling)
        refs[key] = Reference(doc, str(sibling)) if doc is not None else f"{sibling} is not valid: {verdict[1]}"
    return refs[key]


def _from_source(source: Path, sha256: str | None) -> Reference | str:
    """The source's text read again, or why it cannot be (gone, unreadable, changed)."""
    if not source.exists():
        return (f"its source {source} is gone (deleted or moved): rebuild the folder to remove "
                f"outputs whose source is gone")
    try:
        same = file_sha256(source) == sha256
    except OSError as e:
        return f"cannot read its source {source}: {e.strerror or e}"
    if not same:
        return f"{source} changed since the build: the outputs are stale"
    from .pipeline import read

    try:
        return Reference(read(source, []), str(source))
    except ConverterError as e:
        return f"cannot read the source: {e}"
