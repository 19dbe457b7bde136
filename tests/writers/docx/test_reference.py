"""--reference-doc: the DOCX takes page setup and style definitions from a user's Word document,
and the style sheet fills what it does not define."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from lxml import etree

import office
from converter import convert
from converter.batch import build_folder
from converter.cli import main
from converter.pipeline import read, style_for
from helpers import FIXTURES

EVERY = FIXTURES / "docx" / "every-element.xml"


def make_reference(path: Path, landscape: bool = False, color: RGBColor = RGBColor(0xFF, 0, 0)) -> Path:
    """A user's template made with python-docx: US Letter, 1-inch margins, 0.4-inch header and
    footer distances, Heading 1 in red 20 pt, Heading 2 based on a custom italic style."""
    d = docx.Document()
    s = d.sections[0]
    s.page_width, s.page_height = Inches(8.5), Inches(11)
    if landscape:
        s.orientation = WD_ORIENT.LANDSCAPE
        s.page_width, s.page_height = Inches(11), Inches(8.5)
    for margin in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(s, margin, Inches(1))
    s.header_distance = s.footer_distance = Inches(0.4)
    h1 = d.styles["Heading 1"]
    h1.font.color.rgb, h1.font.size = color, Pt(20)
    base = d.styles.add_style("House Heading", WD_STYLE_TYPE.PARAGRAPH)
    base.font.italic = True
    d.styles["Heading 2"].base_style = base
    d.save(str(path))
    return path


def w(tag: str) -> str:
    return qn(f"w:{tag}")


def styles_of(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/styles.xml"))
    return {s.get(w("styleId")): s for s in root.iter(w("style"))}


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The every-element fixture built through the command line with and without a reference."""
    tmp = tmp_path_factory.mktemp("ref")
    ref = make_reference(tmp / "template.docx")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main(["build", str(EVERY), "--to", "docx", "-o", str(tmp / "with"), "-q", "--reference-doc", str(ref)]) == 0
        assert main(["build", str(EVERY), "--to", "docx", "-o", str(tmp / "without"), "-q"]) == 0
    return tmp / "with" / "every-element.docx", tmp / "without" / "every-element.docx", ref


def test_page_setup_comes_from_the_reference(pair):
    with_ref, _, _ = pair
    section = docx.Document(str(with_ref)).sections[0]
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    for margin in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin):
        assert margin == Inches(1)
    assert section.header_distance == section.footer_distance == Inches(0.4)
    assert section.orientation == WD_ORIENT.PORTRAIT
    grid = section._sectPr.find(w("docGrid"))
    assert grid.get(w("type")) is None  # the template's: no character grid …
    assert not [s for s in styles_of(with_ref).values() if s.find(f"{w('rPr')}/{w('w')}") is not None]  # … so no narrowed glyphs


def test_reference_styles_win_and_ours_fill_the_rest(pair):
    with_ref, without, _ = pair
    mine, theirs = styles_of(without), styles_of(with_ref)
    h1 = theirs["Heading1"]
    assert h1.find(f"{w('rPr')}/{w('color')}").get(w("val")) == "FF0000"
    assert h1.find(f"{w('rPr')}/{w('sz')}").get(w("val")) == "40"
    assert h1.find(f"{w('pPr')}/{w('outlineLvl')}").get(w("val")) == "0"
    # what the template's Heading 1 does not set stays ours: the exact line pitch, the indent
    for tag in ("spacing", "ind"):
        assert h1.find(f"{w('pPr')}/{w(tag)}").get(w("line" if tag == "spacing" else "firstLine")) == \
            mine["Heading1"].find(f"{w('pPr')}/{w(tag)}").get(w("line" if tag == "spacing" else "firstLine"))
    # Heading 2 takes what its custom base style sets
    assert theirs["Heading2"].find(f"{w('rPr')}/{w('i')}") is not None
    # styles the template does not have are exactly the style sheet's (less the glyph scaling
    # that only served our character grid)
    style = style_for(read(EVERY), None)
    for sid in ("EnumerationLead", "Addressee", "Signature", "Attachment", "Run-inHeading"):
        assert sid in theirs, sid
        for scale in mine[sid].findall(f"{w('rPr')}/{w('w')}"):
            scale.getparent().remove(scale)
        assert etree.tostring(theirs[sid]) == etree.tostring(mine[sid]), sid
    # the template's Body Text names no East Asian font: ours comes from the document defaults
    body = theirs["BodyText"].find(f"{w('rPr')}/{w('rFonts')}")
    assert body is None or body.get(w("eastAsia")) is None
    with zipfile.ZipFile(with_ref) as z:
        styles_root = etree.fromstring(z.read("word/styles.xml"))
    defaults = styles_root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('rFonts')}")
    assert defaults.get(w("eastAsia")) == style.role("body").fonts.cjk.family
    document = docx.Document(str(with_ref))
    assert {p.style.name for p in document.paragraphs} >= {"Title", "Heading 1", "Body Text", "Addressee", "Signature"}


