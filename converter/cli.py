"""The command line: argument parsing, messages and exit codes. The work is in the pipeline.

Each command imports what it uses when it runs: ``converter --help`` costs little more than the
interpreter, and a build loads the stages it needs, not the web page's or ``check``'s.
"""
from __future__ import annotations

import argparse
import gc
import signal
import sys

from . import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    """The program (``argv`` None: the process's own arguments, and the process ends with the
    command) or one command run from Python (``argv`` given)."""
    whole_process = argv is None
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser(serve_options=argv[:1] == ["serve"])
    args = parser.parse_args(argv)
    args.whole_process = whole_process
    from .errors import ConverterError, UsageError, printable

    previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return args.run(args)
    except UsageError as e:
        _error(e, args)
        return EXIT_USAGE
    except ConverterError as e:
        _error(e, args)
        return EXIT_FAILED
    except OSError as e:  # the output folder read-only, the disk full …: said, not a traceback
        where = f"{e.filename}: " if isinstance(e.filename, str) else ""
        _error(ConverterError(f"{where}{e.strerror or e}"), args)
        return EXIT_FAILED
    except KeyboardInterrupt as e:  # Ctrl-C or SIGTERM: 128 + the signal's number, as a shell says
        signum = getattr(e, "signum", signal.SIGINT)
        print(printable(f"converter: {e}") if str(e) else f"converter: interrupted by {signal.Signals(signum).name}",
              file=sys.stderr)
        return 128 + signum
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stopped(signum, frame) -> None:
    """Ctrl-C, and SIGTERM as Ctrl-C: what finished is kept, the rest undone; never lost
    inside a finalizer (see signals)."""
    from . import signals
    from .errors import Interrupted

    if signals.deferred(signum, frame):
        return
    if signum == signal.SIGTERM:
        raise Interrupted(signum)
    raise KeyboardInterrupt


