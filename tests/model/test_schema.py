"""The canonical model: the schema accepts what readers make, refuses the rest; XML reads back."""
from __future__ import annotations


import pytest
from lxml import etree

from converter import model
from converter.errors import InputError, SchemaError
from converter.pipeline import read
from converter.readers.xml import parse_xml
from converter.writers.xml import serialize
from helpers import FIXTURES

FULL = FIXTURES / "model" / "full.xml"


def schema_elements() -> set[str]:
    rng = etree.parse(model.schema_path())
    return {e.get("name") for e in rng.iter("{http://relaxng.org/ns/structure/1.0}element")}


def test_schema_says_everything_design_asks_for():
    names = schema_elements()
    for needed in ["title", "subtitle", "docnumber", "addressee", "section", "heading", "number", "lead",
                   "p", "em", "strong", "link", "list", "item", "table", "row", "cell", "figure", "image",
                   "quote", "codeblock", "code", "footnote", "pagebreak", "attachments", "attachment",
                   "signature", "issuer", "date", "remark", "author", "meta"]:
        assert needed in names, needed


def test_fixture_using_every_element_is_valid():
    doc = parse_xml(FULL.read_bytes(), str(FULL))
    used = {model.tag_of(e) for e in doc.iter() if isinstance(e.tag, str)}
    # the fixture exercises the whole vocabulary (the writer tests build it in every format)
    assert schema_elements() - used == set()
    model.validate(doc)


def test_seed_model_validates_and_keeps_every_character(seed):
    doc = read(seed)
    model.validate(doc)
    src = "".join(seed.read_text(encoding="utf-8").split())
    assert "".join(model.plain_text(doc).split()) == src


@pytest.mark.parametrize("bad, message", [
    ('<document xmlns="urn:x-converter:document:1" version="1" xml:lang="en"><body/></document>', "title"),
    ('<document xmlns="urn:x-converter:document:1" version="1" xml:lang="en"><title>t</title>'
     '<body><section level="9" runin="false"><heading>h</heading></section></body></document>', "level"),
    ('<document xmlns="urn:x-converter:document:1" version="1" xml:lang="en"><title>t</title>'
     '<body><blink>x</blink></body></document>', "blink"),
    ('<document xmlns="urn:x-converter:document:1" version="1" xml:lang="en"><title>t</title><body>'
     '<list type="ordered" start="2147483648"><item><p>x</p></item></list></body></document>',
     'start="2147483648": a list starts at a whole number from 0 to 2147483647'),
])
def test_schema_refuses_invalid_documents(bad, message):
    with pytest.raises(SchemaError) as e:
        parse_xml(bad.encode(), "bad.xml")
    assert e.value.file == "bad.xml"
    assert e.value.line == 1


def test_text_to_xml_and_back_is_the_same_model(seed, tmp_path):
    doc = read(seed)
    xml = tmp_path / "seed.xml"
    xml.write_bytes(serialize(doc))
    again = read(xml)
    assert serialize(again) == serialize(doc)
    assert model.plain_text(again) == model.plain_text(doc)


def test_serialized_xml_adds_no_text_to_mixed_content():
    doc = parse_xml(FULL.read_bytes(), str(FULL))
    again = parse_xml(serialize(doc), "again.xml")
    assert model.plain_text(again) == model.plain_text(doc)


@pytest.mark.parametrize("hostile", [
    # billion laughs: entity expansion
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b'<document xmlns="urn:x-converter:document:1" version="1" xml:lang="en"><title>&lol2;</title><body/></document>',
    # external entity: file disclosure
    b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<document xmlns="urn:x-converter:document:1" version="1" xml:lang="en"><title>&xxe;</title><body/></document>',
])
def test_hostile_xml_is_refused_not_expanded(hostile):
    with pytest.raises(InputError) as e:
        parse_xml(hostile, "evil.xml")
    assert "DOCTYPE" in e.value.message
    assert e.value.line in (1, 2)


def test_malformed_xml_names_the_line():
    with pytest.raises(InputError) as e:
        parse_xml(b'<document xmlns="urn:x-converter:document:1">\n<title>x</titel>\n', "broken.xml")
    assert e.value.line == 2
    assert "well-formed" in e.value.message


def test_foreign_root_is_refused():
    with pytest.raises(InputError, match="not a canonical document"):
        parse_xml(b"<html><body/></html>", "page.xml")


def test_ids_are_stable_and_positional(seed):
    doc = read(seed)
    ids = [s.get("id") for s in doc.iter(model.q("section"))]
    assert ids[:3] == ["sec-1", "sec-2", "sec-3"]
    assert len(set(ids)) == len(ids)
