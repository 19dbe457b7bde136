"""The links transform: whatever reader made the model, no writer meets a link it must not follow."""
from converter import model
from converter.pipeline import read

from helpers import canonical_xml


def test_a_link_with_a_scheme_not_allowed_is_text_with_a_warning_at_its_line(tmp_path):
    src = canonical_xml(tmp_path, '<p>one <link href="javascript:alert(1)">click</link> two</p>\n'
                         '<p><link href="https://example.org/">kept</link> <link href="FILE:///etc/passwd">local</link></p>')
    found = []
    doc = read(src, found)
    hrefs = [link.get("href") for link in doc.iter(model.q("link"))]
    assert hrefs == ["https://example.org/"]
    assert "one click two" in model.plain_text(doc) and "local" in model.plain_text(doc)
    messages = [(d.line, d.message) for d in found]
    assert any(line == 4 and "javascript:" in m for line, m in messages), messages
    assert any(line == 5 and "file:" in m for line, m in messages), messages
