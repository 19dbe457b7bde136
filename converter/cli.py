"""The command line: argument parsing, messages and exit codes. The work is in the pipeline."""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from . import __version__, pipeline, plugins
from .errors import ConverterError, UsageError
from .model.outline import outline
from .style import describe_styles
from .style.sheet import find_style

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as e:
        _error(e, args)
        return EXIT_USAGE
    except ConverterError as e:
        _error(e, args)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="converter", description="Plain-text reports to PDF, DOCX, EPUB and canonical XML.")
    p.add_argument("--version", action="version", version=f"converter {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build documents into every format")
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="a source file or a folder of sources")
    b.add_argument("-o", "--output", default="dist", metavar="DIR", help="output folder (default: dist)")
    b.add_argument("--to", default=",".join(pipeline.DEFAULT_FORMATS), metavar="FORMATS",
                   help="comma-separated formats (default: docx,pdf,epub,xml)")
    b.add_argument("--style", metavar="NAME|PATH", help="style name or .toml file (default: gongwen for Chinese, report otherwise)")
    b.add_argument("--allow-missing-glyphs", action="store_true",
                   help="warn instead of failing when no font has a character")
    b.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    b.add_argument("--traceback", action="store_true", help="show the Python traceback of errors")
    b.set_defaults(run=_build)

    i = sub.add_parser("inspect", help="show the structure the reader found")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--json", action="store_true", help="print the outline as JSON")
    i.add_argument("--traceback", action="store_true", help="show the Python traceback of errors")
    i.set_defaults(run=_inspect)

    s = sub.add_parser("styles", help="list the available styles")
    s.set_defaults(run=_styles, traceback=False)
    return p


def _error(e: BaseException, args: argparse.Namespace) -> None:
    if getattr(args, "traceback", False):
        traceback.print_exception(e, file=sys.stderr)
    print(f"converter: error: {e}" if not getattr(e, "file", None) else str(e), file=sys.stderr)


def _sources(inputs: list[str]) -> list[tuple[Path, Path]]:
    """(source, folder relative to the output folder) for each input file or folder."""
    suffixes = plugins.source_suffixes()
    found: list[tuple[Path, Path]] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                           and not any(part.startswith(".") for part in f.relative_to(path).parts))
            if not files:
                raise UsageError(f"{raw}: folder has no sources (readers take: {', '.join(sorted(suffixes))})")
            found += [(f, f.parent.relative_to(path)) for f in files]
        elif path.is_file():
            found.append((path, Path(".")))
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return found


def _build(args: argparse.Namespace) -> int:
    formats = [f.strip() for f in args.to.split(",") if f.strip()]
    if not formats:
        raise UsageError("--to names no format")
    for fmt in formats:
        plugins.writer(fmt)  # unknown format: usage error listing the known ones
    if args.style:
        try:
            find_style(args.style)
        except ConverterError as e:
            raise UsageError(e.message) from None
    sources = _sources(args.inputs)
    out_root = Path(args.output)
    failed = 0
    claimed: dict[Path, Path] = {}
    reported_styles: set[str] = set()
    for source, rel in sources:
        out_dir = out_root / rel
        key = out_dir / source.stem
        try:
            if key in claimed:
                raise ConverterError(f"output name {key} is already taken by {claimed[key]}", str(source))
            claimed[key] = source
            result = pipeline.build(source, out_dir, formats, args.style, args.allow_missing_glyphs)
        except UsageError:
            raise
        except ConverterError as e:
            _error(e, args)
            failed += 1
            continue
        for d in result.diagnostics:
            if d.level != "info" or not args.quiet:
                print(str(d), file=sys.stderr)
        if not args.quiet:
            style = result.style
            if style.name not in reported_styles:
                reported_styles.add(style.name)
                print(f"style {style.name}: fonts {style.font_report()}")
            print(f"{source} → " + ", ".join(str(o) for o in result.outputs))
    if failed:
        print(f"converter: {failed} of {len(sources)} document(s) failed", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def _inspect(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    tree = outline(pipeline.read(path))
    if args.json:
        print(json.dumps(tree, ensure_ascii=False, indent=2))
    else:
        print(format_outline(tree))
    return EXIT_OK


def format_outline(tree: dict) -> str:
    """The outline as an indented, readable tree."""
    lines = [f"title: {tree['title']}", f"language: {tree['lang']}"]
    if tree["addressee"]:
        lines.append(f"addressee: {tree['addressee']}")

    def walk(sections: list[dict], depth: int) -> None:
        for s in sections:
            runin = "  [run-in]" if s["runin"] else ""
            lines.append(f"{'  ' * depth}{s['level']} {s['number']} {s['heading']}{runin}".rstrip())
            walk(s["sections"], depth + 1)

    lines.append(f"sections: {_count(tree['sections'])}")
    walk(tree["sections"], 1)
    if tree["attachments"]:
        lines.append("attachments:")
        lines += [f"  {a}" for a in tree["attachments"]]
    sig = tree["signature"]
    if sig["issuer"] or sig["date"]:
        lines.append(f"signature: {sig['issuer'] or '-'}, {sig['date'] or '-'}")
    return "\n".join(lines)


def _count(sections: list[dict]) -> int:
    return sum(1 + _count(s["sections"]) for s in sections)


def _styles(args: argparse.Namespace) -> int:
    for name, desc in describe_styles():
        print(f"{name:12} {desc}")
    return EXIT_OK
