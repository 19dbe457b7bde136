"""The markdown-it-py parser this reader uses, with the extensions pandoc's Markdown has.

CommonMark, plus: GFM tables, strikethrough and task lists (markdown-it-py's own), footnotes
with inline notes ``^[…]``, definition lists, ``~sub~`` and ``^sup^``, ``$…$`` and ``$$…$$``
math (mdit-py-plugins), YAML front matter, and smart punctuation for Latin text (quotes by
markdown-it's typographer; dashes and ellipses by a rule of ours, see ``_dashes``).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...errors import InputError

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

#: how deep blocks may nest (markdown-it counts every list, item, quote and paragraph: a list
#: nests about MAX_NESTING / 2 deep, a quote MAX_NESTING deep). markdown-it's own default (20)
#: silently drops what lies deeper; ours is an error naming the line (see check_nesting). The
#: bound keeps the model within libxml2's depth limit (256) and Python's recursion limit.
MAX_NESTING = 100


def make_parser(smart: bool, with_front_matter: bool = True) -> MarkdownIt:
    """A parser; ``smart``: typographic quotes, dashes and ellipses."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.subscript import sub_plugin
    from mdit_py_plugins.superscript import superscript_plugin

    md = MarkdownIt("commonmark", {"linkify": False, "typographer": smart, "tasklists": True,
                                   "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.core.ruler.after("inline", "heading_attributes", heading_attributes)
    if smart:
        md.enable("smartquotes")
        md.core.ruler.before("smartquotes", "dashes", _dashes)
    if with_front_matter:
        md.use(front_matter_plugin)
    (md.use(footnote_plugin, inline=True)
       .use(deflist_plugin)
       .use(sub_plugin)
       .use(superscript_plugin)
       # pandoc's rule: no space inside the dollars, no digit right after the closing one ($5 and $10)
       .use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True))
    md.validateLink = lambda url: True  # every address is kept; the reader filters schemes itself
    return md


# blocks whose content markdown-it parses one level further in (and skips past its limit)
_CONTAINERS = frozenset({"blockquote_open", "list_item_open", "dd_open", "footnote_open"})


def check_nesting(tokens: list[Token]) -> None:
    """An error naming the line where blocks nest deeper than MAX_NESTING (markdown-it would
    skip what lies below without a word)."""
    for token in tokens:
        if token.type in _CONTAINERS and token.level >= MAX_NESTING - 1:
            line = token.map[0] + 1 if token.map else None
            raise InputError(f"lists and quotes nest deeper than {MAX_NESTING} levels here; "
                             f"the converter reads no deeper (flatten the nesting)", line=line)


# pandoc's heading attributes at the end of a heading: {#id .class key=value} or {-}, after
# optional closing hashes (## Title ## {#id})
_ATTRS = re.compile(r"(?:\s+#+)?\s*\{((?:\s*(?:#[^\s{}]+|\.[^\s{}]+|[\w-]+=(?:\"[^\"]*\"|[^\s{}]*)|-))+)\s*\}\s*$")
_IDENT = re.compile(r"(?:^|\s)#([^\s{}]+)")


def heading_attributes(state: StateCore) -> None:
    """Take a trailing {#id .class} off every heading's text (before smart punctuation can touch
    it); the id goes to the heading_open token's ``id`` attribute."""
    tokens = state.tokens
    for k, tok in enumerate(tokens):
        if tok.type != "heading_open" or k + 1 >= len(tokens) or not tokens[k + 1].children:
            continue
        last = tokens[k + 1].children[-1]
        m = _ATTRS.search(last.content) if last.type == "text" else None
        if not m:
            continue
        last.content = last.content[:m.start()].rstrip()
        ids = _IDENT.findall(m.group(1))
        if ids:
            tok.attrSet("id", ids[-1])


# pandoc's smart extension: --- em dash, -- en dash, ... ellipsis (markdown-it's own
# "replacements" rule also rewrites (c), +-, ",," and "!!!!", which pandoc leaves alone)
_DASHES = [(re.compile(r"(?<!-)---(?!-)"), "\u2014"), (re.compile(r"(?<!-)--(?!-)"), "\u2013"),
           (re.compile(r"\.\.\."), "\u2026")]


def _dashes(state: StateCore) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        in_autolink = 0
        for tok in block.children:
            if tok.type == "link_open" and tok.info == "auto":
                in_autolink += 1
            elif tok.type == "link_close" and in_autolink:
                in_autolink -= 1
            elif tok.type == "text" and not in_autolink and ("--" in tok.content or "..." in tok.content):
                for pattern, repl in _DASHES:
                    tok.content = pattern.sub(repl, tok.content)
