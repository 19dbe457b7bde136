"""The hostile cases, generated from small tables: each row a kind of input and what the converter
must do with it (see harness.Case). A row that fails today for work not yet done is marked with
the reason (``xfail``, strict), so that it shows up when it is done; none is, at present."""
from __future__ import annotations

import os
import re
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

from hostile.harness import SECRET, Case

GOOD = "Report\n\nOne paragraph of text.\n"
BUILD = ["build", "{src}", "-o", "{out}", "--to", "xml"]
BUILD_ALL = ["build", "{src}", "-o", "{out}", "--to", "xml,pdf,docx,epub"]
NS = 'xmlns="urn:x-converter:document:1" version="1" xml:lang="en"'


def png(width: int, height: int, truncate: bool = False) -> bytes:
    """A real PNG of one colour (its IDAT compresses to almost nothing: a pixel bomb is small)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(min(height, 64))), 9)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    data += chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    return data[: len(data) // 2] if truncate else data


# --- 3. decoding: (id, bytes, the encoding the warning names, the line of its first guess) -----
ENCODINGS = [
    ("cp1252", "Début Report\n\nThe café served crème brûlée.\n".encode("cp1252"), "Windows-1252", 1),
    ("latin1", b"Title\n\ncaf\xe9 au lait\n", "Windows-1252", 3),
    ("gbk", "测试报告\n\n一、总体情况。今年完成了3.5万元的采购。\n".encode("gbk"), "GB18030", 1),
    ("gb18030", "Title\n\n𠀀字与€符号。\n".encode("gb18030"), "GB18030", 3),
    ("big5", "某市人民政府工作報告\n\n一、總體情況。\n".encode("big5"), "Big5", 1),
    ("shift-jis", "日本語のテキストです。\n\nこんにちは。\n".encode("shift_jis"), "Shift_JIS", 1),
    ("cp1251", "Отчёт\n\nПривет мир, это тест.\n".encode("cp1251"), "Windows-1251", 1),
]
BROKEN_TEXT = [  # (id, bytes, message, line)
    ("junk", b"Title\n\n" + bytes(range(0x80, 0x100)) * 3, "cannot decode", 3),
    ("nul", b"Title\n\nbinary\x00data\n", "binary data", 3),
    ("utf16-no-bom", "Title\n\nText.\n".encode("utf-16-le"), "binary data", 1),
    ("escape", "Title\n\nText \x1b[31mred\n".encode(), "control character U\\+001B", 3),
    ("empty", b"", "empty", 1),
    ("blank", b" \n\t\n\xe3\x80\x80\n", "empty", 1),
    ("damaged-utf8", "标题\n\n正文，".encode() + b"\xff\xfe" + "其余。\n".encode(), "cannot decode as UTF-8", 3),
]


def decoding_cases() -> list[Case]:
    cases = []
    for name, data, label, line in ENCODINGS:
        cases.append(Case(f"decode-{name}", BUILD, {"src/x.txt": data}, 0,
                          says=f"x.txt:{line}: warning: not UTF-8: decoded as {label}"))
        cases.append(Case(f"decode-{name}-strict", [*BUILD, "--strict"], {"src/x.txt": data}, 1,
                          says=f"--strict.*{label}", where=f"src/x.txt:{line}", refused=("x",)))
    for name, data, says, line in BROKEN_TEXT:
        cases.append(Case(f"text-{name}", BUILD, {"src/x.txt": data, "src/ok.txt": GOOD}, 1, says=says,
                          where=f"src/x.txt:{line}", refused=("x",)))
    return cases


# --- 6. options: (id, argv, exit code, message) -----------------------------------------------
OPTIONS = [
    ("jobs-zero", [*BUILD, "-j", "0"], 2, "-j"),
    ("jobs-negative", [*BUILD, "-j", "-3"], 2, "-j"),
    ("jobs-word", [*BUILD, "-j", "many"], 2, "invalid int"),
    ("format-unknown", ["build", "{src}", "-o", "{out}", "--to", "pdf,rtf"], 2, "rtf"),
    ("format-empty", ["build", "{src}", "-o", "{out}", "--to", ""], 2, "format"),
    ("format-commas", ["build", "{src}", "-o", "{out}", "--to", ",,"], 2, "format"),
    ("output-empty", ["build", "{src}", "-o", "", "--to", "xml"], 2, "-o"),
    ("output-is-source", ["build", "{src}", "-o", "{src}", "--to", "xml"], 2, "source folder"),
    ("output-is-a-file", ["build", "{src}", "-o", "{case}/afile", "--to", "xml"], 2, "not a folder"),
    ("output-under-a-file", ["build", "{src}", "-o", "{case}/afile/out", "--to", "xml"], 2, "not a folder"),
    ("input-missing", ["build", "{case}/nothing", "-o", "{out}"], 2, "no such file"),
    ("style-unknown", [*BUILD, "--style", "no-such-style"], 2, "unknown style"),
    ("style-folder", [*BUILD, "--style", "{case}/folder.toml"], 2, "style"),
    ("reference-doc-missing", [*BUILD[:-1], "docx", "--reference-doc", "{case}/none.docx"], 2, "no such file"),
    ("reference-doc-folder", [*BUILD[:-1], "docx", "--reference-doc", "{case}/folder.toml"], 2, "is a folder"),
    ("check-nothing", ["check", "{case}/nothing"], 2, "no such file"),
    ("inspect-folder", ["inspect", "{src}"], 2, "no such file"),
]


def option_cases() -> list[Case]:
    files = {"src/x.txt": GOOD, "afile": "not a folder\n", "folder.toml/.keep": ""}
    cases = [Case(f"option-{name}", argv, files, code, says=says) for name, argv, code, says in OPTIONS]

    def one_pdf(tmp: Path, result) -> None:
        assert sorted(p.name for p in (tmp / "out").iterdir() if not p.name.startswith(".")) == [
            "manifest.json", "x.pdf"]

    cases.append(Case("option-format-twice", ["build", "{src}", "-o", "{out}", "--to", "pdf,pdf"], files, 0,
                      after=one_pdf))

    def nothing_in_cwd(tmp: Path, result) -> None:
        assert sorted(p.name for p in tmp.iterdir()) == ["afile", "folder.toml", "secret.txt", "src"]

    cases[[c.id for c in cases].index("option-output-empty")].after = nothing_in_cwd

    def inside_is_not_read_back(tmp: Path, result) -> None:
        import json

        assert sorted(p.name for p in (tmp / "src" / "out").iterdir() if not p.name.startswith(".")) == [
            "manifest.json", "old.xml", "x.xml"]
        assert list(json.loads((tmp / "src" / "out" / "manifest.json").read_text())["documents"]) == ["x"]

    cases.append(Case("option-output-inside-source", ["build", "{src}", "-o", "{src}/out", "--to", "xml"],
                      {"src/x.txt": GOOD, "src/out/old.xml": "<x/>"}, 0, after=inside_is_not_read_back))
    return cases


# --- 6. style values: (id, TOML added to a sheet extending report, the key the message names) --
STYLE_VALUES = [
    ("size-nan", '[roles.body]\nsize = nan', "roles.body.size"),
    ("size-inf", '[roles.body]\nsize = inf', "roles.body.size"),
    ("size-nan-text", '[roles.body]\nsize = "nanpt"', "roles.body.size"),
    ("size-negative", '[roles.body]\nsize = "-12pt"', "roles.body.size"),
    ("size-zero", '[roles.body]\nsize = "0pt"', "roles.body.size"),
    ("size-huge", '[roles.body]\nsize = "10000pt"', "roles.body.size"),
    ("title-size-negative", '[roles.title]\nsize = -3', "roles.title.size"),
    ("pitch-zero", '[roles.body]\nline-pitch = 0', "roles.body.line-pitch"),
    ("pitch-negative", '[roles.body]\nline-pitch = "-14pt"', "roles.body.line-pitch"),
    ("pitch-inf", '[roles.body]\nline-pitch = inf', "roles.body.line-pitch"),
    ("pitch-huge", '[roles.body]\nline-pitch = "5000pt"', "roles.body.line-pitch"),
    ("indent-nan", '[roles.body]\nfirst-line-indent = nan', "roles.body.first-line-indent"),
    ("space-inf", '[roles.heading-1]\nspace-before = inf', "roles.heading-1.space-before"),
    ("space-negative", '[roles.body]\nspace-after = "-30pt"', "roles.body.space-after"),
    ("margins-too-wide", '[page]\nmargin-inside = "120mm"\nmargin-outside = "120mm"', "page.margin"),
    ("margins-too-tall", '[page]\nmargin-top = "200mm"\nmargin-bottom = "150mm"', "page.margin"),
    ("margin-negative", '[page]\nmargin-top = "-10mm"', "page.margin-top"),
    ("page-zero", '[page]\nwidth = "0mm"\nheight = "0mm"', "page.width"),
    ("page-huge", '[page]\nwidth = "100000mm"\nheight = "297mm"', "page.width"),
    ("page-nan", '[page]\nwidth = nan\nheight = "297mm"', "page.width"),
    ("grid-zero-lines", '[grid]\nlines = 0\nchars = 28', "grid.lines"),
    ("grid-zero-chars", '[grid]\nlines = 22\nchars = 0', "grid.chars"),
    ("grid-huge", '[grid]\nlines = 100000\nchars = 28', "grid.lines"),
    ("number-size-negative", '[page.number]\nformat = "{n}"\nfont = "serif"\nsize = "-9pt"', "page.number.size"),
    ("unknown-key", '[roles.body]\nsiz = "12pt"', "roles.body.siz"),
    ("not-toml", '[roles.body\nsize = ', "TOML"),
]


def style_cases() -> list[Case]:
    cases = []
    for name, toml, key in STYLE_VALUES:
        sheet = f'extends = "report"\n{toml}\n'
        cases.append(Case(f"style-{name}", [*BUILD, "--style", "{case}/s.toml"],
                          {"src/x.txt": GOOD, "s.toml": sheet}, 1, says=re.escape(key), where="s.toml",
                          refused=("x",)))
    return cases


# --- 2. what a document's style and a sheet's extends may name ----------------------------------
def style_path_cases() -> list[Case]:
    md = "---\ntitle: T\nstyle: {}\n---\n\nText.\n"
    outside = 'extends = "report"\n[roles.body]\nsize = "12pt"\n'
    return [
        Case("doc-style-absolute", BUILD, {"src/x.md": md.format("/etc/passwd")}, 1, says="style",
             where="src/x.md", refused=("x",)),
        Case("doc-style-escapes", BUILD, {"src/x.md": md.format("../outside.toml"), "outside.toml": outside}, 1,
             says="style", where="src/x.md", refused=("x",)),
        Case("doc-style-secret", BUILD, {"src/x.md": md.format("../secret.txt")}, 1, says="style",
             where="src/x.md", refused=("x",)),
        Case("doc-style-sibling", BUILD, {"src/x.md": md.format("mine.toml"), "src/mine.toml": outside}, 0),
        Case("doc-style-by-name", BUILD, {"src/x.md": md.format("gongwen")}, 0),
        Case("sheet-extends-absolute", [*BUILD, "--style", "{case}/s.toml"],
             {"src/x.txt": GOOD, "s.toml": 'extends = "/etc/passwd"\n'}, 1, says="extends", where="s.toml",
             refused=("x",)),
        Case("sheet-extends-escapes", [*BUILD, "--style", "{case}/sub/s.toml"],
             {"src/x.txt": GOOD, "sub/s.toml": 'extends = "../secret"\n', "secret.toml": outside}, 1,
             says="extends", where="sub/s.toml", refused=("x",)),
        Case("sheet-extends-sibling", [*BUILD, "--style", "{case}/s.toml"],
             {"src/x.txt": GOOD, "s.toml": 'extends = "base"\n', "base.toml": outside}, 0),
    ]


# --- 6. dates --------------------------------------------------------------------------------
EPOCHS = [  # (id, SOURCE_DATE_EPOCH, exit code, message)
    ("yesterday", "yesterday", 2, "SOURCE_DATE_EPOCH"),
    ("negative", "-86400", 2, "SOURCE_DATE_EPOCH"),
    ("fraction", "1700000000.5", 2, "SOURCE_DATE_EPOCH"),
    ("beyond-9999", "253402300800", 2, "SOURCE_DATE_EPOCH"),
    ("enormous", "9" * 40, 2, "SOURCE_DATE_EPOCH"),
    ("after-2107", "4354819200", 0, ""),  # 2108: a zip cannot say it, the outputs say 2107-12-31
    ("before-1980", "0", 0, ""),
    ("empty", "", 0, ""),  # unset, as reproducible-builds.org says
]
DOCUMENT_DATES = [  # (id, source file, text, exit code, message, line)
    ("md-after-2107", "x.md", "---\ntitle: T\ndate: 2150-06-01\n---\n\nText.\n", 0, "", None),
    ("md-year-10000", "x.md", "---\ntitle: T\ndate: 10000-01-01\n---\n\nText.\n", 0, "", None),  # not a date
    ("md-not-a-date", "x.md", "---\ntitle: T\ndate: 2024-02-30\n---\n\nText.\n", 1, "impossible", 2),
    ("xml-after-2107", "x.xml", f'<document {NS}><meta><date value="2150-01-01">2150</date></meta>'
                                f'<title>T</title><body><p>Text.</p></body></document>', 0, "", None),
    ("xml-year-10000", "x.xml", f'<document {NS}><meta><date value="10000-01-01">10000</date></meta>'
                                f'<title>T</title><body><p>Text.</p></body></document>', 1, "date", 1),
    ("text-signature-2150", "x.txt", "某单位报告\n\n一、总体情况。正文。\n\n某单位\n2150年1月1日\n", 0, "", None),
]


def date_cases() -> list[Case]:
    cases = [Case(f"epoch-{name}", BUILD_ALL, {"src/x.txt": GOOD}, code, says=says,
                  env={"SOURCE_DATE_EPOCH": value})
             for name, value, code, says in EPOCHS]
    for name, file, text, code, says, line in DOCUMENT_DATES:
        cases.append(Case(f"date-{name}", BUILD_ALL, {f"src/{file}": text}, code, says=says,
                          where=f"src/{file}:{line}" if line else None,
                          refused=("x",) if code else (), env={"SOURCE_DATE_EPOCH": "<unset>"}))
    return cases


# --- 6. names ----------------------------------------------------------------------------------
def _bytes_name(tmp: Path) -> None:
    os.makedirs(tmp / "src", exist_ok=True)
    with open(os.path.join(os.fsencode(tmp / "src"), b"caf\xe9.txt"), "wb") as f:
        f.write(GOOD.encode())


def name_cases() -> list[Case]:
    def manifest_has(*names: str):
        def after(tmp: Path, result) -> None:
            import json

            docs = json.loads((tmp / "out" / "manifest.json").read_text(encoding="utf-8"))["documents"]
            assert sorted(docs) == sorted(names), docs
        return after

    return [
        Case("name-not-utf8", BUILD, {"src/ok.txt": GOOD}, 1, says=r"caf\\xe9\.txt: .*UTF-8", setup=_bytes_name,
             after=manifest_has("ok")),
        Case("name-escape-sequence", BUILD, {"src/a\x1b[31mred.txt": GOOD}, 0, says="",
             after=manifest_has("a\x1b[31mred")),
        Case("name-newline", BUILD, {"src/two\nlines.txt": GOOD}, 0, after=manifest_has("two\nlines")),
        Case("name-bidi-override", BUILD, {"src/evil\u202etxt.exe.txt": GOOD}, 0,
             after=manifest_has("evil\u202etxt.exe")),
        Case("name-carriage-return-error", BUILD, {"src/bad\rname.txt": b"\x00"}, 1, says=r"bad\\rname\.txt",
             refused=("bad\rname",)),
        Case("name-too-long", BUILD, {"src/" + "n" * 250 + ".txt": GOOD}, 1, says="name", refused=("n" * 250,)),
    ]


# --- 6. damaged manifests ----------------------------------------------------------------------
MANIFESTS = [  # (id, manifest.json text)
    ("not-json", "{ this is not json"),
    ("a-list", "[1, 2, 3]"),
    ("documents-a-list", '{"documents": [1, 2]}'),
    ("entry-a-string", '{"documents": {"x": "nonsense"}}'),
    ("outputs-wrong", '{"documents": {"x": {"source": {"path": 5}, "outputs": [{"path": 7}], "key": []}}}'),
    ("warnings-wrong", '{"documents": {"x": {"source": "x", "outputs": "x", "warnings": 3, "style": 1}}}'),
    ("binary", "\x00\x01\x02"),
]


def manifest_cases() -> list[Case]:
    def rebuilt(tmp: Path, result) -> None:
        import json

        docs = json.loads((tmp / "out" / "manifest.json").read_text(encoding="utf-8"))["documents"]
        assert list(docs) == ["x"] and docs["x"]["outputs"], docs

    cases = [Case(f"manifest-{name}", BUILD, {"src/x.txt": GOOD, "out/manifest.json": text}, 0, after=rebuilt)
             for name, text in MANIFESTS]

    def secret_kept(tmp: Path, result) -> None:
        assert (tmp / "secret.txt").is_file(), "a manifest entry made the build delete a file outside DIR"

    hostile = ('{"documents": {"gone": {"source": {"path": "../src/gone.txt"}, '
               '"outputs": [{"path": "../secret.txt"}, {"path": "/etc/hostname"}]}}}')
    cases.append(Case("manifest-entry-points-outside", BUILD, {"src/x.txt": GOOD, "out/manifest.json": hostile}, 0,
                      says="source gone", after=secret_kept))
    cases.append(Case("manifest-is-a-folder", BUILD, {"src/x.txt": GOOD, "out/manifest.json/x": ""}, 1,
                      says="manifest.json"))
    return cases


# --- 2. secrets and links ----------------------------------------------------------------------
def _link(name: str, target: str):
    def setup(tmp: Path) -> None:
        os.symlink(target.format(case=tmp), tmp / "src" / name)
    return setup


def link_cases() -> list[Case]:
    return [
        Case("link-source-to-secret", BUILD_ALL, {"src/ok.txt": GOOD}, 1, says="symbolic link leading out",
             where="src/passwd.txt", refused=("passwd",), setup=_link("passwd.txt", "{case}/secret.txt")),
        Case("link-source-to-etc", BUILD, {"src/ok.txt": GOOD}, 1, says="symbolic link leading out",
             where="src/hosts.txt", refused=("hosts",), setup=_link("hosts.txt", "/etc/hostname")),
        Case("link-folder-outside", BUILD, {"src/ok.txt": GOOD, "outside/s.txt": f"S\n\n{SECRET}\n"}, 0,
             refused=("s",), setup=_link("linked", "{case}/outside")),
        Case("link-inside", BUILD, {"src/ok.txt": GOOD}, 0, setup=_link("same.txt", "ok.txt")),
        Case("md-image-outside", BUILD_ALL, {"src/x.md": "# T\n\n![a](../secret.png)\n", "secret.png": png(4, 4)}, 0,
             says=r"x\.md:3: warning: image .*alt text is printed in a frame"),
        Case("md-image-outside-strict", [*BUILD_ALL, "--strict"], {"src/x.md": "# T\n\n![a](../secret.png)\n", "secret.png": png(4, 4)}, 1, says="image",
             where="src/x.md:3", refused=("x",)),
        Case("md-image-link-outside", BUILD_ALL, {"src/x.md": "# T\n\n![a](pic.png)\n", "secret.png": png(4, 4)}, 0,
             says=r"x\.md:3: warning: image .*alt text is printed in a frame", setup=_link("pic.png", "{case}/secret.png")),
        Case("md-image-link-outside-strict", [*BUILD_ALL, "--strict"], {"src/x.md": "# T\n\n![a](pic.png)\n", "secret.png": png(4, 4)}, 1, says="image",
             where="src/x.md:3", refused=("x",), setup=_link("pic.png", "{case}/secret.png")),
        Case("md-image-absolute", BUILD_ALL, {"src/x.md": "# T\n\n![a](/etc/hostname)\n"}, 0,
             says=r"x\.md:3: warning: image .*alt text is printed in a frame"),
        Case("md-image-absolute-strict", [*BUILD_ALL, "--strict"], {"src/x.md": "# T\n\n![a](/etc/hostname)\n"}, 1, says="image",
             where="src/x.md:3", refused=("x",)),
        Case("md-image-remote", BUILD_ALL, {"src/x.md": "# T\n\n![a](http://example.invalid/a.png)\n"}, 0,
             says=r"x\.md:3: warning: image .*alt text is printed in a frame"),
        Case("md-image-remote-strict", [*BUILD_ALL, "--strict"], {"src/x.md": "# T\n\n![a](http://example.invalid/a.png)\n"}, 1, says="image",
             where="src/x.md:3", refused=("x",)),
        Case("md-image-nul-name", BUILD_ALL, {"src/x.md": "# T\n\n![a](a%00.png)\n"}, 0,
             says=r"x\.md:3: warning: image .*alt text is printed in a frame"),
        Case("md-image-nul-name-strict", [*BUILD_ALL, "--strict"], {"src/x.md": "# T\n\n![a](a%00.png)\n"}, 1, says="image",
             where="src/x.md:3", refused=("x",)),
        Case("md-image-long-name", BUILD_ALL, {"src/x.md": "# T\n\n![a](" + "a" * 5000 + ".png)\n"}, 0,
             says=r"x\.md:3: warning: image .*alt text is printed in a frame"),
        Case("md-image-long-name-strict", [*BUILD_ALL, "--strict"], {"src/x.md": "# T\n\n![a](" + "a" * 5000 + ".png)\n"}, 1, says="image",
             where="src/x.md:3", refused=("x",)),
        Case("md-image-missing", BUILD_ALL, {"src/x.md": "# T\n\nText.\n\n![a](none.png)\n"}, 0,
             says=r"x\.md:5: warning: image .*alt text is printed in a frame"),
        Case("md-image-missing-strict", [*BUILD_ALL, "--strict"], {"src/x.md": "# T\n\nText.\n\n![a](none.png)\n"}, 1, says="image",
             where="src/x.md:5", refused=("x",)),
        Case("md-image-not-png", BUILD_ALL, {"src/x.md": "# T\n\n![a](fake.png)\n", "src/fake.png": GOOD}, 0,
             says=r"x\.md:3: warning: image .*alt text is printed in a frame"),
        Case("md-image-not-png-strict", [*BUILD_ALL, "--strict"], {"src/x.md": "# T\n\n![a](fake.png)\n", "src/fake.png": GOOD}, 1, says="image",
             where="src/x.md:3", refused=("x",)),
        Case("md-image-truncated", BUILD_ALL, {"src/x.md": "# T\n\n![a](cut.png)\n", "src/cut.png": png(8, 8, True)}, 0,
             says=r"x\.md:3: warning: image .*alt text is printed in a frame"),
        Case("md-image-truncated-strict", [*BUILD_ALL, "--strict"], {"src/x.md": "# T\n\n![a](cut.png)\n", "src/cut.png": png(8, 8, True)}, 1, says="image",
             where="src/x.md:3", refused=("x",)),
        *pixel_bomb_cases(),
    ]


def jpeg_header(width: int, height: int) -> bytes:
    """The start of a JPEG (JFIF, then a baseline frame header of this size): enough to say a size."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return (b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0
            + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9")


