"""Model elements → XHTML elements (lxml), for the EPUB writer's content documents.

The translator appends what it renders to an XHTML parent: ``visit(model_el, xhtml_parent)``.
It knows nothing of packaging: where an element with an id lives, where an image is stored and
where warnings go are told to it through a ``Resources`` object (epub.py provides one).
Class names are the ones css.py styles.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import unquote, urlsplit

from lxml import etree

from ...model import child, children, line_of, tag_of
from ...model.outline import ends_title, title_block, words
from ...text.highlight import pieces as highlight_pieces
from ...model.visitor import Visitor
from ...text.scripts import em_width
from .parts import Parts

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {None: XHTML_NS, "epub": EPUB_NS}
EPUB_TYPE = f"{{{EPUB_NS}}}type"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def h(parent: etree._Element | None, tag: str, text: str | None = None, **attrs: str | None) -> etree._Element:
    """Make an XHTML element (appended to parent when given); ``class_`` is ``class``, None is left out."""
    attrs = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items() if v is not None}
    name = f"{{{XHTML_NS}}}{tag}"
    el = etree.Element(name, attrs, nsmap=NSMAP) if parent is None else etree.SubElement(parent, name, attrs)
    if text:
        el.text = text
    return el


def append_text(parent: etree._Element, text: str | None) -> None:
    """Add text at the end of an element's content (after its last child)."""
    if not text:
        return
    last = next(reversed(parent), None)  # (lxml's len() counts every child: a title of 500 lines)
    if last is not None:
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def document(title: str, lang: str, stylesheet: str) -> tuple[etree._Element, etree._Element]:
    """An empty XHTML content document: (html root, body)."""
    root = h(None, "html", lang=lang)
    root.set(f"{{{XML_NS}}}lang", lang)
    head = h(root, "head")
    h(head, "title", title)
    h(head, "link", rel="stylesheet", type="text/css", href=stylesheet)
    return root, h(root, "body")


def serialize(root: etree._Element) -> bytes:
    """XHTML bytes, not pretty-printed: whitespace between inline runs would show (a run-in
    heading and its paragraph must touch) and Chinese text takes no spaces."""
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


@dataclass
class Resources:
    """What the translator asks the packaging about."""

    #: model id → package path of the content document that holds it
    targets: dict[str, str]
    #: image src (as written in the model) → package path of the stored copy
    image: Callable[[str], str]
    #: where a lossy step is reported (a message, and the source line when known)
    warn: Callable[..., None]
    #: image src → its printed width in CSS pixels (model.images: the same size in every output)
    image_width: Callable[[str], int | None] = lambda src: None
    #: ids already used in the model (new ids the translator makes must not clash)
    taken: set[str] = field(default_factory=set)
    #: the side a line starts on: left, or top in vertical writing (for inline indents)
    start_side: str = "left"
    #: a title's lines, as every output breaks it (text/titles.py); None: one line
    title_lines: Callable[[etree._Element], list[str] | None] = lambda el: None
    #: the Pygments style of the code role (text.highlight); None: code is not highlighted
    highlight: str | None = None
    #: the file name of the source (a relative link to it is a link into the book)
    source_name: str = ""
    #: the package path of the book's first content document
    first_part: str = ""
    #: the document's 主送 is printed in the 版记, not under the title (layout.front)
    addressee_moves: bool = False
    #: the 版头 is a 信函's (the style's masthead.letter)
    letter: bool = False


#: <meta> and its children are not text: the packaging writes them into the package metadata
META = ("meta", "author", "subject", "keyword", "property")


