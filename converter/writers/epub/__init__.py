"""The EPUB 3 writer package: writer.py (packaging), xhtml.py (the translator that visits the model),
css.py, fonts.py, nav.py, pages.py and meta.py."""
