"""The pipeline's own messages: a character no font has is named with the source line the
reader recorded for it, or with no line when the source has none (a .docx)."""
from __future__ import annotations

import docx  # python-docx: a Word document as Word would save it
import pytest

from converter.cli import main
from converter.errors import MissingGlyphsError
from converter.pipeline import build

RARE = "\U000e01ff"  # a variation selector no font draws


def test_a_markdown_source_names_the_line_of_the_character(tmp_path, capsys):
    src = tmp_path / "rare.md"
    # front matter and a fenced block before it: the line is the source's, not a count of blocks
    src.write_text(f"---\ntitle: 标题\n---\n\n```\ncode\n```\n\n正文一段。\n\n另一段 {RARE} 在此。\n", encoding="utf-8")
    with pytest.raises(MissingGlyphsError) as err:
        build(src, tmp_path / "out", formats=["pdf"])
    assert err.value.line == 11
    assert main(["build", str(src), "-o", str(tmp_path / "o"), "--to", "pdf"]) == 1
    assert f"{src}:11: " in capsys.readouterr().err


def test_a_docx_source_names_no_line(tmp_path, capsys):
    src = tmp_path / "rare.docx"
    d = docx.Document()
    for text in ("某市关于开展检查的通知", "各区人民政府：", "正文第一段。", f"正文 {RARE} 第二段。"):
        d.add_paragraph(text)
    d.save(str(src))
    with pytest.raises(MissingGlyphsError) as err:
        build(src, tmp_path / "out", formats=["pdf"])
    assert err.value.line is None  # a .docx has no lines: none rather than a wrong one
    assert main(["build", str(src), "-o", str(tmp_path / "o"), "--to", "pdf"]) == 1
    message = capsys.readouterr().err
    assert f"{src}: " in message and "U+E01FF" in message and f"{src}:4" not in message


def test_a_hard_wrapped_paragraph_names_the_line_of_the_character_not_of_the_paragraph(tmp_path):
    src = tmp_path / "rare.txt"  # English: the two lines are one paragraph from line 3
    src.write_text(f"Title\n\nA line that wraps\nonto a second one with {RARE} in it.\n", encoding="gb18030")
    with pytest.raises(MissingGlyphsError) as err:
        build(src, tmp_path / "out", formats=["pdf"])
    assert err.value.line == 4
