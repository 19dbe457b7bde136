"""Source decoding: encodings, line ends, indentation, and refusing what is not text."""
from __future__ import annotations

import codecs

import pytest

from converter import model
from converter.errors import ConverterError, InputError, collecting
from converter.pipeline import build, read
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
], ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le-bom", "utf-16-be-bom"])
def test_encodings_give_the_same_text(tmp_path, data):
    with collecting() as found:
        assert read_text(write(tmp_path, data)) == REPORT
    assert found == []  # UTF-8 and a BOM are certain: nothing to warn about


def read_guessed(path):
    """The text of a file whose encoding is guessed, and the one warning that says which."""
    with collecting() as found:
        text = read_text(path)
    assert len(found) == 1 and found[0].level == "warning", found
    assert found[0].file == str(path)
    return text, found[0]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb_text_is_decoded_with_a_warning(tmp_path, encoding):
    path = write(tmp_path, REPORT.encode(encoding))
    text, warning = read_guessed(path)
    assert text == REPORT
    assert "decoded as GB18030" in warning.message and warning.line == 1


def test_gbk_starting_with_a_pair_that_is_also_utf8(tmp_path):
    # 一 in GBK is D2 BB, which is also a well-formed UTF-8 sequence (U+04BB)
    text = "一、总体情况\n全年受理1,032件。\n"
    assert text.encode("gbk")[:2] == b"\xd2\xbb"
    assert read_guessed(write(tmp_path, text.encode("gbk")))[0] == text


def test_gb18030_characters_outside_gbk(tmp_path):
    text = "标题\n𠀀字与€符号。\n"
    assert read_guessed(write(tmp_path, text.encode("gb18030")))[0] == text


@pytest.mark.parametrize("text, encoding, label", [
    ("Début Report\n", "cp1252", "Windows-1252"),  # GB18030 would read D閎ut Report
    ("Über die Größe der Straße\nThe café served crème brûlée.\n", "cp1252", "Windows-1252"),
    ("某市人民政府工作報告\n一、總體情況。\n", "big5", "Big5"),
    ("日本語のテキストです。\nこんにちは。\n", "shift_jis", "Shift_JIS"),
    ("Привет мир, это тест.\n", "cp1251", "Windows-1251"),
], ids=["cp1252-short", "cp1252", "big5", "shift-jis", "cp1251"])
def test_other_legacy_encodings_are_not_taken_for_gb18030(tmp_path, text, encoding, label):
    decoded, warning = read_guessed(write(tmp_path, text.encode(encoding)))
    assert decoded == text
    assert f"decoded as {label}" in warning.message


def test_a_guessed_encoding_fails_a_strict_build(tmp_path):
    path = write(tmp_path, "Début Report\n\nThe café opened.\n".encode("cp1252"))
    result = build(path, tmp_path / "out", ["xml"])
    assert [d.message for d in result.diagnostics if "Windows-1252" in d.message]
    with pytest.raises(ConverterError, match="--strict.*Windows-1252") as info:
        build(path, tmp_path / "strict", ["xml"], strict=True)
    assert info.value.file == str(path) and info.value.line == 1
    assert not (tmp_path / "strict" / "report.xml").exists()


def test_bytes_no_encoding_fits_are_an_error(tmp_path):
    path = write(tmp_path, b"Title\n" + bytes(range(0x80, 0x100)) * 3)
    with pytest.raises(InputError, match="cannot decode") as info:
        read_text(path)
    assert info.value.line == 2


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


def test_latin1_is_read_as_windows_1252_with_the_line_of_the_first_guess(tmp_path):
    text, warning = read_guessed(write(tmp_path, b"Title\ncaf\xe9 au lait\n"))
    assert text == "Title\ncafé au lait\n"
    assert "Windows-1252" in warning.message and warning.line == 2


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
    path = write(tmp_path, b"title\n" + bytes(range(0x80, 0x100)) * 3, name="bad.txt")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.file == str(path)
    assert info.value.line == 2