#: pictures whose header says more pixels than the limit (50 million) but whose files are small
PIXEL_BOMBS = {
    "png": png(60000, 60000),
    "jpg": jpeg_header(60000, 60000),
    "gif": b"GIF89a" + struct.pack("<HHBBB", 65000, 65000, 0, 0, 0) + b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
    "svg": '<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"><rect width="9" height="9"/></svg>',
}


def pixel_bomb_cases() -> list[Case]:
    """A pixel bomb is a picture that cannot be used (#13's rule: a warning at its line, its alt
    text framed; an error under --strict), refused from its header before anything is decoded."""
    cases = []
    for ext, data in PIXEL_BOMBS.items():
        files = {"src/x.md": f"# T\n\n![a](bomb.{ext})\n", f"src/bomb.{ext}": data}
        cases.append(Case(f"md-image-pixel-bomb-{ext}", BUILD_ALL, files, 0,
                          says=r"x\.md:3: warning: image .*pixels.* more than the limit .*alt text is printed in a frame"))
    cases.append(Case("md-image-pixel-bomb-strict", [*BUILD_ALL, "--strict"],
                      {"src/x.md": "# T\n\n![a](bomb.png)\n", "src/bomb.png": PIXEL_BOMBS["png"]}, 1,
                      says="more than the limit", where="src/x.md:3", refused=("x",)))
    cases.append(Case("md-image-pixel-limit-lowered", [*BUILD_ALL, "--max-image-pixels", "1000"],
                      {"src/x.md": "# T\n\n![a](p.png)\n", "src/p.png": png(40, 40)}, 0,
                      says=r"x\.md:3: warning: image 'p\.png' is 40 × 40 pixels, more than the limit of 1,000"))
    cases.append(Case("md-image-pixel-limit-not-a-number", [*BUILD_ALL, "--max-image-pixels", "lots"],
                      {"src/x.md": GOOD}, 2, says="max-image-pixels"))
    return cases


