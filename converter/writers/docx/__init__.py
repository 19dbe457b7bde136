"""The DOCX writer package: writer.py (packaging), translator.py (visits the model) and their parts.

``SETTINGS``: the keys the writer takes in a style sheet's ``[docx]`` section (checked by it, not
by the style layer)."""
from ...style.settings import Setting

SETTINGS = {
    "embed-fonts": Setting(bool, True, doc="the DOCX carries subsets of the fonts it draws with"),
}
