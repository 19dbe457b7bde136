"""The XML writer indents the model in place and leaves it as it was."""
from __future__ import annotations

import pytest
from lxml import etree

from converter import model
from converter.pipeline import read
from converter.writers.xml import serialize
from helpers import FIXTURES, sample_sources


def copied_and_indented(doc: etree._Element) -> bytes:
    """What the writer wrote before it indented in place: an indented copy."""
    copy = etree.fromstring(etree.tostring(doc))
    model.indent(copy)
    return etree.tostring(copy, xml_declaration=True, encoding="UTF-8") + b"\n"


@pytest.mark.parametrize("src", [*sample_sources(), *sorted((FIXTURES / "markdown").glob("*.md"))],
                         ids=lambda p: p.name)
def test_serialize_writes_the_indented_model_and_leaves_it_as_it_was(src):
    doc = read(src)
    before = etree.tostring(doc)
    assert serialize(doc) == copied_and_indented(doc)
    assert etree.tostring(doc) == before


def test_text_in_a_structural_element_is_put_back():
    doc = model.new("document", version=model.VERSION)
    body = model.new("body", parent=doc)
    body.text = " stray "
    p = model.new("p", "x", body)
    p.tail = "\t"
    expected = copied_and_indented(doc)
    assert serialize(doc) == expected
    assert (body.text, p.tail) == (" stray ", "\t")
