"""Loading style sheets: TOML files, ``extends`` inheritance, and checking every key."""
from __future__ import annotations

import os
import sys
import tomllib
from functools import lru_cache
from pathlib import Path

from ..errors import StyleError

ROLE_KEYS = {
    "font", "size", "weight", "italic", "align", "first-line-indent", "left-indent", "right-indent",
    "line-pitch", "space-before", "space-after", "keep-with-next", "color",
    "highlight",  # code: the Pygments style whose colours highlight code blocks with a language
}
ROLES = (
    ["body", "title", "subtitle", "docnumber", "addressee", "lead", "runin-heading",
     "attachment", "signature", "date", "remark", "quote", "code", "caption", "table",
     "table-header", "footnote", "list", "link",
     # the rest of a GB/T 9704 document: a web page's record, 版头 (份号, 密级, 紧急程度), the
     # 发文机关标志, a byline, an attachment body's label, the 版记, the 签发人 names
     "record", "masthead", "mark", "byline", "annex-label", "colophon", "signer",
     # a 纪要's 出席 / 请假 / 列席 lines: the names, and their label (GB/T 9704 10.3: 黑体)
     "attendance", "attendance-label"]
    + [f"heading-{n}" for n in range(1, 7)]
)
# What each section of a style sheet may contain; a dict is a nested table, None any table name.
# Any other top-level table is a writer's section ([docx], [epub] …): kept as written, and
# checked by the writer of that name (settings.py), not here.
SCHEMA: dict = {
    "name": str, "description": str, "extends": str, "lang": list,
    "fallback-fonts": list,
    # a character no face of the style draws takes an installed face that has it, with a
    # warning (fonts.find.covering); false (GB/T 9704's fixed faces) keeps the glyph error
    "fallback-any": bool,
    # bold asked of a face that has no bold member (FandolFang): true draws it emboldened
    # (fonts.faces.synthetic_bold), false prints it regular
    "synthetic-bold": bool,
    "page": {
        "size": str, "width": object, "height": object, "margin-top": object, "margin-bottom": object,
        "margin-inside": object, "margin-outside": object, "mirror": bool,
        "header-distance": object, "footer-distance": object,
        "number": {"format": str, "font": str, "size": object, "position": str, "indent": object,
                   "distance": object, "first-page": bool},
    },
    "grid": {"lines": int, "chars": int},
    # GB/T 9704 §7.3.5: seal = true places the signature for a seal (§7.3.5.1: the date 右空四字,
    # the issuer centred over it), false (the default) without one (§7.3.5.2)
    "signature": {"seal": bool},
    # GB/T 9704 §10.1: letter = true prints the 版头 as a 信函's — red double rules 170 mm long
    # (thick over thin under the mark, thin over thick 20 mm above page 1's bottom edge), 份号 …
    # flush left and the 文号 flush right under the first rule, no separator
    "masthead": {"letter": bool},
    "fonts": None,  # family name → {latin = [...], cjk = [...]}
    "roles": None,  # role name → ROLE_KEYS
}
FONT_KEYS = {"latin", "cjk"}


def style_dirs() -> list[Path]:
    """Where style names are looked up, first match wins."""
    dirs = [Path(p) for p in os.environ.get("CONVERTER_STYLES", "").split(os.pathsep) if p]
    dirs += [Path.cwd() / "styles", Path(__file__).resolve().parents[2] / "styles",
             Path(sys.prefix) / "share" / "converter" / "styles"]
    seen, out = set(), []
    for d in dirs:
        if d.is_dir() and d.resolve() not in seen:
            seen.add(d.resolve())
            out.append(d)
    return out


def find_style(name_or_path: str, within: Path | None = None) -> Path:
    """The file of a style given by name (``gongwen``) or path (``my/style.toml``).

    ``within``: the folder of the document that names the style. A path is then taken from that
    folder and must lead to a file in it or in a style folder, and a name is looked up there
    first: a document cannot make the build open any file on the machine.
    """
    if _is_path(name_or_path):
        path = Path(name_or_path) if within is None else within / name_or_path
        if within is not None and not _inside(path, [within, *style_dirs()]):
            raise StyleError(f"style {name_or_path!r} leads out of the document's folder {within}: name a "
                             f"style, or a .toml file in the document's folder")
        if not path.is_file():
            raise StyleError(f"style file not found: {name_or_path}")
        return path
    for d in ([within] if within is not None else []) + style_dirs():
        path = d / f"{name_or_path}.toml"
        if path.is_file():
            return path
    known = ", ".join(sorted(available_styles())) or "none"
    raise StyleError(f"unknown style {name_or_path!r}; available: {known}")


def _is_path(name: str) -> bool:
    return name.endswith(".toml") or os.sep in name or "/" in name


def _inside(path: Path, folders: list[Path]) -> bool:
    """Whether ``path``, links followed, lies in one of ``folders``."""
    target = path.resolve()
    return any(target.is_relative_to(folder.resolve()) for folder in folders)


