"""model.text_nodes (read as it goes) and model.counted_positions (held) walk the texts alike:
the layout reads a long document's positions with the one and a page's with the other."""
from __future__ import annotations

from converter.model import counted_positions, ink, text_nodes, text_positions
from converter.pipeline import read
from helpers import FIXTURES, sample_sources


def test_the_streamed_walk_and_the_held_one_give_the_same_positions():
    sources = sample_sources() + sorted(p for p in (FIXTURES / "model").glob("*.xml"))
    checked = 0
    for src in sources:
        try:
            doc = read(src)
        except Exception:  # fixtures of bad input: not this test's business
            continue
        held = text_positions(doc)
        assert [((el, kind), pos) for el, kind, pos in text_nodes(doc)] == list(held.items()), src
        for part in doc:  # any element, from any start: the same, and the count after it
            if not isinstance(part.tag, str):
                continue
            positions, end = counted_positions(part, 7)
            streamed = list(text_nodes(part))
            assert {(el, kind): pos + 7 for el, kind, pos in streamed} == positions, src
            last = streamed[-1] if streamed else None
            assert end == (7 if last is None else 7 + last[2] + ink(last[0].text if last[1] == "text" else last[0].tail))
        checked += 1
    assert checked > 5
