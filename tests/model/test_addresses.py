"""Link addresses in the model (model/addresses.py): schemes that may be followed, and any
address written as a URI the schema takes."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from converter import model
from converter.model.addresses import as_uri, followable, scheme


def _valid(uri: str) -> bool:
    doc = model.new("document", version="1")
    doc.set(model.XML_LANG, "en")
    model.new("title", "t", doc)
    p = model.new("p", parent=model.new("body", parent=doc))
    model.new("link", "x", p, href=uri)
    return model.schema().validate(doc)


def test_schemes():
    assert [scheme(h) for h in ("HTTPS://x", "mailto:a@b", "#id", "rel/a.md", "foo):")] == \
        ["https", "mailto", None, None, None]
    assert all(followable(h) for h in ("https://x", "http://x", "mailto:a@b", "tel:+1", "#id", "a.md", ""))
    assert not any(followable(h) for h in ("javascript:alert(1)", "file:///etc/passwd", "vbscript:x", "data:,x"))


def test_addresses_commonmark_accepts_keep_pointing_where_they_did():
    assert as_uri("https://example.org/#/guide#install") == "https://example.org/#/guide%23install"
    assert as_uri("foo):") == "./foo):"
    assert as_uri("a b/ü.md") == "a%20b/%C3%BC.md"
    assert as_uri("https://x.org/100%") == "https://x.org/100%25"
    assert as_uri("http://[::1]:8080/a[1]") == "http://[::1]:8080/a%5B1%5D"
    assert as_uri("https://x.org/a%20b") == "https://x.org/a%20b"  # escapes already made are kept


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_any_address_becomes_a_valid_uri_or_is_refused(text):
    uri = as_uri(text)
    assert uri is None or _valid(uri)
