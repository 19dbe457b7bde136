"""From the paragraphs of a Word document to the canonical model, with the plain-text rules.

The structure of a 公文 (title, 文号, addressee, numbered headings, leads, the closing …) is
found by the plain-text reader's rules (converter.readers.text.parse_report), one paragraph per
line, so that a .docx and the same text pasted into a .txt get the same structure. What the text
cannot carry goes round the rules and is put back after them:

- emphasis and links: remembered per character (by its place among the text's non-space
  characters, which the rules keep in order) and re-applied to the model's text;
- line breaks, footnotes and inline pictures: private-use placeholder characters in the lines,
  replaced by their elements afterwards;
- tables, figures, lists and page breaks: not given to the rules; each is put back after the
  model element that holds the last character before it;
- what Word says itself: a paragraph in a Heading N style or with an outline level that the
  rules left a plain paragraph becomes a heading of that level.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ... import model
from ...model import new, q, tag_of
from ...model.outline import own_title
from ..report_patterns import detect_lang, match_numbering
from ..text import parse_report
from ..text.front import TITLE_LINE, TITLE_LINES
from ..text.lines import ends_sentence
from ..text.shapes import ANNEX_LABEL, TEXT_OBJECTS, date_of
from .content import PLAIN, Block, Item, Marks, Obj, Para, Span, append_marked, fill

#: placeholders for objects inside lines, from Unicode's supplementary private use areas, which
#: no document text is in: notes and pictures from area A (the rules' TEXT_OBJECTS: a line
#: carrying one is never a name, which holds text only); line breaks, which a name may lose
#: (a break is a space there), and blocks, which get lines of their own, from area B
_PUA = ord(TEXT_OBJECTS[0])
_BREAK_PUA = 0x108000
_BLOCK_PUA = 0x100000
#: holders whose content is text only (the schema allows no elements in them)
_TEXT_ONLY = {"number", "lead", "issuer", "date", "label", "code", "copy-number", "secrecy", "urgency", "mark",
              "signer", "value", "byline"}
#: holders that print in a role of their own: emphasis over all of them is that role's, not the text's
_ROLE_HOLDERS = {"title", "subtitle", "docnumber", "addressee", "heading", "attachment", "remark", "cc"}
_INLINE_HOLDERS = {"p", "title", "subtitle", "docnumber", "addressee", "heading", "attachment", "remark", "attendees",
                   "caption", "cell", "cc"}
#: elements whose content is a flow of blocks (where a table or figure can go)
_FLOWS = {"body", "section", "annex"}
#: the parts before a body: a block after their text goes at the start of that body
_FRONT = {"masthead", "docnumber", "title", "subtitle", "record", "byline", "addressee"}


@dataclass
class _Hint:
    start: int  # first non-space character of the paragraph
    end: int  # one past its last
    level: int


@dataclass
class _TextNode:
    owner: etree._Element
    which: str  # "text" or "tail"
    start: int  # index of its first non-space character
    holder: etree._Element  # the element the text belongs to (the owner, or the owner's parent for a tail)
    ink: int  # how many non-space characters it has (before anything is put back)


class _Lines:
    """The paragraphs as lines of text, with what each non-space character carries."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.marks: list[Marks] = []  # per non-space character
        self.objects: dict[str, etree._Element] = {}
        self._placed = {_PUA: 0, _BREAK_PUA: 0}  # placeholders given from each area so far
        self.hints: list[_Hint] = []
        self.subtitles: list[tuple[int, int]] = []
        self.centred: set[tuple[int, int]] = set()  # the centred paragraphs (non-space ranges)
        self.blocks: list[tuple[int, etree._Element]] = []  # (non-space characters before it, block)
        self.block_lines: dict[str, etree._Element] = {}  # placeholder → the block its line stands for

    @property
    def count(self) -> int:
        return len(self.marks)

    def add_para(self, para: Para) -> None:
        start = self.count
        chars: list[str] = []
        self._add_text(chars, para.numbering, PLAIN)
        for item in para.items:
            if isinstance(item, Obj):
                base = _BREAK_PUA if tag_of(item.element) == "br" else _PUA
                ph = chr(base + self._placed[base])
                self._placed[base] += 1
                self.objects[ph] = item.element
                chars.append(ph)
                self.marks.append(PLAIN)
            else:
                self._add_text(chars, item.text, item.marks)
        line = "".join(chars)
        self.lines.append(line)
        if para.heading and self.count > start:
            self.hints.append(_Hint(start, self.count, min(para.heading, 6)))
        if para.subtitle and self.count > start:
            self.subtitles.append((start, self.count))
        if para.align == "center" and self.count > start:
            self.centred.add((start, self.count))

    def add_block_line(self, block: etree._Element, end: str) -> None:
        """A line standing for a table, figure or list amid the text: a placeholder and a full
        stop, so that the rules read it as a sentence of the body (never as a signature line,
        a title's continuation or an attachment name), and the block can take its place."""
        ph = chr(_BLOCK_PUA + len(self.block_lines))
        self.block_lines[ph] = block
        self.lines.append(ph + end)
        self.marks += [PLAIN, PLAIN]

    def _add_text(self, chars: list[str], text: str, marks: Marks) -> None:
        for ch in text.replace("\r", " ").replace("\n", " "):
            chars.append(ch)
            if not ch.isspace():
                self.marks.append(marks)


