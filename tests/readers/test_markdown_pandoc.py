"""The Markdown reader as pandoc reads Markdown (issue 13): heading ids and internal links,
nesting at any depth, headings in quotes and items, the extensions, raw HTML, front matter and
link addresses."""
from __future__ import annotations

import pytest

from converter import model
from converter.errors import InputError, collecting
from converter.model.identifiers import pandoc_identifier, unique_identifier
from converter.pipeline import build, read
from converter.readers.markdown import parse_markdown
from converter.readers.markdown.parser import MAX_NESTING
from helpers import FIXTURES

MD = FIXTURES / "markdown"


def md(text: str):
    """The validated model of a text, with the warnings the reader gave."""
    with collecting() as warnings:
        doc = parse_markdown(text, MD, fallback_title="fallback")
    model.validate(doc)
    return doc, warnings


def find(doc, tag):
    return doc.findall(".//" + model.q(tag))


def sections(doc):
    return [(s.get("id"), model.plain_text(s.find(model.q("heading")))) for s in find(doc, "section")]


# --- 1. identifiers and internal links ------------------------------------------------------
@pytest.mark.parametrize("text, ident", [
    ("Installation guide", "installation-guide"),
    ("1. Überblick", "überblick"),
    ("Grüße, Welt!", "grüße-welt"),
    ("Dogs?--in *my* house?", "dogs--in-my-house"),  # pandoc manual's own examples
    ("[HTML], [S5], or [RTF]?", "html-s5-or-rtf"),
    ("3. Applications", "applications"),
    ("33", ""),
    ("v1.2_final-draft", "v1.2_final-draft"),
    ("一、总体要求", "一总体要求"),
    ("x² and y", "x-and-y"),  # ² cannot be in an XML id: dropped as punctuation is
    ("ພາສາລາວ", "ພາສາລາວ"),  # Lao and Thai letters are name characters to libxml2, marks too
    # Khmer, Myanmar and Ethiopic letters are not (XML 1.0 4th edition, which the validator follows)
    ("ភាសាខ្មែរ and Khmer", "and-khmer"),
    ("မြန်မာ", ""),
    ("ሰላም", ""),
])
def test_pandoc_identifier_rule(text, ident):
    assert pandoc_identifier(text) == ident


@pytest.mark.parametrize("heading", ["ភាសាខ្មែរ", "မြန်မာဘာသာ", "ሰላም ዓለም"])
def test_a_heading_in_a_script_the_validator_takes_no_names_from_builds(tmp_path, heading):
    """Such a heading gets ``section`` (a schema-valid id), and the document builds."""
    src = tmp_path / "t.md"
    src.write_text(f"# Title\n\n## {heading}\n\nText.\n", encoding="utf-8")
    result = build(src, tmp_path / "out", ["xml"])
    doc = read(result.outputs[0])
    assert sections(doc) == [("section", heading)]


def test_unique_identifiers_count_like_pandoc():
    taken: set[str] = set()
    assert [unique_identifier(b, taken) for b in ["a", "a", "a", "", ""]] == ["a", "a-1", "a-2", "section",
                                                                             "section-1"]


def test_headings_get_pandoc_ids_and_attributes_are_honoured():
    doc, _ = md("# Title {#top}\n\n## Intro\n\n## Intro\n\n## Custom one {#mine .unnumbered}\n\n## 33\n\n"
                "## Later {#intro}\n")
    assert sections(doc) == [("intro-1", "Intro"), ("intro-2", "Intro"), ("mine", "Custom one"),
                             ("section", "33"), ("intro", "Later")]  # a given id is taken first
    assert doc.findtext(model.q("title")) == "Title"


def test_a_link_to_a_heading_resolves_and_a_missing_one_is_text_with_a_line(tmp_path):
    src = tmp_path / "links.md"
    src.write_text("# T\n\nSee [Installation](#installation).\n\nAnd [gone](#gone) here.\n\n"
                   "## Installation\n\nText.\n", encoding="utf-8")
    found = []
    doc = read(src, found)
    links = find(doc, "link")
    assert [link.get("href") for link in links] == ["#installation"]
    assert "And gone here." in model.plain_text(doc)  # its words stay, the link does not
    assert [(d.file, d.line) for d in found] == [(str(src), 5)]
    assert "#gone" in found[0].message


def test_internal_links_build_in_every_format(tmp_path):
    src = tmp_path / "manual.md"
    src.write_text("# Manual\n\nSee [Installation](#installation) and [Café](#café).\n\n"
                   "## Installation\n\nSteps.\n\n## Café\n\nCoffee.\n", encoding="utf-8")
    result = build(src, tmp_path / "out")
    assert len(result.outputs) == 4 and not [d for d in result.diagnostics if d.level == "warning"]
    xml = (tmp_path / "out" / "manual.xml").read_text(encoding="utf-8")
    assert 'href="#café"' in xml and 'id="café"' in xml  # %-escaped by markdown-it, resolved again