def _parser(serve_options: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; ``serve_options``: with the options of ``serve`` (their
    defaults come from the web page's limits, imported for that command only)."""
    p = argparse.ArgumentParser(prog="converter", description="Plain-text reports to PDF, DOCX, EPUB and canonical XML.")
    p.add_argument("--version", action="version", version=f"converter {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build documents into every format")
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="a source file or a folder of sources")
    _build_options(b)
    b.add_argument("--force", action="store_true", help="rebuild documents that have not changed")
    b.add_argument("--json", action="store_true", help="print a JSON summary of the build on standard output")
    b.set_defaults(run=_build)

    w = sub.add_parser("watch", help="rebuild what changes in a folder, until interrupted")
    w.add_argument("folder", metavar="FOLDER", help="the folder of sources to watch")
    _build_options(w)
    w.set_defaults(run=_watch)

    i = sub.add_parser("inspect", help="show the structure the reader found")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--json", action="store_true", help="print the outline as JSON")
    i.add_argument("--traceback", action="store_true", help="show the Python traceback of errors")
    i.set_defaults(run=_inspect)

    c = sub.add_parser("check", help="verify built outputs independently (a CI gate)")
    c.add_argument("paths", nargs="+", metavar="DIR|FILE", help="an output folder or output files")
    c.add_argument("--json", action="store_true", help="print the results as JSON")
    c.set_defaults(run=_check, traceback=False)

    s = sub.add_parser("styles", help="list the available styles")
    s.set_defaults(run=_styles, traceback=False)

    if serve_options:
        _serve_parser(sub)
    else:
        sub.add_parser("serve", help=SERVE_HELP)
    return p


def _build_options(b: argparse.ArgumentParser) -> None:
    """The options build and watch share."""
    b.add_argument("-o", "--output", default="dist", metavar="DIR", help="output folder (default: dist)")
    b.add_argument("--to", metavar="FORMATS",  # None: the pipeline's DEFAULT_FORMATS
                   help="comma-separated formats (default: docx,pdf,epub,xml)")
    b.add_argument("--style", metavar="NAME|PATH", help="style name or .toml file (default: gongwen for Chinese, report otherwise)")
    b.add_argument("--allow-missing-glyphs", action="store_true",
                   help="warn instead of failing when no font has a character")
    b.add_argument("--reference-doc", metavar="FILE.docx",
                   help="take the DOCX's page setup and style definitions from this Word document or template")
    b.add_argument("--max-image-pixels", type=_positive_int, metavar="N",
                   help="pictures of more pixels are refused as unreadable (default: 50000000)")
    b.add_argument("-j", "--jobs", type=int, metavar="N",
                   help="build N documents at once in separate processes (default: the number of cores)")
    b.add_argument("--strict", action="store_true", help="a warning fails its document (exit code 1)")
    b.add_argument("-q", "--quiet", action="store_true", help="print errors and warnings only")
    b.add_argument("--traceback", action="store_true", help="show the Python traceback of errors")


def _positive_int(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _error(e: BaseException, args: argparse.Namespace) -> None:
    from .errors import printable

    if getattr(args, "traceback", False):
        import traceback

        traceback.print_exception(e, file=sys.stderr)
    print(printable(f"converter: error: {e}" if not getattr(e, "file", None) else str(e)), file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    if args.whole_process:
        # the process ends with the build: the cyclic collector stays off (the modules imported
        # and the documents built make objects that live until the end, which it would walk
        # again and again, and once more after the last document: 4 % of a small build).
        # Documents built one after the other here are collected between them, and workers
        # collect for themselves (converter.batch).
        gc.disable()
        # before the build's modules are imported: the methods their dataclasses generate and
        # their regular expressions come compiled from the cache (see codecache)
        from . import codecache

        codecache.install()
    from .progress import Reporter

    reporter = Reporter(Reporter.choose(args.json, args.quiet), args.output, args.traceback)
    result = _build_with(args, args.inputs, reporter, force=args.force)
    if args.whole_process:
        codecache.save()
        # every output is written and closed: the collection the interpreter makes on exit
        # (even with the collector off) would walk every object the build left, to free memory
        # the system takes back anyway (7 % of a small build); frozen objects are not walked
        gc.freeze()
    return EXIT_OK if result.ok else EXIT_FAILED


def _build_with(args: argparse.Namespace, inputs: list[str], reporter, force: bool = False):
    import os

    from .batch import build_folder
    from .errors import UsageError
    from .model.images import MAX_PIXELS_VARIABLE
    from .pipeline import DEFAULT_FORMATS

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("-j needs a number of jobs of at least 1")
    if args.max_image_pixels is not None:  # read by the image rule in every worker (model/images.py)
        os.environ[MAX_PIXELS_VARIABLE] = str(args.max_image_pixels)
    try:
        formats = args.to if args.to is not None else DEFAULT_FORMATS  # --to "" is asked for, and refused
        result = build_folder(inputs, args.output, formats, args.style, jobs=args.jobs, force=force,
                              strict=args.strict, allow_missing_glyphs=args.allow_missing_glyphs,
                              reference_doc=args.reference_doc,
                              on_start=reporter.start, on_result=reporter.result, on_wait=reporter.waiting)
    except KeyboardInterrupt:
        reporter.stop()
        raise
    reporter.finish(result)
    return result


def _watch(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .errors import UsageError
    from .progress import Reporter

    if not Path(args.folder).is_dir():
        raise UsageError(f"{args.folder}: no such folder")

    def build():  # a fresh reporter each time: lines, and only for what was built or failed
        reporter = Reporter("quiet" if args.quiet else "lines", args.output, args.traceback, show_unchanged=False)
        return _build_with(args, [args.folder], reporter)

    def watching(paths: list[Path]) -> None:
        from .errors import printable

        if not args.quiet:
            print(printable(f"watching {', '.join(map(str, paths))} (Ctrl-C to stop)"), flush=True)

    from .watch import watch

    watch(args.folder, args.output, build, lambda e: _error(e, args), watching, args.style)
    return EXIT_OK


def _inspect(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from . import pipeline
    from .errors import UsageError, printable
    from .model.outline import outline

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    noticed: list = []
    tree = outline(pipeline.read(path, noticed))
    for d in noticed:
        print(printable(str(d)), file=sys.stderr)
    if args.json:
        print(json.dumps(tree, ensure_ascii=False, indent=2))
    else:
        print(format_outline(tree))
    return EXIT_OK


def format_outline(tree: dict) -> str:
    """The outline as an indented, readable tree: the parts in the order a document has them."""
    lines = []
    if tree.get("record"):
        lines.append("record:")
        lines += [f"  {label}: {value}" for label, value in tree["record"].items()]
    for key, name in (("copy_number", "copy number"), ("secrecy", "secrecy"), ("urgency", "urgency")):
        if tree.get(key):
            lines.append(f"{name}: {tree[key]}")
    if tree.get("issuing_mark"):
        lines.append(f"issuing mark: {' / '.join(tree['issuing_mark'])}")
    if tree.get("docnumber"):
        lines.append(f"document number: {tree['docnumber']}")
    if tree.get("signers"):
        lines.append(f"signers: {', '.join(tree['signers'])}")
    lines += [f"title: {tree['title']}", f"language: {tree['lang']}"]
    if tree["addressee"]:
        lines.append(f"addressee: {tree['addressee']}")

    def walk(sections: list[dict], depth: int) -> None:
        for s in sections:
            runin = "  [run-in]" if s["runin"] else ""
            label = " ".join(part for part in (str(s["level"]), s["number"], s["heading"]) if part)
            lines.append(f"{'  ' * depth}{label}{runin}")
            walk(s["sections"], depth + 1)

    lines.append(f"sections: {_count(tree['sections'])}")
    walk(tree["sections"], 1)
    if tree.get("tables"):
        lines.append(f"tables: {tree['tables']}")
    if tree["attachments"]:
        lines.append("attachments:")
        lines += [f"  {a}" for a in tree["attachments"]]
    sig = tree["signature"]
    if sig["issuer"] or sig["date"]:
        lines.append(f"signature: {sig['issuer'] or '-'}, {sig['date'] or '-'}")
    for body in tree.get("attachment_bodies", []):
        lines.append(f"attachment body: {body['label']} {body['title'] or '-'}")
    for enc in tree.get("enclosures", []):
        lines.append(f"enclosed document: {enc['title']} ({enc['issuer'] or '-'}, {enc['date'] or '-'})")
    if tree.get("cc"):
        lines.append(f"cc: {', '.join(tree['cc'])}")
    printer = tree.get("printer") or {}
    if printer.get("body") or printer.get("date"):
        lines.append(f"printed by: {printer['body'] or '-'}, {printer['date'] or '-'}")
    return "\n".join(lines)


def _count(sections: list[dict]) -> int:
    return sum(1 + _count(s["sections"]) for s in sections)


def _check(args: argparse.Namespace) -> int:
    from . import check  # imported by the commands that use it: every build starts faster

    results = check.check(args.paths)
    print(check.to_json(results) if args.json else check.table(results))
    return EXIT_FAILED if check.failed(results) else EXIT_OK


def _styles(args: argparse.Namespace) -> int:
    from .style import describe_styles

    for name, desc in describe_styles():
        print(f"{name:12} {desc}")
    return EXIT_OK


SERVE_HELP = "start the web page for converting documents in a browser"


def _serve_parser(sub) -> None:
    """``converter serve``: the web page (converter/serve/); its caps have their defaults in
    converter/serve/limits.py."""
    from .serve.limits import Limits

    d = Limits()
    v = sub.add_parser("serve", help=SERVE_HELP)
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    v.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    v.add_argument("--token", metavar="T", help="a shared secret every request must carry (default: "
                   "$CONVERTER_TOKEN, else none)")
    v.add_argument("--workers", type=int, default=d.workers, metavar="N",
                   help=f"builds at once, each in its own process (default: {d.workers})")
    v.add_argument("--max-request-mb", type=float, default=d.request_bytes / 2**20, metavar="MB",
                   help=f"largest upload or request (default: {d.request_bytes / 2**20:g})")
    v.add_argument("--build-seconds", type=float, default=d.build_seconds, metavar="S",
                   help=f"time one build may take before it is stopped (default: {d.build_seconds:g})")
    v.add_argument("--memory-mb", type=int, default=d.memory_bytes // 2**20, metavar="MB",
                   help=f"memory one build may take (default: {d.memory_bytes // 2**20})")
    v.add_argument("--keep-minutes", type=float, default=d.job_seconds / 60, metavar="MIN",
                   help=f"how long a job's files are kept (default: {d.job_seconds / 60:g})")
    v.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    v.set_defaults(run=_serve, traceback=False)


def _serve(args: argparse.Namespace) -> int:
    import os
    import re
    from dataclasses import replace

    from .errors import UsageError
    from .serve.limits import Limits

    token = args.token if args.token is not None else os.environ.get("CONVERTER_TOKEN") or None
    if token is not None and not re.fullmatch(r"[A-Za-z0-9._~+/=-]{8,256}", token):
        raise UsageError("--token needs 8 to 256 letters, digits or ._~+/=- (it travels in a cookie)")
    if not 0 < args.port < 65536:
        raise UsageError("--port needs a number from 1 to 65535")
    numbers = (args.workers, args.max_request_mb, args.build_seconds, args.memory_mb, args.keep_minutes)
    if min(numbers) <= 0:
        raise UsageError("--workers, --max-request-mb, --build-seconds, --memory-mb and --keep-minutes must be positive")
    limits = replace(Limits(), workers=args.workers, request_bytes=int(args.max_request_mb * 2**20),
                     build_seconds=args.build_seconds, memory_bytes=args.memory_mb * 2**20,
                     job_seconds=args.keep_minutes * 60)
    from .serve import serve

    serve(args.host, args.port, token, limits, args.quiet)
    return EXIT_OK
