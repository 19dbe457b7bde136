"""The front matter's title, subtitle, authors and date under the title in every output; EPUB
note numbers apart from the note; relative links in the EPUB."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import docx
import pytest

from converter.model.outline import title_block
from converter.pipeline import build, read
from helpers import FIXTURES, epubcheck_command

SOURCE = FIXTURES / "markdown" / "title-block.md"
LINES = ["A Field Guide", "Birds of the Coast", "Ada Lovelace, Grace Hopper", "2024-03-15"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("title")
    return build(SOURCE, out, ["pdf", "docx", "epub", "xml"]), out


def test_the_block_holds_what_the_text_does_not_show():
    block = title_block(read(SOURCE))
    assert block.lines == LINES[2:]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_prints_the_block_under_the_title(built):
    text = subprocess.run(["pdftotext", str(built[1] / "title-block.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert text.splitlines()[:4] == LINES


def test_docx_prints_the_block_under_the_title(built):
    paras = docx.Document(str(built[1] / "title-block.docx")).paragraphs
    assert [(p.style.name, p.text) for p in paras[:4]] == [
        ("Title", LINES[0]), ("Subtitle", LINES[1]), ("Byline", LINES[2]), ("Byline", LINES[3])]


def test_epub_title_block_note_numbers_and_links(built):
    with zipfile.ZipFile(built[1] / "title-block.epub") as z:
        xhtml = "".join(z.read(n).decode() for n in sorted(z.namelist()) if n.endswith(".xhtml"))
    assert '<p class="byline">Ada Lovelace, Grace Hopper</p><p class="byline">2024-03-15</p>' in xhtml
    assert re.search(r'class="backlink"[^>]*>1\.</a> Some note text', xhtml)  # not "1Some"
    assert '<span class="link">another file</span>' in xhtml
    warnings = [d.message for d in built[0].diagnostics if "outside the book" in d.message]
    assert len(warnings) == 1 and "2 link(s)" in warnings[0] and "'other.md'" in warnings[0]


def test_a_link_to_the_document_itself_stays_a_link(tmp_path):
    src = tmp_path / "guide.md"
    src.write_text("# Guide\n\nSee [the top](guide.md) and [the end](./guide.md#end).\n\n"
                   "Text.\n\n<a id=\"end\"></a>The end.\n", encoding="utf-8")
    result = build(src, tmp_path / "out", ["epub"])
    with zipfile.ZipFile(result.outputs[0]) as z:
        xhtml = "".join(z.read(n).decode() for n in sorted(z.namelist()) if n.endswith(".xhtml"))
    assert '<a href="part-001.xhtml">the top</a>' in xhtml or '<a href="../text/part-001.xhtml">the top</a>' in xhtml
    assert not [d for d in result.diagnostics if "outside the book" in d.message]


def test_the_epub_passes_epubcheck(built):
    command = epubcheck_command()
    if command is None:
        pytest.skip("epubcheck not installed")
    done = subprocess.run(command + [str(built[1] / "title-block.epub")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_converter_check_accepts_the_title_block(built):
    from converter.check import check, failed, table

    results = check([built[1]])
    assert not failed(results), table(results)
