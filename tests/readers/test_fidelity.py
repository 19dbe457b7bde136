"""Nothing is lost: every non-whitespace character of a source is in the model, in order.

Tested as a property over generated report-like texts (whose intended structure is known,
so the reader's outline is checked too), over arbitrary lines, and on every real document.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter import model
from converter.errors import InputError
from converter.model.outline import outline
from converter.pipeline import read
from converter.readers.decode import read_text
from converter.readers.text import parse_report
from helpers import flat, nonspace, sample_sources

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- building blocks --------------------------------------------------------------------------

# no 是 and no numerals: leads (一是 …) appear only where the generator puts them
CJK_WORDS = ["推进", "改革", "政务", "服务", "数据", "共享", "机制", "建设", "完善", "制度", "加强", "管理",
             "优化", "环境", "提升", "质量", "群众", "企业", "办理", "事项", "基层", "治理", "法治", "政府",
             "规范", "标准", "平台", "窗口", "审批", "流程", "监督", "考核", "培训", "队伍", "安全", "生产"]
CJK_EXTRAS = ["“放管服”", "《优化营商环境条例》", "（试行）", "——", "……", "3.5万元", "2021年", "1,032件",
              "0.5个工作日", "6.8%", "12.5%", "48", "App", "GDP", " online ", "区（县）", "𠀀"]
CJK_TOKEN = st.sampled_from(CJK_WORDS * 2 + CJK_EXTRAS)
SEPARATOR = st.sampled_from(["", "", "，", "、"])
# numbers in text that must never be taken for numbering, even at the start of a paragraph
TRICKY_STARTS = ["3.5万元", "2021年", "2023年，", "1,032件", "0.5个工作日", "1、2月份", "一、二季度", "6.8%"]
CN_NUMERALS = "一二三四五六七八九十"

LATIN_WORDS = ["review", "control", "payment", "office", "staff", "process", "grant", "budget", "order",
               "claim", "record", "audit", "team", "board", "system", "report", "cost", "year"]
LATIN_NUMBERS = ["3.5 million", "1,032 cases", "6.8%", "2021", "97 orders", "0.4 million", "12.5%"]
LATIN_TOKEN = st.sampled_from(LATIN_WORDS * 2 + LATIN_NUMBERS)
LATIN_HEADINGS = ["Scope", "Findings", "Procurement", "Payroll", "Grants", "Outlook", "Summary", "Risks",
                  "Internal controls", "Next steps", "Budget", "Staffing"]

INDENT = st.sampled_from(["", "", "  ", "    ", "\u3000\u3000", "\t", " \u3000"])
TRAILING = st.sampled_from(["", "", " ", "\u3000", "\t"])
NEWLINE = st.sampled_from(["\n", "\n", "\r\n"])


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    return "十" + CN_NUMERALS[n - 11]


@st.composite
def cjk_sentence(draw, lead: str = "") -> str:
    first = draw(st.sampled_from(CJK_WORDS))
    tokens = draw(st.lists(st.tuples(SEPARATOR, CJK_TOKEN), min_size=1, max_size=6))
    return lead + first + "".join(s + t for s, t in tokens)


@st.composite
def cjk_paragraph(draw) -> tuple[str, int]:
    """A paragraph ending with a sentence mark, and how many leads (一是 …) it has."""
    start = draw(st.sampled_from([""] * 6 + TRICKY_STARTS))
    n_leads = draw(st.sampled_from([0, 0, 0, 2, 3]))
    if n_leads:
        parts = [draw(cjk_sentence(lead=f"{cn_numeral(k)}是")) for k in range(1, n_leads + 1)]
        seps = [draw(st.sampled_from(["；", "。", "，"])) for _ in parts]
        text = "".join(p + s for p, s in zip(parts, seps))
        # 一是 opens the paragraph or follows a pause; a number at the start needs its sentence
        opening = draw(cjk_sentence()) + "：" if start or draw(st.booleans()) else ""
        text = opening + text
    else:
        text = "".join(draw(cjk_sentence()) + draw(st.sampled_from("，。；")) for _ in range(draw(st.integers(1, 3))))
    return start + text[:-1] + draw(st.sampled_from("。。。！？")), n_leads


@st.composite
def cjk_heading(draw) -> str:
    words = draw(st.lists(st.sampled_from(CJK_WORDS + ["“一网通办”", "（试点）"]), min_size=1, max_size=4))
    return "".join(words)


@st.composite
def latin_sentence(draw) -> str:
    words = draw(st.lists(st.tuples(LATIN_TOKEN, st.sampled_from(["", "", "", ",", ";"])), min_size=2, max_size=12))
    body = " ".join(w + p for w, p in words).rstrip(",;")
    if draw(st.booleans()):
        body += " (e.g. " + draw(st.sampled_from(LATIN_WORDS)) + ")"
    first = draw(st.sampled_from(["The", "Most", "All", "Each", "We", "Our"]))
    return f"{first} {body}" + draw(st.sampled_from("..!?"))


@st.composite
def latin_paragraph(draw) -> tuple[str, int]:
    return " ".join(draw(st.lists(latin_sentence(), min_size=1, max_size=3))), 0


def wrap(text: str, width: int) -> list[str]:
    """Greedy hard wrap at spaces, as a plain-text editor does."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line]


