"""A visitor over model elements that refuses elements it does not know (docutils' contract).

The contract a translator signs: every element of the schema is rendered either by a real
``visit_<name>`` method, or somewhere the translator names in ``rendered_elsewhere`` (a table's
rows by ``visit_table``, ``<meta>`` by the packaging's metadata function). Both are checkable:
``placeholders()`` finds a ``visit_x = None``, a method whose body only passes, returns or raises,
and a declaration naming nothing real — so an element cannot be "handled" by a stand-in.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from collections.abc import Mapping
from typing import Any, ClassVar

from lxml import etree

from . import tag_of

PREFIX = "visit_"


class UnknownElement(NotImplementedError):
    pass


class Visitor:
    """Dispatches an element to ``visit_<localname>`` (``-`` becomes ``_``); unknown tags raise."""

    #: elements this translator renders without a ``visit_`` method of their own, each with what
    #: renders it: a method of the translator (``"visit_table"``) or ``"package.module:function"``
    rendered_elsewhere: ClassVar[Mapping[str, str]] = {}

    def visit(self, el: etree._Element, *args: Any, **kwargs: Any) -> Any:
        name = tag_of(el)
        if not name:  # comments, processing instructions
            return None
        method = getattr(self, PREFIX + name.replace("-", "_"), None)
        if method is None:
            where = self.rendered_elsewhere.get(name)
            if where:  # a caller that should have left the element to its renderer
                raise UnknownElement(f"{type(self).__name__} renders <{name}> in {where}, not by visiting it")
            raise UnknownElement(f"{type(self).__name__} cannot render <{name}>")
        return method(el, *args, **kwargs)

    @classmethod
    def handled(cls) -> set[str]:
        """Local names this visitor declares it renders (for the 'every writer renders every
        element' test, with ``placeholders()``)."""
        return set(cls._visit_attributes()) | set(cls.rendered_elsewhere)

    @classmethod
    def placeholders(cls) -> dict[str, str]:
        """Declarations that render nothing: ``{element: why}`` (empty when the contract holds)."""
        found: dict[str, str] = {}
        for name, attr in cls._visit_attributes().items():
            why = _not_a_renderer(attr)
            if why:
                found[name] = f"{PREFIX}{name} {why}"
        for name, where in cls.rendered_elsewhere.items():
            if name in found or hasattr(cls, PREFIX + name.replace("-", "_")):  # its method was checked above
                continue
            target = _resolve(cls, where)
            why = "names nothing" if target is None else _not_a_renderer(target)
            if why:
                found[name] = f"rendered_elsewhere[{name!r}] = {where!r} {why}"
        return found

    @classmethod
    def _visit_attributes(cls) -> dict[str, Any]:
        # visit_copy_number renders <copy-number>: element names have hyphens, never "_"
        return {n[len(PREFIX):].replace("_", "-"): inspect.getattr_static(cls, n) for n in dir(cls)
                if n.startswith(PREFIX) and n != "visit"}


def _resolve(cls: type, where: str) -> Any:
    """The callable ``where`` names: ``module:function`` or an attribute of ``cls``."""
    if ":" in where:
        module, _, attr = where.partition(":")
        try:
            return getattr(importlib.import_module(module), attr, None)
        except ImportError:
            return None
    return inspect.getattr_static(cls, where, None)


def _not_a_renderer(attr: Any) -> str | None:
    """Why ``attr`` cannot render an element (None, not callable, an empty or raising body), or None."""
    if isinstance(attr, (staticmethod, classmethod)):
        attr = attr.__func__
    if attr is None:
        return "is None"
    if not callable(attr):
        return "is not callable"
    try:
        source = textwrap.dedent(inspect.getsource(attr))
    except (OSError, TypeError):  # no source to read (a builtin): trust it
        return None
    tree = ast.parse(source)
    func = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if func is None:  # a lambda or a callable object
        return None
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring
    if all(_does_nothing(stmt) for stmt in body):
        return "does nothing"
    if len(body) == 1 and isinstance(body[0], ast.Raise):
        return "only raises"
    return None


def _does_nothing(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):  # ... or a string
        return True
    return isinstance(stmt, ast.Return) and (stmt.value is None or
                                             (isinstance(stmt.value, ast.Constant) and stmt.value.value is None))
