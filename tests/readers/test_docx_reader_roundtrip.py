"""Round trips: a source, our DOCX of it, and LibreOffice's re-save of that DOCX read to the same model.

What DOCX cannot carry (README, "DOCX input"): the image's file name (pictures come out of the
package under a name of their own, with the same pixels), the front matter's date, a code
block's language, and the alignment tabs our writer sets after 附件 numbers (read back as
whitespace, which the model does not count).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from converter import model, pipeline
from converter.model import q
from converter.model.outline import outline
from converter.model.visitor import UnknownElement

from helpers import SEED, sample_sources

def build_docx(source: Path, out: Path) -> Path:
    """Our DOCX of a source. A model part the DOCX writer cannot render yet (the parts issue #11
    added to the model, before the writers learn them) makes the round trip an expected failure
    for that reason only."""
    try:
        return pipeline.build(source, out, ["docx"]).outputs[0]
    except UnknownElement as e:
        pytest.xfail(f"the DOCX writer cannot write this source yet: {e}")


SOURCES = [pytest.param(p, id=p.name) for p in sample_sources()] + [pytest.param(SEED, id="seed")]


def comparable(doc: etree._Element, resources: Path) -> str:
    """The model as text, without what DOCX cannot carry (see the module's docstring)."""
    doc = etree.fromstring(etree.tostring(doc))
    for date in doc.iterfind(f"{q('meta')}/{q('date')}"):
        date.getparent().remove(date)
    meta = doc.find(q("meta"))
    if meta is not None and not len(meta):
        doc.remove(meta)
    for code in doc.iter(q("codeblock")):
        code.attrib.pop("lang", None)
    for section in doc.iter(q("section")):  # Markdown's pandoc ids (why-one-source) come back by
        section.attrib.pop("id", None)  # position (sec-1): Word bookmark names cannot hold every id
    for image in doc.iter(q("image")):
        image.set("src", _pixels(resources / image.get("src")))
    for el in doc.iter():
        for attr in ("text", "tail"):
            value = getattr(el, attr)
            if value and "\t" in value:
                setattr(el, attr, value.replace("\t", ""))
    model.indent(doc)
    return etree.tostring(doc, encoding="unicode")


def _pixels(path: Path) -> str:
    from PIL import Image

    with Image.open(path) as im:
        import hashlib

        return "pixels:" + hashlib.sha256(im.convert("RGBA").tobytes()).hexdigest()[:16]


@pytest.mark.parametrize("source", SOURCES)
def test_our_docx_reads_back_to_the_model_of_its_source(source, tmp_path):
    if not source.is_file():
        pytest.skip("corpus seed ../shared/corpus is absent")
    original = pipeline.read_source(source)
    docx = build_docx(source, tmp_path)
    back = pipeline.read_source(docx)
    assert comparable(back.doc, back.resource_dir) == comparable(original.doc, original.resource_dir)
    assert not [d for d in back.diagnostics if d.level == "warning"]


def soffice_resave(documents: list[Path], out: Path) -> dict[Path, Path]:
    """LibreOffice's re-save of each DOCX (one headless run for all)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(out / 'profile').as_uri()}",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), *map(str, documents)],
                   check=True, capture_output=True, timeout=600)
    return {d: out / d.name for d in documents}


def _structure(doc: etree._Element) -> dict:
    tree = outline(doc)
    return {"tree": tree, "tables": len(list(doc.iter(q("table")))), "figures": len(list(doc.iter(q("figure")))),
            "notes": [model.plain_text(n) for n in doc.iter(q("footnote"))],
            "text": re.sub(r"\s+", "", model.plain_text(doc))}


RESAVED = [p for p in sample_sources() if p.suffix in (".txt", ".md")] + [SEED]


@pytest.fixture(scope="module")
def resaved(tmp_path_factory) -> dict[Path, tuple[Path, Path] | str]:
    """source → (our DOCX, LibreOffice's re-save of it), or why our DOCX could not be written."""
    base = tmp_path_factory.mktemp("resave")
    ours: dict[Path, Path] = {}
    failed: dict[Path, str] = {}
    for s in RESAVED:
        if s.is_file():
            try:
                ours[s] = pipeline.build(s, base / "ours", ["docx"]).outputs[0]
            except UnknownElement as e:
                failed[s] = str(e)
    lo = soffice_resave(list(ours.values()), base / "lo") if ours else {}
    return {s: (d, lo[d]) for s, d in ours.items()} | failed


@pytest.mark.parametrize("source", [pytest.param(p, id=p.name if p != SEED else "seed") for p in RESAVED])
def test_a_docx_libreoffice_resaved_reads_back_to_the_same_structure(source, resaved):
    if source not in resaved:
        pytest.skip("corpus seed ../shared/corpus is absent")
    if isinstance(resaved[source], str):
        pytest.xfail(f"the DOCX writer cannot write this source yet: {resaved[source]}")
    ours, lo = resaved[source]
    assert lo.read_bytes() != ours.read_bytes()
    assert _structure(pipeline.read(lo)) == _structure(pipeline.read(ours))