# --- whole documents --------------------------------------------------------------------------

NUMBER_SHAPES = ["cn", "paren-cn", "arabic", "paren-arabic"]


@st.composite
def numbering(draw, shape: str, n: int) -> str:
    if shape == "cn":
        return cn_numeral(n) + "、"
    if shape == "paren-cn":
        return draw(st.sampled_from(["（{}）", "({})"])).format(cn_numeral(n))
    if shape == "arabic":
        return f"{n}" + draw(st.sampled_from([".", "．", "、"]))
    return draw(st.sampled_from(["（{}）", "({})"])).format(n)


@st.composite
def depths(draw, deepest: int) -> list[int]:
    """Section depths in document order: each one at most one deeper than the one before."""
    out: list[int] = []
    for _ in range(draw(st.integers(0, 9))):
        out.append(draw(st.integers(1, min(deepest, (out[-1] if out else 0) + 1))))
    return out


@st.composite
def chinese_report(draw):
    """(text, expected outline facts, number of leads) for a report in the official genre."""
    blocks: list[list[str]] = []  # each block: its lines (a blank line may follow)
    expected = {"sections": [], "attachments": [], "issuer": None, "date": None, "addressee": None}
    leads = 0
    if draw(st.booleans()):
        blocks.append(["某市政发〔2024〕7号"])
    blocks.append(["关于" + draw(cjk_heading()) + "工作情况的报告"])
    if draw(st.booleans()):
        expected["addressee"] = draw(st.sampled_from(["各区（县）人民政府，市政府各部门：", "市人大常委会：", "各有关单位:"]))
        blocks.append([expected["addressee"]])

    def paragraph():
        nonlocal leads
        text, n = draw(cjk_paragraph())
        leads += n
        blocks.append([text])

    shapes = draw(st.permutations(NUMBER_SHAPES))
    sections = draw(depths(4))
    for _ in range(draw(st.integers(0 if sections else 1, 2))):  # a report has a body
        paragraph()
    counters = [0] * 5
    for depth in sections:
        counters[depth] += 1
        counters[depth + 1:] = [0] * (len(counters) - depth - 1)
        number = draw(numbering(shapes[depth - 1], counters[depth]))
        heading = draw(cjk_heading())
        if shapes[depth - 1] == "arabic" and draw(st.booleans()):
            heading = "2023年" + heading  # 1.2023年… is a heading, not the decimal 1.2023
        runin = draw(st.booleans())
        expected["sections"].append((depth, number, heading, runin))
        if runin:
            text, n = draw(cjk_paragraph())
            leads += n
            blocks.append([f"{number}{heading}。{text}"])
        else:
            blocks.append([number + heading + draw(st.sampled_from(["", "", "。"]))])
        for _ in range(draw(st.integers(0, 2))):
            paragraph()

    has_attachments = draw(st.booleans())
    if has_attachments:
        names = [draw(st.sampled_from(["", "2024年度"])) + draw(cjk_heading()) + draw(st.sampled_from(["表", "方案", "清单"]))
                 for _ in range(draw(st.integers(1, 3)))]
        lines = []
        if len(names) == 1 and draw(st.booleans()):
            lines.append("附件：" + names[0])
        else:
            for k, name in enumerate(names, start=1):
                item = f"{k}" + draw(st.sampled_from([".", "．"])) + name
                lines.append(("附件：" if k == 1 else "") + item)
                if draw(st.integers(0, 4)) == 0:  # a long name wrapped onto the next line
                    more = draw(cjk_heading())
                    lines.append(more)
                    names[k - 1] += more
        expected["attachments"] = names
        blocks.append(lines)
    if draw(st.booleans()):
        issuers = draw(st.lists(st.sampled_from(["某市人民政府", "某市财政局", "某市审计局", "某县人民政府办公室"]),
                                min_size=1 if has_attachments else 0, max_size=2, unique=True))
        date_text, iso = draw(st.sampled_from([("2024年3月15日", "2024-03-15"), ("2023年12月1日", "2023-12-01"),
                                               ("二〇二四年三月十五日", "2024-03-15")]))
        lines = issuers + [date_text]
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["（此件公开发布）", "（联系人：王某，电话：12345678）"])))
        blocks.append(lines)
        expected["issuer"] = " ".join(issuers) or None
        expected["date"] = iso
    return render(draw, blocks, chinese=True), expected, leads