def parent_sheet(sheet: Path, name: str) -> Path:
    """The sheet that ``extends = name`` in ``sheet`` means: a sheet beside it (``name.toml``, or a
    relative path that stays in its folder), else a style of that name on the search path —
    nothing else (``extends = "/etc/passwd"`` is an error naming the sheet)."""
    folder = sheet.resolve().parent
    if _is_path(name):
        candidate = folder / (name if name.endswith(".toml") else f"{name}.toml")
        if not _inside(candidate, [folder, *style_dirs()]):
            raise StyleError(f"extends = {name!r} leads out of the style's folder {folder}: name a style, or a "
                             f"sheet beside this one", str(sheet))
        if not candidate.is_file():
            raise StyleError(f"extends = {name!r}: no such style sheet", str(sheet))
        return candidate
    sibling = folder / f"{name}.toml"
    return sibling if sibling.is_file() else find_style(name)


def available_styles() -> dict[str, Path]:
    """Style name → file, for every style on the search path."""
    found: dict[str, Path] = {}
    for d in style_dirs():
        for f in sorted(d.glob("*.toml")):
            found.setdefault(f.stem, f)
    return found


def load_sheet(path: Path, _chain: tuple[Path, ...] = (), origins: dict[str, str] | None = None) -> dict:
    """The merged raw table of a style file and everything it extends, with every key checked
    (writers' sections only for being tables). ``origins`` receives, for every key of a writer's
    section (``docx.embed-fonts``) and every such section, the file that wrote it."""
    path = path.resolve()
    if path in _chain:
        raise StyleError("style inherits from itself: " + " → ".join(p.name for p in (*_chain, path)))
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise StyleError(f"not valid TOML: {e}", str(path)) from None
    except OSError as e:
        raise StyleError(f"cannot read style: {e.strerror}", str(path)) from None
    check(raw, str(path))
    parent_name = raw.pop("extends", None)
    merged = raw
    if parent_name is not None:
        merged = merge(load_sheet(parent_sheet(path, parent_name), (*_chain, path), origins), raw)
    if origins is not None:  # after the parents': the nearest sheet wins
        for section in writer_sections(raw):
            origins[section] = str(path)
            origins.update({f"{section}.{key}": str(path) for key in raw[section]})
    return merged


def writer_sections(raw: dict) -> list[str]:
    """The top-level tables the style vocabulary does not define: writers' sections."""
    return [k for k, v in raw.items() if k not in SCHEMA and isinstance(v, dict)]


def merge(base: dict, over: dict) -> dict:
    """Deep merge: tables merge key by key, everything else in ``over`` replaces ``base``."""
    out = dict(base)
    for k, v in over.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def check(raw: dict, file: str) -> None:
    """Raise StyleError naming the file and the dotted key of anything the vocabulary lacks
    (writers' sections are left to their writers)."""
    sections = writer_sections(raw)
    _check_table({k: v for k, v in raw.items() if k not in sections}, SCHEMA, file, "")
    for fam, spec in raw.get("fonts", {}).items():
        if not isinstance(spec, dict):
            raise StyleError(f"fonts.{fam} must be a table with latin and cjk lists", file)
        for k, v in spec.items():
            if k not in FONT_KEYS:
                raise StyleError(f"unknown key fonts.{fam}.{k} (known: latin, cjk)", file)
            if not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                raise StyleError(f"fonts.{fam}.{k} must be a list of family names", file)
    for role, spec in raw.get("roles", {}).items():
        if role not in ROLES:
            raise StyleError(f"unknown role roles.{role} (known: {', '.join(ROLES)})", file)
        if not isinstance(spec, dict):
            raise StyleError(f"roles.{role} must be a table", file)
        for k in spec:
            if k not in ROLE_KEYS:
                raise StyleError(f"unknown key roles.{role}.{k} (known: {', '.join(sorted(ROLE_KEYS))})", file)


def _check_table(raw: dict, schema: dict, file: str, prefix: str) -> None:
    for k, v in raw.items():
        key = prefix + k
        if k not in schema:
            writers = "" if prefix else ", or a writer's section such as [docx]"
            raise StyleError(f"unknown key {key} (known here: {', '.join(schema)}{writers})", file)
        expected = schema[k]
        if isinstance(expected, dict):
            if not isinstance(v, dict):
                raise StyleError(f"{key} must be a table", file)
            _check_table(v, expected, file, key + ".")
        elif expected is None:
            if not isinstance(v, dict):
                raise StyleError(f"{key} must be a table", file)
        elif expected is not object and not isinstance(v, expected):
            raise StyleError(f"{key} must be a {expected.__name__}, got {v!r}", file)


@lru_cache(maxsize=64)
def _extends(path: Path, _size: int, _mtime_ns: int):
    """The ``extends`` value of a sheet file, parsed once a process while the file is unchanged
    (every load_style call follows the chain to see whether a sheet changed)."""
    with path.open("rb") as f:
        return tomllib.load(f).get("extends")


def sheet_files(path: Path) -> list[Path]:
    """A style file and every file it extends, nearest first.

    Follows ``extends`` the way the style loader does: a sibling file first, else the search
    path. A broken chain ends the list; loading the style reports the error.
    """
    chain: list[Path] = []
    current: Path | None = path.resolve()
    while current is not None and current not in chain and current.is_file():
        chain.append(current)
        try:
            st = current.stat()
            parent = _extends(current, st.st_size, st.st_mtime_ns)
        except (OSError, tomllib.TOMLDecodeError):
            break
        if not isinstance(parent, str):
            break
        try:
            current = parent_sheet(current, parent).resolve()
        except StyleError:  # an unknown or forbidden parent: the build will say so
            current = None
    return chain