class XhtmlTranslator(Parts, Visitor):
    """Renders model elements into XHTML; ``current`` is the package path being written."""

    rendered_elsewhere = {**{name: "converter.writers.epub.meta:new_book" for name in META},
                          "attendees": "visit_attendance"}

    def __init__(self, resources: Resources):
        self.res = resources
        self.current = ""
        self._notes: list[tuple[etree._Element, int, str, str]] = []  # pending: (note, number, id, ref id)
        self._note_count = 0
        #: the print page markers written so far: (page label, package path, id)
        self.pages: list[tuple[str, str, str]] = []
        #: relative links that name files outside the book: (href, source line)
        self.relative_links: list[tuple[str, int | None]] = []
        #: the 主送 met under the title that the 版记 prints (Parts.visit_colophon)
        self.moved: etree._Element | None = None

    # --- helpers ----------------------------------------------------------------------------

    def inlines(self, el: etree._Element, out: etree._Element) -> etree._Element:
        """Render an element's mixed content (text, inline children, tails) into ``out``."""
        append_text(out, el.text)
        for c in el:
            self.visit(c, out)
            append_text(out, c.tail)
        return out

    def blocks(self, el: etree._Element, out: etree._Element) -> etree._Element:
        """Render an element's block (or section) children into ``out``."""
        for c in children(el):
            self.visit(c, out)
        return out

    def href(self, path: str) -> str:
        """A package path as seen from the current document."""
        return posixpath.relpath(path, posixpath.dirname(self.current) or ".")

    def _new_id(self, base: str) -> str:
        ident, k = base, 1
        while ident in self.res.taken:
            k += 1
            ident = f"{base}-{k}"
        self.res.taken.add(ident)
        return ident

    # --- document and front matter -------------------------------------------------------------

    def visit_document(self, el, out):
        """The whole document into one body (the EPUB writer splits it itself when long)."""
        for c in children(el):
            if tag_of(c) != "meta":  # rendered_elsewhere
                self.visit(c, out)
        self.finish(out)

    def finish(self, body: etree._Element) -> None:
        """Complete a content document: its notes at its end, then no link left inside a link."""
        self.flush_notes(body)
        unnest_links(body)

    def visit_docnumber(self, el, out):
        self.inlines(el, h(out, "p", class_="docnumber"))

    def visit_title(self, el, out):
        heading = h(out, "h1", class_="title", id=el.get("id"))  # a `# Title` keeps its id
        lines = self.res.title_lines(el)
        if not lines:
            self.inlines(el, heading)
            self._title_block(el, out)
            return
        # a <br/> after each line but the last, counted in non-whitespace characters; children
        # (a print page marker) stay where they are
        ends, at = [], 0
        for line in lines[:-1]:
            at += len("".join(line.split()))
            ends.append(at)
        seen = 0

        def text_with_breaks(text: str | None) -> None:
            nonlocal seen
            text = text or ""
            start = 0  # the text up to each break is added at once (a title of a paragraph's length)
            for i, ch in enumerate(text):
                if not ch.isspace():
                    seen += 1
                    if ends and seen == ends[0]:
                        ends.pop(0)
                        append_text(heading, text[start:i + 1])
                        h(heading, "br")
                        start = i + 1
            append_text(heading, text[start:])

        text_with_breaks(el.text)
        for c in el:
            self.visit(c, heading)
            text_with_breaks(c.tail)
        self._title_block(el, out)

    def visit_subtitle(self, el, out):
        self.inlines(el, h(out, "p", class_="subtitle"))
        self._title_block(el, out)

    def _title_block(self, el, out) -> None:
        """The front matter's authors and date under the title (model.outline.title_block)."""
        if ends_title(el):
            for line in title_block(el.getroottree().getroot()).lines:
                h(out, "p", line, class_="byline")

    def visit_addressee(self, el, out):
        if self.res.addressee_moves and el.getparent() is el.getroottree().getroot():
            self.moved = el  # printed in the 版记 (parts.visit_colophon)
            return
        self.inlines(el, h(out, "p", class_="addressee"))

    def visit_body(self, el, out):
        self.blocks(el, out)

    # --- sections ------------------------------------------------------------------------

    def visit_section(self, el, out):
        """A <section> with an hN heading; a run-in heading shares a container with its first paragraph."""
        wrapper = h(out, "section", class_=f"level{el.get('level')}")
        rest = children(el)
        heading, rest = rest[0], rest[1:]
        if el.get("runin") in ("true", "1"):
            # The heading stays a heading (for navigation and assistive technology); CSS shows it
            # inline with the paragraph that follows, as the source prints it.
            runin = h(wrapper, "div", class_="runin")
            self.visit(heading, runin)
            if rest and tag_of(rest[0]) == "p":
                self.visit(rest[0], runin)
                rest = rest[1:]
        else:
            self.visit(heading, wrapper)
        for c in rest:
            self.visit(c, wrapper)

    def visit_heading(self, el, out):
        section = el.getparent()
        level = min(int(section.get("level", "1")), 6)
        self.inlines(el, h(out, f"h{level}", id=section.get("id")))

    # Elements that hold only text render it with inlines() too: a print page marker
    # (pages.py) may have split their text.

    def visit_number(self, el, out):
        """Numbering as written (一、 （一） 1.): part of the heading's text, marked for styling."""
        self.inlines(el, h(out, "span", class_="number"))

    def visit_lead(self, el, out):
        self.inlines(el, h(out, "span", class_="lead"))

    # --- blocks ------------------------------------------------------------------------------

    def visit_p(self, el, out):
        self.inlines(el, h(out, "p"))

    def visit_list(self, el, out):
        ordered = el.get("type") == "ordered"
        lst = h(out, "ol" if ordered else "ul", start=el.get("start") if ordered else None)
        self.blocks(el, lst)

    def visit_item(self, el, out):
        li = h(out, "li", class_="task" if el.get("checked") is not None else None)
        self.blocks(el, li)
        if el.get("checked") is not None:  # a task: its box, checked or not, before its words
            first = li[0] if len(li) and etree.QName(li[0]).localname == "p" else li
            box = h(None, "span", ("☒" if el.get("checked") in ("true", "1") else "☐") + " ", class_="taskbox")
            box.tail, first.text = first.text, None
            first.insert(0, box)

    def visit_deflist(self, el, out):
        self.blocks(el, h(out, "dl"))

    def visit_term(self, el, out):
        self.inlines(el, h(out, "dt"))

    def visit_definition(self, el, out):
        self.blocks(el, h(out, "dd"))

    def visit_quote(self, el, out):
        self.blocks(el, h(out, "blockquote"))

    def visit_codeblock(self, el, out):
        """<pre><code>; a language's tokens in spans coloured as the code role's highlight
        style says (text.highlight), the same colours as the PDF and the DOCX."""
        lang = el.get("lang")
        pre = h(out, "pre")
        code = h(pre, "code", class_=f"language-{lang}" if lang else None)
        # the code's text is el.text and the tails of the print page markers a page start put in
        # it (pages.py): highlighted as one, each marker put back at its place
        text, cuts = el.text or "", []
        for c in el:
            cuts.append((len(text), c))
            text += c.tail or ""
        at = 0
        for piece in highlight_pieces(text, lang, self.res.highlight):
            css = "; ".join(filter(None, [f"color: {piece.color}" if piece.color else None,
                                          "font-weight: bold" if piece.bold else None,
                                          "font-style: italic" if piece.italic else None]))
            end = at + len(piece.text)
            while True:
                cut = cuts[0][0] if cuts and cuts[0][0] < end else end
                if cut > at:
                    part = text[at:cut]
                    if css:
                        h(code, "span", style=css).text = part
                    else:
                        append_text(code, part)
                    at = cut
                if not cuts or cuts[0][0] >= end:
                    break
                self.visit(cuts.pop(0)[1], code)
        for _, marker in cuts:  # a page that starts at the code's very end
            self.visit(marker, code)

    def visit_rule(self, el, out):
        h(out, "hr")

    def visit_pagebreak(self, el, out):
        """A forced break: readers that paginate start a new page here (CSS break-before)."""
        h(out, "div", class_="pagebreak")

    def visit_table(self, el, out):
        self.blocks(el, h(out, "table", id=el.get("id")))

    def visit_caption(self, el, out):
        """<caption> in a table, <figcaption> in a figure."""
        tag = "figcaption" if tag_of(el.getparent()) == "figure" else "caption"
        self.inlines(el, h(out, tag))

    def visit_thead(self, el, out):
        group = h(out, "thead")
        for row in children(el):
            self.visit(row, group, True)

    def visit_tbody(self, el, out):
        group = h(out, "tbody")
        for row in children(el):
            self.visit(row, group, False)

    def visit_row(self, el, out, header: bool = False):
        tr = h(out, "tr")
        for cell in children(el):
            self.visit(cell, tr, header)

    def visit_cell(self, el, out, header: bool = False):
        align = el.get("align")
        cell = h(out, "th" if header else "td", scope="col" if header else None,
                 colspan=el.get("colspan"), rowspan=el.get("rowspan"),
                 class_=f"align-{align}" if align else None)
        self.inlines(el, cell)

    def visit_figure(self, el, out):
        self.blocks(el, h(out, "figure", id=el.get("id")))

    def visit_image(self, el, out):
        """An <img> of the copy stored in the book; a picture that cannot be used, its alt text
        in a frame (the build has warned)."""
        stored = self.res.image(el.get("src"))
        if stored is None:
            h(out, "span", el.get("alt") or el.get("src") or "", class_="missing-image")
            return
        src = self.href(stored)
        width = self.res.image_width(el.get("src"))
        h(out, "img", src=src, alt=el.get("alt") or "", title=el.get("title"),
          width=str(width) if width is not None else None)

    # --- inlines ---------------------------------------------------------------------------

    def visit_em(self, el, out):
        self.inlines(el, h(out, "em"))

    def visit_strong(self, el, out):
        self.inlines(el, h(out, "strong"))

    def visit_code(self, el, out):
        self.inlines(el, h(out, "code"))

    def visit_br(self, el, out):
        h(out, "br")

    def visit_strike(self, el, out):
        self.inlines(el, h(out, "del"))

    def visit_sub(self, el, out):
        self.inlines(el, h(out, "sub"))

    def visit_sup(self, el, out):
        self.inlines(el, h(out, "sup"))

    def visit_math(self, el, out):
        """TeX source, set as code (the declared fallback: no formula typesetting)."""
        self.inlines(el, h(out, "code", class_="math" + (" display" if el.get("display") == "block" else "")))

    def visit_link(self, el, out):
        """<a href>; a link into the document points to the file that holds its target."""
        target = self._link_target(el.get("href", ""), el)
        if target is None:
            self.inlines(el, h(out, "span", class_="link"))
        else:
            self.inlines(el, h(out, "a", href=target, title=el.get("title")))

    def _link_target(self, href: str, el: etree._Element | None = None) -> str | None:
        if href.startswith("#"):
            path = self.res.targets.get(href[1:])
            if path is None:
                self.res.warn(f"link to {href}: no element has this id; kept as text")
                return None
            return href if path == self.current else self.href(path) + href
        parts = urlsplit(href)
        if parts.scheme:
            return href
        if not parts.netloc and self._names_this_document(parts.path):
            # a relative link to the document itself (README.md#usage): a place in the book
            return self._link_target("#" + parts.fragment, el) if parts.fragment else self.href(self.res.first_part)
        # a relative reference would name a file that is not in the book (epubcheck RSC-007):
        # its words stay, as text; one warning for the document (finish)
        self.relative_links.append((href, line_of(el) if el is not None else None))
        return None

    def _names_this_document(self, path: str) -> bool:
        """Whether a relative path names the source this book is made of (or is empty)."""
        if not path:
            return True
        name = posixpath.normpath(unquote(path))
        return bool(self.res.source_name) and name in (self.res.source_name, f"./{self.res.source_name}")

    def report_relative_links(self) -> None:
        """Say, once for the document, which relative links could not stay links."""
        if self.relative_links:
            href, line = self.relative_links[0]
            n = len(self.relative_links)
            self.res.warn(f"{n} link(s) to files outside the book kept as text in the EPUB, the first to {href!r}",
                          line)

    def visit_footnote(self, el, out):
        """A note reference here; the note itself is an <aside> at the end of this file."""
        self._note_count += 1
        n = self._note_count
        note_id = el.get("id") or self._new_id(f"fn-{n}")
        ref_id = self._new_id(f"{note_id}-ref")
        a = h(out, "a", str(n), href=f"#{note_id}", id=ref_id, class_="noteref", role="doc-noteref")
        a.set(EPUB_TYPE, "noteref")
        self._notes.append((el, n, note_id, ref_id))

    def flush_notes(self, out: etree._Element) -> None:
        """Render the notes referenced so far (notes inside notes too) as asides into ``out``."""
        while self._notes:
            note, n, note_id, ref_id = self._notes.pop(0)
            aside = h(out, "aside", id=note_id, class_="footnote", role="doc-footnote")
            aside.set(EPUB_TYPE, "footnote")
            self.blocks(note, aside)
            back = etree.Element(f"{{{XHTML_NS}}}a", {"href": f"#{ref_id}", "class": "backlink",
                                                       "role": "doc-backlink"})
            back.text = f"{n}."  # "1. Some note", as the PDF prints it: not "1Some" in a reader's text
            first = aside[0] if len(aside) else None
            if first is not None and etree.QName(first).localname == "p":
                back.tail, first.text = " " + (first.text or ""), None
                first.insert(0, back)
            else:
                p = h(None, "p")
                p.append(back)
                aside.insert(0, p)

    # --- closing -----------------------------------------------------------------------------

    def visit_closing(self, el, out):
        self.blocks(el, h(out, "div", class_="closing"))

    def visit_attachments(self, el, out):
        """附件：1. … with the following attachments aligned under the first one's number."""
        box = h(out, "div", class_="attachments")
        label = child(el, "label")
        width = _em_width(label.text or "") if label is not None else 0
        for i, att in enumerate(a for a in children(el) if tag_of(a) == "attachment"):
            self.visit(att, box, label if i == 0 else None, 0 if i == 0 else width)

    def visit_label(self, el, out):
        self.inlines(el, h(out, "span", class_="label"))

    def visit_attachment(self, el, out, label: etree._Element | None = None, indent: float = 0):
        """One attachment line; the first carries the label, the others are indented by its width."""
        p = h(out, "p", class_="attachment",
              style=f"padding-{self.res.start_side}: {indent:g}em" if indent else None)
        if label is not None:
            self.visit(label, p)
        self.inlines(el, p)

    def visit_signature(self, el, out):
        self.blocks(el, h(out, "div", class_="signature"))

    def visit_issuer(self, el, out):
        self.inlines(el, h(out, "p", class_="signature"))

    def visit_date(self, el, out):
        """The signature's date as written, with its ISO value for machines."""
        p = h(out, "p", class_="date")
        value = el.get("value", "")
        self.inlines(el, h(p, "time", datetime=value) if _ISO_DATE.match(value) else p)

    def visit_remark(self, el, out):
        self.inlines(el, h(out, "p", class_="remark"))

    # --- print page markers (not model elements: pages.py puts them in a copy) -----------

    def visit_printpage(self, el, out):
        """Where a page of the print edition begins: an empty span the page list points to."""
        n = el.get("n")
        ident = self._new_id(f"page-{n}")
        span = h(out, "span", id=ident, role="doc-pagebreak", aria_label=n)
        span.set(EPUB_TYPE, "pagebreak")
        self.pages.append((n, self.current, ident))