@st.composite
def english_report(draw):
    """(text, expected outline facts, 0) for a hard-wrapped English report."""
    width = draw(st.integers(40, 80))
    blocks: list[list[str]] = [[draw(st.sampled_from(["Annual Review", "Quarterly Report", "Audit of Grants"]))
                                + draw(st.sampled_from(["", " 2023"]))]]
    expected = {"sections": [], "attachments": [], "issuer": None, "date": None, "addressee": None}
    if draw(st.booleans()):
        expected["addressee"] = "To the Board of Directors:"
        blocks.append([expected["addressee"]])

    def paragraph(prefix: str = ""):
        text, _ = draw(latin_paragraph())
        blocks.append(wrap(prefix + text, width))

    sections = draw(depths(3))
    for _ in range(draw(st.integers(0 if sections else 1, 2))):
        paragraph()
    counters = [0] * 4
    for depth in sections:
        counters[depth] += 1
        counters[depth + 1:] = [0] * (len(counters) - depth - 1)
        number = {1: f"{counters[1]}.", 2: f"{counters[1]}.{counters[2]}", 3: f"({counters[3]})"}[depth]
        heading = draw(st.sampled_from(LATIN_HEADINGS))
        runin = draw(st.booleans())
        expected["sections"].append((depth, number, heading, runin))
        if runin:
            paragraph(f"{number} {heading}. ")
        else:
            blocks.append([f"{number} {heading}"])
        for _ in range(draw(st.integers(0, 2))):
            paragraph()
    if draw(st.booleans()):
        names = draw(st.lists(st.sampled_from(["Regional figures", "Staff list", "Sample of cases"]),
                              min_size=1, max_size=3, unique=True))
        blocks.append([("Attachments: " if k == 1 else "") + f"{k}. {name}" for k, name in enumerate(names, start=1)])
        expected["attachments"] = names
        issuers = draw(st.sampled_from([["Jane Smith, Director of Finance"], ["John Doe", "Chief Executive"]]))
    else:
        issuers = draw(st.sampled_from([[], ["Jane Smith, Director of Finance"], ["John Doe", "Chief Executive"]]))
    if draw(st.booleans()):
        date_text, iso = draw(st.sampled_from([("15 January 2024", "2024-01-15"), ("January 15, 2024", "2024-01-15"),
                                               ("3 May 2023", "2023-05-03")]))
        blocks.append(issuers + [date_text])
        expected["issuer"] = " ".join(issuers) or None
        expected["date"] = iso
    return render(draw, blocks, chinese=False), expected, 0