# --- canonical XML -------------------------------------------------------------------------------
def _doc(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<document {NS}>\n<title>T</title>\n<body>\n{body}\n</body>\n</document>\n'


XML = [  # (id, bytes or text, exit code, message, line, xfail)
    ("doctype", '<?xml version="1.0"?>\n<!DOCTYPE document [<!ENTITY x "y">]>\n<document/>\n', 1, "DOCTYPE", 2, None),
    ("xxe", f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY s SYSTEM "file://{{secret}}">]>\n'
            f'<document {NS}><title>&s;</title><body/></document>\n', 1, "DOCTYPE", 2, None),
    ("billion-laughs", '<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                       + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
                       + f']>\n<document {NS}><title>&i;</title></document>\n', 1, "DOCTYPE", 2, None),
    ("utf16-doctype", ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE document>\n'
                       f'<document {NS}><title>T</title><body><p>x</p></body></document>\n').encode("utf-16"),
     1, "DOCTYPE", 2, None),
    ("xinclude", _doc('<p xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file://{secret}" '
                      'parse="text"/></p>'), 1, "", None, None),
    ("not-well-formed", _doc("<p>open <em>never closed</p>"), 1, "", 5, None),
    ("unknown-element", _doc("<p>x</p><script>alert(1)</script>"), 1, "", None, None),
    ("deep-nesting", _doc("<quote>" * 3000 + "<p>x</p>" + "</quote>" * 3000), 1, "", None, None),
    # a span capped by the table's real size (a sound build), or refused at its line
    ("colspan-huge", _doc('<table><tbody><row><cell colspan="1000000">x</cell></row></tbody></table>'),
     0, r'x\.xml:5: warning: table cell colspan="1000000" is more than the table holds: it spans 1 column', None, None),
    ("rowspan-huge", _doc('<table><tbody><row><cell>a</cell><cell rowspan="100000000000">x</cell></row>'
                          '<row><cell>b</cell></row></tbody></table>'),
     0, r'x\.xml:5: warning: table cell rowspan="100000000000" .*spans 2 rows', None, None),
    # a list start is a number Word's lists hold (0 … 2³¹ − 1): beyond, an error at its line;
    # within, the same numbers in every writer (see _same_list_start)
    ("list-start-huge", _doc('<list type="ordered" start="100000000000000000000000"><item><p>x</p></item></list>'),
     1, "start=.*0 to 2147483647", 5, None),
    ("list-start-negative", _doc('<list type="ordered" start="-3"><item><p>x</p></item></list>'), 1, "start", 5, None),
    ("list-start-largest", _doc('<list type="ordered" start="2147483646"><item><p>x</p></item><item><p>y</p></item></list>'),
     0, "", None, None),
    ("link-javascript", _doc('<p><link href="javascript:alert(1)">click</link></p>'), 0, "javascript", None,
     None),
    ("link-file", _doc('<p><link href="file:///etc/passwd">click</link></p>'), 0, "file:", None, None),
    # a picture outside the source's folder is never read: a warning, its alt text in a frame
    ("image-traversal", _doc('<figure><image src="../secret.png" alt="a"/></figure>'), 0,
     r"x\.xml:5: warning: image .*outside", None, None),
]