def unnest_links(root: etree._Element) -> None:
    """Take every <a> out of an enclosing <a> (a note or link inside a link: invalid XHTML),
    splitting the outer one around it so that the text keeps its order and its link."""
    anchor = f"{{{XHTML_NS}}}a"
    while True:
        inner = next((a for a in root.iter(anchor) if any(p.tag == anchor for p in a.iterancestors())), None)
        if inner is None:
            return
        outermost = [p for p in inner.iterancestors() if p.tag == anchor][-1]
        stop = outermost.getparent()
        while inner.getparent() is not stop:
            _split_parent_at(inner)


def _split_parent_at(node: etree._Element) -> None:
    """<p>a<N/>b</p> → <p>a</p><N/><p>b</p>: move node up one level, splitting its parent."""
    parent = node.getparent()
    right = etree.Element(parent.tag, {k: v for k, v in parent.attrib.items() if k != "id"})
    right.text, node.tail = node.tail, None
    for sibling in list(node.itersiblings()):
        right.append(sibling)  # moves it, with its tail
    tail, parent.tail = parent.tail, None
    parent.addnext(node)
    if right.text or len(right):
        node.addnext(right)
        right.tail = tail
    else:
        node.tail = tail
    if not parent.text and not len(parent):
        parent.getparent().remove(parent)


_em_width = em_width  # approximate width of a label in em: full-width characters 1, others ½


def text_of(el: etree._Element) -> str:
    """An element's words without its footnotes (for titles and navigation labels)."""
    return " ".join(words(el).split())
