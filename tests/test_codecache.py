"""The compiled methods of dataclasses and named tuples, and compiled regular expressions, kept
between runs (converter.codecache)."""
from __future__ import annotations

import os
import subprocess
import sys

from helpers import FIXTURES

# a process that creates classes with the cache installed, says how many texts it compiled,
# checks that the classes behave as dataclasses and named tuples do, and saves the cache
CLASSES = r'''
import collections, dataclasses, re, re._parser, sys
from dataclasses import dataclass, field
from converter import codecache
compiled = []
real_compile, real_parse = compile, re._parser.parse
codecache.compile = lambda *a, **k: (compiled.append(a[0]), real_compile(*a, **k))[1]
re._parser.parse = lambda *a, **k: (compiled.append(a[0]), real_parse(*a, **k))[1]
codecache.install()

@dataclass(frozen=True)
class Point:
    x: int
    y: int = 2
    tags: tuple = ()

@dataclass
class Box:
    items: list = field(default_factory=list)
    name: str = "box"

Pair = collections.namedtuple("Pair", "left right")
p = Point(1)
assert (p.x, p.y, p.tags) == (1, 2, ())
assert repr(p) == "Point(x=1, y=2, tags=())" and p == Point(1, 2) and p != Point(2)
assert hash(p) == hash(Point(1, 2)) and len({p, Point(1, 2)}) == 1
try:
    p.x = 5
except dataclasses.FrozenInstanceError:
    pass
else:
    raise AssertionError("a frozen dataclass took an assignment")
assert dataclasses.replace(p, y=7) == Point(1, 7)
a, b = Box(), Box()
a.items.append(1)
assert b.items == [] and repr(a) == "Box(items=[1], name='box')"
# the generated __init__ has the annotations a plain compile gives (no future flags inherited)
assert not isinstance(Point.__init__.__annotations__["x"], str), Point.__init__.__annotations__
assert Pair(1, 2) == (1, 2) and Pair(right=3, left=4).left == 4 and repr(Pair(1, 2)) == "Pair(left=1, right=2)"
number = re.compile(r"(?P<year>\d{4})年(?P<month>\d{1,2})月", re.I)
assert number.groupindex == {"year": 1, "month": 2} and number.flags == re.I | re.U and number.groups == 2
assert number.search("于2023年3月印发").group("year", "month") == ("2023", "3")
assert re.compile(rb"a(b)?", re.VERBOSE).fullmatch(b"ab").span(1) == (1, 2)
assert re.sub(r"[\u3000\s]+", " ", "标　　题  x") == "标 题 x"
codecache.save()
print(len(compiled))
'''


def _run(cache) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLASSES], capture_output=True, text=True,
                          env=dict(os.environ, CONVERTER_CACHE=str(cache)))


def test_generated_methods_are_compiled_once_then_taken_from_the_cache(tmp_path):
    first, second = _run(tmp_path), _run(tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    # Point: __init__, __repr__, __eq__, __setattr__, __delattr__, __hash__ …; three patterns
    assert int(first.stdout) >= 9
    assert int(second.stdout) == 0  # every text and pattern was in the cache
    assert list((tmp_path / "code").glob("compiled-*.marshal"))


def test_a_damaged_cache_file_is_compiled_again_and_replaced(tmp_path):
    assert _run(tmp_path).returncode == 0
    (kept,) = (tmp_path / "code").glob("compiled-*.marshal")
    data = bytearray(kept.read_bytes())
    data[len(data) // 2] ^= 0xFF
    kept.write_bytes(bytes(data))
    damaged = _run(tmp_path)
    assert damaged.returncode == 0, damaged.stderr
    assert int(damaged.stdout) >= 9
    assert int(_run(tmp_path).stdout) == 0  # written again, whole


def test_a_build_keeps_the_compiled_methods_and_its_outputs_do_not_change(tmp_path):
    """A second ``converter build`` compiles none of the methods of the dataclasses it imports
    nor any of its patterns (the cache file is not written again) and makes the same bytes."""
    src = FIXTURES / "cli" / "small.txt"
    env = dict(os.environ, CONVERTER_CACHE=str(tmp_path / "cache"))

    def build(out: str):
        r = subprocess.run([sys.executable, "-m", "converter", "build", str(src), "-o", str(tmp_path / out),
                            "--to", "pdf,docx", "-q"], capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
        return {p.name: p.read_bytes() for p in (tmp_path / out).iterdir() if p.suffix in (".pdf", ".docx")}

    first = build("a")
    (kept,) = (tmp_path / "cache" / "code").glob("compiled-*.marshal")
    written = kept.stat().st_mtime_ns
    assert build("b") == first
    assert kept.stat().st_mtime_ns == written


def _entries(cache) -> int:
    code = "from converter import codecache; codecache.install(); print(len(codecache._kept))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, CONVERTER_CACHE=str(cache)))
    assert r.returncode == 0, r.stderr
    return int(r.stdout)


def test_the_workers_of_a_folder_build_keep_what_they_compiled(tmp_path):
    """The writers are imported in the workers only: what they compile is saved by the workers
    (merged with what the build's own process saves), so a second ``-j 2`` build compiles
    nothing new and leaves the file alone, and the file holds what a ``-j 1`` build keeps."""
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"doc{i}.txt").write_text(f"Report {i}\n\n1. Scope. Paragraph {i}.\n", encoding="utf-8")

    def build(cache: str, jobs: str, out: str) -> None:
        r = subprocess.run([sys.executable, "-m", "converter", "build", str(src), "-o", str(tmp_path / out),
                            "-j", jobs, "--to", "pdf,docx,epub", "-q"], capture_output=True, text=True,
                           env=dict(os.environ, CONVERTER_CACHE=str(tmp_path / cache)))
        assert r.returncode == 0, r.stderr

    build("parallel", "2", "a")
    (kept,) = (tmp_path / "parallel" / "code").glob("compiled-*.marshal")
    written = kept.stat().st_mtime_ns
    build("parallel", "2", "b")
    assert kept.stat().st_mtime_ns == written
    build("serial", "1", "c")
    # (reportlab makes one pattern from a set, in a new order every process: one may differ)
    assert _entries(tmp_path / "parallel") >= _entries(tmp_path / "serial") - 1 > 300
