"""Plug-ins: a writer registered from outside the package builds through the normal CLI."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from converter import plugins
from helpers import FIXTURES, plugin_site

PLUGIN = textwrap.dedent('''
    """A third-party writer: counts the characters of the text."""
    from converter.model import plain_text


    class CharCountWriter:
        suffix = ".count"

        def write(self, doc, style, target, ctx):
            text = "".join(plain_text(doc).split())
            target.write_text(f"{len(text)} characters, style {style.name}\\n", encoding="utf-8")
''')


def test_builtins_are_registered_through_entry_points():
    assert {"docx", "pdf", "epub", "xml"} <= set(plugins.names(plugins.WRITERS))
    assert {"text", "xml"} <= set(plugins.names(plugins.READERS))
    assert "ids" in plugins.names(plugins.TRANSFORMS)


def test_an_outside_writer_builds_through_the_cli(tmp_path):
    site = plugin_site(tmp_path, "charcount_plugin", PLUGIN,
                       "[converter.writers]\ncharcount = charcount_plugin:CharCountWriter\n")
    env = dict(os.environ, PYTHONPATH=str(site))
    out = tmp_path / "out"
    src = FIXTURES / "cli" / "small.txt"
    r = subprocess.run([sys.executable, "-m", "converter", "build", str(src), "-o", str(out), "--to", "charcount,xml"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    expected = len("".join(src.read_text(encoding="utf-8").split()))
    assert (out / "small.count").read_text(encoding="utf-8") == f"{expected} characters, style gongwen\n"
    assert (out / "small.xml").is_file()
    # without the plug-in on the path the name is unknown, and the known ones are listed
    r = subprocess.run([sys.executable, "-m", "converter", "build", str(src), "-o", str(out), "--to", "charcount"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "charcount" in r.stderr and "pdf" in r.stderr


TRANSFORMS = textwrap.dedent('''
    """Two third-party transforms whose names sort against their declared order."""
    from converter.model import child, new, q


    def note(word):
        def transform(doc):
            new("p", word, child(doc, "body"))
        return transform


    aaa_late = note("late")
    aaa_late.priority = 900
    zzz_early = note("early")
    zzz_early.priority = 50
''')


def test_transforms_run_in_their_declared_order_not_by_name(tmp_path):
    site = plugin_site(tmp_path, "order_plugin", TRANSFORMS,
                       "[converter.transforms]\naaa = order_plugin:aaa_late\nzzz = order_plugin:zzz_early\n")
    code = ("from converter import plugins; from converter.pipeline import read; import sys;"
            "print([n for _, n, _ in plugins.transforms()]);"
            "from converter.model import plain_text; print(plain_text(read(__import__('pathlib').Path(sys.argv[1]))))")
    r = subprocess.run([sys.executable, "-c", code, str(FIXTURES / "cli" / "small.txt")],
                       capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(site)))
    assert r.returncode == 0, r.stderr
    order, text = r.stdout.splitlines()[:2]
    assert order == "['zzz', 'ids', 'links', 'tables', 'aaa']"  # priorities 50, 100, 200, 300, 900
    assert text.endswith("earlylate")


def test_builtin_transforms_declare_a_priority():
    for priority, name, func in plugins.transforms():
        assert isinstance(getattr(func, "priority", None), int), name


def test_a_build_imports_only_the_reader_it_uses(tmp_path):
    """The readers' suffixes are kept on disk: the second process reading a .txt imports the
    text reader and not the DOCX or Markdown readers (nor markdown-it)."""
    code = ("import sys, pathlib; from converter import plugins;"
            "r = plugins.reader_for(pathlib.Path('a.txt')); print(type(r).__name__);"
            "print(sorted(plugins.source_suffixes()));"
            "print(sorted(m for m in sys.modules if m.startswith(('converter.readers.', 'markdown_it'))))")
    env = dict(os.environ, CONVERTER_CACHE=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr + runs[1].stderr
    (first_reader, first_suffixes, first_modules), (reader, suffixes, modules) = (r.stdout.splitlines() for r in runs)
    assert reader == first_reader == "TextReader"
    assert suffixes == first_suffixes and all(s in suffixes for s in ("'.txt'", "'.md'", "'.docx'", "'.xml'"))
    assert "converter.readers.docx" in first_modules  # the first process loaded every reader
    assert "converter.readers.text" in modules
    assert "converter.readers.docx" not in modules and "converter.readers.markdown" not in modules
    assert "markdown_it" not in modules


def _python(code: str, cache, *args: str, pythonpath=None) -> subprocess.CompletedProcess:
    env = dict(os.environ, CONVERTER_CACHE=str(cache))
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)


def test_entry_points_are_read_once_then_kept_until_the_distributions_change(tmp_path):
    """A second process takes the entry points from the cache (importlib.metadata is not even
    imported); an installed distribution's new entry point, or a removed distribution, is seen
    by the next process."""
    site = plugin_site(tmp_path, "charcount_plugin", PLUGIN, "[console_scripts]\nnothing = charcount_plugin:main\n")
    info = site / "charcount_plugin-1.0.dist-info"
    code = ("import sys; from converter import plugins; print(plugins.names(plugins.WRITERS));"
            "print('importlib.metadata' in sys.modules)")
    cache = tmp_path / "cache"

    def run() -> tuple[str, str]:
        r = _python(code, cache, pythonpath=site)
        assert r.returncode == 0, r.stderr
        names, imported = r.stdout.splitlines()
        return names, imported

    first, second = run(), run()
    assert first[0] == second[0] and "'pdf'" in first[0] and "charcount" not in first[0]
    assert first[1] == "True" and second[1] == "False"  # the second process read the kept answer
    (info / "entry_points.txt").write_text("[converter.writers]\ncharcount = charcount_plugin:CharCountWriter\n",
                                           encoding="utf-8")
    added = run()
    assert "'charcount'" in added[0] and added[1] == "True"
    r = _python("from converter import plugins; print(plugins.writer('charcount').suffix)", cache, pythonpath=site)
    assert r.stdout.strip() == ".count", r.stderr
    for f in info.iterdir():
        f.unlink()
    info.rmdir()
    assert "charcount" not in run()[0]


def test_a_build_imports_no_writer_it_does_not_use(tmp_path):
    """A build of a sheet with [epub] and [docx] sections (here to XML) checks them once, then
    remembers that they passed: later builds that write neither import neither ebooklib nor
    python-docx. A section that changes is checked again, and a bad value fails the build."""
    sheet = tmp_path / "mine.toml"
    sheet.write_text('extends = "gongwen"\n[epub]\nwriting-mode = "vertical-rl"\n[docx]\nembed-fonts = false\n',
                     encoding="utf-8")
    code = ("import sys, pathlib; from converter import pipeline;"
            "pipeline.build(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), ['xml'], sys.argv[3]);"
            "print(sorted(m for m in ('ebooklib', 'docx', 'converter.writers.epub.writer') if m in sys.modules))")
    cache, src, out = tmp_path / "cache", str(FIXTURES / "cli" / "small.txt"), str(tmp_path / "out")
    runs = [_python(code, cache, src, out, str(sheet)) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr + runs[1].stderr
    assert runs[0].stdout.strip() == "['converter.writers.epub.writer', 'docx', 'ebooklib']"
    assert runs[1].stdout.strip() == "[]"
    sheet.write_text('extends = "gongwen"\n[epub]\nwriting-mode = "sideways"\n', encoding="utf-8")
    bad = _python(code, cache, src, out, str(sheet))
    assert bad.returncode != 0 and "epub.writing-mode 'sideways'" in bad.stderr


def test_help_imports_no_stage_of_the_build():
    """``converter --help`` costs about what the interpreter does: no pipeline, no lxml, no
    web page limits."""
    code = ("import sys; from converter.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('converter.', 'lxml', 'docx', 'reportlab'))))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "['converter.cli']"


def test_a_build_whose_subsets_are_cached_imports_no_fonttools(tmp_path):
    """A rebuild whose fonts are cached (subsets, widths, coverage) reads them without fontTools:
    the PDF learns which outlines a face has from its table directory, the DOCX takes the
    advances of its labels' face from the widths kept on disk."""
    code = ("import sys; from converter.cli import main;"
            "main(['build', sys.argv[1], '-o', sys.argv[2], '--to', 'pdf,docx,epub', '-q', '--force']);"
            "print('fontTools' in sys.modules)")
    src, out = str(FIXTURES / "cli" / "small.txt"), str(tmp_path / "out")
    runs = [subprocess.run([sys.executable, "-c", code, src, out], capture_output=True, text=True) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr + runs[1].stderr
    assert runs[1].stdout.strip() == "False"
