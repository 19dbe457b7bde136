"""The visitor contract: dispatch by element name, unknown elements refused, and placeholders
(a method that renders nothing) found, so that 'every writer renders every element' means it."""
from __future__ import annotations

import pytest

from converter import model
from converter.model.visitor import UnknownElement, Visitor


class Complete(Visitor):
    rendered_elsewhere = {"row": "visit_table", "meta": "converter.model.outline:metadata"}

    def visit_p(self, el):
        return "p:" + (el.text or "")

    def visit_table(self, el):
        return [self.visit_p(r) for r in el]


class Fake(Visitor):
    rendered_elsewhere = {"row": "visit_nothing", "meta": "converter.model.outline:no_such_function",
                          "cell": "_empty"}
    visit_em = None

    def visit_p(self, el):
        """A docstring is not a rendering."""

    def visit_strong(self, el):
        pass

    def visit_code(self, el):
        return None

    def visit_link(self, el):
        raise AssertionError("rendered by its parent")

    def _empty(self, el):
        ...


def test_a_real_visitor_has_no_placeholders_and_dispatches():
    assert Complete.placeholders() == {}
    assert Complete.handled() == {"p", "table", "row", "meta"}
    assert Complete().visit(model.new("p", "x")) == "p:x"


def test_every_kind_of_placeholder_is_found():
    found = Fake.placeholders()
    assert set(found) == {"em", "p", "strong", "code", "link", "row", "meta", "cell"}
    assert "is None" in found["em"] and "does nothing" in found["p"] and "only raises" in found["link"]
    assert "names nothing" in found["row"] and "names nothing" in found["meta"]
    assert "does nothing" in found["cell"]


def test_unknown_and_elsewhere_elements_are_refused_by_name():
    with pytest.raises(UnknownElement, match="cannot render <quote>"):
        Complete().visit(model.new("quote"))
    with pytest.raises(UnknownElement, match="renders <row> in visit_table"):
        Complete().visit(model.new("row"))
