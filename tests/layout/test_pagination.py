"""Pagination is computed once per build, when an output needs pages, and handed to the writers
as a typed value: the EPUB no longer depends on whether the PDF was asked for."""
from __future__ import annotations

import pytest

from converter import pipeline
from converter.layout import Pagination
from helpers import SOURCES


@pytest.mark.parametrize("name", ["gongwen-report.txt", "handbook.md"])
def test_the_epub_alone_is_the_epub_built_with_the_pdf(name, tmp_path):
    alone = pipeline.build(SOURCES / name, tmp_path / "alone", ["epub"])
    both = pipeline.build(SOURCES / name, tmp_path / "both", ["epub", "pdf"])
    epub = next(p for p in both.outputs if p.suffix == ".epub")
    assert alone.outputs[0].read_bytes() == epub.read_bytes()
    assert b"page-list" in _nav(alone.outputs[0])


def test_the_seed_epub_alone_carries_the_print_page_list(seed, tmp_path):
    alone = pipeline.build(seed, tmp_path / "alone", ["epub"])
    both = pipeline.build(seed, tmp_path / "both", ["pdf", "epub"])
    assert alone.outputs[0].read_bytes() == next(p for p in both.outputs if p.suffix == ".epub").read_bytes()
    assert _nav(alone.outputs[0]).count(b'epub:type="pagebreak"') == 0  # markers live in the chapters
    assert both.pages["pdf"] == 5 and b"page-list" in _nav(alone.outputs[0])


def _nav(epub) -> bytes:
    import zipfile

    with zipfile.ZipFile(epub) as z:
        return next(z.read(n) for n in z.namelist() if n.endswith("nav.xhtml"))


@pytest.mark.parametrize("formats, calls", [(["pdf", "png", "epub"], 1), (["pdf"], 1), (["epub"], 1),
                                            (["docx", "xml"], 0)])
def test_laid_out_once_and_only_when_needed(formats, calls, tmp_path, monkeypatch):
    seen: list[Pagination] = []
    import converter.layout as layout  # the pipeline imports lay_out from it when a build needs pages

    real = layout.lay_out

    def counting(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(layout, "lay_out", counting)
    result = pipeline.build(SOURCES / "gongwen-report.txt", tmp_path, formats)
    assert len(seen) == calls
    if calls:
        assert isinstance(seen[0], Pagination) and seen[0].count == 4
        assert {f: n for f, n in result.pages.items()} == {f: 4 for f in formats if f in ("pdf", "png")}
    else:
        assert result.pages == {}
