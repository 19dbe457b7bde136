"""Source decoding: encodings, line ends, indentation, and refusing what is not text."""
from __future__ import annotations

import codecs

import pytest

from converter import model
from converter.errors import InputError
from converter.pipeline import read
from converter.readers import decode as decode_module
from converter.readers.decode import read_text
from converter.readers.text import parse_report

REPORT = "某市人民政府工作报告\n　　一、总体情况。全年受理1,032件，增长6.8%。\n"


def write(tmp_path, data: bytes, name: str = "report.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data", [
    REPORT.encode("utf-8"),
    codecs.BOM_UTF8 + REPORT.encode("utf-8"),
    REPORT.encode("utf-16"),  # with the platform's BOM
    codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"),
    REPORT.encode("gb18030"),
    REPORT.encode("gbk"),
], ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "gb18030", "gbk"])
def test_encodings_give_the_same_text(tmp_path, data):
    assert read_text(write(tmp_path, data)) == REPORT


def test_gbk_starting_with_a_pair_that_is_also_utf8(tmp_path):
    # 一 in GBK is D2 BB, which is also a well-formed UTF-8 sequence (U+04BB)
    text = "一、总体情况\n全年受理1,032件。\n"
    assert text.encode("gbk")[:2] == b"\xd2\xbb"
    assert read_text(write(tmp_path, text.encode("gbk"))) == text


def test_gb18030_characters_outside_gbk(tmp_path):
    text = "标题\n𠀀字与€符号。\n"
    assert read_text(write(tmp_path, text.encode("gb18030"))) == text


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_line_ends_become_newlines(tmp_path, newline):
    data = REPORT.replace("\n", newline).encode("utf-8")
    assert read_text(write(tmp_path, data)) == REPORT


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_ends_in_memory_are_normalized_too(newline):
    doc = parse_report("标题\n一、总体情况\n正文。\n".replace("\n", newline))
    sections = doc.findall(model.q("body") + "/" + model.q("section"))
    assert len(sections) == 1
    assert model.plain_text(sections[0]) == "一、总体情况正文。"


def test_form_feed_is_a_line_end(tmp_path):
    text = read_text(write(tmp_path, "标题\f一、总体情况\n".encode("utf-8")))
    assert text == "标题\n一、总体情况\n"


def test_full_width_space_indentation_is_not_content(tmp_path):
    path = write(tmp_path, "标题\n\u3000\u3000第一段正文。  \n  \t第二段正文。\u3000\n".encode("utf-8"))
    paragraphs = [p.text for p in read(path).iter(model.q("p"))]
    assert paragraphs == ["第一段正文。", "第二段正文。"]


def test_undecodable_bytes_name_the_offset(tmp_path):
    data = "标题\n第二行正文，".encode("utf-8") + b"\xff\xfe" + "其余。\n".encode("utf-8")
    path = write(tmp_path, data)
    with pytest.raises(InputError) as info:
        read_text(path)
    err = info.value
    offset = len("标题\n第二行正文，".encode("utf-8"))
    assert f"byte offset {offset}" in err.message
    assert err.file == str(path)
    assert err.line == 2
    assert str(err).startswith(f"{path}:2: ")


def test_undecodable_after_a_bom_counts_the_bom(tmp_path):
    data = codecs.BOM_UTF8 + "标题\n".encode("utf-8") + b"\xc3"
    with pytest.raises(InputError) as info:
        read_text(write(tmp_path, data))
    assert f"byte offset {len(data) - 1}" in info.value.message
    assert info.value.line == 2


def test_undecodable_utf16_reports_its_line(tmp_path):
    # 上 is U+4E0A: its UTF-16 bytes contain 0x0A, which is not a line end
    data = "上上\n上\n".encode("utf-16-le")
    data = codecs.BOM_UTF16_LE + data + b"\x00\xd8"  # a lone high surrogate
    with pytest.raises(InputError) as info:
        read_text(write(tmp_path, data))
    assert f"byte offset {len(data) - 2}" in info.value.message
    assert info.value.line == 3


def test_neither_utf8_nor_gb18030(tmp_path):
    data = b"Title\ncaf\xe9 au lait\n"  # Latin-1
    with pytest.raises(InputError) as info:
        read_text(write(tmp_path, data))
    assert "byte offset 9" in info.value.message
    assert info.value.line == 2


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\r\n", "\u3000\u3000\n".encode("utf-8"), codecs.BOM_UTF8],
                         ids=["empty", "blanks", "full-width-spaces", "bom-only"])
def test_empty_or_whitespace_only_is_an_error(tmp_path, data):
    path = write(tmp_path, data)
    with pytest.raises(InputError, match="empty") as info:
        read_text(path)
    assert info.value.file == str(path)


def test_whitespace_only_text_in_memory_is_an_error():
    with pytest.raises(InputError):
        parse_report(" \n\u3000\n")


def test_binary_file_with_nul_bytes(tmp_path):
    path = write(tmp_path, b"PK\x03\x04\n\x00\x00binary")
    with pytest.raises(InputError, match="NUL byte at offset 5") as info:
        read_text(path)
    assert info.value.file == str(path)
    assert info.value.line == 2


def test_control_characters_are_refused(tmp_path):
    path = write(tmp_path, "标题\n正文\x1b[0m。\n".encode("utf-8"))
    with pytest.raises(InputError, match="U\\+001B") as info:
        read_text(path)
    assert info.value.line == 2


def test_too_large_file(tmp_path, monkeypatch):
    monkeypatch.setattr(decode_module, "MAX_SOURCE_BYTES", 100)
    path = write(tmp_path, ("很长的正文。" * 20).encode("utf-8"))
    with pytest.raises(InputError, match="limit is 100") as info:
        read_text(path)
    assert info.value.file == str(path)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_text(tmp_path / "absent.txt")


def test_pipeline_reports_the_file(tmp_path):
    path = write(tmp_path, b"title\n\x81\x20", name="bad.txt")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.file == str(path)
    assert info.value.line == 2
