"""A visitor over model elements that refuses elements it does not know (docutils' contract)."""
from __future__ import annotations

from typing import Any

from lxml import etree

from . import tag_of


class UnknownElement(NotImplementedError):
    pass


class Visitor:
    """Dispatches an element to ``visit_<localname>`` (``-`` becomes ``_``); unknown tags raise."""

    def visit(self, el: etree._Element, *args: Any, **kwargs: Any) -> Any:
        name = tag_of(el)
        if not name:  # comments, processing instructions
            return None
        method = getattr(self, "visit_" + name.replace("-", "_"), None)
        if method is None:
            raise UnknownElement(f"{type(self).__name__} cannot render <{name}>")
        return method(el, *args, **kwargs)

    @classmethod
    def handled(cls) -> set[str]:
        """Local names this visitor renders (for the 'every writer renders every element' test);
        ``visit_copy_number`` renders <copy-number> (element names have hyphens, never ``_``)."""
        return {n[len("visit_"):].replace("_", "-") for n in dir(cls) if n.startswith("visit_") and n != "visit"}
