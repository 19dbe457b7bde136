"""What the reading layer hands on: paragraphs of marked text and objects, and ready blocks.

A paragraph is a list of ``Span`` (text with the emphasis and link it is shown with) and
``Obj`` (a model element that carries no text of the line: a line break, a footnote, an inline
picture). Blocks the structure rules do not look into (tables, figures, lists, page breaks)
come as ``Block``, already model elements.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ... import model
from ...model import new


@dataclass(frozen=True)
class Marks:
    strong: bool = False
    em: bool = False
    href: str | None = None
    code: bool = False


PLAIN = Marks()


@dataclass
class Span:
    text: str
    marks: Marks = PLAIN


@dataclass
class Obj:
    element: etree._Element


@dataclass
class Para:
    items: list[Span | Obj] = field(default_factory=list)
    heading: int | None = None  # a level Word gives (Heading N style, outline level)
    title: bool = False
    subtitle: bool = False
    caption: bool = False
    numbering: str = ""  # the text automatic numbering shows before the paragraph, gap included
    bullet: bool = False
    ordered_list: bool = False  # numbered as a list (a List Number style), not as 公文 numbering
    list_level: int = 0
    list_id: str = ""
    list_value: int = 1  # the number its list counter shows
    kind: str = "para"  # para, quote, code, rule or toc: what its style makes it
    align: str | None = None
    joins_next: bool = False  # its paragraph mark is hidden: the next paragraph runs on in it

    def text(self) -> str:
        return self.numbering + "".join(i.text for i in self.items if isinstance(i, Span))

    def is_empty(self) -> bool:
        """Nothing shown: no text, and no object but line breaks (a line left blank with Shift+Enter)."""
        return not self.text().strip() and not any(isinstance(i, Obj) and etree.QName(i.element).localname != "br"
                                                   for i in self.items)


@dataclass
class Block:
    element: etree._Element


Item = Para | Block


def fill(el: etree._Element, items: list[Span | Obj], numbering: str = "") -> etree._Element:
    """Write spans and objects into el as mixed content (link ⊃ strong ⊃ em)."""
    if numbering:
        model.append_text(el, numbering)
    runs: list[tuple[Marks, str] | Obj] = []
    for item in items:
        if isinstance(item, Obj):
            runs.append(item)
            continue
        marks = item.marks
        if not item.text.strip() and runs and isinstance(runs[-1], tuple):
            marks = runs[-1][0]  # spaces between two emphasised words stay inside the emphasis
        if runs and isinstance(runs[-1], tuple) and runs[-1][0] == marks:
            runs[-1] = (marks, runs[-1][1] + item.text)
        else:
            runs.append((marks, item.text))
    for run in runs:
        if isinstance(run, Obj):
            el.append(run.element)
        else:
            append_marked(el, run[1], run[0])
    return el


def append_marked(el: etree._Element, text: str, marks: Marks) -> None:
    """Append text to el, wrapped in the elements its marks ask for."""
    if not text:
        return
    target = el
    if marks.href is not None:
        target = new("link", parent=target, href=marks.href)
    if marks.strong:
        target = new("strong", parent=target)
    if marks.em:
        target = new("em", parent=target)
    if marks.code:
        target = new("code", parent=target)
    if target is el:
        model.append_text(el, text)
    else:
        target.text = text
