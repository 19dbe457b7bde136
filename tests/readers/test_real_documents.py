"""Real official documents (tests/readers/real/, issue 11): the structure the reader finds,
field by field, against what a person reads in them (NAME.expected.json).

The accuracy per field is printed; the test fails below 95 % of fields right overall or
below 90 % for any one field. Every real document also keeps every character.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from converter import model
from converter.model import q
from converter.model.outline import heading_text, number_text, outline
from converter.pipeline import read
from converter.readers.decode import read_text
from helpers import nonspace

REAL = Path(__file__).parent / "real"
DOCUMENTS = sorted(REAL.glob("*.txt"))
FIELDS = ["title", "docnumber", "copy_number", "secrecy", "urgency", "issuing_mark", "signers", "addressee",
          "headings", "attachments", "signature", "cc", "printer", "attachment_bodies", "enclosures", "tables",
          "record", "articles"]
#: the numbers of regulations' parts: 第一编, 第一章, 第一节, 第一条
REGULATION = re.compile(r"^第[一二三四五六七八九十百零〇]+[编章节条]$")
OVERALL = 0.95
PER_FIELD = 0.90


def headings(sections: list[dict]) -> list[list]:
    """The outline's sections flattened as [level, number, heading]."""
    out = []
    for s in sections:
        out.append([s["level"], s["number"], s["heading"]])
        out.extend(headings(s["sections"]))
    return out


def articles(doc) -> list[list]:
    """The 章 / 节 / 条 sections of every part (body, attachment bodies, enclosed documents), in
    order, as [level, number, caption] (caption "" for an article that has none)."""
    return [[int(sec.get("level")), number_text(head), heading_text(head)]
            for sec in doc.iter(q("section"))
            if REGULATION.match(number_text(head := sec.find(q("heading"))))]


def found(path: Path) -> dict:
    """What the reader found, in the shape of an expected file."""
    doc = read(path)
    out = outline(doc)
    out["headings"] = headings(out.pop("sections"))
    out["articles"] = articles(doc)
    return out


def score() -> tuple[dict[str, list[bool]], list[str]]:
    results: dict[str, list[bool]] = {f: [] for f in FIELDS}
    wrong: list[str] = []
    for path in DOCUMENTS:
        expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8"))
        got = found(path)
        for field in FIELDS:
            ok = got[field] == expected[field]
            results[field].append(ok)
            if not ok:
                wrong.append(f"{path.stem}: {field}: expected {expected[field]!r}, found {got[field]!r}")
    return results, wrong


@pytest.mark.skipif(not DOCUMENTS, reason="no real documents in tests/readers/real/")
def test_real_documents_structure_accuracy(capsys):
    results, wrong = score()
    total = sum(len(v) for v in results.values())
    right = sum(sum(v) for v in results.values())
    with capsys.disabled():  # the accuracy is shown on every run, not only when the test fails
        print(f"\nreal documents: {len(DOCUMENTS)}; fields right {right}/{total} = {right / total:.1%}")
        for field, oks in results.items():
            print(f"  {field:18} {sum(oks):3}/{len(oks)} = {sum(oks) / len(oks):.0%}")
        for line in wrong:
            print("  wrong:", line[:400])
    assert right / total >= OVERALL, f"{right / total:.1%} of fields right (at least {OVERALL:.0%} needed)"
    weak = {f: sum(v) / len(v) for f, v in results.items() if sum(v) / len(v) < PER_FIELD}
    assert not weak, f"fields below {PER_FIELD:.0%}: {weak}"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_real_document_keeps_every_character(path):
    doc = read(path)
    assert nonspace(model.plain_text(doc)) == nonspace(read_text(path))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_a_real_document_in_another_encoding_and_crlf_reads_the_same(tmp_path, encoding):
    """Word's and Notepad's ways of saving the same paste: a BOM, GB18030, UTF-16, CRLF."""
    src = REAL / "gov-2018-notice-holidays.txt"
    if not src.is_file():
        pytest.skip("real documents absent")
    other = tmp_path / src.name
    other.write_bytes(src.read_text(encoding="utf-8").replace("\n", "\r\n").encode(encoding))
    assert found(other) == found(src)
