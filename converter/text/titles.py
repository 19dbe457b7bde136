"""Where a long title breaks: between words, into lines of balanced length (GB/T 9704-2012
7.3.1: 标题回行时，要做到词意完整，排列对称，长短适宜，间距恰当 — a trapezoid or a diamond).

One rule for every output: the PDF layout, the DOCX (explicit breaks in one Title paragraph)
and the EPUB (<br/>) all take their lines from ``title_lines``, measured with the same face
metrics (``face_measure``), so the three print the same lines.

Words come from rjieba (Python binding of jieba-rs, the Rust port of jieba); glue rules keep
what a segmenter separates but a line must not: punctuation that must not start a line goes
with the word before it, an opening bracket with the word after it, a number with the word
after it (``2023`` + ``年度``), and particles such as 的 never start a line.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from functools import lru_cache
from typing import Callable

from ..cachefiles import cache_dir, write_cache_file
from .scripts import is_wide

SEGMENT_CACHE_VERSION = "1"

#: must not start a line (W3C clreq / GB/T 15834), and particles a title line never starts with
_NO_START = set("、，。．：；！？’”）］｝〕〗〙》〉」』】…‥—～·,.:;!?)]}%‰℃") | set("的之和与及")
#: must not end a line
_NO_END = set("‘“（［｛〔〖〘《〈「『【([{")
#: a line may overrun its measure by this much (rounding of advance widths)
EPS = 0.01


def words(text: str) -> list[str]:
    """The title cut into pieces a line may break between (their concatenation is ``text``)."""
    pieces = [w for w in _segmented(text) if w]
    assert "".join(pieces) == text, "the segmenter must keep every character"
    out: list[str] = []
    for piece in pieces:
        glue = out and (piece[0] in _NO_START or out[-1][-1] in _NO_END
                        or (out[-1][-1].isdigit() and not piece[0].isspace())
                        or (_latin(out[-1][-1]) and _latin(piece[0])))
        if glue:
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _segmented(text: str) -> list[str]:
    """rjieba's words of ``text``, kept on disk by the text and the segmenter's files: loading
    its dictionary costs 0.1 s of CPU, an eighth of a small document's build, for one title."""
    import importlib.util

    spec = importlib.util.find_spec("rjieba")
    folder = os.path.dirname(spec.origin) if spec and spec.origin else ""
    stamps = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(folder)
                    if e.is_file()) if folder else []
    key = hashlib.sha256(repr((SEGMENT_CACHE_VERSION, stamps, text)).encode()).hexdigest()[:24]
    cached = cache_dir() / "words" / f"{key}.json"
    try:
        got = json.loads(cached.read_text(encoding="utf-8"))
        if isinstance(got, list) and all(isinstance(w, str) for w in got) and "".join(got) == text:
            return got
    except (OSError, ValueError):
        pass
    import rjieba

    got = list(rjieba.cut(text))
    write_cache_file(cached, json.dumps(got, ensure_ascii=False).encode("utf-8"))
    return got


def title_lines(text: str, measure: Callable[[str], float], width: float, max_lines: int = 6) -> list[str]:
    """The lines of a title set in ``width`` (``measure``: a string's advance width).

    The fewest lines that hold it, broken only between words; of those breaks, the one whose
    lines are closest to equal length, never an hourglass (a middle line shorter than both its
    neighbours). A word wider than the whole measure is broken inside, where nothing else can be.
    """
    if measure(text) <= width + EPS or len(text) < 2:
        return [text]
    pieces = words(text)
    if any(measure(p) > width + EPS for p in pieces):
        pieces = [q for p in pieces for q in (_chars(p) if measure(p) > width + EPS else [p])]
    total = measure(text)
    for n in range(2, max_lines + 1):
        if total > n * (width + EPS):
            continue  # n lines that fit hold at most n widths (a long paragraph as the title: none do)
        best = _best_split(pieces, n, measure, width)
        if best is not None:
            return best
    return _greedy(pieces, measure, width)


#: beyond this many ways to cut a title, the evenest cut is found by dynamic programming
EXHAUSTIVE_SPLITS = 20_000


def _best_split(pieces: list[str], n: int, measure, width: float) -> list[str] | None:
    """The best way to cut ``pieces`` into ``n`` lines that fit, or None."""
    if math.comb(len(pieces) - 1, n - 1) > EXHAUSTIVE_SPLITS:
        return _evenest_split(pieces, n, measure, width)
    best, best_cost = None, None
    # titles are short (a few dozen pieces): every choice of n - 1 cut points is tried
    for cuts in itertools.combinations(range(1, len(pieces)), n - 1):
        bounds = (0, *cuts, len(pieces))
        lines = ["".join(pieces[a:b]) for a, b in zip(bounds, bounds[1:])]
        widths = [measure(line) for line in lines]
        if max(widths) > width + EPS:
            continue
        cost = _cost(widths)
        if best_cost is None or cost < best_cost:
            best, best_cost = lines, cost
    return best