def test_landscape_reference(tmp_path):
    ref = make_reference(tmp_path / "wide.docx", landscape=True)
    out = convert(EVERY, tmp_path / "out", to="docx", reference_doc=ref).outputs[0]  # the library API
    section = docx.Document(str(out)).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (section.page_width, section.page_height) == (Inches(11), Inches(8.5))


def test_libreoffice_lays_it_out_on_the_reference_page(pair, tmp_path):
    with_ref, _, _ = pair
    pdf = office.to_pdf([with_ref], tmp_path)[with_ref]
    assert office.page_size(pdf) == pytest.approx((612, 792), abs=1)  # US Letter


def test_missing_reference_is_a_usage_error(tmp_path, capsys):
    code = main(["build", str(EVERY), "--to", "docx", "-o", str(tmp_path), "--reference-doc", str(tmp_path / "nope.docx")])
    assert code == 2
    assert "nope.docx: no such file" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.docx"))


@pytest.mark.parametrize("content", [b"plain text, not a package", b"zip"], ids=["text", "zip-without-document"])
def test_invalid_reference_is_an_error_naming_it(tmp_path, capsys, content):
    bad = tmp_path / "bad.docx"
    if content == b"zip":
        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("hello.txt", "no Word document here")
    else:
        bad.write_bytes(content)
    code = main(["build", str(EVERY), "--to", "docx", "-o", str(tmp_path / "out"), "--reference-doc", str(bad)])
    assert code == 1
    assert f"{bad}: not a Word document" in capsys.readouterr().err
    assert not list((tmp_path / "out").glob("*.docx"))


def test_a_changed_reference_rebuilds(tmp_path):
    ref = make_reference(tmp_path / "template.docx")
    out = tmp_path / "out"
    first = build_folder([EVERY], out, ["docx"], reference_doc=ref, jobs=1)
    again = build_folder([EVERY], out, ["docx"], reference_doc=ref, jobs=1)
    assert [d.status for d in first.documents] == ["built"] and [d.status for d in again.documents] == ["unchanged"]
    make_reference(ref, color=RGBColor(0, 0, 0xFF))
    changed = build_folder([EVERY], out, ["docx"], reference_doc=ref, jobs=1)
    assert [d.status for d in changed.documents] == ["built"]
    assert styles_of(out / "every-element.docx")["Heading1"].find(f"{w('rPr')}/{w('color')}").get(w("val")) == "0000FF"


def test_a_reference_package_too_large_to_unzip_is_refused_before_anything_is_read(tmp_path, monkeypatch):
    from converter.errors import InputError
    from converter.writers.docx import reference

    ref = tmp_path / "ref.docx"
    docx.Document().save(ref)
    with zipfile.ZipFile(ref, "a", zipfile.ZIP_STORED) as z:  # stored: the ratio check says nothing
        for i in range(3):
            z.writestr(f"word/media/big{i}.bin", bytes(range(256)) * 4096)  # 1 MB each
    assert reference.load_reference(ref) is not None  # under the limits: read
    monkeypatch.setattr(reference, "MAX_TOTAL_BYTES", 2 * 2**20)
    with pytest.raises(InputError, match=r"its parts unzip to 3\.\d MB, more than 2\.0 MB") as e:
        reference.load_reference(ref)
    assert e.value.file == str(ref)
    monkeypatch.setattr(reference, "MAX_PART_BYTES", 2**19)
    with pytest.raises(InputError, match=r"part word/media/big0\.bin unzips to 1\.0 MB"):
        reference.load_reference(ref)