def xml_cases() -> list[Case]:
    cases = []
    for name, text, code, says, line, xfail in XML:
        files = {"src/x.xml": text, "secret.png": png(4, 4)}
        cases.append(Case(f"xml-{name}", BUILD_ALL, files, code, says=says,
                          where=f"src/x.xml:{line}" if line else ("src/x.xml" if code == 1 else None),
                          refused=("x",) if code == 1 else (), xfail=xfail,
                          setup=_fill_secret("src/x.xml") if "{secret}" in str(text) else None))
    cases[[c.id for c in cases].index("xml-list-start-largest")].after = _same_list_start
    return cases


def _same_list_start(tmp: Path, result) -> None:
    """The numbers the PDF prints are the ones the DOCX's numbering says (a w:startOverride Word can
    hold: at most 2³¹ − 1) and the EPUB's <ol start>."""
    import zipfile

    printed = subprocess.run(["pdftotext", str(tmp / "out" / "x.pdf"), "-"], capture_output=True, text=True).stdout
    numbers = re.findall(r"^(\d+)\.", printed, re.M)
    with zipfile.ZipFile(tmp / "out" / "x.docx") as z:
        starts = re.findall(r'w:startOverride w:val="(\d+)"', z.read("word/numbering.xml").decode())
    with zipfile.ZipFile(tmp / "out" / "x.epub") as z:
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    ol = re.findall(r'<ol[^>]* start="(\d+)"', xhtml)
    assert numbers == ["2147483646", "2147483647"] and starts == ["2147483646"] and ol == ["2147483646"], (
        numbers, starts, ol)