def build_document(items: list[Item], fallback_title: str, letterhead: list[str] = (),
                   diagnostics: list | None = None) -> etree._Element:
    """The canonical model of a document's items (paragraphs and blocks in reading order).

    ``letterhead``: the lines of a 发文机关标志 found in the first page's header, read before
    the body's first line so that the rules place it in the 版头."""
    lines = _Lines()
    items = _without_implied_breaks([Para(items=[Span(t)]) for t in letterhead] + group_blocks(items))
    texts = [k for k, item in enumerate(items) if isinstance(item, Para) and not item.is_empty()]
    cjk = detect_lang(" ".join(items[k].text() for k in texts)).startswith("zh")
    for k, item in enumerate(items):
        if isinstance(item, Block) and texts and texts[0] < k < texts[-1]:
            lines.add_block_line(item.element, "。" if cjk else ".")
        elif isinstance(item, Block):  # before or after all the text: no line, placed by position
            lines.blocks.append((lines.count, item.element))
        elif item.is_empty():
            lines.lines.append("")
        else:
            lines.add_para(item)
    if not any(line.strip() for line in lines.lines):
        doc = parse_report(fallback_title)
        _put_blocks_at_start(doc, [b for _, b in lines.blocks])
        return doc
    text = "\n".join(lines.lines)
    if not cjk:
        # Latin text reads hard-wrapped lines into one paragraph; Word's paragraphs are explicit
        text = "\n\n".join(line for line in lines.lines if line.strip())
    doc = parse_report(text, diagnostics)
    nodes = _text_nodes(doc)
    ranges = _holder_ranges(nodes)
    marks = _without_role_emphasis(lines.marks, ranges)
    orphans: list[etree._Element] = []
    block_holders: dict[str, etree._Element] = {}
    for node in reversed(nodes):
        _restore(node, marks, lines.objects, orphans, lines.block_lines, block_holders)
    _promote_headings(doc, lines.hints, ranges)
    _centred_title_lines(doc, lines.centred, ranges)
    _trim_breaks(doc)
    _subtitle(doc, lines.subtitles, ranges)
    _place_blocks(doc, lines.blocks, nodes)
    _place_block_lines(doc, lines.block_lines, block_holders)
    if orphans:
        body = doc.find(q("body"))
        p = new("p", parent=body)
        for o in orphans:
            p.append(o)
    return doc


# --- blocks the rules do not see ------------------------------------------------------------------
def _without_implied_breaks(items: list[Item]) -> list[Item]:
    """Without the page breaks before an attachment body's label (附件 / 附件1 alone on its
    line): the model starts every 附件 body on a new page, and a break the rules read as a line
    of text would keep them from seeing the closing above it."""
    out: list[Item] = []
    for k, item in enumerate(items):
        if isinstance(item, Block) and tag_of(item.element) == "pagebreak":
            nxt = next((i for i in items[k + 1:] if not (isinstance(i, Para) and i.is_empty())), None)
            if isinstance(nxt, Para) and ANNEX_LABEL.match(nxt.text().strip()):
                continue
        out.append(item)
    return out


