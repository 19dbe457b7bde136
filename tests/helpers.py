"""Helpers the tests share: paths, the sample sources, text comparison."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SEED = CORPUS / "000_2a18c0f27f3b9e20.txt"
SOURCES = ROOT / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def sample_sources() -> list[Path]:
    """Every document in sources/ (for parametrized tests)."""
    return sorted(p for p in SOURCES.iterdir() if p.is_file() and not p.name.startswith("."))


def nonspace(text: str) -> str:
    """Text without whitespace: what fidelity is measured on."""
    return re.sub(r"\s+", "", text)


def missing_in_order(source: str, extracted: str) -> str | None:
    """None when every non-whitespace character of source appears in extracted, in order;
    else a description of the first one that does not."""
    src, out = nonspace(source), nonspace(extracted)
    i = 0
    for ch in out:
        if i < len(src) and ch == src[i]:
            i += 1
    if i == len(src):
        return None
    return f"{i}/{len(src)} characters found in order; first missing at {i}: {src[i:i + 20]!r}"


def source_text(path: Path) -> str:
    """A sample's text as the reader sees it, in order (for fidelity checks).

    Footnotes are left out: writers move them (to the page foot, the end of the chapter or the
    document), so their text is checked with footnote_texts(), not in the running order.
    """
    from converter import model
    from converter.pipeline import read

    doc = read(path)
    for note in doc.iter(model.q("footnote")):
        tail = note.tail
        note.clear()
        note.tail = tail
    return model.plain_text(doc)


def footnote_texts(path: Path) -> list[str]:
    """The text of each footnote of a source, in order."""
    from converter import model
    from converter.pipeline import read

    return [model.plain_text(n) for n in read(path).iter(model.q("footnote"))]


def epubcheck_command() -> list[str] | None:
    """How to run epubcheck here, or None when it is not installed (the same locator
    `converter check` uses: Debian's /usr/bin/epubcheck is a bare jar, run via java -jar)."""
    from converter.verify import epubcheck_command as locate

    return locate()


def markdown_words(text: str) -> list[str]:
    """The words of a Markdown source's text (not its markup, not its front matter), as
    CommonMark sees them: what every output must give back."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin).use(footnote_plugin)
    parts = []
    for t in md.parse(text):
        if t.type in ("fence", "code_block", "html_block"):
            parts.append(t.content)
        for c in t.children or []:
            if c.type in ("text", "code_inline", "html_inline"):
                parts.append(c.content)
    return re.findall(r"\w+", " ".join(parts))


def flat(sections: list[dict]) -> list[tuple[int, str, str, bool]]:
    """Outline sections (converter inspect --json) in document order: (level, number, heading, runin)."""
    out = []
    for s in sections:
        out.append((s["level"], s["number"], s["heading"], s["runin"]))
        out.extend(flat(s["sections"]))
    return out