def _evenest_split(pieces: list[str], n: int, measure, width: float) -> list[str] | None:
    """The cut into ``n`` lines that fit whose widths vary least, or None: for a title of
    many pieces (a long first line taken for the title), where trying every cut would take
    hours (120 characters in five lines: 25 s). Lines are measured as sums of their pieces,
    and hourglasses are not looked for: the evenest lines rarely make one."""
    ends = [0.0]
    for p in pieces:
        ends.append(ends[-1] + measure(p))
    mean = ends[-1] / n
    count = len(pieces)
    # best[k][j]: (sum of squared deviations, start of the last line) of pieces[:j] in k lines
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, 0)}]
    for k in range(1, n + 1):
        row: dict[int, tuple[float, int]] = {}
        for j in range(k, count - (n - k) + 1):
            for i, (cost, _) in best[k - 1].items():
                if i >= j:
                    continue
                w = ends[j] - ends[i]
                if w > width + EPS:
                    continue
                total = cost + (w - mean) ** 2
                if j not in row or total < row[j][0]:
                    row[j] = (total, i)
        best.append(row)
    if count not in best[n]:
        return None
    bounds = [count]
    for k in range(n, 0, -1):
        bounds.append(best[k][bounds[-1]][1])
    bounds.reverse()
    return ["".join(pieces[a:b]) for a, b in zip(bounds, bounds[1:])]


def _cost(widths: list[float]) -> tuple[int, float]:
    """Lower is better: first no hourglass, then lines of even length."""
    hourglass = sum(1 for a, b, c in zip(widths, widths[1:], widths[2:]) if b < a - EPS and b < c - EPS)
    mean = sum(widths) / len(widths)
    return hourglass, round(sum((w - mean) ** 2 for w in widths), 6)


def _greedy(pieces: list[str], measure, width: float) -> list[str]:
    lines = [""]
    line_width = 0.0  # the line's width as the sum of its pieces' (measure(line) but rounding)
    for p in pieces:
        piece = measure(p)
        if lines[-1]:
            wider = line_width + piece - (width + EPS)
            # the line measured again only where rounding could decide (a title of a paragraph's
            # length: measuring each line again for each piece cost seconds)
            if abs(wider) < 1e-6:
                wider = measure(lines[-1] + p) - (width + EPS)
            if wider > 0:
                lines.append(p)
                line_width = piece
                continue
        lines[-1] += p
        line_width += piece
    return lines


def _chars(word: str) -> list[str]:
    """A word cut into characters, keeping the no-start / no-end rules."""
    out: list[str] = []
    for ch in word:
        if out and (ch in _NO_START or out[-1][-1] in _NO_END or (_latin(ch) and _latin(out[-1][-1]))):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_./")


def face_measure(fonts, size: float) -> Callable[[str], float]:
    """A string's advance width at ``size`` in a role's fonts (resolve.Fonts): wide characters
    (and the CJK marks “ ” — …, as in Chinese text) from its CJK face, the others from its
    Latin face, as every output draws them."""
    cjk, latin = _advances(fonts.cjk), _advances(fonts.latin)

    def measure(text: str) -> float:
        total = 0.0
        for ch in text:
            first, second = (cjk, latin) if is_wide(ch) else (latin, cjk)
            total += first(ch) or second(ch) or 1.0
        return total * size

    return measure


@lru_cache(maxsize=16)
def _advances(face) -> Callable[[str], float | None]:
    """A face's advance widths in ems, looked up per character (None where it has no glyph),
    from the metrics the layout measures with (fonts.metrics: kept on disk, where reading a
    CJK face's cmap cost 0.1 s a process)."""
    from ..fonts.metrics import widths

    return lru_cache(maxsize=None)(widths(face).em)


def lines_of_title(title, style, ignore: tuple[str, ...] = ()) -> list[str] | None:
    """The lines of a model <title> in a resolved style's title role and type area, or None when
    it stays one line, holds inline elements or is not Chinese (it is then left to the output's
    own breaking). Children whose tag is in ``ignore`` (a writer's own markers) do not count."""
    if title is None or any(c.tag not in ignore for c in title):
        return None
    text = (title.text or "") + "".join(c.tail or "" for c in title)
    if not any(is_wide(ch) for ch in text):
        return None
    role = style.role("title")
    width = style.page.text_width - role.left_indent - role.right_indent - max(role.first_line_indent, 0.0)
    lines = _title_lines_in(text.strip(), role.fonts, role.size, width)
    return list(lines) if len(lines) > 1 else None


@lru_cache(maxsize=8)
def _title_lines_in(text: str, fonts, size: float, width: float) -> tuple[str, ...]:
    """title_lines in a role's fonts at a size, remembered: the layout, the DOCX and the EPUB
    each ask for the same title's lines (a paragraph-long title takes a second to break)."""
    return tuple(title_lines(text, face_measure(fonts, size), width))
