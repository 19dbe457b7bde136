"""Internal links in the PDF (issue 13, PDF side): ``#id`` becomes a link annotation to the
target's place; a target that does not exist leaves the words as plain text and fails nothing."""
from __future__ import annotations

from pathlib import Path

import pdfplumber

from converter.pipeline import build

FILLER = "\n\n".join(f"Paragraph {n} fills the page. " * 12 for n in range(30))


def source(tmp_path: Path) -> Path:
    src = tmp_path / "links.md"
    src.write_text("# Guide\n\n## Installation\n\nRun it.\n\n" + FILLER
                   + "\n\n## Usage\n\nSee [the installation](#installation), [a note](#fn-1)[^1] and [nowhere](#nowhere).\n\n"
                   "[^1]: The note.\n", encoding="utf-8")
    return src


def destinations(pdf) -> list[tuple[int, int, float]]:
    """(page of the link, page it goes to, top of the view) for every internal link."""
    pages = {p.page_obj.pageid: p.page_number for p in pdf.pages}
    out = []
    for p in pdf.pages:
        for a in p.annots:
            dest = a["data"].get("Dest")
            if dest is not None:
                out.append((p.page_number, pages[dest[0].objid], dest[3]))
    return out


def test_a_link_to_a_heading_goes_to_its_page_and_place(tmp_path):
    result = build(source(tmp_path), tmp_path / "out", ["pdf"])
    with pdfplumber.open(result.outputs[0]) as pdf:
        assert pdf.pages[0].search("Installation") and len(pdf.pages) >= 3
        links = destinations(pdf)
        heading = pdf.pages[0].search("Installation")[0]
        to_heading = [d for d in links if d[1] == 1]
        assert to_heading, links
        _, _, top = to_heading[0]
        assert pdf.pages[0].height - heading["top"] <= top  # the view opens above the heading
        assert pdf.pages[0].height - heading["bottom"] > top - 40  # … and not far above


def test_a_link_to_nowhere_is_printed_as_text(tmp_path):
    result = build(source(tmp_path), tmp_path / "out", ["pdf"])
    with pdfplumber.open(result.outputs[0]) as pdf:
        word = next(p.search("nowhere")[0] for p in pdf.pages if p.search("nowhere"))
        annots = [a for p in pdf.pages for a in p.annots]
        # links: the heading, the note's number and the note's way back; none on "nowhere"
        assert all(not (a["x0"] <= word["x0"] + 1 and a["x1"] >= word["x1"] - 1 and abs(a["top"] - word["top"]) < 8)
                   for a in annots), annots
        # three places: the heading (#installation, its pandoc id), the note (#fn-1 and the note marker), the way back
        assert len({(page, round(top)) for _, page, top in destinations(pdf)}) == 3


def test_only_dangling_links_build(tmp_path):
    src = tmp_path / "only.md"
    src.write_text("# T\n\nSee [there](#there) and [here](#here).\n", encoding="utf-8")
    result = build(src, tmp_path / "out", ["pdf", "png"])
    with pdfplumber.open(result.outputs[-1] if result.outputs[-1].suffix == ".pdf" else tmp_path / "out" / "only.pdf") as pdf:
        assert "See there and here." in pdf.pages[0].extract_text()
        assert not pdf.pages[0].annots
