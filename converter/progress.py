"""How a build shows its progress: a bar on a terminal, one line per document off one.

Errors and warnings always go to standard error as ``file:line: message``; standard output
carries the per-document lines and the closing summary (or, with ``--json``, only the JSON).
"""
from __future__ import annotations

import json
import sys
from typing import TextIO

from .batch import BUILT, FAILED, REMOVED, UNCHANGED, DocumentResult, FolderResult
from .errors import printable


class Reporter:
    """Receives a build's events (``start``, ``result``, ``finish``) and prints them.

    mode: ``bar`` (a rich progress bar on standard error), ``lines`` (one line per document),
    ``quiet`` (errors and warnings only) or ``json`` (a summary object at the end).
    """

    def __init__(self, mode: str, out_dir: str, show_tracebacks: bool = False, show_unchanged: bool = True,
                 stdout: TextIO | None = None, stderr: TextIO | None = None):
        self.mode = mode
        self.show_unchanged = show_unchanged
        self.out_dir = out_dir
        self.show_tracebacks = show_tracebacks
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self._progress = None
        self._task = None
        self._styles: set[str] = set()

    @staticmethod
    def choose(json_summary: bool, quiet: bool, stream: TextIO | None = None) -> str:
        """The mode for these options: a bar only when standard error is a terminal."""
        if json_summary:
            return "json"
        if quiet:
            return "quiet"
        return "bar" if (stream or sys.stderr).isatty() else "lines"

    def waiting(self) -> None:
        print(f"converter: waiting for another build into {self.out_dir} to finish", file=self.stderr)

    def start(self, total: int) -> None:
        if self.mode != "bar":
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                  TextColumn("{task.description}"), console=Console(file=self.stderr))
        self._progress.start()
        self._task = self._progress.add_task("", total=total)

    def result(self, doc: DocumentResult) -> None:
        for line in self._messages(doc):
            self._err(line)
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=f"{doc.status} {doc.name}")
        elif self.mode == "lines" and doc.status != REMOVED and (self.show_unchanged or doc.status != UNCHANGED):
            if doc.style and doc.style not in self._styles and doc.fonts:
                self._styles.add(doc.style)
                print(f"style {doc.style}: fonts {doc.fonts}", file=self.stdout)
            print(printable(self._line(doc)), file=self.stdout, flush=True)

    def stop(self) -> None:
        """Take the progress bar off the terminal (the build ends, finished or interrupted)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def finish(self, result: FolderResult) -> None:
        self.stop()
        for note in result.notes:
            print(f"converter: {note}", file=self.stderr)
        if self.mode == "json":
            print(json.dumps(result.to_json(), ensure_ascii=False, indent=2, sort_keys=True), file=self.stdout)
        elif self.mode in ("bar", "lines"):
            print(printable(summary(result)), file=self.stdout, flush=True)
        failed = result.count(FAILED)
        if failed:
            total = len(result.documents) - result.count(REMOVED)
            print(f"converter: {failed} of {total} document(s) failed", file=self.stderr)

    def _messages(self, doc: DocumentResult) -> list[str]:
        lines = []
        if doc.status == FAILED:
            if self.show_tracebacks and doc.traceback:
                lines.append(doc.traceback.rstrip())
            lines.append(doc.error or f"{doc.source}: failed")
        elif doc.status == REMOVED:
            files = ", ".join(str(o) for o in doc.outputs) or "no file"
            lines.append(f"{doc.source}: source gone: removed {files} and its manifest entry")
        elif doc.status == BUILT:  # an unchanged document's warnings were shown when it was built
            lines += [str(m) for m in doc.messages if m.level != "info" or self.mode in ("bar", "lines")]
        return lines

    def _err(self, line: str) -> None:
        line = "\n".join(printable(part) for part in line.split("\n"))  # names cannot act on the terminal
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self.stderr, flush=True)

    @staticmethod
    def _line(doc: DocumentResult) -> str:
        if doc.status == BUILT:
            return f"built {doc.source} → " + ", ".join(str(o) for o in doc.outputs) + f" ({doc.seconds:.2f} s)"
        if doc.status == UNCHANGED:
            return f"unchanged {doc.source}"
        return f"failed {doc.source}"


def summary(result: FolderResult) -> str:
    """One closing line: how many documents were built, unchanged and failed, and the time."""
    removed = f", {result.count(REMOVED)} removed" if result.count(REMOVED) else ""
    return (f"{result.count(BUILT)} built, {result.count(UNCHANGED)} unchanged, {result.count(FAILED)} failed"
            f"{removed} in {result.seconds:.1f} s → {result.out_dir}")