def render(draw, blocks: list[list[str]], chinese: bool) -> str:
    """Lay the blocks out as a plain-text file: indentation, blank lines, line ends.

    Within a block only Chinese lines get random indentation: in hard-wrapped English an
    indented line starts a new paragraph, as it does for a human reader.
    """
    out = []
    for k, lines in enumerate(blocks):
        for i, line in enumerate(lines):
            indent = draw(INDENT) if chinese or i == 0 else ""
            out.append(indent + line + draw(TRAILING) + draw(NEWLINE))
        # English paragraphs are separated by blank lines; Chinese ones need not be
        blank = draw(st.integers(0 if chinese else 1, 2))
        last_is_signature = k == len(blocks) - 2 and len(blocks[-1]) > 1
        out.extend(draw(NEWLINE) for _ in range(max(blank, 1 if last_is_signature else 0)))
    return "".join(out)


def check_fidelity(source: str, doc) -> None:
    model.validate(doc)
    assert nonspace(model.plain_text(doc)) == nonspace(source)


# --- the properties ---------------------------------------------------------------------------

@SETTINGS
@given(st.one_of(chinese_report(), english_report()))
def test_generated_reports_keep_every_character_and_their_structure(case):
    text, expected, n_leads = case
    doc = parse_report(text)
    check_fidelity(text, doc)
    out = outline(doc)
    assert flat(out["sections"]) == expected["sections"]
    assert out["addressee"] == expected["addressee"]
    assert out["attachments"] == expected["attachments"]
    assert out["signature"] == {"issuer": expected["issuer"], "date": expected["date"]}
    assert len(list(doc.iter(model.q("lead")))) == n_leads


FRAGMENTS = ["一、", "（一）", "(二)", "1.", "2．", "3、", "（1）", "(2)", "1.1 ", "一是", "二是", "附件：", "Attachments: ",
             "2024年3月15日", "二〇二四年三月十五日", "15 January 2024", "某市政发〔2024〕7号", "（此件公开发布）",
             "——", "……", "。", "：", ":", "3.5万元", "1,032件", "e.g. ", "Scope. ", "——副标题", "某市人民政府"]
LINE = st.lists(st.one_of(st.sampled_from(FRAGMENTS),
                          st.text(alphabet="政务服务改革abc XYZ0123456789.,，。：；！？、（）()“”《》\u3000\t", max_size=12)),
                max_size=6).map("".join)


