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

_codes: dict[tuple[str, str], object] = {}  # (mode, text) → code object
_regexes: dict[tuple[str | bytes, int], tuple] = {}  # (pattern, flags) → _sre.compile's arguments
_loaded = 0  # how many entries the cache file had
_used: set = set()  # the keys this run looked up
_installed = False


def _cache_file():
    return cache_dir() / "code" / f"compiled-{sys.implementation.cache_tag}-{importlib.util.MAGIC_NUMBER.hex()}.marshal"


def _identity() -> tuple:
    """What the kept code is valid for: this interpreter (its build, its Unicode data) and
    the regular expression engine's code version."""
    return sys.version, re._compiler._sre.MAGIC


def _compiled(source, mode: str):
    """The code object of ``source`` (a text, or already code) compiled in ``mode``."""
    if not isinstance(source, str):
        return source
    key = (mode, source)
    _used.add(key)
    code = _codes.get(key)
    if code is None:
        # dont_inherit: the flags of this module (``annotations``) must not apply to their text
        code = _codes[key] = compile(source, "<string>", mode, dont_inherit=True)
    return code


def _exec(source, globals=None, locals=None, /):
    if globals is None:  # the caller's namespace, as the built-in takes it (their code passes one)
        frame = sys._getframe(1)
        globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
    return builtins.exec(_compiled(source, "exec"), globals, locals)


def _eval(source, globals=None, locals=None, /):
    if globals is None:
        frame = sys._getframe(1)
        globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
    return builtins.eval(_compiled(source, "eval"), globals, locals)


def _regex_compiler(original):
    """``re._compiler.compile`` for patterns given as text: what it hands ``_sre.compile``,
    computed as it does (its last lines) and kept; anything else goes to ``original``."""
    rc = re._compiler

    def compile_pattern(p, flags=0):
        if type(p) not in (str, bytes) or flags & rc.SRE_FLAG_DEBUG:
            return original(p, flags)
        flags = int(flags)  # (a RegexFlag is no value marshal keeps)
        key = (p, flags)
        _used.add(key)
        args = _regexes.get(key)
        if args is None:
            parsed = rc._parser.parse(p, flags)
            code = [int(c) for c in rc._code(parsed, flags)]  # (its opcodes are int subclasses)
            groupindex = parsed.state.groupdict
            indexgroup = [None] * parsed.state.groups
            for name, i in groupindex.items():
                indexgroup[i] = name
            args = _regexes[key] = (p, flags | parsed.state.flags, code, parsed.state.groups - 1,
                                    dict(groupindex), tuple(indexgroup))
        return rc._sre.compile(*args)

    return compile_pattern


def install() -> None:
    """Load the kept code and put the caching exec, eval and pattern compiler in place. Once
    per process, before the modules that create the classes and patterns are imported."""
    global _installed, _loaded
    if _installed:
        return
    _installed = True
    data = read_checked_cache_file(_cache_file())
    if data is not None:
        try:
            identity, codes, regexes = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            identity = None
        if identity == _identity():
            _codes.update(codes)
            _regexes.update(regexes)
            _loaded = len(_codes) + len(_regexes)
    dataclasses.exec = _exec
    collections.eval = _eval
    if sys.version_info[:2] in ((3, 11), (3, 12), (3, 13)):  # the versions whose compile() this repeats
        re._compiler.compile = _regex_compiler(re._compiler.compile)


def save() -> None:
    """Write the cache file again when this process compiled things it did not have: at least
    ``MIN_NEW`` of them, or any when there was no file. (reportlab builds one pattern from a set,
    whose order changes from process to process: a file rewritten for it alone at every build
    would cost more than compiling it, and grow by one pattern a build.)"""
    new = len(_codes) + len(_regexes) - _loaded
    if not _installed or new == 0 or (_loaded and new < MIN_NEW):
        return
    codes, regexes = _codes, _regexes
    if len(codes) + len(regexes) > MAX_ENTRIES:  # start again with what this run used
        codes = {k: v for k, v in codes.items() if k in _used}
        regexes = {k: v for k, v in regexes.items() if k in _used}
    try:
        data = marshal.dumps((_identity(), codes, regexes))
    except ValueError:  # a value marshal cannot write: nothing is kept, nothing is wrong
        return
    write_checked_cache_file(_cache_file(), data)
