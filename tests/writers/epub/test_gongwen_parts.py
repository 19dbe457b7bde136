"""The GB/T 9704 parts in the EPUB, styled from the same numbers as the print (issue 12): the red
separator under the 文号, attachment bodies from a new page, the 版记 between rules."""
from __future__ import annotations

import zipfile

from lxml import etree

from converter.pipeline import build
from helpers import SOURCES

XHTML = "{http://www.w3.org/1999/xhtml}"


def test_masthead_separator_annex_pages_and_colophon_rules(tmp_path):
    epub = build(SOURCES / "gongwen-notice.txt", tmp_path, ["epub"], style="gongwen").outputs[0]
    with zipfile.ZipFile(epub) as z:
        css = next(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
        docs = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.endswith(".xhtml")]
    masthead = next(d for doc in docs for d in doc.iter(f"{XHTML}div") if d.get("class") == "masthead")
    assert masthead[-1].tag == f"{XHTML}hr" and masthead[-1].get("class") == "separator"
    assert "hr.separator {\n  border: none;\n  border-top: 0.5mm solid #e60012;" in css
    assert "section.annex {\n  page-break-before: always;\n  break-before: page;" in css
    assert "div.colophon {\n  border-top: 0.35mm solid;\n  border-bottom: 0.35mm solid;" in css
    assert "p.printer {\n  border-top: 0.25mm solid;" in css
