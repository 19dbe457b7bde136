"""Link addresses in the model: which schemes may be followed, and writing any address a
source accepts as a URI the schema (xsd:anyURI, as libxml2 checks it) and every viewer accept."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

#: schemes a link may use; an address without a scheme (relative, ``#id``) is always allowed
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# RFC 3986 reserved and unreserved characters, and '%' (escapes already made are kept)
_URI_CHARS = ":/?#[]@!$&'()*+,;=-._~%"
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def scheme(href: str) -> str | None:
    """The address's scheme, lowercased (``https``), or None for a relative address."""
    m = _SCHEME.match(href)
    return m.group(1).lower() if m else None


def followable(href: str) -> bool:
    """Whether a link to this address may stay a link (its scheme is allowed or it has none)."""
    s = scheme(href)
    return s is None or s in ALLOWED_SCHEMES


def as_uri(href: str) -> str | None:
    """The address written so that the schema takes it, pointing where it pointed; None if
    that cannot be done.

    Characters a URI cannot hold are %-encoded (UTF-8), a second ``#`` becomes ``%23``, a ``%``
    that starts no escape becomes ``%25``, brackets outside the host are encoded, and a relative
    address whose first segment holds a colon (``foo):``) gets ``./`` so it is not read as a scheme.
    """
    uri = _BAD_ESCAPE.sub("%25", quote(href, safe=_URI_CHARS))
    base, hash_, fragment = uri.partition("#")
    uri = base + hash_ + fragment.replace("#", "%23")
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*:)?(//[^/?#]*)?(.*)", uri, re.S)
    head, authority, rest = m.group(1) or "", m.group(2) or "", m.group(3)
    uri = head + authority + rest.replace("[", "%5B").replace("]", "%5D")
    if not head and not authority and ":" in re.split(r"[/?#]", rest, maxsplit=1)[0]:
        uri = "./" + uri
    return uri if _schema_takes(uri) else None


def _schema_takes(uri: str) -> bool:
    """Whether libxml2 takes the address as an xsd:anyURI (the check the model's schema makes)."""
    from lxml import etree

    el = etree.Element("u")
    el.set("href", uri)
    return _any_uri_schema().validate(el)


@lru_cache(maxsize=1)
def _any_uri_schema():
    from lxml import etree

    return etree.RelaxNG(etree.fromstring(
        b'<element name="u" xmlns="http://relaxng.org/ns/structure/1.0" '
        b'datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">'
        b'<attribute name="href"><data type="anyURI"/></attribute></element>'))