def group_blocks(items: list[Item]) -> list[Item]:
    """Pictures alone in a paragraph become figures (with a caption paragraph after them), list
    paragraphs become lists; everything else is passed on as it is."""
    out: list[Item] = []
    k = 0
    while k < len(items):
        item = items[k]
        if isinstance(item, Para) and (item.bullet or item.ordered_list):
            j = k
            while j < len(items) and isinstance(items[j], Para) and (items[j].bullet or items[j].ordered_list):
                j += 1
            out.append(Block(_list(items[k:j])))
            k = j
            continue
        if isinstance(item, Para) and item.kind in ("quote", "code"):
            j = k
            while j < len(items) and isinstance(items[j], Para) and items[j].kind == item.kind:
                j += 1
            out.append(Block(_quote(items[k:j]) if item.kind == "quote" else _codeblock(items[k:j])))
            k = j
            continue
        if isinstance(item, Para) and item.kind == "toc":
            # a table of contents is kept as the text it shows, but its entries are no headings
            if not item.is_empty():
                out.append(Block(fill(new("p"), item.items, item.numbering)))
            k += 1
            continue
        if isinstance(item, Para) and item.kind == "rule":
            out.append(Block(new("rule")))
            k += 1
            continue
        image = _lone_image(item)
        if image is not None:
            fig = new("figure")
            fig.append(image)
            nxt = items[k + 1] if k + 1 < len(items) else None
            if isinstance(nxt, Para) and nxt.caption and not nxt.is_empty():
                fill(new("caption", parent=fig), nxt.items, nxt.numbering)
                k += 1
            out.append(Block(fig))
        else:
            out.append(item)
        k += 1
    return out


def _quote(paras: list[Para]) -> etree._Element:
    quote = new("quote")
    for para in paras:
        if not para.is_empty():
            fill(new("p", parent=quote), para.items, para.numbering)
    if not len(quote):
        new("p", parent=quote)
    return quote


def _codeblock(paras: list[Para]) -> etree._Element:
    """Code paragraphs as one code block: line breaks and paragraphs are its lines."""
    lines = []
    for para in paras:
        line = para.numbering
        for i in para.items:
            if isinstance(i, Span):
                line += i.text
            elif tag_of(i.element) == "br":
                line += "\n"
        lines.append(line)
    return new("codeblock", "\n".join(lines))


def _lone_image(item: Item) -> etree._Element | None:
    if not isinstance(item, Para) or item.numbering.strip():
        return None
    objs = [i for i in item.items if isinstance(i, Obj)]
    text = "".join(i.text for i in item.items if isinstance(i, Span))
    if len(objs) == 1 and tag_of(objs[0].element) == "image" and not text.strip():
        return objs[0].element
    return None


def _list(paras: list[Para]) -> etree._Element:
    """Consecutive list paragraphs as a (nested) list; the kind follows each level's first item."""
    root = new("list", type="bullet" if paras[0].bullet else "ordered")
    if not paras[0].bullet and paras[0].list_value != 1:
        root.set("start", str(paras[0].list_value))
    stack: list[tuple[int, etree._Element]] = [(paras[0].list_level, root)]
    for para in paras:
        while len(stack) > 1 and para.list_level < stack[-1][0]:
            stack.pop()
        if para.list_level > stack[-1][0]:
            parent_items = stack[-1][1].findall(q("item"))
            host = parent_items[-1] if parent_items else new("item", parent=stack[-1][1])
            if not len(host):
                new("p", parent=host)
            nested = new("list", parent=host, type="bullet" if para.bullet else "ordered")
            if not para.bullet and para.list_value != 1:
                nested.set("start", str(para.list_value))
            stack.append((para.list_level, nested))
        item = new("item", parent=stack[-1][1])
        fill(new("p", parent=item), para.items)
    return root


# --- positions ------------------------------------------------------------------------------------------
def _text_nodes(doc: etree._Element) -> list[_TextNode]:
    """Every text node of the model, in order, with where its non-space characters start."""
    nodes: list[_TextNode] = []
    count = 0

    def walk(el: etree._Element) -> None:
        nonlocal count
        if tag_of(el) == "meta":
            return
        if el.text:
            nodes.append(_TextNode(el, "text", count, el, _ink(el.text)))
            count += _ink(el.text)
        for c in el:
            if isinstance(c.tag, str):
                walk(c)
            if c.tail:
                nodes.append(_TextNode(c, "tail", count, el, _ink(c.tail)))
                count += _ink(c.tail)

    walk(doc)
    return nodes