def _fill_secret(rel: str):
    def setup(tmp: Path) -> None:
        path = tmp / rel
        path.write_text(path.read_text(encoding="utf-8").replace("{secret}", str(tmp / "secret.txt")),
                        encoding="utf-8")
    return setup


# --- Markdown ------------------------------------------------------------------------------------
def _nested_list(depth: int) -> str:
    return "".join("  " * i + f"- level {i}\n" for i in range(depth))


MARKDOWN = [  # (id, text, exit code, message, line, xfail)
    ("yaml-alias-bomb", "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                        "keywords: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n---\n\nText.\n", 1, "alias", 3, None),
    ("yaml-python-tag", "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n\nText.\n", 1, "", 2, None),
    ("front-matter-not-closed", "---\ntitle: T\n\nText.\n", 0, "", None, None),
    ("lists-12-deep", _nested_list(12), 0, "", None, None),
    ("quotes-25-deep", "> " * 25 + "deep\n", 0, "", None, None),
    ("footnote-cycle", "Text[^a].\n\n[^a]: see[^b]\n[^b]: see[^a]\n", 1, "footnote", 3, None),
    ("raw-html-script", "# T\n\n<script>alert(1)</script>\n\nText.\n", 0, "", None, None),
    ("link-javascript", "# T\n\n[click](javascript:alert(1))\n", 0, "javascript", None, None),
    ("heading-only", "#\n", 0, "", None, None),
    ("long-line", "# T\n\n" + "word " * 20000 + "\n", 0, "", None, None),
]


def markdown_cases() -> list[Case]:
    cases = [Case(f"md-{name}", BUILD_ALL, {"src/x.md": text}, code, says=says,
                  where=f"src/x.md:{line}" if line else ("src/x.md" if code == 1 else None),
                  refused=("x",) if code == 1 else (), xfail=xfail)
             for name, text, code, says, line, xfail in MARKDOWN]
    cases[[c.id for c in cases].index("md-yaml-alias-bomb")].after = _small_outputs
    return cases


def _small_outputs(tmp: Path, result) -> None:
    """A few hundred bytes of source make outputs of a few hundred kilobytes at most (aliases
    refused or capped, not expanded into half a million keywords)."""
    for path in (tmp / "out").iterdir():
        assert path.stat().st_size < 1024**2, f"{path.name}: {path.stat().st_size:,} bytes"


# --- 6. the file system: (id, what is done to the output folder, exit code, message) -----------
def _mount(size: str, readonly: bool = False):
    def setup(tmp: Path) -> None:
        (tmp / "out").mkdir(exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(tmp / "out")], check=True)
        if readonly:
            subprocess.run(["mount", "-o", "remount,ro", str(tmp / "out")], check=True)
    return setup


