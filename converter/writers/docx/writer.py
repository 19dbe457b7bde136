"""The DOCX writer: the model rendered as a Word document formatted with named styles.

This is the packaging: the reference document, styles (styles.py), font table, page setup,
settings, footers (made once per style and language: skeleton.py) and properties (package.py), the translator's content (translator.py), the
embedded fonts (fonts.py) and the zip with fixed timestamps (written once, by packaging.write_zip).
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from ...context import BuildContext
from ...model import XML_LANG, q
from ...model.outline import metadata
from ...style import ResolvedStyle
from ..packaging import write_zip
from . import SETTINGS, package
from .fonts import embed_fonts
from .ooxml import is_cjk_lang
from .reference import load_reference
from .rowspool import RowSpool
from .skeleton import prepared
from .translator import DocxTranslator


class DocxWriter:
    """Writer plug-in ``docx``."""

    suffix = ".docx"
    # may write in a second process while the pages are laid out (pipeline.Early): it reads
    # no pages (unless reads_pages_of) and changes nothing of the context but its messages
    beside_layout = True
    #: the keys of a style sheet's [docx] section
    settings = SETTINGS

    @staticmethod
    def reads_pages_of(doc: etree._Element) -> bool:
        """The 版记 stands where the layout put it (at the foot of its page, on an even page
        printed double-sided: colophon.py): a document with one is laid out for the DOCX too."""
        return doc.find(q("colophon")) is not None

    @classmethod
    def handled(cls) -> set[str]:
        """Model elements the writer renders (every element of the schema, or a test fails)."""
        return DocxTranslator.handled()

    def write(self, doc: etree._Element, style: ResolvedStyle, target: Path, ctx: BuildContext) -> None:
        reference = load_reference(ctx.options.get("reference_doc"))  # --reference-doc, checked first
        lang = doc.get(XML_LANG, "und")
        cjk = is_cjk_lang(lang)
        # styles, font table, page setup, settings, footers: the same for every document of
        # this style and language (kept in the cache: skeleton.py)
        document, ids = prepared(style, lang, ctx.cache)
        if reference is not None:
            reference.apply(document, set(ids.values()))
        package.core_properties(document, metadata(doc), ctx.source_date)
        package.clean_parts(document)
        embed = style.settings("docx", self.settings)["embed-fonts"]
        # a long table's rows wait in a temporary file, not in the tree (rowspool.py)
        with RowSpool(document, target.parent, lang if embed else None) as spool:
            DocxTranslator(document, style, ctx, ids, cjk, spool).render(doc)
            if embed:
                embed_fonts(document, lang, ctx, spool.drawn)
            write_zip(target, package.members(document, spool), ctx.source_date, cache=ctx.cache)
