"""Syntax highlighting of code blocks, one rule for every output: Pygments' lexer for the
block's language and the colours of the Pygments style the code role names (``highlight``).

``pieces`` gives the block's text as consecutive pieces, each with the colour, weight and
slant the style gives its token; joined, they are the text exactly (nothing is added or
dropped, tabs and spaces included). A block without a language, a language Pygments does
not know, or a code role without ``highlight`` gives one plain piece.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Piece:
    text: str
    color: str | None = None  # "#rrggbb"; None: the role's own
    bold: bool = False
    italic: bool = False


def style_names() -> list[str]:
    """The Pygments styles a style sheet may name (kept on disk while the installed
    distributions stay the same: a sheet with a code role checks its name on every build)."""
    from ..plugins import per_installation

    return list(per_installation("pygments-styles", _all_style_names))


def _all_style_names() -> list[str]:
    from pygments.styles import get_all_styles

    return sorted(get_all_styles())


@lru_cache(maxsize=16)
def _style(name: str):
    from pygments.styles import get_style_by_name

    return get_style_by_name(name)


@lru_cache(maxsize=64)
def _lexer(lang: str):
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(lang, stripnl=False, stripall=False, ensurenl=False)
    except ClassNotFound:
        return None


def _spec(sty, ttype) -> dict:
    """The style's colour, weight and slant for a token type, from the nearest type it knows:
    lexers make subtypes of their own (Token.Literal.Scalar.Plain in YAML,
    Token.Generic.Prompt.VirtualEnv in console sessions) that a style has no entry for, and
    Pygments' formatters then take the parent's, as here."""
    while True:
        try:
            return sty.style_for_token(ttype)
        except KeyError:
            if ttype.parent is None:
                raise
            ttype = ttype.parent


def pieces(code: str, lang: str | None, style: str | None) -> list[Piece]:
    """The code as highlighted pieces (see the module's docstring)."""
    lexer = _lexer(lang.lower()) if lang and style else None
    if lexer is None:
        return [Piece(code)] if code else []
    sty = _style(style)
    out: list[Piece] = []
    for ttype, value in lexer.get_tokens(code):
        if not value:
            continue
        if value.isspace() and out:  # spaces take no colour: they join the piece before them
            out[-1] = Piece(out[-1].text + value, out[-1].color, out[-1].bold, out[-1].italic)
            continue
        spec = _spec(sty, ttype)
        piece = Piece(value, f"#{spec['color']}" if spec["color"] else None, bool(spec["bold"]), bool(spec["italic"]))
        if out and (out[-1].color, out[-1].bold, out[-1].italic) == (piece.color, piece.bold, piece.italic):
            out[-1] = Piece(out[-1].text + value, piece.color, piece.bold, piece.italic)
        else:
            out.append(piece)
    if "".join(p.text for p in out) != code:  # a lexer that changes the text is not used
        return [Piece(code)]
    return out


def lines(code: str, lang: str | None, style: str | None) -> list[list[Piece]]:
    """The highlighted pieces line by line (no piece holds a newline)."""
    result: list[list[Piece]] = [[]]
    for p in pieces(code, lang, style):
        for k, part in enumerate(p.text.split("\n")):
            if k:
                result.append([])
            if part:
                result[-1].append(Piece(part, p.color, p.bold, p.italic))
    return result