def _ink(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _holder(el: etree._Element) -> etree._Element:
    """The block-level element a text belongs to (p, heading, title, cell …)."""
    while el is not None and tag_of(el) not in _INLINE_HOLDERS and tag_of(el) not in _TEXT_ONLY - {"number", "lead"}:
        el = el.getparent()
    return el


def _holder_ranges(nodes: list[_TextNode]) -> dict[etree._Element, tuple[int, int]]:
    ranges: dict[etree._Element, tuple[int, int]] = {}
    for node in nodes:
        n = node.ink
        if not n:
            continue
        h = _holder(node.holder)
        lo, hi = ranges.get(h, (node.start, node.start + n))
        ranges[h] = (min(lo, node.start), max(hi, node.start + n))
    return ranges


def _without_role_emphasis(marks: list[Marks], ranges) -> list[Marks]:
    """Bold or italics over a whole title or heading is the look of its role (Word drafts set
    headings in bold by hand): dropped there, kept inside body text."""
    out = list(marks)
    for holder, (lo, hi) in ranges.items():
        if tag_of(holder) not in _ROLE_HOLDERS:
            continue
        span = out[lo:hi]
        strong = all(m.strong for m in span)
        em = all(m.em for m in span)
        if strong or em:
            for k in range(lo, hi):
                m = out[k]
                out[k] = Marks(m.strong and not strong, m.em and not em, m.href, m.code)
    return out


# --- putting back what went round the rules ---------------------------------------------------------
def _restore(node: _TextNode, marks: list[Marks], objects: dict[str, etree._Element],
             orphans: list[etree._Element], block_lines: dict[str, etree._Element] | None = None,
             block_holders: dict[str, etree._Element] | None = None) -> None:
    text = node.owner.text if node.which == "text" else node.owner.tail
    if not text:
        return
    holder = node.holder
    text_only = tag_of(holder) in _TEXT_ONLY
    pieces: list[str | etree._Element] = []
    run: list[str] = []
    run_marks = PLAIN
    pending_space = ""
    g = node.start
    end_of_block_line = False  # the full stop after a block's placeholder is not text

    def flush() -> None:
        if run:
            s = "".join(run)
            if run_marks == PLAIN or text_only:
                pieces.append(s)
            else:
                wrapper = new("span")  # a scratch parent: the marked text's elements are moved out
                append_marked(wrapper, s, run_marks)
                pieces.extend(list(wrapper))
            run.clear()

    for ch in text:
        if ch.isspace():
            pending_space += ch
            continue
        if end_of_block_line:
            end_of_block_line = False
            if ch in "。.":
                g += 1
                continue
        if block_lines is not None and ch in block_lines:
            block_holders[ch] = holder
            g += 1
            end_of_block_line = True
            continue
        if ch in objects:
            obj = objects[ch]
            g += 1
            flush()
            if pending_space:
                pieces.append(pending_space)
                pending_space = ""
            pieces.append(obj)
            continue
        m = marks[g] if g < len(marks) else PLAIN
        g += 1
        if m != run_marks:
            flush()
            if pending_space:
                pieces.append(pending_space)
                pending_space = ""
            run_marks = m
        run.append(pending_space + ch)
        pending_space = ""
    flush()
    if pending_space:
        pieces.append(pending_space)
    if text_only:
        _restore_text_only(node, pieces, orphans)
    else:
        _replace(node.owner, node.which, pieces)


def _restore_text_only(node: _TextNode, pieces, orphans: list[etree._Element]) -> None:
    """In an element that holds text only: objects move out (a note after a number goes after it)."""
    text = "".join(p for p in pieces if isinstance(p, str))
    objs = [p for p in pieces if not isinstance(p, str) and tag_of(p) != "br"]
    if node.which == "text":
        node.owner.text = text or None
    else:
        node.owner.tail = text or None
    if not objs:
        return
    holder = node.holder
    parent = holder.getparent()
    if tag_of(holder) in ("number", "lead") and parent is not None:
        idx = parent.index(holder)
        objs[-1].tail = holder.tail
        holder.tail = None
        for k, o in enumerate(objs):
            parent.insert(idx + 1 + k, o)
    else:
        orphans.extend(objs)


def _replace(owner: etree._Element, which: str, pieces: list) -> None:
    """Put pieces (strings and elements) where one text node was."""
    lead = ""
    elems: list[etree._Element] = []
    for piece in pieces:
        if isinstance(piece, str):
            if elems:
                elems[-1].tail = (elems[-1].tail or "") + piece
            else:
                lead += piece
        else:
            piece.tail = None
            elems.append(piece)
    if which == "text":
        owner.text = lead or None
        for k, e in enumerate(elems):
            owner.insert(k, e)
    else:
        owner.tail = lead or None
        parent = owner.getparent()
        idx = parent.index(owner)
        for k, e in enumerate(elems):
            parent.insert(idx + 1 + k, e)


# --- what Word says itself ----------------------------------------------------------------------------
def _promote_headings(doc: etree._Element, hints: list[_Hint], ranges) -> None:
    """Paragraphs Word styles as headings (or gives an outline level) that the rules left as
    paragraphs become sections of that level, holding what follows up to the next heading of
    the same or a higher level."""
    by_range = {r: h for h, r in ranges.items() if tag_of(h) == "p"}
    for hint in hints:
        p = by_range.get((hint.start, hint.end))
        if p is None or tag_of(p.getparent()) not in _FLOWS:
            continue
        _to_section(p, hint.level)


def _subtitle(doc: etree._Element, subtitles: list[tuple[int, int]], ranges) -> None:
    """A paragraph in the Subtitle style right under the title is the subtitle."""
    if not subtitles or doc.find(q("subtitle")) is not None or doc.find(q("addressee")) is not None:
        return
    body = doc.find(q("body"))
    first = body[0] if len(body) else None
    if first is None or tag_of(first) != "p" or ranges.get(first) != subtitles[0]:
        return
    first.tag = q("subtitle")
    doc.find(q("title")).addnext(first)


def _centred_title_lines(doc: etree._Element, centred: set[tuple[int, int]], ranges) -> None:
    """Centred lines under a centred title go on with it, as Word shows a title of several
    lines (山东财经大学本科毕业论文（设计） / 参考文献规范格式), even without the genre word the
    text rules wait for: the document's title, or the title of the attachment it is."""
    title = own_title(doc)
    if title is None or not _ends_centred(title, centred, ranges):
        return
    nxt = title.getnext() if tag_of(title.getparent()) == "annex" else _first_of_body(doc, title)
    lines = 1
    while (nxt is not None and tag_of(nxt) == "p" and ranges.get(nxt) in centred and lines < TITLE_LINES
           and _title_line(nxt)):
        following = nxt.getnext()
        model.append_text(title, nxt.text or "")
        for c in list(nxt):
            title.append(c)
        nxt.getparent().remove(nxt)
        nxt, lines = following, lines + 1


def _ends_centred(title: etree._Element, centred: set[tuple[int, int]], ranges) -> bool:
    span = ranges.get(title)
    return span is not None and any(lo < span[1] <= hi for lo, hi in centred)


def _first_of_body(doc: etree._Element, title: etree._Element) -> etree._Element | None:
    """The body's first block when nothing but the body follows the title."""
    body = title.getnext()
    if body is None or tag_of(body) != "body" or not len(body):
        return None
    return body[0]


def _title_line(p: etree._Element) -> bool:
    """A line that can go on with a title: short, no sentence mark, no date, no number."""
    text = model.plain_text(p).strip()
    return (bool(text) and len(text) <= TITLE_LINE and not ends_sentence(text) and "\t" not in text
            and match_numbering(text) is None and date_of(text) is None and not any(
                tag_of(c) not in ("strong", "em", "br") for c in p.iter() if c is not p))


def _trim_breaks(doc: etree._Element) -> None:
    """A line break before or after all the text of a title, heading or label is no line of it
    (Word's 附件1 ⏎ title paragraph, read as the label and the title)."""
    for holder in doc.iter(*(q(t) for t in ("title", "subtitle", "heading"))):
        while len(holder) and tag_of(holder[0]) == "br" and not (holder.text or "").strip():
            br = holder[0]
            holder.text = (holder.text or "") + (br.tail or "") or None
            holder.remove(br)
        while len(holder) and tag_of(holder[-1]) == "br" and not (holder[-1].tail or "").strip():
            holder.remove(holder[-1])


def _to_section(p: etree._Element, level: int) -> None:
    parent = p.getparent()
    idx = parent.index(p)
    followers = list(parent)[idx + 1:]
    sec = new("section", level=str(level), runin="false")
    parent.insert(idx, sec)
    p.tag = q("heading")
    sec.append(p)
    for f in followers:
        sec.append(f)
    # a heading of a level at or above the section it stands in closes that section
    while tag_of(sec.getparent()) == "section" and int(sec.getparent().get("level")) >= level:
        outer = sec.getparent()
        outer.getparent().insert(outer.getparent().index(outer) + 1, sec)
    # what follows it at a deeper level belongs to it
    nxt = sec.getnext()
    while nxt is not None and not (tag_of(nxt) == "section" and int(nxt.get("level")) <= level):
        following = nxt.getnext()
        sec.append(nxt)
        nxt = following


# --- tables, figures, lists back in place ----------------------------------------------------------
def _place_blocks(doc: etree._Element, blocks: list[tuple[int, etree._Element]], nodes: list[_TextNode]) -> None:
    """Each block goes after the element that holds the last character before it."""
    starts = [n.start for n in nodes]
    after: dict[int, etree._Element] = {}  # the last block put at a position (the next goes after it)
    at_start: dict[etree._Element, int] = {}  # blocks put at the start of a body so far
    for before, block in blocks:
        if before in after:
            after[before].addnext(block)
        else:
            node = _node_with(nodes, starts, before - 1) if before else None
            spot = _flow_spot(_holder(node.holder) if node is not None else None, doc)
            if tag_of(spot) == "body":  # the text before it is the front (title, 版头 …) or nothing
                k = at_start.get(spot, 0)
                spot.insert(k, block)
                at_start[spot] = k + 1
            else:
                spot.addnext(block)
        block.tail = None
        after[before] = block


def _node_with(nodes: list[_TextNode], starts: list[int], index: int) -> _TextNode | None:
    import bisect

    k = bisect.bisect_right(starts, index) - 1
    while k >= 0 and not nodes[k].ink:
        k -= 1
    return nodes[k] if k >= 0 else None


def _flow_spot(holder: etree._Element | None, doc: etree._Element) -> etree._Element:
    """Where a block goes after the text of ``holder``: after the paragraph or heading that
    holds it (in a body, section or 附件 body); at the start of the body when the text is in the
    front parts; after the closing, 版记 or enclosure it is in otherwise (the document's tail
    takes blocks)."""
    el = holder
    while el is not None and el is not doc:
        parent = el.getparent()
        if tag_of(parent) in _FLOWS or (tag_of(parent) == "annex" and tag_of(el) in ("label", "title")):
            return el
        if tag_of(el) in _FRONT and parent is not None and tag_of(parent) in ("document", "enclosure"):
            return parent.find(q("body"))
        if parent is doc:
            return el
        el = parent
    return doc.find(q("body"))


def _place_block_lines(doc: etree._Element, block_lines: dict[str, etree._Element],
                       holders: dict[str, etree._Element]) -> None:
    """Each block whose line the rules read as a paragraph of its own takes that paragraph's
    place; one whose line they put elsewhere goes after the element that holds it."""
    for ph, block in block_lines.items():
        holder = holders.get(ph)
        holder = _holder(holder) if holder is not None else None
        if holder is not None and tag_of(holder) == "p" and tag_of(holder.getparent()) in _FLOWS \
                and not (holder.text or "").strip() and not len(holder):
            holder.addnext(block)
            holder.getparent().remove(holder)
            continue
        if holder is not None and tag_of(holder) == "cell" and _alone_in_row(holder):
            _split_table_at(holder.getparent(), block)
            continue
        spot = _flow_spot(holder, doc)
        if tag_of(spot) == "body" and holder is not None and tag_of(holder) != "p":
            spot.insert(0, block)
        else:
            spot.addnext(block)
        block.tail = None


def _alone_in_row(cell: etree._Element) -> bool:
    row = cell.getparent()
    return len(row) == 1 and not (cell.text or "").strip() and not len(cell)


def _split_table_at(row: etree._Element, block: etree._Element) -> None:
    """The rules read the lines around a block as one text table (tab-separated rows) and its line
    as a spanning row: the table is cut there, and the block stands between the two halves."""
    part = row.getparent()  # tbody (or thead)
    table = part.getparent()
    after = [r for r in part if r is not row and part.index(r) > part.index(row)]
    later = [p for p in table if table.index(p) > table.index(part)]
    part.remove(row)
    table.addnext(block)
    rest_rows = after + [r for p in later for r in p]
    if rest_rows:
        rest = new("table")
        body = new("tbody", parent=rest)
        for r in rest_rows:
            body.append(r)
        block.addnext(rest)
    for p in later:
        table.remove(p)
    if not len(part) and tag_of(part) == "thead":
        table.remove(part)
    if table.find(q("tbody")) is None:
        new("tbody", parent=table)
    if not any(len(p) for p in table):  # nothing was before it: the table was the block's line only
        table.getparent().remove(table)


def _put_blocks_at_start(doc: etree._Element, blocks: list[etree._Element]) -> None:
    body = doc.find(q("body"))
    for k, b in enumerate(blocks):
        body.insert(k, b)
