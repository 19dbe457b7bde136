"""Helpers the tests share: paths, the sample sources, text comparison."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SEED = CORPUS / "000_2a18c0f27f3b9e20.txt"
SOURCES = ROOT / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def plugin_site(root: Path, module: str, code: str, entry_points: str) -> Path:
    """A folder to put on PYTHONPATH holding a distribution of one module (``code``) and its
    ``entry_points.txt``, as pip would install it: importlib.metadata finds its entry points."""
    site = root / "site"
    info = site / f"{module}-1.0.dist-info"
    info.mkdir(parents=True)
    (site / f"{module}.py").write_text(code, encoding="utf-8")
    name = module.replace("_", "-")
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    return site


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
    CommonMark and the extensions the reader takes (issue 13) see them: what every output
    must give back. Heading attributes ({#id}), HTML comments and the HTML tags the model
    turns into marks (<b>, <sup> …) are markup; other HTML is kept as text."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = (MarkdownIt("commonmark", {"tasklists": True}).enable(["table", "strikethrough"])
          .use(front_matter_plugin).use(footnote_plugin).use(deflist_plugin).use(dollarmath_plugin))
    md.validateLink = lambda url: True  # an address is markup, whatever its scheme
    marks = r"</?(?:b|strong|i|em|sub|sup|s|del|strike|code|kbd|tt|span|br)\b[^>]*>"
    markup = re.compile(r"<!--.*?-->|" + marks, re.S | re.I)
    parts = []
    tokens = md.parse(text)
    for k, t in enumerate(tokens):
        if t.type in ("fence", "code_block", "math_block", "math_block_label"):
            parts.append(t.content)
        if t.type == "html_block":
            parts.append(markup.sub(" ", t.content))
        heading = k and tokens[k - 1].type == "heading_open"
        for c in t.children or []:
            if c.type in ("text", "code_inline", "math_inline"):
                parts.append(re.sub(r"\s*\{[^{}]*\}\s*$", "", c.content) if heading else c.content)
            elif c.type == "html_inline":
                parts.append(markup.sub(" ", c.content))
    return re.findall(r"\w+", " ".join(parts))


def flat(sections: list[dict]) -> list[tuple[int, str, str, bool]]:
    """Outline sections (converter inspect --json) in document order: (level, number, heading, runin)."""
    out = []
    for s in sections:
        out.append((s["level"], s["number"], s["heading"], s["runin"]))
        out.extend(flat(s["sections"]))
    return out


#: one full line of the GB/T 9704 grid (2 characters of indent, 26 of text)
GRID_LINE = "　　这是用于测试版记位置的正文内容每行二十六个汉字整。"


def colophon_notice(lines: int) -> str:
    """A 通知 of ``lines`` one-line paragraphs, its signature, 抄送 and 印发 (the 版记): where
    its text ends moves with ``lines``."""
    return ("某市人民政府关于版记位置测试的通知\n\n各区人民政府：\n" + "\n".join([GRID_LINE] * lines)
            + "\n\n某市人民政府\n2024年3月15日\n\n抄送：市委办公室，市人大常委会办公室。\n"
            "某市人民政府办公室　　　　　　　　2024年3月16日印发\n")


def canonical_xml(tmp_path: Path, body: str) -> Path:
    """A canonical XML source ``doc.xml`` whose body is ``body`` (its first line is line 4)."""
    from converter import model

    src = tmp_path / "doc.xml"
    src.write_text(f'<?xml version="1.0"?>\n<document xmlns="{model.NS}" version="1" xml:lang="en"><title>T</title>\n'
                   f'<body>\n{body}\n</body></document>\n', encoding="utf-8")
    return src


_MARKDOWN_PEAK_PROBE = """
import json, sys, tracemalloc
from pathlib import Path
from converter.readers.markdown import parse_markdown
text = sys.stdin.read()
tracemalloc.start()
doc = parse_markdown(text, Path("."))
_, peak = tracemalloc.get_traced_memory()
print(json.dumps({"peak_mb": peak / 2**20, "elements": sum(1 for _ in doc.iter())}))
"""


def markdown_read_peak(text: str) -> dict:
    """What reading Markdown text allocates at most in Python objects (``peak_mb``; lxml's model
    is not counted) and the model's element count, in a process of its own under a 1 GB
    address-space cap."""
    import json
    import resource
    import subprocess
    import sys

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))

    run = subprocess.run([sys.executable, "-c", _MARKDOWN_PEAK_PROBE], input=text, capture_output=True, text=True,
                         cwd=ROOT, preexec_fn=cap, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)