# --- 2. nesting ----------------------------------------------------------------------------------
def _depth(el, tag):
    depth = 0
    while el is not None:
        depth += model.tag_of(el) == tag
        el = el.getparent()
    return depth


def test_deep_lists_and_quotes_are_kept_whole():
    lists = "".join("  " * k + f"- level {k + 1}\n" for k in range(30))
    quotes = "".join(">" * (k + 1) + f" depth {k + 1}\n\n" for k in range(60))
    doc, _ = md("# T\n\n" + lists + "\n" + quotes)
    text = model.plain_text(doc)
    assert "level 30" in text and "depth 60" in text
    deepest = [p for p in find(doc, "p") if model.plain_text(p) == "level 30"][0]
    assert _depth(deepest, "list") == 30
    assert _depth([p for p in find(doc, "p") if model.plain_text(p) == "depth 60"][0], "quote") == 60


def test_nesting_beyond_the_bound_is_an_error_naming_the_line():
    quotes = "# T\n\nintro\n\n" + ">" * (MAX_NESTING + 5) + " too deep\n"
    with pytest.raises(InputError, match="nest deeper") as e:
        md(quotes)
    assert e.value.line is not None and e.value.line <= 5


# --- 3. headings in quotes and items -----------------------------------------------------------
def test_headings_inside_quotes_and_items_stay_headings():
    doc, _ = md("# T\n\n> ## In a quote\n> quoted\n\n- ### In an item\n  text\n")
    quote_sec = find(doc, "quote")[0].find(model.q("section"))
    item_sec = find(doc, "item")[0].find(model.q("section"))
    assert quote_sec.get("level") == "2" and model.plain_text(quote_sec.find(model.q("heading"))) == "In a quote"
    assert quote_sec.get("id") == "in-a-quote" and model.plain_text(quote_sec).endswith("quoted")
    assert item_sec.get("level") == "3" and item_sec.get("id") == "in-an-item"


# --- 4. extensions ----------------------------------------------------------------------------------
def test_strike_sub_sup_tasks_deflists_inline_notes():
    doc, _ = md("# T\n\n~~old~~ H~2~O E=mc^2^ a note^[Inline.]\n\n- [ ] todo\n- [x] done\n- plain\n\n"
                "Term\n: Its *definition*.\n")
    assert [model.plain_text(e) for e in find(doc, "strike")] == ["old"]
    assert [model.plain_text(e) for e in find(doc, "sub")] == ["2"]
    assert [model.plain_text(e) for e in find(doc, "sup")] == ["2"]
    assert model.plain_text(find(doc, "footnote")[0]) == "Inline."
    assert [i.get("checked") for i in find(doc, "item")] == ["false", "true", None]
    assert [model.plain_text(i) for i in find(doc, "item")] == ["todo", "done", "plain"]
    (dl,) = find(doc, "deflist")
    assert [model.tag_of(c) for c in dl] == ["term", "definition"]
    assert model.plain_text(dl) == "TermIts definition."


def test_smart_punctuation_for_latin_text_and_its_switch():
    doc, _ = md("# T\n\n\"Quoted\" -- it's 1990---2000... ok\n")
    assert model.plain_text(find(doc, "p")[0]) == "“Quoted” – it’s 1990—2000… ok"
    doc, _ = md("---\nsmart: false\n---\n\n\"Quoted\" -- it's...\n")
    assert model.plain_text(find(doc, "p")[0]) == "\"Quoted\" -- it's..."
    doc, _ = md("# 标题\n\n他说\"好\"--然后...\n")  # Chinese text keeps what was typed
    assert model.plain_text(find(doc, "p")[0]) == "他说\"好\"--然后..."
    doc, _ = md("# T\n\n`a -- b` and <https://x.org/a--b>\n")  # never in code or addresses
    assert "a -- b" in model.plain_text(doc) and find(doc, "link")[0].get("href") == "https://x.org/a--b"


def test_math_is_kept_as_tex_with_one_warning():
    doc, warnings = md("# T\n\nInline $a^2+b^2$ and $5 and $10 stay text.\n\n$$\nx = \\frac{1}{2}\n$$\n\n"
                       "More $\\alpha$.\n")
    maths = find(doc, "math")
    assert [(m.text, m.get("display")) for m in maths] == [("a^2+b^2", None), ("x = \\frac{1}{2}", "block"),
                                                           ("\\alpha", None)]
    assert "$5 and $10 stay text" in model.plain_text(doc)
    assert len(warnings) == 1 and "TeX" in warnings[0].message and warnings[0].line == 3