def filesystem_cases() -> list[Case]:
    big = "Report\n\n" + "\n\n".join(f"{n}. Paragraph {n} of a long report. " * 20 for n in range(300)) + "\n"

    def manifest_kept(tmp: Path, result) -> None:
        leftovers = [p.name for p in (tmp / "out").iterdir() if p.name.endswith((".part", ".rezip"))]
        assert not leftovers, leftovers

    return [
        Case("fs-read-only", BUILD, {"src/x.txt": GOOD}, 1, says="[Rr]ead-only", setup=_mount("1m", readonly=True)),
        Case("fs-disk-full", ["build", "{src}", "-o", "{out}", "--to", "pdf,docx,epub"], {"src/x.txt": big}, 1,
             says="[Nn]o space left", where="src/x.txt", refused=("x",), setup=_mount("96k"), after=manifest_kept),
    ]


# --- 1. --reference-doc bombs: generated in the case folder, small on disk ----------------------
def _reference(edit) -> Callable[[Path], None]:
    """A setup writing ``ref.docx``: python-docx's own template with ``edit(zip)`` adding parts."""
    def setup(tmp: Path) -> None:
        import zipfile

        import docx

        plain = tmp / "plain.docx"
        docx.Document().save(plain)
        with zipfile.ZipFile(plain) as src, zipfile.ZipFile(tmp / "ref.docx", "w", zipfile.ZIP_DEFLATED) as out:
            replaced = edit(out)
            for info in src.infolist():
                if info.filename not in replaced:
                    out.writestr(info, src.read(info))
    return setup