@SETTINGS
@given(st.lists(st.tuples(LINE, st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\f"])), min_size=1, max_size=14))
def test_arbitrary_lines_keep_every_character(lines):
    text = "".join(line + end for line, end in lines)
    if not text.strip():
        with pytest.raises(InputError):
            parse_report(text)
        return
    check_fidelity(text, parse_report(text))


# --- real documents ---------------------------------------------------------------------------

def test_seed_keeps_every_character(seed):
    check_fidelity(read_text(seed), read(seed))


@pytest.mark.parametrize("path", [p for p in sample_sources() if p.suffix == ".txt"], ids=lambda p: p.name)
def test_sources_keep_every_character(path):  # Markdown samples: tests/readers/test_markdown.py
    check_fidelity(read_text(path), read(path))


# --- whole GB/T 9704 documents (issue 11) -----------------------------------------------------

from converter.readers.text.shapes import ends_with_genre  # noqa: E402

#: words for titles that do not end a title by themselves (标准, 制度 … are genres)
TITLE_WORDS = [w for w in CJK_WORDS if not ends_with_genre(w)]
RECORD = [("索 引 号：", "索引号", "000014349/2024-00012"), ("发文机关：", "发文机关", "某市人民政府办公室"),
          ("成文日期：", "成文日期", "2024年03月08日"), ("主 题 词：", "主题词", "财政　审计")]


@st.composite
def gongwen_document(draw):
    """(text, expected outline facts) for a whole document: 版头, title, body, closing, 附件
    bodies and 版记, with the parts a web copy or a Word file may have or lack."""
    blocks: list[list[str]] = []
    exp: dict = {"copy_number": None, "secrecy": None, "urgency": None, "issuing_mark": [], "signers": [],
                 "docnumber": None, "record": None, "cc": [], "printer": {"body": None, "date": None},
                 "attachment_bodies": [], "addressee": None}
    if draw(st.booleans()):
        fields = draw(st.lists(st.sampled_from(RECORD), min_size=2, max_size=4, unique=True))
        blocks.append(["\t".join(f"{label}\t{value}" for label, _, value in fields[k:k + 2])
                       for k in range(0, len(fields), 2)])
        exp["record"] = {key: value for _, key, value in fields}
    for key, values in (("copy_number", ["000128", "001005"]), ("secrecy", ["机密★1年", "秘密", "绝密★长期"]),
                        ("urgency", ["特急", "加急"])):
        if draw(st.booleans()):
            exp[key] = draw(st.sampled_from(values))
            blocks.append([exp[key]])
    mark = draw(st.sampled_from([[], ["某市人民政府办公室文件"], ["某市财政局", "某市审计局文件"], ["某市财政局"]]))
    number = draw(st.sampled_from(["某财发〔2024〕18号", "某政办函〔2023〕7号"]))
    signers = draw(st.sampled_from([[], ["王建国"], ["王建国", "李红"]]))
    number_line = number + ("　　签发人：" + "　".join(signers) if signers else "")
    exp["issuing_mark"], exp["signers"], exp["docnumber"] = mark, signers, number
    if mark:
        blocks.append(mark)
    under_title = not mark and draw(st.booleans())
    if not under_title:
        blocks.append([number_line])
    words = "".join(draw(st.lists(st.sampled_from(TITLE_WORDS), min_size=1, max_size=3)))
    title = ["某市人民政府关于" + words, "工作的通知"] if draw(st.booleans()) else ["某市人民政府关于" + words + "工作的通知"]
    exp["title"] = "".join(title)
    blocks.append(title)
    if under_title:
        blocks.append([number_line])
    if draw(st.booleans()):
        exp["addressee"] = draw(st.sampled_from(["各区（县）人民政府，市政府各部门：", "市人民政府："]))
        blocks.append([exp["addressee"]])
    for _ in range(draw(st.integers(1, 3))):
        blocks.append([draw(cjk_paragraph())[0]])
    if draw(st.booleans()):
        blocks.append(["一、" + draw(cjk_heading()), draw(cjk_paragraph())[0]])
    blocks.append(["某市人民政府", "2024年3月15日"] + (["（联系人：王某，电话：12345678）"] if draw(st.booleans()) else []))
    for k in range(draw(st.integers(0, 2))):
        label = draw(st.sampled_from(["附件{}", "附件 {}"])).format(k + 1)
        name = "2024年度" + draw(cjk_heading()) + "清单"
        exp["attachment_bodies"].append({"label": label.replace(" ", ""), "title": name})
        blocks.append([label, name, draw(cjk_paragraph())[0]])
    colophon = []
    if draw(st.booleans()):
        colophon.append("抄送：市委办公室，市人大常委会办公室。")
        exp["cc"] = ["市委办公室", "市人大常委会办公室"]
    if draw(st.booleans()):
        colophon.append("某市人民政府办公室　　　2024年3月16日印发")
        exp["printer"] = {"body": "某市人民政府办公室", "date": "2024-03-16"}
    if colophon:
        blocks.append(colophon)
    return render(draw, blocks, chinese=True), exp


@SETTINGS
@given(gongwen_document())
def test_generated_official_documents_keep_every_character_and_every_part(case):
    text, expected = case
    doc = parse_report(text)
    check_fidelity(text, doc)
    out = outline(doc)
    for key, value in expected.items():
        assert out[key] == value, key
    assert out["signature"] == {"issuer": "某市人民政府", "date": "2024-03-15"}
