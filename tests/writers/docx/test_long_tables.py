"""Long tables in the DOCX (issue #14): their finished rows leave the document's tree for a
temporary file (rowspool.py) and document.xml is zipped in pieces — the same bytes as when every
row stays in the tree, fonts embedded for characters only those rows draw, a tree (and Python
heap) that does not grow with the rows, and nothing left behind when the build fails or is
stopped in the middle of the table."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest

from converter import model
from converter.errors import ConverterError
from converter.pipeline import build
from converter.writers.docx import rowspool, writer
from docx_fonts_check import drawn_characters, embedded_fonts
from helpers import FIXTURES, ROOT

CHART = FIXTURES / "docx" / "chart.png"


@pytest.fixture(autouse=True)
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def source(folder: Path, body: str, lang: str = "zh-CN") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    src = folder / "doc.xml"
    src.write_text(f'<?xml version="1.0"?>\n<document xmlns="{model.NS}" version="1" xml:lang="{lang}">'
                   f"<title>长表</title>\n<body>\n{body}\n</body></document>\n", encoding="utf-8")
    return src


def row(cells: list[str]) -> str:
    return "<row>" + "".join(c if c.startswith("<cell") else f"<cell>{c}</cell>" for c in cells) + "</row>"


def mixed_table(n: int) -> str:
    """A table of ``n`` body rows with all a cell can hold: row spans (some crossing every place
    rows could be written out), column spans, alignment, emphasis, links, a footnote and inline
    pictures (drawing ids), header rows."""
    rows = []
    for i in range(n):
        if i % 7 == 0:
            rows.append(row([f'<cell rowspan="3">跨三行 {i}</cell>', f"<strong>{i}</strong>", '<cell align="right">右</cell>']))
        elif i % 7 in (1, 2):
            rows.append(row([f'<cell colspan="2">跨两列<em>{i}</em></cell>']))
        elif i % 11 == 0:
            rows.append(row([f'<link href="https://example.org/{i}">链接 {i}</link>',
                             f'图<image src="chart.png" alt="图 {i}"/>', "Latin text"]))
        elif i == 17:
            rows.append(row(["脚注<footnote><p>表中的脚注。</p></footnote>", '<cell colspan="2">x</cell>']))
        else:
            rows.append(row([f"第{i}项", str(i * 3), f"第{i % 5}类"]))
    head = row(['<cell colspan="2">名称</cell>', "类别"]) + row(["甲", "乙", "丙"])
    return (f'<table id="t{n}"><caption>表 {n}</caption><thead>{head}</thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def mixed_document(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(CHART, folder / "chart.png")
    body = (f"<p>表前的段落。</p>{mixed_table(40)}<p>两表之间。</p>{mixed_table(23)}"
            f"{mixed_table(3)}<figure><image src=\"chart.png\" alt=\"表后的图\"/><caption>表后</caption></figure>")
    return source(folder, body)


def docx_bytes(src: Path, out: Path) -> bytes:
    return build(src, out, ["docx"]).outputs[0].read_bytes()


def test_rows_written_out_give_the_bytes_of_rows_kept_in_the_tree(tmp_path, monkeypatch):
    src = mixed_document(tmp_path / "src")
    written = []
    original = rowspool.RowSpool.write
    monkeypatch.setattr(rowspool.RowSpool, "write", lambda self, p, rows: (written.append(len(rows)),
                                                                          original(self, p, rows))[1])
    monkeypatch.setattr(rowspool, "ROWS_IN_TREE", 10**9)
    kept = docx_bytes(src, tmp_path / "kept")
    assert written == []
    for limit in (4, 1):  # every few rows; every row no span crosses
        monkeypatch.setattr(rowspool, "ROWS_IN_TREE", limit)
        assert docx_bytes(src, tmp_path / f"out{limit}") == kept, limit
        assert sum(written) == 42 + 25 + 5, written  # every row of the three tables, header rows too
        assert max(written) > limit  # spans held some rows back
        written.clear()
    document = docx.Document(tmp_path / "out1" / "doc.docx")
    assert len(document.tables) == 3 and len(document.tables[0].rows) == 42
    assert document.tables[0].cell(2, 0).text == "跨三行 0" and document.tables[0].cell(4, 0).text == "跨三行 0"
    assert len(document.inline_shapes) == src.read_text(encoding="utf-8").count("<image ") == 4  # ids unique:
    ids = [s._inline.docPr.get("id") for s in document.inline_shapes]
    assert len(set(ids)) == len(ids)


def test_a_long_table_in_a_footnote_stays_in_its_part(tmp_path, monkeypatch):
    monkeypatch.setattr(rowspool, "ROWS_IN_TREE", 2)
    rows = "".join(row([f"注{i}", str(i)]) for i in range(6))
    src = source(tmp_path / "src", f"<p>正文<footnote><table><tbody>{rows}</tbody></table></footnote>。</p>")
    path = build(src, tmp_path / "out", ["docx"]).outputs[0]
    with zipfile.ZipFile(path) as z:
        notes = z.read("word/footnotes.xml").decode()
    assert all(f"注{i}" in notes for i in range(6)) and rowspool.PLACEHOLDER not in notes


def test_characters_only_in_rows_written_out_are_embedded(tmp_path):
    """鬯 is in row 5,000 of 6,000 and nowhere else: long gone from the tree when the fonts are
    embedded, it is in the subset of the face its run draws with."""
    rows = "".join(row([f"第{i}项", "鬯" if i == 5000 else str(i)]) for i in range(6000))
    src = source(tmp_path / "src", f"<table><tbody>{rows}</tbody></table>")
    path = build(src, tmp_path / "out", ["docx"]).outputs[0]
    drawn = [family for (family, _), chars in drawn_characters(path).items() if "鬯" in chars]
    assert drawn
    fonts = {f.family: f for f in embedded_fonts(path) if f.tag == "embedRegular"}
    for family in drawn:
        assert ord("鬯") in fonts[family].cmap, family
    assert docx.Document(path).tables[0].cell(5000, 1).text == "鬯"


def table_of(folder: Path, n: int) -> Path:
    rows = "".join(row([f"item {i}", str(i * 3), f"line {i % 97}"]) for i in range(n))
    return source(folder, f"<table><tbody>{rows}</tbody></table>", lang="en")


def test_the_tree_and_the_heap_do_not_grow_with_the_rows(tmp_path, monkeypatch):
    """The most elements the Word document's tree holds while a table is written, and the peak
    of the Python heap during the DOCX writer (tracemalloc), for 400 and 1,600 rows."""
    monkeypatch.setattr(rowspool, "ROWS_IN_TREE", 64)
    build(table_of(tmp_path / "warm", 50), tmp_path / "warm", ["docx"])  # fonts, styles … loaded once
    trees, heaps = [], []
    write_rows = rowspool.RowSpool.write

    def counted(self, placeholder, trs):
        trees[-1] = max(trees[-1], sum(1 for _ in self._document.element.iter()))
        write_rows(self, placeholder, trs)

    write_docx = writer.DocxWriter.write

    def traced(self, *args):
        tracemalloc.start()
        try:
            write_docx(self, *args)
            heaps.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()

    monkeypatch.setattr(rowspool.RowSpool, "write", counted)
    monkeypatch.setattr(writer.DocxWriter, "write", traced)
    for n in (400, 1600):
        trees.append(0)
        build(table_of(tmp_path / str(n), n), tmp_path / str(n), ["docx"])
    assert trees[0] == trees[1] > 0  # 64 rows and the rest of the document, whatever the table's length
    # with every row in the tree and document.xml one bytes object, 1,200 more rows were 1 MB more
    assert heaps[1] < heaps[0] + 150_000, heaps


def open_in(folder: Path, pid: int | str = "self") -> list[str]:
    """The files a process has open in ``folder`` (an unnamed temporary file shows as deleted)."""
    out = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            out.append(target)
    return out


def long_table(folder: Path, n: int) -> Path:
    rows = "".join(row([f"第{i}项", str(i)]) for i in range(n))
    return source(folder, f"<table><tbody>{rows}</tbody></table>")


@pytest.mark.parametrize("where", ["table", "fonts"])
def test_a_failure_in_or_after_a_long_table_leaves_nothing(tmp_path, monkeypatch, where):
    """The build fails while rows are being written out, or when fonts are embedded after the
    table: no output, no temporary file, nothing left open."""
    monkeypatch.setattr(rowspool, "ROWS_IN_TREE", 16)
    src = long_table(tmp_path / "src", 200)
    out = tmp_path / "out"
    calls = []
    if where == "table":
        original = rowspool.RowSpool.write

        def failing(self, placeholder, rows):
            calls.append(open_in(out))
            if len(calls) == 3:
                raise ConverterError("the disk went away")
            original(self, placeholder, rows)

        monkeypatch.setattr(rowspool.RowSpool, "write", failing)
    else:
        def failing(*args):
            calls.append(open_in(out))
            raise ConverterError("no fonts today")

        monkeypatch.setattr(writer, "embed_fonts", failing)
    with pytest.raises(ConverterError):
        build(src, out, ["docx"])
    assert any("(deleted)" in f for f in calls[-1])  # the rows' file was there, unnamed
    assert list(out.iterdir()) == []
    assert open_in(out) == []


def test_sigterm_in_the_middle_of_a_long_table_leaves_nothing(tmp_path):
    src = long_table(tmp_path / "src", 40_000)
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "converter", "build", str(src), "-o", str(out), "--to", "docx"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while not any("(deleted)" in f for f in open_in(out, proc.pid)):  # rows are being written out
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    left = {p.name for p in out.iterdir()}
    assert left <= {".converter.lock", "manifest.json"}, left  # no .part, .rezip or rows' file
    if "manifest.json" in left:
        assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"] == {}
