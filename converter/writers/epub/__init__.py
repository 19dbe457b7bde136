"""The EPUB 3 writer package: writer.py (packaging), xhtml.py (the translator that visits the model),
css.py, fonts.py, nav.py, pages.py and meta.py.

``SETTINGS``: the keys the writer takes in a style sheet's ``[epub]`` section (checked by it, not
by the style layer)."""
from ...style import ResolvedStyle
from ...style.settings import Setting

#: how the e-book sets its lines: horizontal-tb, or vertical-rl (columns read top to bottom,
#: right to left; pages turn leftwards)
WRITING_MODES = ("horizontal-tb", "vertical-rl")

SETTINGS = {
    "writing-mode": Setting(str, WRITING_MODES[0], choices=WRITING_MODES, doc="how the e-book sets its lines"),
    "title-page": Setting(bool, True, doc="a page of its own for the title, subtitle, authors and date "
                                          "(a document that signs itself, a letter or an official "
                                          "document, never has one)"),
}


def wants_title_page(style: ResolvedStyle) -> bool:
    """The style's [epub] title-page (checked)."""
    return style.settings("epub", SETTINGS)["title-page"]


def writing_mode(style: ResolvedStyle) -> str:
    """The style's [epub] writing-mode (checked)."""
    return style.settings("epub", SETTINGS)["writing-mode"]
