"""The XML writer streams the model to the file, indented, without changing it or copying it."""
from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import tracemalloc
import warnings

import pytest
from lxml import etree

from converter import model
from converter.pipeline import read
from converter.readers.xml import parse_xml
from converter.writers.xml import MAX_INDENT_DEPTH, serialize, write_xml
from helpers import FIXTURES, ROOT, sample_sources

FIXTURE_SOURCES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in {".md", ".txt", ".xml"})


def copied_and_indented(doc: etree._Element) -> bytes:
    """What the writer wrote before it streamed: the model indented (model.indent, on a copy
    here) and serialised whole."""
    copy = etree.fromstring(etree.tostring(doc))
    model.indent(copy)
    return etree.tostring(copy, xml_declaration=True, encoding="UTF-8") + b"\n"


def every_text(doc: etree._Element) -> list:
    """Each node of the model with its text and tail: what writing must leave as it was."""
    return [(node, node.text, node.tail) for node in doc.iter()]


def readable(src):
    """The model of a source, or None for the fixtures that are there to be refused."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return read(src)
        except Exception:  # a fixture of a bad input: what it is refused with is tested elsewhere
            return None


@pytest.mark.parametrize("src", [*sample_sources(), *FIXTURE_SOURCES], ids=lambda p: str(p.relative_to(ROOT)))
def test_the_stream_is_the_indented_model_byte_for_byte_and_the_model_is_untouched(src):
    doc = readable(src)
    if doc is None:
        pytest.skip("a fixture that is not read")
    before, texts = etree.tostring(doc), every_text(doc)
    assert serialize(doc) == copied_and_indented(doc)
    assert every_text(doc) == texts
    assert etree.tostring(doc) == before


def test_written_to_a_file_it_is_what_serialize_gives(tmp_path):
    doc = read(sample_sources()[0])
    with open(tmp_path / "x.xml", "wb") as f:
        write_xml(doc, f)
    assert (tmp_path / "x.xml").read_bytes() == serialize(doc)


def test_text_in_a_structural_element_gives_way_to_the_indentation_and_stays_in_the_model():
    doc = model.new("document", version=model.VERSION)
    body = model.new("body", parent=doc)
    body.text = " stray "
    p = model.new("p", "x", body)
    p.tail = "\t"
    assert serialize(doc) == copied_and_indented(doc)
    assert (body.text, p.tail) == (" stray ", "\t")


def parsed(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, etree.XMLParser(remove_blank_text=False))


@pytest.mark.parametrize("xml", [
    # namespaces the root declares besides the model's, used by attributes or not at all
    b'<document xmlns:x="urn:x" xmlns="urn:x-converter:document:1" xmlns:y="urn:y" version="1" xml:lang="en">'
    b'<body><section x:k="1"><p x:k="2">a <em>b</em></p></section><p>c</p></body></document>',
    # a paragraph that declares a namespace of its own; one the root does not declare
    b'<document xmlns="urn:x-converter:document:1" version="1"><body>'
    b'<p xmlns:z="urn:z" z:a="1">a</p><list><item z2:a="2" xmlns:z2="urn:z2"><p>b</p></item></list></body></document>',
    # comments and processing instructions between blocks and inside a paragraph
    b'<document xmlns="urn:x-converter:document:1" version="1"><!-- top --><body><?pi x?><p>a<!-- in --> b</p>'
    b'<!--end--></body></document>',
    # attribute values and text that must be escaped; language tags on nested elements; non-ASCII
    b'<document xmlns="urn:x-converter:document:1" version="1" xml:lang="zh-CN"><body>'
    b'<section id="a&amp;b&quot;c&lt;&gt;" title="x&#10;y&#9;z&#13;"><p xml:lang="en">1 &lt; 2 &amp; 3 &gt; 0 \xe4\xb8\x80&#13;</p>'
    b'</section><quote xml:lang="fr"><p>\xc2\xabq\xc2\xbb</p></quote></body></document>',
    # a prefixed model namespace, not the default one
    b'<m:document xmlns:m="urn:x-converter:document:1" version="1"><m:body><m:p>a</m:p></m:body></m:document>',
    # empty structural elements, and one holding only a comment
    b'<document xmlns="urn:x-converter:document:1" version="1"><meta/><body><list/><quote><!--c--></quote></body></document>',
], ids=["extra-namespaces", "own-declarations", "comments-and-pis", "escaping", "prefixed", "empty"])
def test_what_lxml_would_write_whole_is_written_in_pieces(xml):
    doc = parsed(xml)
    assert serialize(doc) == copied_and_indented(doc)


def test_more_distinct_start_tags_than_are_kept_are_each_right():
    doc = model.new("document", version=model.VERSION, **{model.XML_LANG: "en"})
    model.new("title", "Sections", doc)
    body = model.new("body", parent=doc)
    for i in range(3000):
        section = model.new("section", parent=body, level="1", id=f"s{i}")
        model.new("p", f"Section {i}.", section)
    assert serialize(doc) == copied_and_indented(doc)


def test_a_paragraph_repeating_its_parents_namespace_declaration_means_the_same_without_it():
    """lxml repeats every declaration in scope on an element serialised alone, so one the
    element makes itself, repeating its parent's, cannot be told from those and goes too."""
    doc = parsed(b'<document xmlns="urn:x-converter:document:1" version="1"><body>'
                 b'<p xmlns="urn:x-converter:document:1">a</p></body></document>')
    written = serialize(doc)
    assert b"\n    <p>a</p>\n" in written
    again = parsed(written)
    model.strip_formatting(again)
    assert etree.tostring(again, method="c14n") == etree.tostring(doc, method="c14n")


