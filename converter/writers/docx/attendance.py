"""纪要 (GB/T 9704 10.3) in the DOCX: 出席 / 请假 / 列席, a paragraph each in the body's style,
左空二字, the label (with its colon) in the attendance-label role's face (黑体), wrapped names
under the first name (a hanging indent as wide as the label); one blank line above the first.
Direct formatting on Body Text: no new paragraph style for documents that have none of it."""
from __future__ import annotations

from lxml import etree

from ...model import child, q
from .ooxml import PPR_ORDER, el, put, twips


def attendance(out, node: etree._Element, inlines) -> None:
    """Write the <attendance> ``node`` where ``out`` stands; ``inlines`` writes mixed content."""
    style = out.setup.style
    role, label_role = style.role("attendance"), style.role("attendance-label")
    char = style.grid.char_pitch if style.grid is not None else role.size  # one 字 of the line
    for k, item in enumerate(node.iterfind(q("attendees"))):
        label = child(item, "label")
        out.paragraph("body")
        ppr = out.p.get_or_add_pPr()
        width = len(label.text or "") * char
        indent = role.first_line_indent * (char / role.size)
        put(ppr, el("w:spacing", before=twips(role.space_before) if k == 0 else 0), PPR_ORDER)
        put(ppr, el("w:ind", left=twips(indent + width), hanging=twips(width), firstLineChars=0), PPR_ORDER)
        out.run(label.text or "", face=label_role.fonts.cjk)
        names = etree.Element(item.tag)  # the names: what follows the label, as mixed content
        names.text = label.tail
        names.extend(etree.fromstring(etree.tostring(c)) for c in label.itersiblings())
        inlines(names)