# --- 5. raw HTML ------------------------------------------------------------------------------------
def test_inline_html_becomes_model_elements_or_text():
    doc, warnings = md("# T\n\nA<sup>1</sup> B<sub>2</sub> <b>b</b> <i>i</i> <em>e</em> <strong>s</strong> "
                       "<kbd>Ctrl</kbd> <span style=\"color:red\">red</span><br/>next <!-- gone -->end\n")
    p = find(doc, "p")[0]
    assert [model.tag_of(c) for c in p] == ["sup", "sub", "strong", "em", "em", "strong", "code", "br"]
    assert model.plain_text(p) == "A1 B2 b i e s Ctrl rednext end"
    assert warnings == []


def test_other_html_is_text_with_one_warning_and_comments_vanish():
    doc, warnings = md("# T\n\n<!-- a block comment -->\n\n<div align=\"center\">\n<b>Hi</b>\n</div>\n\n"
                       "Inline <abbr>x</abbr> and <img src=\"x.png\">.\n")
    text = model.plain_text(doc)
    assert "comment" not in text
    assert '<div align="center">' in text and "<abbr>x</abbr>" in text and "<img" in text
    assert find(doc, "strong")  # a known tag inside an HTML block still means strong
    assert len(warnings) == 1 and "raw HTML" in warnings[0].message and warnings[0].line == 5


# --- 8. front matter -----------------------------------------------------------------------------------
def test_front_matter_lang_is_normalised_and_checked():
    doc, _ = md("---\nlang: en_US\n---\n\nText.\n")
    assert doc.get(model.XML_LANG) == "en-US"
    doc, _ = md("---\nlang: ZH-hans-cn\n---\n\nText.\n")
    assert doc.get(model.XML_LANG) == "zh-Hans-CN"
    with pytest.raises(InputError, match="not a language tag") as e:
        md("---\ntitle: T\nlang: English (UK)\n---\n\nText.\n")
    assert e.value.line == 3


def test_front_matter_lists_and_mappings():
    doc, _ = md("---\ntitle: [Part one, Part two]\nsubtitle: {text: The sub}\n"
                "author: [{name: Ann, affiliation: X}, Bob]\n---\n\nText.\n")
    assert doc.findtext(model.q("title")) == "Part one: Part two"
    assert doc.findtext(model.q("subtitle")) == "The sub"
    assert [a.text for a in find(doc, "author")] == ["Ann", "Bob"]


def test_an_unknown_style_names_file_and_line(tmp_path):
    from converter.errors import StyleError

    src = tmp_path / "styled.md"
    src.write_text("---\ntitle: T\nstyle: nosuch\n---\n\nText.\n", encoding="utf-8")
    with pytest.raises(StyleError, match="nosuch") as e:
        build(src, tmp_path / "out", ["xml"])
    assert (e.value.file, e.value.line) == (str(src), 3)


def test_a_rule_followed_by_a_sentence_is_no_front_matter():
    doc, _ = md("---\nJust a sentence, not YAML.\n---\n\nText.\n")
    assert find(doc, "rule")  # CommonMark: a thematic break, then a setext heading
    assert "Just a sentence, not YAML." in model.plain_text(doc)
    with pytest.raises(InputError, match="YAML"):  # but what looks like YAML must be YAML
        md("---\ntitle: [unclosed\n---\n\ntext\n")


# --- 9. link addresses --------------------------------------------------------------------------------------
def test_every_address_commonmark_accepts_passes_the_schema():
    doc, warnings = md("# T\n\n[a](https://example.org/#/guide#install) [b](foo\\)\\:) [c](<a b>) "
                       "[d](https://x.org/100%) [e](mailto:x@y.org) [f](tel:+123)\n")
    hrefs = [link.get("href") for link in find(doc, "link")]
    assert hrefs == ["https://example.org/#/guide%23install", "./foo):", "a%20b", "https://x.org/100%25",
                     "mailto:x@y.org", "tel:+123"]
    assert warnings == []


def test_other_schemes_print_as_text_with_a_warning():
    doc, warnings = md("# T\n\n[run](javascript:alert(1)) and [file](file:///etc/passwd)\n")
    assert not find(doc, "link") and model.plain_text(find(doc, "p")[0]) == "run and file"
    assert len(warnings) == 2 and all(w.line == 3 for w in warnings)