def quotes(depth: int, paragraphs: int) -> etree._Element:
    """A document of paragraphs each in quotes ``depth`` deep."""
    doc = model.new("document", version=model.VERSION, **{model.XML_LANG: "en"})
    model.new("title", "Deep", doc)
    body = model.new("body", parent=doc)
    for i in range(paragraphs):
        parent = body
        for _ in range(depth):
            parent = model.new("quote", parent=parent)
        model.new("p", f"Paragraph {i}.", parent)
    return doc


def test_indentation_stops_at_the_cap_and_the_file_reads_back_as_the_same_model(tmp_path):
    doc = quotes(MAX_INDENT_DEPTH + 10, 3)
    written = serialize(doc)
    widths = {len(line) - len(line.lstrip(b" ")) for line in written.splitlines()}
    assert max(widths) == 2 * MAX_INDENT_DEPTH
    # the quotes are at depths 2 (in document, body) to MAX + 11: those from MAX on are at the cap
    assert written.count(b"\n" + b" " * (2 * MAX_INDENT_DEPTH) + b"<quote>") == 3 * 12
    again = parse_xml(written, "deep.xml")
    assert etree.tostring(again) == etree.tostring(doc)
    # and the command line reads it back to the same canonical XML
    (tmp_path / "deep.xml").write_bytes(written)
    proc = subprocess.run([sys.executable, "-m", "converter", "build", str(tmp_path / "deep.xml"),
                           "-o", str(tmp_path / "out"), "--to", "xml", "-q"],
                          capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "deep.xml").read_bytes() == written


def test_a_shallow_document_is_indented_in_full():
    doc = quotes(MAX_INDENT_DEPTH - 3, 1)  # the paragraph at the cap's depth: document, body, quotes
    assert serialize(doc) == copied_and_indented(doc)


def test_writing_a_deep_document_holds_no_indented_copy_nor_the_whole_file(tmp_path):
    """Quotes 40 deep: the file is megabytes, what the writer holds at once (traced by
    tracemalloc: Python's allocations, the bytes lxml gives back included) is a small part of
    it, and the model gains no text node. (The model's text is compared as serialised bytes:
    lxml element proxies held by the test would keep their tag names, allocated on first use.)"""
    doc = quotes(40, 2000)
    before = etree.tostring(doc)
    target = tmp_path / "deep.xml"
    tracemalloc.start()
    try:
        with open(target, "wb") as f:
            write_xml(doc, f)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = target.stat().st_size
    assert size > 5 * 1024**2
    assert peak < size / 5, (peak, size)
    assert etree.tostring(doc) == before


def test_many_paragraphs_are_written_piece_by_piece_never_whole():
    doc = model.new("document", version=model.VERSION, **{model.XML_LANG: "en"})
    model.new("title", "Long", doc)
    body = model.new("body", parent=doc)
    for i in range(20_000):
        model.new("p", f"The committee reviewed item {i} and agreed to fund it from the 2024 budget line.", body)

    class Counting(io.RawIOBase):
        """A file that keeps only the number and size of the writes."""
        def __init__(self):
            self.writes, self.largest, self.size = 0, 0, 0

        def writable(self):
            return True

        def write(self, data):
            self.writes += 1
            self.largest = max(self.largest, len(data))
            self.size += len(data)
            return len(data)

    out = Counting()
    write_xml(doc, out)
    assert out.size == len(serialize(doc)) > 1024**2
    assert out.writes > 4 and out.largest < out.size / 4


def test_a_failure_while_writing_leaves_no_half_written_file(tmp_path):
    """The file size limit (RLIMIT_FSIZE) stops the XML halfway: the build fails with a
    message, the temporary .part file is gone, and the output of an earlier build is removed
    rather than left standing for this one."""
    src, out = tmp_path / "big.md", tmp_path / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    build = [sys.executable, "-m", "converter", "build", str(src), "-o", str(out), "--to", "xml"]
    src.write_text("# Big\n\n" + "\n\n".join(f"Paragraph {i} of a long document." for i in range(20_000)), "utf-8")
    subprocess.run(build, check=True, capture_output=True, env=env)
    full = (out / "big.xml").stat().st_size
    assert full > 512 * 1024
    src.write_text(src.read_text("utf-8") + "\n\nOne more.\n", "utf-8")

    def limited():  # Python ignores SIGXFSZ, so a write past the limit raises EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (full // 2, full // 2))

    proc = subprocess.run(build, capture_output=True, text=True, env=env, preexec_fn=limited)
    assert proc.returncode != 0
    assert "cannot write the outputs" in proc.stderr and "File too large" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (out / "big.xml").exists()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".part")]
