"""Plug-ins: a writer registered from outside the package builds through the normal CLI."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from converter import plugins
from helpers import FIXTURES

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
    site = tmp_path / "site"
    (site / "charcount_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "charcount_plugin.py").write_text(PLUGIN, encoding="utf-8")
    (site / "charcount_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: charcount-plugin\nVersion: 1.0\n", encoding="utf-8")
    (site / "charcount_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[converter.writers]\ncharcount = charcount_plugin:CharCountWriter\n", encoding="utf-8")
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
    site = tmp_path / "site"
    (site / "order_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "order_plugin.py").write_text(TRANSFORMS, encoding="utf-8")
    (site / "order_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: order-plugin\nVersion: 1.0\n", encoding="utf-8")
    (site / "order_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[converter.transforms]\naaa = order_plugin:aaa_late\nzzz = order_plugin:zzz_early\n", encoding="utf-8")
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