# --- the whole fixture, through every writer ---------------------------------------------------------------
def test_the_extensions_fixture_builds_everywhere_with_its_words(tmp_path):
    import re
    import subprocess
    import zipfile

    import docx

    src = MD / "extensions.md"
    result = build(src, tmp_path, ["pdf", "docx", "epub", "xml"])
    assert len(result.outputs) == 4
    warned = " | ".join(d.message for d in result.diagnostics if d.level == "warning")
    for said in ("link to #nowhere", "TeX source", "raw HTML", "javascript:"):  # the reader's own
        assert said in warned
    words = ["Installation", "open", "task", "finished", "heading", "quote", "Quoted", "Glossary",
             "explains", "Water", "H", "2", "O", "not", "this", "Inline", "notes", "Ctrl", "span", "words",
             "kept", "markup", "clickable", "escaped", "script", "missing", "part"]
    pdf = subprocess.run(["pdftotext", str(tmp_path / "extensions.pdf"), "-"], capture_output=True,
                         text=True).stdout
    d = docx.Document(str(tmp_path / "extensions.docx"))
    docx_text = "\n".join(p.text for p in d.paragraphs)
    with zipfile.ZipFile(tmp_path / "extensions.docx") as z:  # the notes live in their own part
        docx_text += re.sub(r"<[^>]+>", "", z.read("word/footnotes.xml").decode())
    with zipfile.ZipFile(tmp_path / "extensions.epub") as z:
        epub = " ".join(re.sub(r"<[^>]+>", " ", z.read(n).decode()) for n in z.namelist() if n.endswith(".xhtml"))
    for name, text in (("pdf", pdf), ("docx", docx_text), ("epub", epub)):
        for word in words:
            assert word in text, (name, word)
        assert "☐" in text and "☒" in text, name
        assert "comment" not in text, name
    assert "e^{i\\pi}+1=0" in pdf.replace(" ", "") or "e^{i\\pi}+1=0" in pdf


def test_html_anchors_and_links():
    """<a id> before a heading (as books written for mdBook have them) names that heading;
    <a name> inside a section names the section; <a href> is a link, its scheme filtered."""
    doc, warnings = md("# T\n\nSee [a](#old-name), [b](#inside), <a href=\"https://x.org\">raw</a> and "
                       "<a href=\"javascript:x()\">bad</a>.\n\n<a id=\"old-name\"></a>\n\n## New name\n\n"
                       "Text <a name=\"inside\"></a> here.\n")
    assert [(link.get("href"), model.plain_text(link)) for link in find(doc, "link")] == [
        ("#new-name", "a"), ("#new-name", "b"), ("https://x.org", "raw")]
    assert "bad" in model.plain_text(doc) and "<a" not in model.plain_text(doc)
    assert len(find(doc, "p")) == 2  # the anchor's own paragraph is no paragraph
    assert [w.line for w in warnings] == [3]


def test_link_titles_are_kept_and_shown(tmp_path):
    import zipfile

    doc, _ = md('# T\n\n[site](https://x.org "The site") and [ref]\n\n[ref]: https://y.org "Ref title"\n')
    assert [link.get("title") for link in find(doc, "link")] == ["The site", "Ref title"]
    src = tmp_path / "titles.md"
    src.write_text('# T\n\n[site](https://x.org "The site")\n', encoding="utf-8")
    build(src, tmp_path, ["docx", "epub"])
    with zipfile.ZipFile(tmp_path / "titles.docx") as z:
        assert 'w:tooltip="The site"' in z.read("word/document.xml").decode()
    with zipfile.ZipFile(tmp_path / "titles.epub") as z:
        assert any('title="The site"' in z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))


# --- any mixture of the constructs: a valid model or an error with a line, never a crash --------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = ["word", " ", "\n", "\n\n", "# ", "## ", "> ", "- ", "1. ", "- [ ] ", "- [x] ", "  ", "*", "**", "~~",
          "~", "^", "`", "$", "$$", "[", "]", "(", ")", "(#word)", "(https://x.org/#a#b)", "(javascript:x)",
          "{#id}", "^[note]", "[^1]", "\n[^1]: n\n", ":", "\n: ", "<b>", "</b>", "<sup>", "</sup>", "<kbd>",
          "</kbd>", "<br>", "<!-- c -->", "<div>", "</div>", "<a id=\"word\">", "<a href=\"#word\">", "</a>",
          "\"", "'", "--", "...", "|", "\n|---|\n", "---\n", "```\n", "\\", "&amp;", "中文", "é"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_any_mixture_reads_into_a_valid_model(pieces):
    text = "".join(pieces)
    try:
        with collecting():
            doc = parse_markdown(text, MD, fallback_title="fallback")
    except InputError as e:  # allowed: an error a user can act on, with its line
        assert e.line is not None or "front matter" in e.message, e.message
        return
    model.validate(doc)
    from converter.transforms.ids import assign_ids
    from converter.transforms.links import check_internal_links

    with collecting():
        assign_ids(doc)
        check_internal_links(doc)
    model.validate(doc)


def test_heading_attributes_after_closing_hashes_and_before_smart_dashes():
    doc, warnings = md("# T\n\n### Extension: `tagging` ### {#extension--tagging}\n\n## A -- b\n")
    assert sections(doc) == [("extension--tagging", "Extension: tagging"), ("a-b", "A – b")]
    assert warnings == []
