"""The part of a DOCX that depends only on the style sheet and the language, made once and kept.

Every document of a style starts the same way: python-docx's template with the writer's styles
(styles.py: 45 styles in a template of 160), the font table, the page setup, the settings and
the page-number footers. Making that costs a build 10–20 ms, so the result (the package, and
the Word style ids the translator uses) is kept in the cache, keyed by everything it is made
from: the resolved style with the installed faces it resolved to, the language, python-docx's
template and version, and the converter's code. A build then opens the kept package in place
of the template; the document is the same, part for part, and so are the bytes written.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import docx
import docx.api

from ...cachefiles import write_cache_file
from ...fingerprint import code_digest
from ...style import ResolvedStyle
from . import package
from .ooxml import is_cjk_lang
from .styles import install_styles, rewrite_font_table

#: the cache's folder for kept packages
CACHE_DIR = "docx-skeletons"
#: the member of a kept package that holds the style ids (python-docx reads only the parts the
#: relationships name, so it never sees it)
IDS = "converter-style-ids.json"


def prepared(style: ResolvedStyle, lang: str, cache: Path | None):
    """A python-docx Document with the style sheet's styles, font table, page setup, settings and
    page-number footers, and the writer's style key → Word style id; from the cache when an
    earlier build made the same one."""
    kept = cache / CACHE_DIR / f"{_key(style, lang)}.docx" if cache is not None else None
    if kept is not None:
        try:
            with zipfile.ZipFile(kept) as z:
                ids = json.loads(z.read(IDS))
            return docx.Document(str(kept)), ids
        except Exception:  # missing, or damaged (any error python-docx may raise): made anew
            pass
    document = docx.Document()
    ids = _prepare(document, style, lang)
    if kept is not None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:  # stored: opened on every build
            for name, data in package.members(document):
                z.writestr(name, data)
            z.writestr(IDS, json.dumps(ids, sort_keys=True))
        write_cache_file(kept, buffer.getvalue())
    return document, ids


def _prepare(document, style: ResolvedStyle, lang: str) -> dict[str, str]:
    """What every document of this style and language starts with (the writer's first steps)."""
    ids = install_styles(document, style, lang)
    rewrite_font_table(document, style, lang)
    package.setup_page(document, style)
    package.settings(document, lang)
    package.page_numbers(document, style, ids.get("footer", "Footer"), is_cjk_lang(lang))
    return ids


def _key(style: ResolvedStyle, lang: str) -> str:
    """Everything _prepare reads, hashed: the resolved style (its repr holds every value, the
    family lists included), the faces the lists resolved to on this machine (files with their
    size and mtime), the language, the template's bytes, python-docx's version, our code."""
    faces = [(r.fonts.latin, r.fonts.cjk) for _, r in sorted(style.roles.items())]
    if style.page.number is not None:
        faces.append((style.page.number.fonts.latin, style.page.number.fonts.cjk))
    template = Path(docx.api._default_docx_path()).read_bytes()  # what docx.Document() opens
    parts = [repr(style), repr(faces), repr(style.fallback), lang, docx.__version__,
             hashlib.sha256(template).hexdigest(), code_digest()]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]
