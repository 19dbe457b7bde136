"""Where the issuing body and the date go (GB/T 9704-2012 §7.3.5): one rule for the PDF
layout and the DOCX.

Without a seal (§7.3.5.2): the issuer 右空二字 (two characters in from the right edge); the
date on the next line starts two characters right of the issuer's first character. When the
date is longer than that leaves room for, the date keeps the two-character right indent and
the issuer moves left by the difference (its first character stays two characters left of the
date's). With a seal (§7.3.5.1): the date 右空四字 and the issuer centred over it.

Lengths are right indents: the distance from the type area's right edge to a line's end.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignaturePlaces:
    issuers: list[float]  # right indent of each issuer line
    date: float | None  # right indent of the date line


def signature_places(issuer_widths: list[float], date_width: float | None, char: float,
                     seal: bool = False) -> SignaturePlaces:
    """The right indents of the issuer lines and the date (``char``: one character's width)."""
    sig_w = max(issuer_widths, default=0.0)
    if seal:
        date_right = 4 * char
        centre = date_right + (date_width or sig_w) / 2  # from the right edge
        return SignaturePlaces([centre - w / 2 for w in issuer_widths], date_right if date_width is not None else None)
    sig_right = 2 * char
    if date_width is None:
        return SignaturePlaces([sig_right + sig_w - w for w in issuer_widths], None)
    # the date starts two characters right of the issuer's first character
    date_right = sig_right + sig_w - 2 * char - date_width
    if date_right < 2 * char - 1e-6:  # the date is longer: it keeps 右空二字, the issuer moves left
        date_right = 2 * char
        sig_right = date_right + date_width + 2 * char - sig_w
    return SignaturePlaces([sig_right + sig_w - w for w in issuer_widths], date_right)
