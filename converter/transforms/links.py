"""Links to ``#id``: each must name an element of the document, or it becomes its text.

Runs after ``ids`` (which gives sections and notes the ids links may name). A link to an id no
element has is a warning naming its line (where the reader recorded one) and is printed as
text, its words kept in place: no writer ever meets a target it cannot resolve.
"""
from __future__ import annotations

from urllib.parse import unquote

from lxml import etree

from ..errors import warn
from ..model import q

def check_internal_links(doc: etree._Element) -> None:
    """Resolve ``#id`` links (%-escapes decoded: ``#caf%C3%A9`` names ``café``); unwrap the rest."""
    ids = {el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}
    for link in list(doc.iter(q("link"))):
        href = link.get("href", "")
        if not href.startswith("#"):
            continue
        target = unquote(href[1:])
        if target in ids:
            link.set("href", "#" + target)
            continue
        warn(f"link to {href}: no heading or note has the id {target!r}; printed as text", link.sourceline)
        unwrap(link)


def unwrap(el: etree._Element) -> None:
    """Replace an element by its content (text and children), keeping its tail."""
    parent = el.getparent()
    prev = el.getprevious()
    text = (el.text or "")
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    index = parent.index(el)
    kids = list(el)
    for k, c in enumerate(kids):
        parent.insert(index + k, c)
    last = kids[-1] if kids else parent[index - 1] if index > 0 else None
    tail = el.tail or ""
    parent.remove(el)
    if last is not None:
        last.tail = (last.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


#: after ids (100), which give sections and notes the ids links name
check_internal_links.priority = 200
