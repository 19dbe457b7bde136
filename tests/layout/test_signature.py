"""The signature and date (GB/T 9704-2012 §7.3.5), read back from the PDF: where they stand,
and that they never stand alone on a page."""
from __future__ import annotations

import pytest

from converter.layout.signature import signature_places
from converter.pipeline import build
from converter.style import load_style

pdfplumber = pytest.importorskip("pdfplumber")
MM = 72 / 25.4
RIGHT_EDGE = (210 - 26) * MM  # the type area's right edge


def test_rule_without_seal():
    # the date starts two characters right of the issuer's first character
    p = signature_places([6.0], 4.0, 1.0)
    assert p.issuers == [2.0] and p.date == pytest.approx(2.0 + 6.0 - 2.0 - 4.0)
    assert (2.0 + 6.0) - 2.0 == pytest.approx(p.date + 4.0)  # start of the date = start of the issuer − 2
    # a longer date keeps 右空二字 and the issuer moves left
    p = signature_places([6.0], 7.5, 1.0)
    assert p.date == 2.0 and p.issuers == [pytest.approx(2.0 + 7.5 + 2.0 - 6.0)]
    # joint issuers stay right-aligned with one another
    p = signature_places([6.0, 4.0], 7.0, 1.0)
    assert p.issuers[0] + 6.0 == pytest.approx(p.issuers[1] + 4.0)


def test_rule_with_seal():
    """§7.3.5.1: the date 右空四字, the issuer centred over it."""
    p = signature_places([6.0], 7.5, 1.0, seal=True)
    assert p.date == 4.0
    assert p.issuers[0] + 3.0 == pytest.approx(p.date + 3.75)


def document(tmp_path, name: str, issuer: str, date: str, paragraphs: int = 1, note: str = "", remark: str = ""):
    filler = "\n".join("　　" + "本段正文用于测试落款位置一行恰好二十六个字符整" for _ in range(paragraphs))
    src = tmp_path / f"{name}.txt"
    src.write_text(f"关于测试落款位置的通知\n\n{filler}\n\n{note}{issuer}\n{date}\n{remark}", encoding="utf-8")
    return build(src, tmp_path / name, ["pdf"], style="gongwen").outputs[0]


def words_of(pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        return [(page.page_number, page.extract_words()) for page in pdf.pages]


@pytest.mark.parametrize("issuer, date, longer", [("某市人民政府", "2024年3月15日", True),
                                                  ("某某省某某市人民政府办公室", "2024年3月5日", False)])
def test_the_pdf_places_issuer_and_date_by_the_rule(tmp_path, issuer, date, longer):
    pdf = document(tmp_path, "sig", issuer, date)
    char = load_style("gongwen").grid.char_pitch
    words = {w["text"]: w for _, ws in words_of(pdf) for w in ws}
    sig, day = words[issuer], words[date]
    assert day["x0"] - sig["x0"] == pytest.approx(2 * char, abs=0.5)  # date starts two characters in
    if longer:
        assert RIGHT_EDGE - day["x1"] == pytest.approx(2 * char, abs=0.5)  # the date 右空二字
        assert RIGHT_EDGE - sig["x1"] > 2 * char + 0.5  # the issuer moved left
    else:
        assert RIGHT_EDGE - sig["x1"] == pytest.approx(2 * char, abs=0.5)  # the issuer 右空二字


def test_the_signature_never_stands_alone_on_a_page(tmp_path):
    """Documents whose signature falls at every line of page 1 and page 2: the page that holds
    the issuer and the date also holds body text."""
    seen_pages = set()
    for n in range(14, 46):
        pdf = document(tmp_path, f"fill{n}", "某市人民政府", "2024年3月15日", paragraphs=n)
        pages = words_of(pdf)
        where = [no for no, ws in pages if any(w["text"] == "某市人民政府" for w in ws)]
        dates = [no for no, ws in pages if any(w["text"] == "2024年3月15日" for w in ws)]
        assert where == dates and len(where) == 1, n
        body = [w for no, ws in pages if no == where[0] for w in ws if "本段正文" in w["text"]]
        assert body, f"{n} paragraphs: the signature is alone on page {where[0]}"
        seen_pages.add(where[0])
    assert seen_pages >= {1, 2}


NOTE = "　　附件：1.测试附件一的名称\n　　　　　2.测试附件二的名称\n\n"


@pytest.mark.parametrize("note, remark", [(NOTE, ""), (NOTE, "（此件公开发布）\n"), ("", "（此件公开发布）\n")])
def test_the_signature_shares_its_page_with_body_text_not_only_with_the_note(tmp_path, note, remark):
    """With an 附件说明 (and 附注) — neither is body text — the signature's page still shows body
    lines at every position of pages 1 and 2; the note and the 附注 stay with it."""
    seen_pages = set()
    for n in range(9, 46):
        pdf = document(tmp_path, f"note{n}", "某市人民政府", "2024年3月15日", paragraphs=n, note=note, remark=remark)
        pages = words_of(pdf)
        where = [no for no, ws in pages if any(w["text"] == "某市人民政府" for w in ws)]
        assert len(where) == 1, n
        on_page = [w for no, ws in pages if no == where[0] for w in ws]
        body = [w for w in on_page if "本段正文" in w["text"] or "字符整" in w["text"]]
        assert body, f"{n} paragraphs: no body text on the signature's page {where[0]}"
        if note:
            assert any(w["text"].startswith("附件") for w in on_page), n
        if remark:  # the 附注 under the date, never a page of its own
            assert any("此件公开发布" in w["text"] for w in on_page), n
        seen_pages.add(where[0])
    assert seen_pages >= {1, 2}


def test_a_style_with_a_seal_places_the_signature_by_7_3_5_1(tmp_path):
    """signature.seal = true: the date 右空四字, the issuer centred over it (room for the seal)."""
    sheet = tmp_path / "sealed.toml"
    sheet.write_text('name = "sealed"\nextends = "gongwen"\n[signature]\nseal = true\n', encoding="utf-8")
    src = tmp_path / "sealed.txt"
    src.write_text("关于测试落款位置的通知\n\n　　本段正文用于测试落款位置。\n\n某市人民政府\n2024年3月15日\n",
                   encoding="utf-8")
    pdf = build(src, tmp_path / "out", ["pdf"], style=str(sheet)).outputs[0]
    char = load_style("gongwen").grid.char_pitch
    words = {w["text"]: w for _, ws in words_of(pdf) for w in ws}
    sig, day = words["某市人民政府"], words["2024年3月15日"]
    assert RIGHT_EDGE - day["x1"] == pytest.approx(4 * char, abs=0.5)
    assert (sig["x0"] + sig["x1"]) / 2 == pytest.approx((day["x0"] + day["x1"]) / 2, abs=0.5)


def test_the_seal_key_is_checked_by_the_style_layer(tmp_path):
    from converter.errors import StyleError

    sheet = tmp_path / "bad.toml"
    sheet.write_text('name = "bad"\nextends = "gongwen"\n[signature]\nseal = "yes"\n', encoding="utf-8")
    with pytest.raises(StyleError, match="signature.seal must be a bool"):
        load_style(str(sheet))
