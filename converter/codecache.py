"""Code that Python compiles anew in every process, compiled once and kept between runs: the
methods ``dataclasses`` and ``namedtuple`` write, and regular expressions.

- A dataclass's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` … and a
  named tuple's ``__new__`` are written as source text and compiled each time the class is
  created. A build creates some 60 to 100 such classes while it imports its modules (ours,
  fontTools', reportlab's): about 400 compiles.
- ``re.compile`` parses each pattern and translates it to the matcher's code in pure Python: a
  build compiles some 130 patterns (ours, the standard library's, reportlab's and fontTools').

Together that was a fifth of the CPU time of a small build, to make exactly what the run before
made. Python keeps the compiled code of modules in ``.pyc`` files; this keeps these in one cache
file the same way (``marshal``, for this interpreter only), and gives ``dataclasses`` and
``collections`` an ``exec``/``eval`` (their own names, which come before the built-ins for their
code only) and ``re`` a compiler that take them from there.

What runs is what the text compiles to: ``compile`` with no future flags inherited (as ``exec``
of a text in those modules does), and for a pattern the arguments ``re._compiler.compile`` gives
the matcher (``_sre.compile``; the same code in Python 3.11 to 3.13). A text or pattern not seen
before is compiled as usual and kept for the next run.
"""
from __future__ import annotations

import builtins
import collections
import dataclasses
import importlib.util
import marshal
import re
import sys

from .cachefiles import cache_dir, read_checked_cache_file, write_checked_cache_file

#: a cache that grew past this many entries (code changed many times) starts again
MAX_ENTRIES = 5000
#: the fewest things compiled anew for which a run rewrites the cache file (see save)
MIN_NEW = 2

#: what the cache file holds: key → the marshal bytes of its value, decoded only when asked
#: for (the file holds what every kind of build compiled — the Markdown reader's patterns, the
#: DOCX writer's classes … — and a build uses a fraction of it). Keys: (mode, text) for code,
#: (pattern, flags) for a regular expression.
_kept: dict[tuple, bytes] = {}
_values: dict[tuple, object] = {}  # decoded or compiled in this run
_new: dict[tuple, bytes] = {}  # compiled in this run, not in the file
_installed = False


def _cache_file():
    return cache_dir() / "code" / f"compiled-{sys.implementation.cache_tag}-{importlib.util.MAGIC_NUMBER.hex()}.marshal"


def _identity() -> tuple:
    """What the kept code is valid for: this interpreter (its build, its Unicode data) and
    the regular expression engine's code version."""
    return sys.version, re._compiler._sre.MAGIC


def _lookup(key: tuple):
    """The value kept or made for ``key`` in this run, or None."""
    value = _values.get(key)
    if value is None and key in _kept:
        try:
            value = _values[key] = marshal.loads(_kept[key])
        except (EOFError, ValueError, TypeError):
            return None
    return value


def _keep(key: tuple, value) -> None:
    _values[key] = value
    try:
        _new[key] = marshal.dumps(value)
    except ValueError:  # a value marshal cannot write is not kept (nothing is wrong)
        pass


def _compiled(source, mode: str):
    """The code object of ``source`` (a text, or already code) compiled in ``mode``."""
    if not isinstance(source, str):
        return source
    key = (mode, source)
    code = _lookup(key)
    if code is None:
        # dont_inherit: the flags of this module (``annotations``) must not apply to their text
        code = compile(source, "<string>", mode, dont_inherit=True)
        _keep(key, code)
    return code


def _caching(builtin, mode: str):
    """``builtin`` (exec or eval) taking its code from the cache: what dataclasses and
    collections call in its place."""
    def run(source, globals=None, locals=None, /):
        if globals is None:  # the caller's namespace, as the built-in takes it (their code passes one)
            frame = sys._getframe(1)
            globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
        return builtin(_compiled(source, mode), globals, locals)

    return run


_exec = _caching(builtins.exec, "exec")
_eval = _caching(builtins.eval, "eval")


def _regex_compiler(original):
    """``re._compiler.compile`` for patterns given as text: what it hands ``_sre.compile``,
    computed as it does (its last lines) and kept; anything else goes to ``original``."""
    rc = re._compiler

    def compile_pattern(p, flags=0):
        if type(p) not in (str, bytes) or flags & rc.SRE_FLAG_DEBUG:
            return original(p, flags)
        flags = int(flags)  # (a RegexFlag is no value marshal keeps)
        key = (p, flags)
        args = _lookup(key)
        if args is None:
            parsed = rc._parser.parse(p, flags)
            code = [int(c) for c in rc._code(parsed, flags)]  # (its opcodes are int subclasses)
            groupindex = parsed.state.groupdict
            indexgroup = [None] * parsed.state.groups
            for name, i in groupindex.items():
                indexgroup[i] = name
            args = (p, flags | parsed.state.flags, code, parsed.state.groups - 1, dict(groupindex),
                    tuple(indexgroup))
            _keep(key, args)
        return rc._sre.compile(*args)

    return compile_pattern


def install() -> None:
    """Read the cache file and put the caching exec, eval and pattern compiler in place. Once
    per process, before the modules that create the classes and patterns are imported."""
    global _installed
    if _installed:
        return
    _installed = True
    _kept.update(_read())
    dataclasses.exec = _exec
    collections.eval = _eval
    if sys.version_info[:2] in ((3, 11), (3, 12), (3, 13)):  # the versions whose compile() this repeats
        re._compiler.compile = _regex_compiler(re._compiler.compile)


def _read() -> dict[tuple, bytes]:
    """The entries of the cache file (none when it is missing, damaged or for another interpreter)."""
    data = read_checked_cache_file(_cache_file())
    if data is None:
        return {}
    try:
        identity, kept = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return {}
    return kept if identity == _identity() and isinstance(kept, dict) else {}


def save() -> None:
    """Write the cache file again when this process compiled things it did not have: at least
    ``MIN_NEW`` of them, or any when there was no file. (reportlab builds one pattern from a set,
    whose order changes from process to process: a file rewritten for it alone at every build
    would cost more than compiling it, and grow by one pattern a build.)

    What the file holds now is kept too: the workers of a folder build, and the build that
    started them, each save what they compiled (the writers' classes are made in the workers
    only), and none may drop what another wrote since it read the file."""
    if not _installed or not _new or (_kept and len(_new) < MIN_NEW):
        return
    kept = _read() | _kept | _new
    if len(kept) > MAX_ENTRIES:  # start again with what this run used
        kept = {k: v for k, v in kept.items() if k in _values}
    write_checked_cache_file(_cache_file(), marshal.dumps((_identity(), kept)))
    _kept.update(_new)
    _new.clear()