def _streamed(z, name: str, head: bytes, size: int, filler: bytes = b" ") -> None:
    """A part of ``size`` bytes (``head``, then ``filler``) written in pieces (never all in memory)."""
    chunk = filler * (2**20 // len(filler))
    with z.open(name, "w", force_zip64=True) as f:
        f.write(head)
        for _ in range((size - len(head)) // len(chunk)):
            f.write(chunk)


THEME = "word/theme/theme1.xml"
REFERENCE_BUILD = [*BUILD[:-1], "docx,xml", "--reference-doc", "{case}/ref.docx"]


def reference_cases() -> list[Case]:
    def theme_bomb(z):  # the theme bomb: a theme of hundreds of MB from a 1 MB file
        _streamed(z, THEME, b'<?xml version="1.0"?><a:theme xmlns:a="http://schemas.openxmlformats.org/'
                            b'drawingml/2006/main" name="x"><!--', 96 * 2**20)
        return {THEME}

    def zip_bomb(z):  # a part a thousand times smaller zipped than unzipped, under the part limit
        _streamed(z, "word/media/filler.bin", b"", 8 * 2**20, b"\0")
        return set()

    def many_parts(z):
        for i in range(6000):
            z.writestr(f"customXml/extra{i}.xml", "<a/>")
        return set()

    files = {"src/x.txt": GOOD}
    says = r"ref\.docx: not used as a reference document: "
    return [
        Case("reference-doc-theme-bomb", REFERENCE_BUILD, files, 1, says=says + r"part word/theme/theme1\.xml unzips to 9[56]\.0 MB, more than 64\.0 MB",
             where="ref.docx", refused=("x",), setup=_reference(theme_bomb)),
        Case("reference-doc-zip-bomb", REFERENCE_BUILD, files, 1, says=says + r"part word/media/filler\.bin .*compressed [\d,]+ times",
             where="ref.docx", refused=("x",), setup=_reference(zip_bomb)),
        Case("reference-doc-many-parts", REFERENCE_BUILD, files, 1, says=says + "it has 6,0[0-9][0-9] parts",
             where="ref.docx", refused=("x",), setup=_reference(many_parts)),
        Case("reference-doc-plain", REFERENCE_BUILD, files, 0, setup=_reference(lambda z: set())),
    ]


def all_cases() -> list[Case]:
    return (decoding_cases() + option_cases() + style_cases() + style_path_cases() + date_cases() + name_cases()
            + manifest_cases() + link_cases() + xml_cases() + markdown_cases() + reference_cases())

