"""Pagination: blocks → lines → pages, on the style's page and (optional) document grid.

While pages are filled, vertical positions are measured downwards from the top of the type
area (``Frame``); layout.assemble turns frames into the painters' pages. On a grid
(GB/T 9704: 22 lines) every line and every space takes whole grid lines, so full pages hold
exactly the grid's number of lines.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from itertools import accumulate, chain, islice
from typing import Callable, Iterable, Iterator

from ..fonts.faces import synthetic_bold
from ..fonts.find import FontFace
from ..fonts.metrics import advance
from ..model.images import fit
from ..style import ResolvedStyle, Role
from .blocks import (LETTER_BELOW, LETTER_FOOT, LETTER_GAP, LETTER_RULE, LETTER_SPACE, LETTER_THICK, LETTER_THIN,
                     SIGNERS_A_LINE, Block, ColophonBlock, ImageBlock, JointMarkBlock, LetterheadBlock, PageBreakBlock,
                     Para, RuleBlock, SeparatorBlock, SignatureBlock, SignersBlock, Span, TableBlock)
from .fontbook import FontBook
from .shaping import base_level, has_rtl, is_mark, is_rtl, needs_shaping, shape_glyphs
from .signature import signature_places
from .linebreak import (BREAKING_SPACES, CLOSING_HALF, OPENING_HALF, Glyph, Line, add_cjk_latin_spacing, break_lines,
                        glued, set_line)

ASCENT = 0.88  # baseline below the top of a line box, in ems (CJK faces: 880/1000)
EPS = 0.01
#: a title is balanced (its lines of even length) only when it is short enough to be a title;
#: balancing re-runs the line breaker a dozen times, which a 240,000-character first line
#: (a source with no line breaks) must not pay
MAX_BALANCED_LINES = 6
#: a paragraph's part of more than twice this many characters is broken this many characters
#: at a time (Layout.line_stream): the glyphs of a window, not of the whole paragraph, are held
WINDOW = 4096
#: a joint mark (GB/T 9704 7.2.3, which gives no numbers): names stacked 1.25 em apart, 文件 half
#: an em right of the longest, as joint marks are commonly printed
JOINT_PITCH, JOINT_WORD_GAP = 1.25, 0.5
#: body lines that move to the next page with a signature that does not fit (GB/T 9704 7.3.5:
#: the signature's page shows body text; two lines read as text, not as a stray line)
BODY_LINES_WITH_SIGNATURE = 2


@dataclass(frozen=True)
class Ink:
    """How a glyph is drawn."""

    font: FontFace
    size: float
    color: str
    link: str | None = None  # a URL, or "#name" for a destination in this document
    rise: float = 0.0
    anchor: str | None = None  # a destination made at this glyph
    strike: bool = False  # struck out: assemble draws a line through the run
    #: bold asked of a face without a bold member: painted emboldened (fonts.faces.synthetic_bold)
    embolden: bool = False


@dataclass
class PlacedLine:
    x: float  # left end of the line box, from the page's left edge
    y: float  # baseline, from the top of the type area
    line: Line
    keep: bool = False  # a heading's line: never the page's last when lines move on (_keep_with_body)


@dataclass(frozen=True)
class ColophonPlace:
    """Where the 版记 went: its page; whether it stands on a page of its own (moved off the
    text's last page), and after a blank page; the lines of each of its parts (抄送, 印发 …),
    for writers that build it again (the DOCX)."""

    page: int
    own_page: bool
    blank_before: bool
    rows: tuple[int, ...]


@dataclass
class Frame:
    """A page while it is filled: lines at baselines measured from the type area's top."""

    number: int
    lines: list[PlacedLine] = field(default_factory=list)
    images: list[tuple[ImageBlock, float, float, float, float]] = field(default_factory=list)  # x, y, w, h
    #: x1, y1, x2, y2 (and thickness, colour when not the default)
    rules: list[tuple] = field(default_factory=list)
    bookmarks: list[tuple[str, str, int, float]] = field(default_factory=list)  # key, title, level, y
    #: GB/T 9704 §7.5: a blank page before the 版记, and the 版记 page after it, print no number
    unnumbered: bool = False

    @property
    def empty(self) -> bool:
        return not (self.lines or self.images or self.rules)


class Layout:
    def __init__(self, style: ResolvedStyle, fonts: FontBook, on_page: Callable[[Frame], None] | None = None):
        self.style = style
        self.fonts = fonts
        self.page_style = style.page
        self.width = style.page.text_width
        self.height = style.page.text_height
        self.grid = style.grid
        self.pages: list[Frame] = []
        self.y = 0.0
        self._tables: dict[tuple[int, float], tuple[object, dict[str, tuple]]] = {}
        #: called with each page as soon as it is full (and with the last one when run ends);
        #: None: every frame is kept in ``pages``
        self.on_page = on_page
        #: where the 版记 was placed (None: the document has none)
        self.colophon: ColophonPlace | None = None
        self._new_page()

    # --- glyphs -------------------------------------------------------------------------
    def glyphs(self, spans: list[Span]) -> list[Glyph]:
        """The glyphs of a paragraph's spans (or of a part of one), in logical order: each
        character's face and widths from the per-character tables (_char_table), shaped where
        a complex script or right-to-left text needs it, with CJK–Latin spacing off the grid."""
        out: list[Glyph] = []
        append = out.append
        has = self.fonts.has
        shaping = False  # whether a character is right to left or of a complex script
        emboldened = self.style.synthetic_bold
        for span in spans:
            role = span.role
            size = role.size * (0.6 if span.superscript or span.subscript else 1.0)
            rise = role.size * (0.35 if span.superscript else -0.15 if span.subscript else 0.0)
            offset = span.offset
            anchor = span.anchor
            link, strike, color, bold = span.link, span.strike, role.color, role.bold
            table = self._char_table(role, size)
            inks: dict[int, Ink] = {}  # one Ink per face in a span, shared by its glyphs
            last_font = last_ink = None  # the face of the glyph before, and its Ink
            text = span.text
            if "\t" in text or "\r" in text:
                text = text.replace("\t", " ").replace("\r", " ")
            for ch in text:
                entry = table.get(ch)
                if entry is None:
                    entry = table[ch] = self._char_entry(ch, role, size)
                font, adv, natural, squeeze_end, squeeze_start, space, mark, complex_ = entry
                if mark and out and font != out[-1].font and has(out[-1].font, ch):
                    # a mark is shaped with its base
                    font, adv, natural, squeeze_end, squeeze_start, space, mark, complex_ = self._char_entry(
                        ch, role, size, out[-1].font)
                if complex_:
                    shaping = True
                if anchor is not None:  # only the first glyph carries the destination
                    ink = Ink(font, size, color, link, rise, anchor, strike,
                              synthetic_bold(font, bold, emboldened))
                    anchor = None
                elif font is last_font:
                    ink = last_ink
                else:
                    ink = inks.get(id(font))
                    if ink is None:
                        ink = inks[id(font)] = Ink(font, size, color, link, rise, None, strike,
                                                   synthetic_bold(font, bold, emboldened))
                    last_font, last_ink = font, ink
                if offset is None or space:
                    at = None
                else:
                    at = offset
                    offset += 1
                # positional arguments: the fields of Glyph in order (a third faster than keywords)
                append(Glyph(ch, font, size, adv, squeeze_end, squeeze_start, True, ink, at, 0.0, 0, None, natural))
        if shaping:
            shape_glyphs(out, self.fonts.shaper, self.fonts.lang)
        if self.grid is None:  # on the GB/T grid every character keeps its cell
            add_cjk_latin_spacing(out)
        return out

    def _char_table(self, role: Role, size: float) -> dict[str, tuple]:
        """The per-character table of a role's fonts at a size (see _char_entry), shared by
        every glyph set with them: a character's face and widths are looked up once a build."""
        key = (id(role.fonts), size)
        held = self._tables.get(key)
        if held is None:  # the entry holds the fonts, so no other object takes their id
            held = self._tables[key] = (role.fonts, {})
        return held[1]

    def _char_entry(self, ch: str, role: Role, size: float, font: FontFace | None = None) -> tuple:
        """(face, advance as set, the face's own advance, squeezable at a line end and at a line
        start, whether it is a space, whether it is a combining mark, whether it is right to left
        or needs shaping: layout.shaping) of one character in a role at a size, drawn with the
        face that draws it (or with ``font``)."""
        font = self.fonts.face_for(ch, role) if font is None else font
        wide = self.fonts.wide(ch)
        adv = self.fonts.width(ch, font, size)
        if wide and self.grid is not None and abs(size - self.style.role("body").size) < EPS:
            adv += self.grid.char_pitch - size  # the grid's character pitch (28 per line)
        half = size / 2 if wide else 0.0
        return (font, adv, advance(font, ch, size), half if ch in CLOSING_HALF else 0.0,
                half if ch in OPENING_HALF else 0.0, ch.isspace(), is_mark(ch), needs_shaping(ch) or is_rtl(ch))

    def span_width(self, spans: list[Span]) -> float:
        return sum(g.advance for g in self.glyphs(spans))

    # --- paragraphs ---------------------------------------------------------------------
    def para_lines(self, para: Para, width: float | None = None) -> tuple[list[Line], float, float]:
        """The paragraph's lines, set; and the first and later lines' indents."""
        avail, first, rest = self._measure(para, width)
        align = "left" if para.preformatted else (para.align or para.role.align)
        lines: list[Line] = []
        rtl = base_level("".join(s.text for s in para.spans)) == 1
        for seg_no, segment in enumerate(_segments(para.spans)):
            glyphs = self.glyphs(segment)
            start = len(lines)

            def measure(i: int, start=start) -> float:
                return avail - (first if start + i == 0 else rest)

            if not glyphs:
                lines.append(Line([], last=True))
                continue
            if para.balanced:
                seg_lines = self._balanced(glyphs, measure)
            else:
                seg_lines = break_lines(glyphs, measure)
            lines += seg_lines
        for i, line in enumerate(lines):
            set_line(line, avail - (first if i == 0 else rest), align, rtl)
        return lines, first, rest

    def _measure(self, para: Para, width: float | None) -> tuple[float, float, float]:
        """The width a paragraph's lines have before their indents, and the first and later
        lines' indents."""
        role = para.role
        width = self.width if width is None else width
        first = (role.left_indent + role.first_line_indent) if para.first_indent is None else para.first_indent
        rest = role.left_indent if para.rest_indent is None else para.rest_indent
        if self.grid is not None and abs(role.size - self.style.role("body").size) < EPS:
            # on the grid an em of indent is one grid character (2 em = 2 characters of 28)
            scale = self.grid.char_pitch / role.size
            first, rest = first * scale, rest * scale
        first += self.span_width(para.first_after)
        rest += self.span_width(para.rest_after)
        return width - role.right_indent, first, rest

    def line_stream(self, para: Para) -> tuple[Iterator[Line], float, float] | None:
        """The lines of a paragraph of more than 2 × WINDOW characters, set, as they are broken:
        glyphs are made for one part (between forced breaks) at a time, and for one window of
        a long part at a time (_windowed), so a paragraph of millions of characters takes the
        memory of a few pages. None for any other paragraph (para_lines sets it at once), and
        for text that is shaped (complex scripts, right to left: HarfBuzz and the bidirectional
        algorithm read the whole paragraph)."""
        if sum(len(s.text) for s in para.spans) <= 2 * WINDOW:
            return None
        segments = _segments(para.spans)
        chars = set().union(*(set(s.text) for s in para.spans))
        if any(needs_shaping(c) for c in chars) or has_rtl("".join(chars)):
            return None
        avail, first, rest = self._measure(para, None)
        align = "left" if para.preformatted else (para.align or para.role.align)

        def lines() -> Iterator[Line]:
            n = 0
            for segment in segments:
                start = n

                def measure(i: int, start=start) -> float:
                    return avail - (first if start + i == 0 else rest)

                if sum(len(s.text) for s in segment) > 2 * WINDOW:
                    seg_lines: Iterable[Line] = self._windowed(segment, measure, para.balanced)
                else:
                    glyphs = self.glyphs(segment)
                    seg_lines = ([Line([], last=True)] if not glyphs else
                                 self._balanced(glyphs, measure) if para.balanced else break_lines(glyphs, measure))
                for line in seg_lines:
                    set_line(line, avail - (first if n == 0 else rest), align)
                    n += 1
                    yield line

        return lines(), first, rest

    def _windowed(self, spans: list[Span], measure: Callable[[int], float], balanced: bool) -> Iterator[Line]:
        """The lines of a long run of spans (no forced break), broken a window of WINDOW
        characters at a time, as break_lines breaks the whole.

        The breaker is greedy: a line depends only on the units from its start, and the line
        before a unit boundary is final once that unit is known. So the window's lines are
        final up to its second last line (the last ones may change with what follows: the
        window's end may cut a unit, _avoid_lone_last moves its last units), restarting where a
        line starts at a boundary of make_units' (not inside a unit cut to fit a line) with at
        least three units after it; the next window starts there. A title (``balanced``) is
        balanced only when it has at most MAX_BALANCED_LINES lines: the window grows until
        that is decided."""
        text = _SpanText(spans)
        split = measure(0)  # a unit wider than the segment's first line is cut to fit it (break_lines)
        pos, done, size = 0, 0, WINDOW
        while True:
            end = min(text.length, pos + size)
            glyphs = self.glyphs(text.cut(pos, end))
            lines = break_lines(glyphs, lambda i: measure(done + i), split)
            if end == text.length:
                if balanced and done == 0:
                    lines = self._balanced(glyphs, measure)
                yield from lines
                return
            restart = _restart(glyphs, lines)
            if restart is None or (balanced and done == 0 and restart[0] <= MAX_BALANCED_LINES):
                size *= 2  # no line yet known final (or the title's length undecided): a wider window
                continue
            r, k = restart
            yield from lines[:r]
            del lines, glyphs
            done += r
            pos += k
            size = WINDOW

    def _balanced(self, glyphs: list[Glyph], measure) -> list[Line]:
        """A long title in lines of even length (GB/T 9704: a trapezoid or diamond)."""
        lines = break_lines(glyphs, measure)
        if not 2 <= len(lines) <= MAX_BALANCED_LINES:
            return lines  # one line, or a paragraph in the title's place rather than a title
        lo, hi = measure(0) / len(lines), measure(0)
        for _ in range(12):
            mid = (lo + hi) / 2
            if len(break_lines(glyphs, lambda i: mid)) <= len(lines):
                hi = mid
            else:
                lo = mid
        return break_lines(glyphs, lambda i: hi + EPS)

    # --- vertical placement -------------------------------------------------------------
    def _new_page(self) -> None:
        self._finish_page()
        self.pages.append(Frame(len(self.pages) + 1))
        self.y = 0.0

    def _finish_page(self) -> None:
        """Hand the full page to ``on_page`` (which keeps what it needs of it, as page data)
        and keep only an empty frame of its number: the lines of a document are not all held
        to the end, only the page being filled."""
        if self.on_page is not None and self.pages:
            frame = self.pages[-1]
            self.on_page(frame)
            self.pages[-1] = Frame(frame.number)

    def _space(self, amount: float) -> float:
        if self.grid is not None and amount > 0:
            return self.grid.line_pitch * max(1, round(amount / self.grid.line_pitch))
        return amount

    def _fits(self, height: float) -> bool:
        return self.y + height <= self.height + EPS

    def fits_a_line(self, role: Role) -> bool:
        """Whether one more line in ``role`` (and its space before) fits on the page being filled."""
        return self._fits(self._space(role.space_before) + role.line_pitch)

    def _left(self) -> float:
        p = self.page_style
        even = self.pages[-1].number % 2 == 0
        return p.margin_outside if (p.mirror and even) else p.margin_inside

    def run(self, blocks: Iterable[Block]) -> list[Frame]:
        """Place the blocks, read in order as they come (a look ahead of a few: the block after
        a heading, a closing's parts); none is held once it is placed."""
        ahead = _Ahead(blocks)
        i = 0
        while (block := ahead.get(i)) is not None:
            nxt = ahead.get(i + 1)
            if self._opens_closing(ahead, i):  # 附件说明 and signature: with body text on their page
                height = self._closing_height(ahead, i)
                if height is not None:
                    self._keep_with_body(height)
            if isinstance(block, Para):
                self.place_para(block, nxt)
            elif isinstance(block, SignatureBlock):
                self.place_signature(block)
            elif isinstance(block, ImageBlock):
                self.place_image(block)
            elif isinstance(block, TableBlock):
                self.place_table(block)
            elif isinstance(block, RuleBlock):
                self.place_rule(block)
            elif isinstance(block, SeparatorBlock):
                self.place_separator(block)
            elif isinstance(block, ColophonBlock):
                self.place_colophon(block)
            elif isinstance(block, JointMarkBlock):
                self.place_joint_mark(block)
            elif isinstance(block, SignersBlock):
                self.place_signers(block)
            elif isinstance(block, LetterheadBlock):
                self.place_letterhead(block)
            elif isinstance(block, PageBreakBlock):
                if not self.pages[-1].empty:
                    self._new_page()
            del block, nxt
            i += 1
            ahead.forget_before(i - 1)  # the block before the next one is all that is looked back at
        self._finish_page()
        return self.pages

    @staticmethod
    def _opens_closing(blocks: "_Ahead", i: int) -> bool:
        """Whether blocks[i] starts the closing: an 附件说明's first line, or a signature that
        none precedes."""
        def note(b) -> bool:
            return isinstance(b, Para) and b.role.name == "attachment"
        if isinstance(blocks.get(i), SignatureBlock):
            return i == 0 or not note(blocks.get(i - 1))
        return note(blocks.get(i)) and (i == 0 or not note(blocks.get(i - 1)))

    def _first_line_height(self, block: Block | None) -> float:
        """How much of the next block must share the page with a heading above it."""
        if isinstance(block, Para):
            return self._space(block.role.space_before) + block.role.line_pitch
        if isinstance(block, ImageBlock):
            return self._image_box(block)[2]
        if isinstance(block, TableBlock):
            return 3 * block.role.line_pitch  # its header and first row, roughly
        return 0.0

    def place_para(self, para: Para, nxt: Block | None = None) -> None:
        streamed = self.line_stream(para)
        if streamed is None:
            lines, first, rest = self.para_lines(para)
            known = len(lines)
        else:  # a long paragraph: its lines are placed as they are broken
            stream, first, rest = streamed
            head = list(islice(stream, 3))  # what keep-with-next asks of it (place_lines)
            lines, known = chain(head, stream), len(head)
        if para.at_top is not None and (self.y <= para.at_top or self.pages[-1].empty):
            # (negative: above the type area, the 信函 format's mark at 30 mm from the page top)
            # the line's top edge (the em box's: baseline − ASCENT em) at a fixed depth
            self.y = para.at_top
            para = Para(para.spans, _no_space_before(para.role), keep_with_next=para.keep_with_next,
                        align=para.align, bookmark=para.bookmark)
        self.place_lines(para, lines, first, rest, nxt, known=known)

    def place_separator(self, block: SeparatorBlock) -> None:
        """The red rule under the 文号's baseline, as wide as the type area; the title two lines
        under it."""
        page = self.pages[-1]
        if not page.lines:
            return
        y = page.lines[-1].y + block.below
        page.rules.append((self._left(), y, self._left() + self.width, y, block.thickness, block.color))
        self.y = max(self.y, y + block.gap)

    def one_line(self, spans: list[Span], role: Role) -> Line:
        """Spans set as one line at their natural width (placed by hand)."""
        lines, _, _ = self.para_lines(Para(spans, role, first_indent=0.0, rest_indent=0.0, align="left"), width=1e6)
        line = lines[0]
        set_line(line, line.width, "left")
        return line

    def place_joint_mark(self, block: JointMarkBlock) -> None:
        """GB/T 9704 7.2.3: the issuers one a line, the lead one first, each spread to the
        longest's width (as joint marks are printed); 文件 to their right, centred on the stack;
        the whole centred, its top edge ``at_top`` under the type area's top. Too wide for the
        type area, the mark is set smaller until it fits (its size is free: 醒目、美观、庄重)."""
        role = block.role
        lines = [self.one_line(spans, role) for spans in block.issuers]
        word = self.one_line(block.word, role) if block.word else None
        gap = JOINT_WORD_GAP * role.size if word else 0.0
        wide = max(ln.width for ln in lines) + gap + (word.width if word else 0.0)
        if wide > self.width + EPS:
            role = replace(role, size=role.size * self.width / wide)
            lines = [self.one_line([replace(s, role=role) for s in spans], role) for spans in block.issuers]
            word = self.one_line([replace(s, role=role) for s in block.word], role) if block.word else None
            gap = JOINT_WORD_GAP * role.size if word else 0.0
        stack = max(ln.width for ln in lines)
        for ln in lines:  # each name spread over the longest one's width
            ln.last = False
            set_line(ln, stack, "justify")
        if block.at_top is not None and (self.y <= block.at_top or self.pages[-1].empty):
            self.y = block.at_top
        elif not self.pages[-1].empty:
            self.y += self._space(role.space_before)
        pitch = JOINT_PITCH * role.size
        height = (len(lines) - 1) * pitch + role.size  # from the first name's top to the last's bottom
        if not self._fits(height) and not self.pages[-1].empty:
            self._new_page()
        page, top = self.pages[-1], self.y
        x = self._left() + (self.width - stack - gap - (word.width if word else 0.0)) / 2
        for i, ln in enumerate(lines):
            page.lines.append(PlacedLine(x, top + i * pitch + ASCENT * role.size, ln))
        if word is not None:  # its em box centred on the stack's
            page.lines.append(PlacedLine(x + stack + gap, top + (height - role.size) / 2 + ASCENT * role.size, word))
        self.y = top + (len(lines) - 1) * pitch + block.role.line_pitch + self._space(block.role.space_after)

    def place_signers(self, block: SignersBlock) -> None:
        """GB/T 9704 7.2.4–7.2.5: ``签发人：`` + names 居右空一字, two names a line, later lines
        under the first name; the 文号 居左空一字 on the line of the last names."""
        role = block.role
        char = self.grid.char_pitch if self.grid else role.size
        sep = Span("\u3000", block.names[0][0].role if block.names else role)  # between two names
        rows: list[list[Span]] = []
        for k in range(0, max(len(block.names), 1), SIGNERS_A_LINE):
            row: list[Span] = []
            for name in block.names[k:k + SIGNERS_A_LINE]:
                row += ([sep] if row else []) + name
            rows.append(row)
        rows[0] = block.label + rows[0]
        lines = [self.one_line(row, role) for row in rows]
        label = self.span_width(block.label)
        pitch = role.line_pitch
        before = self._space(role.space_before) if not self.pages[-1].empty else 0.0
        if not self._fits(before + pitch * len(rows)) and not self.pages[-1].empty:
            self._new_page()
            before = 0.0
        self.y += before
        page, left = self.pages[-1], self._left()
        first_x = left + self.width - char - lines[0].width
        if block.number:  # drawn first, as it is read first (the text's order), on the last line
            last = self.y + (len(lines) - 1) * pitch + ASCENT * role.size
            page.lines.append(PlacedLine(left + char, last, self.one_line(block.number, role)))
        for k, ln in enumerate(lines):
            page.lines.append(PlacedLine(first_x if k == 0 else first_x + label, self.y + ASCENT * role.size, ln))
            self.y += pitch
        self.y += self._space(role.space_after)

    def place_letterhead(self, block: LetterheadBlock) -> None:
        """GB/T 9704 10.1: the red double rule (thick over thin) LETTER_BELOW under the mark's
        bottom edge, LETTER_RULE long, centred on the type area; 份号 … flush left and the 文号
        flush right on the first line, whose top is LETTER_GAP under the rule; the title two
        lines under the last element; and, on this page (the first: the letterhead's), the
        double rule thin over thick, its bottom edge LETTER_FOOT above the page's."""
        page, left = self.pages[-1], self._left()
        mark = page.lines[-1] if page.lines else None
        size = max((g.size for _, g in mark.line.placed), default=0.0) if mark else 0.0
        top = (mark.y - ASCENT * size + size if mark else self.y) + LETTER_BELOW  # the rule's top edge
        x0 = left + (self.width - LETTER_RULE) / 2
        x1 = x0 + LETTER_RULE

        def double(edge: float, first: float, second: float) -> float:
            """Two rules from ``edge`` down, ``first`` then ``second`` thick; their bottom edge."""
            y = edge + first / 2
            page.rules.append((x0, y, x1, y, first, block.color))
            y = edge + first + LETTER_SPACE + second / 2
            page.rules.append((x0, y, x1, y, second, block.color))
            return edge + first + LETTER_SPACE + second

        below = double(top, LETTER_THICK, LETTER_THIN)
        foot = self.page_style.height - self.page_style.margin_top - LETTER_FOOT  # from the type area's top
        double(foot - LETTER_THICK - LETTER_SPACE - LETTER_THIN, LETTER_THIN, LETTER_THICK)
        pitch = self.style.role("body").line_pitch
        first = below + LETTER_GAP  # the first line's top edge
        # 份号 … are written before the mark: drawn before it too, so the text reads in its order
        at = len(page.lines) - (1 if mark else 0)
        for k, para in enumerate(block.left):
            page.lines.insert(at + k, PlacedLine(left, first + k * pitch + ASCENT * para.role.size,
                                                 self.one_line(para.spans, para.role)))
        if block.right is not None:
            line = self.one_line(block.right.spans, block.right.role)
            page.lines.append(PlacedLine(left + self.width - line.width, first + ASCENT * block.right.role.size, line))
        self.y = first + max(len(block.left), 1) * pitch + 2 * pitch  # the title two lines under the last

    def place_colophon(self, block: ColophonBlock) -> None:
        """版记 at the foot of the page (GB/T 9704 7.4): its last rule on the type area's bottom
        edge (a 信函's, without rules: its last line there); on a new page when it does not fit
        under the text."""
        groups = []
        for group in block.groups:
            rows = []
            for item in group:
                if isinstance(item, tuple):
                    left, right = (self.para_lines(p, width=1e6)[0] for p in item)
                    rows.append((item, left[:1], right[:1]))
                else:
                    lines, _, _ = self.para_lines(item)
                    rows += [(item, [ln], i) for i, ln in enumerate(lines)]
            groups.append(rows)
        pitch = self.style.role("body").line_pitch
        height = pitch * sum(len(g) for g in groups)
        self._colophon_page(height, tuple(len(g) for g in groups))
        page, left = self.pages[-1], self._left()
        y = self.height - height
        for k, rows in enumerate(groups):
            thick = block.outer if k == 0 else block.inner
            if block.ruled:
                page.rules.append((left, y, left + self.width, y, thick, "#000000"))
            for item, lines, extra in rows:
                size = lines[0].placed[0][1].size if lines and lines[0].placed else 14.0
                baseline = y + pitch / 2 + 0.38 * size  # the em box centred in the line
                if isinstance(item, tuple):
                    lpara, rpara = item
                    for ln in lines:
                        set_line(ln, ln.width, "left")
                        page.lines.append(PlacedLine(left + (lpara.first_indent or 0.0), baseline, ln))
                    for ln in extra:
                        set_line(ln, ln.width, "left")
                        char = rpara.role.size
                        page.lines.append(PlacedLine(left + self.width - char - ln.width, baseline, ln))
                else:
                    ln = lines[0]
                    indent = item.first_indent if extra == 0 else (item.rest_indent or 0.0) + self.span_width(item.rest_after)
                    page.lines.append(PlacedLine(left + indent, baseline, ln))
                y += pitch
        if block.ruled:
            page.rules.append((left, self.height, left + self.width, self.height, block.outer, "#000000"))
        self.y = self.height

    def _colophon_page(self, height: float, rows: tuple[int, ...]) -> None:
        """Go to the page the 版记 stands on: the text's last page when it fits under the text,
        else the next. Printed double-sided, the 版记 is the back of the last sheet, an even
        page: from an odd page with text it moves to the next page; an odd page it would open
        stays blank before it, and the blank page and the 版记 page carry no number (GB/T 9704
        §7.5)."""
        text_page = self.pages[-1].number
        if not self._fits(height) and not self.pages[-1].empty:
            self._new_page()
        blank = False
        if self.page_style.double_sided and self.pages[-1].number % 2 == 1:
            if self.pages[-1].empty:
                blank = self.pages[-1].unnumbered = True
            self._new_page()
            self.pages[-1].unnumbered = blank
        number = self.pages[-1].number
        self.colophon = ColophonPlace(number, number != text_page, blank, rows)

    def place_lines(self, para: Para, lines: Iterable[Line], first: float, rest: float,
                    nxt: Block | None = None, x_shift: float = 0.0, known: int | None = None) -> None:
        """Place a paragraph's set lines, a page after another; ``lines`` may come as they are
        broken (``known``: how many of them are known, at least three or all)."""
        known = len(lines) if known is None else known
        role = para.role
        pitch = role.line_pitch
        before = self._space(role.space_before) if not self.pages[-1].empty else 0.0
        keep = para.keep_with_next if para.keep_with_next is not None else role.keep_with_next
        if keep:  # a heading never ends a page: it moves down with the next block's first line
            need = before + pitch * min(known, 3) + self._first_line_height(nxt)
            if not self._fits(need) and not self.pages[-1].empty:
                self._new_page()
                before = 0.0
        self.y += before
        top = (len(self.pages), self.y)
        for i, line in enumerate(lines):
            if not self._fits(pitch):
                self._new_page()
            if i == 0 and para.bookmark:
                key, title, level = para.bookmark
                self.pages[-1].bookmarks.append((key, title, level, self.y))
            indent = first if i == 0 else rest
            size = max((g.size for _, g in line.placed), default=role.size)
            baseline = self.y + ASCENT * size + max(0.0, (pitch - size * 1.25) / 2 if self.grid is None else 0.0)
            self.pages[-1].lines.append(PlacedLine(self._left() + indent + x_shift, baseline, line, bool(keep)))
            self.y += pitch
        if para.framed:
            self._frame(top)
        self.y += self._space(role.space_after)

    def _frame(self, top: tuple[int, float]) -> None:
        """Rules round what was placed since ``top`` (a page and y), on this page: the frame
        of a picture that cannot be shown."""
        y0 = top[1] if top[0] == len(self.pages) else 0.0
        x0, x1, y1 = self._left(), self._left() + self.width, self.y
        self.pages[-1].rules += [(x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)]

    def place_signature(self, block: SignatureBlock) -> None:
        """The issuer and date where GB/T 9704 §7.3.5 puts them (layout/signature.py), never
        alone on a page: when they do not fit under the body, the page's last line moves over
        with them."""
        paras = block.issuers + ([block.date] if block.date else [])
        if not paras:
            return
        widths = [max((ln.width for ln in self.para_lines(p)[0]), default=0.0) for p in paras]
        srole = block.issuers[0].role if block.issuers else block.date.role
        char = self.grid.char_pitch if self.grid else srole.size
        n = len(block.issuers)
        places = signature_places(widths[:n], widths[-1] if block.date else None, char, seal=self.style.seal)
        rights = places.issuers + ([places.date] if block.date else [])
        self._keep_with_body(self._space(srole.space_before) + sum(p.role.line_pitch for p in paras))
        for k, p in enumerate(paras):
            x = self.width - rights[k] - widths[k]
            lines, _, _ = self.para_lines(p, width=1e6)  # one line, placed by hand
            for ln in lines:
                set_line(ln, ln.width, "left")
            q = Para(p.spans, p.role, keep_with_next=k < len(paras) - 1)
            if k > 0:
                q.role = _no_space_before(p.role)
            self.place_lines(q, lines, x, x)

    def _keep_with_body(self, height: float) -> None:
        """GB/T 9704 7.3.5: the signature shares its page with body text (never 此页无正文).
        When ``height`` (the signature, or the 附件说明 and the signature: neither is body text)
        does not fit under what the page holds, the page's last BODY_LINES_WITH_SIGNATURE lines
        (one when two cannot move) start the next page with it."""
        if self._fits(height):
            return
        page = self.pages[-1]
        for k in range(BODY_LINES_WITH_SIGNATURE, 0, -1):
            while k < len(page.lines) and page.lines[-k - 1].keep:
                k += 1  # a heading goes with the lines under it
            top = self._movable_tail(k)
            if top is not None:
                break
        else:
            return  # nothing that can move (a table, a picture ends the page)
        lines, page.lines = page.lines[-k:], page.lines[:-k]
        marks = [b for b in page.bookmarks if b[3] >= top - EPS]
        page.bookmarks = [b for b in page.bookmarks if b[3] < top - EPS]
        old_left, old_y = self._left(), self.y
        self._new_page()
        for ln in lines:
            self.pages[-1].lines.append(PlacedLine(ln.x - old_left + self._left(), ln.y - top, ln.line, ln.keep))
        self.pages[-1].bookmarks += [(key, title, level, y - top) for key, title, level, y in marks]
        self.y = old_y - top

    def _movable_tail(self, k: int) -> float | None:
        """The top of the page's last ``k`` lines when they can start the next page: lines of
        one column a body line apart (not a table row's cells), the page keeping others, and
        nothing drawn under their top; None otherwise."""
        page = self.pages[-1]
        if len(page.lines) <= k or page.images:
            return None
        tail = page.lines[-k:]
        pitch = self.style.role("body").line_pitch
        if any(abs(b.y - a.y - pitch) > EPS for a, b in zip(tail, tail[1:])):
            return None
        size = max((g.size for _, g in tail[0].line.placed), default=self.style.role("body").size)
        top = tail[0].y - ASCENT * size
        if top <= EPS or any(max(r[1], r[3]) > top + EPS for r in page.rules):
            return None
        return top

    def _closing_height(self, blocks: "_Ahead", i: int) -> float | None:
        """The height of the closing starting at blocks[i] — the 附件说明, the signature, the 附注
        under it (None: no signature follows the note)."""
        height, j = 0.0, i
        while isinstance(para := blocks.get(j), Para) and para.role.name == "attachment":
            height += self._space(para.role.space_before) + len(self.para_lines(para)[0]) * para.role.line_pitch
            j += 1
        sig = blocks.get(j)
        if not isinstance(sig, SignatureBlock):
            return None
        paras = sig.issuers + ([sig.date] if sig.date else [])
        if not paras:
            return None
        height += self._space(paras[0].role.space_before) + sum(p.role.line_pitch for p in paras)
        j += 1
        while isinstance(para := blocks.get(j), Para) and para.role.name == "remark":
            # 附注, on the line under the date: with it (a page of 附注 alone is none)
            height += self._space(para.role.space_before) + len(self.para_lines(para)[0]) * para.role.line_pitch
            j += 1
        return height

    def _image_box(self, block: ImageBlock) -> tuple[float, float, float]:
        """Width and height the image is drawn at (fitted to the measure), and the height it takes."""
        w, h = fit(block.info.size, self.width, self.height * 0.9)  # printed size, within the measure
        return w, h, (self._space(h) if self.grid is not None else h + 6)

    def place_image(self, block: ImageBlock) -> None:
        w, h, h_box = self._image_box(block)
        if not self._fits(h_box) and not self.pages[-1].empty:
            self._new_page()
        x = self._left() + (self.width - w) / 2
        self.pages[-1].images.append((block, x, self.y, w, h))
        self.y += h_box

    def place_rule(self, block: RuleBlock) -> None:
        pitch = block.role.line_pitch
        if not self._fits(pitch):
            self._new_page()
        mid = self.y + pitch / 2
        self.pages[-1].rules.append((self._left(), mid, self._left() + self.width, mid))
        self.y += pitch

    def place_table(self, block: TableBlock) -> None:
        """A ruled grid of equal columns; header rows repeat after a page break, and a row
        taller than what is left of the page continues on the next one. The rows are read as
        they are placed (a long table's are made as they are read: TableBlock)."""
        col_w = self.width / block.columns
        pad = block.role.size * 0.3

        def lay(row):  # a row's cells set, and its height; each row only when it is placed
            cells = [self.para_lines(c, width=col_w - 2 * pad) for c in row]
            height = max((len(c[0]) * row[k].role.line_pitch for k, c in enumerate(cells)), default=0) + 2 * pad
            return row, cells, height

        rows = iter(block.rows)
        header = [lay(row) for row in islice(rows, block.header_rows)]  # held: repeated on each page
        for k, laid in enumerate(chain(header, map(lay, rows))):
            row, cells, height = laid
            repeat = header if k >= block.header_rows else []
            if not self._fits(height) and not self.pages[-1].empty and height <= self.height:
                self._table_page(repeat, col_w, pad)  # the row fits on a page of its own: move it
            self._place_row(row, cells, col_w, pad, repeat)
        self.y += self._space(block.role.size * 0.5)

    def _table_page(self, header, col_w: float, pad: float) -> None:
        self._new_page()
        for hrow, hcells, _ in header:
            self._place_row(hrow, hcells, col_w, pad, [])

    def _place_row(self, row, cells, col_w: float, pad: float, header) -> None:
        """Place a row, in as many pieces as pages it needs."""
        done = [0] * len(cells)
        while True:
            room = self.height - self.y - 2 * pad
            take = [min(len(c[0]) - done[k], max(0, int((room + EPS) // row[k].role.line_pitch)))
                    for k, c in enumerate(cells)]
            left_over = any(done[k] + take[k] < len(c[0]) for k, c in enumerate(cells))
            if left_over and not any(take) and not self.pages[-1].empty:
                self._table_page(header, col_w, pad)
                continue
            self._place_piece(row, cells, done, take, col_w, pad)
            done = [d + t for d, t in zip(done, take)]
            if not left_over:
                return
            self._table_page(header, col_w, pad)

    def _place_piece(self, row, cells, done, take, col_w: float, pad: float) -> None:
        page, left, top = self.pages[-1], self._left(), self.y
        height = max((take[k] * row[k].role.line_pitch for k in range(len(cells))), default=0) + 2 * pad
        for k, (lines, first, rest) in enumerate(cells):
            pitch = row[k].role.line_pitch
            for i in range(take[k]):
                line = lines[done[k] + i]
                size = max((g.size for _, g in line.placed), default=row[k].role.size)
                indent = first if done[k] + i == 0 else rest
                page.lines.append(PlacedLine(left + k * col_w + pad + indent,
                                             top + pad + i * pitch + ASCENT * size, line))
        x0, x1 = left, left + col_w * len(cells)
        page.rules += [(x0, top, x1, top), (x0, top + height, x1, top + height)]
        page.rules += [(left + k * col_w, top, left + k * col_w, top + height) for k in range(len(cells) + 1)]
        self.y += height


class _Ahead:
    """Blocks from an iterable, read as far ahead as asked (``get``) and forgotten once passed
    (``forget_before``): the layout holds the block it places and the few it looks at."""

    def __init__(self, blocks: Iterable[Block]):
        self._blocks = iter(blocks)
        self._held: list[Block] = []
        self._first = 0  # the index of _held[0]

    def get(self, i: int) -> Block | None:
        """Block ``i`` (None past the last one)."""
        while i - self._first >= len(self._held):
            block = next(self._blocks, None)
            if block is None:
                return None
            self._held.append(block)
        return self._held[i - self._first]

    def forget_before(self, i: int) -> None:
        """Blocks before ``i`` are not asked for again."""
        if i > self._first:
            del self._held[: i - self._first]
            self._first = i


def _restart(glyphs: list[Glyph], lines: list[Line]) -> tuple[int, int] | None:
    """The last line of a window's lines from which on they may be broken again with the text
    after the window (see Layout._windowed), and the index of its first glyph; None when no
    line is known final yet. Not one of the last two lines; its first glyph starts a unit of
    make_units' (after a space, or not glued to the glyph before it), and three units of the
    window follow from there (a window's last unit, or two, may change with the text after)."""
    units_after = sum(1 for u in lines[-1].units if not u.space) if lines else 0
    for r in range(len(lines) - 2, 0, -1):
        units_after += sum(1 for u in lines[r].units if not u.space)
        if units_after < 3 or not lines[r].units:
            continue
        k = _index_from_end(glyphs, lines[r].units[0].glyphs[0])
        prev, here = glyphs[k - 1], glyphs[k]
        after = glyphs[k + 1].ch if k + 1 < len(glyphs) else ""
        if prev.ch in BREAKING_SPACES or not glued(prev.ch, here.ch, after):
            return r, k
    return None


def _index_from_end(glyphs: list[Glyph], glyph: Glyph) -> int:
    """Where ``glyph`` is in ``glyphs``, looked for from the end (it starts one of the last lines)."""
    for k in range(len(glyphs) - 1, -1, -1):
        if glyphs[k] is glyph:
            return k
    raise ValueError("the glyph is not in the window")


class _SpanText:
    """Spans as one text, cut in windows: the spans of characters [start, end), each part with
    its offset among the model's non-whitespace characters and the destination only where its
    span starts. Windows advance (their starts never go back), so counting offsets is linear."""

    def __init__(self, spans: list[Span]):
        self.spans = spans
        self.starts = list(accumulate((len(s.text) for s in spans), initial=0))
        self.length = self.starts[-1]
        self._at = (0, 0, 0)  # a position, its span, non-whitespace characters of the span before it

    def _ink_before(self, k: int, pos: int) -> int:
        """Non-whitespace characters of span k before ``pos``, counted from the last position asked."""
        at, span, ink = self._at
        if span != k or at > pos:
            at, ink = self.starts[k], 0
        ink += _ink(self.spans[k].text[at - self.starts[k]:pos - self.starts[k]])
        self._at = (pos, k, ink)
        return ink

    def cut(self, start: int, end: int) -> list[Span]:
        out: list[Span] = []
        k = bisect_right(self.starts, start) - 1
        while k < len(self.spans) and self.starts[k] < end:
            span, begin = self.spans[k], self.starts[k]
            lo, hi = max(start, begin) - begin, min(end, self.starts[k + 1]) - begin
            if lo == 0 and hi == len(span.text):
                out.append(span)
            else:
                offset = span.offset
                if offset is not None and lo:
                    offset += self._ink_before(k, begin + lo)
                out.append(replace(span, text=span.text[lo:hi], offset=offset, anchor=span.anchor if lo == 0 else None))
            k += 1
        return out


def _ink(text: str) -> int:
    """The non-whitespace characters of a text (as model.text_positions counts them)."""
    return len("".join(text.split()))


def _segments(spans: list[Span]) -> list[list[Span]]:
    """Split spans at forced line breaks (a span whose text is "\\n")."""
    out: list[list[Span]] = [[]]
    for s in spans:
        if s.text == "\n":
            out.append([])
        else:
            out[-1].append(s)
    return out


def _no_space_before(role: Role) -> Role:
    from dataclasses import replace

    return replace(role, space_before=0.0)
