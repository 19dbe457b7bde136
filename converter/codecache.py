"""The compiled code of the methods ``dataclasses`` and ``namedtuple`` write, kept between runs.

Both write source text at run time and compile it each time a class is created: a dataclass's
``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` … (one compile each), a
named tuple's ``__new__``. A build creates some 60 to 100 such classes while it imports its
modules (ours, fontTools', reportlab's), and compiling their 400 methods was a tenth of the CPU
time of a small build — to make exactly the code it made the time before. Python keeps the
compiled code of modules in ``.pyc`` files; this keeps the compiled code of those texts in one
cache file the same way (``marshal``, in a file named after the interpreter's bytecode magic
number), and gives the two modules an ``exec``/``eval`` that takes the code from it.

The code run is the code the text compiles to (``compile`` with no future flags inherited, as
``exec`` of a text in those modules does): what a class does does not change, only the compiling
is skipped. A text not seen before is compiled as usual and kept for the next run.
"""
from __future__ import annotations

import builtins
import collections
import dataclasses
import importlib.util
import marshal
import sys

from .cachefiles import cache_dir, read_checked_cache_file, write_checked_cache_file

#: a cache that grew past this many texts (classes changed many times) starts again
MAX_TEXTS = 5000

_codes: dict[tuple[str, str], object] = {}  # (mode, text) → code object
_loaded: set[tuple[str, str]] = set()  # the keys the cache file had
_installed = False


def _cache_file():
    return cache_dir() / "code" / f"generated-{sys.implementation.cache_tag}-{importlib.util.MAGIC_NUMBER.hex()}.marshal"


def _compiled(source, mode: str):
    """The code object of ``source`` (a text, or already code) compiled in ``mode``."""
    if not isinstance(source, str):
        return source
    key = (mode, source)
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


def install() -> None:
    """Load the kept code and give ``dataclasses`` and ``collections`` the caching exec and eval
    (their own names, which come before the built-ins for their code only). Once per process,
    before the modules that create the classes are imported."""
    global _installed
    if _installed:
        return
    _installed = True
    data = read_checked_cache_file(_cache_file())
    if data is not None:
        try:
            kept = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            kept = {}
        if isinstance(kept, dict):
            _codes.update(kept)
            _loaded.update(kept)
    dataclasses.exec = _exec
    collections.eval = _eval


def save() -> None:
    """Write the cache file again when this process compiled texts it did not have."""
    if not _installed or _loaded.issuperset(_codes):
        return
    codes = _codes if len(_codes) <= MAX_TEXTS else {k: v for k, v in _codes.items() if k not in _loaded}
    write_checked_cache_file(_cache_file(), marshal.dumps(codes))
    _loaded.update(codes)
