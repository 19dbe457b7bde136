"""The page in a real browser: Debian's Chromium driven by Playwright (no browser download),
against `converter serve` started as a user would start it."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import missing_in_order, nonspace, source_text

CHROMIUM = Path("/usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/install --test)"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BROKEN_XML = ('<document xmlns="urn:x-converter:document:1" version="1" xml:lang="en">\n<title>Broken</title>\n'
              '<body><p>one</b></body>\n</document>\n')
REPORT = "Annual report\n\nTo the Board:\n\n1. Scope. We reviewed the controls.\n\n2. Findings. All good.\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`converter serve` in its own process, on a free port; stopped (by its pid) afterwards."""
    port = _free_port()
    env = dict(os.environ, TMPDIR=str(tmp_path_factory.mktemp("serve-tmp")))
    proc = subprocess.Popen([sys.executable, "-m", "converter", "serve", "--port", str(port), "--workers", "2", "-q"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "api/info", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"converter serve did not start: {proc.stderr.read().decode()}") from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(30)


@pytest.fixture(scope="module")
def playwright():
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture
def browser(playwright, tmp_path):
    """Open the page in a fresh Chromium (its own --user-data-dir) for a locale."""
    contexts = []

    def open_page(url: str, locale: str = "en-US"):
        ctx = playwright.chromium.launch_persistent_context(
            tempfile.mkdtemp(dir=tmp_path, prefix="chromium-"), executable_path=str(CHROMIUM), headless=True,
            args=FLAGS, locale=locale, accept_downloads=True, viewport={"width": 1400, "height": 1000})
        contexts.append(ctx)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.js_errors = errors
        page.goto(url)
        page.wait_for_selector("#style option[value=report]", state="attached")
        return page

    yield open_page
    for ctx in contexts:
        ctx.close()


def wait_done(page, previous_job: str | None = None, seconds: float = 60) -> str:
    """Wait until the page shows a finished build (a newer one than previous_job); its job id."""
    page.wait_for_function(
        """(previous) => {
            const s = document.getElementById('status');
            const list = document.getElementById('downloads');
            return s.dataset.state === 'done' && list.dataset.job && list.dataset.job !== previous;
        }""", arg=previous_job or "", timeout=seconds * 1000)
    return page.get_attribute("#downloads", "data-job")


def wait_preview(page, previous_job: str | None = None, seconds: float = 60) -> str:
    page.wait_for_function(
        """(previous) => {
            const box = document.getElementById('pages');
            const img = box.querySelector('img');
            return box.dataset.job && box.dataset.job !== previous && img && img.complete && img.naturalWidth > 0;
        }""", arg=previous_job or "", timeout=seconds * 1000)
    return page.get_attribute("#pages", "data-job")


def shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CONVERTER_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_paste_the_seed_see_outline_and_pages_change_style_download_the_pdf(server, browser, seed, tmp_path):
    page = browser(server)
    page.fill("#text", seed.read_text(encoding="utf-8"))
    # the outline: the eight run-in level-1 sections of the seed, with their numbers
    page.wait_for_selector("#outline dd[data-key=sections] li >> nth=7")
    numbers = page.locator("#outline dd[data-key=sections] .number").all_inner_texts()
    assert numbers == ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"]
    assert "乌鲁木齐市人民政府2021年度法治政府建设情况报告" in page.inner_text("#outline dd[data-key=title]")
    first = wait_preview(page)
    gongwen_pages = page.locator("#pages img").count()
    wait_done(page)
    assert "gongwen" in page.inner_text("#status")

    page.select_option("#style", "report")
    job = wait_done(page, first)
    assert "report" in page.inner_text("#status")
    assert wait_preview(page, first) == job

    with page.expect_download() as download:
        page.locator("#downloads a", has_text="PDF").click()
    pdf = tmp_path / "seed.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename == "document.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert missing_in_order(source_text(seed), text) is None
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(info.split("Pages:")[1].split()[0]) == page.locator("#pages img").count()
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    assert gongwen_pages >= 1 and page.js_errors == []


def drop_file(page, name: str, text: str) -> None:
    """Drop a file on the drop zone, as a user dragging it from their desktop does."""
    data = page.evaluate_handle(
        """([name, text]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], name, { type: "application/octet-stream" }));
            return dt;
        }""", [name, text])
    page.dispatch_event("#drop", "dragover", {"dataTransfer": data})
    page.dispatch_event("#drop", "drop", {"dataTransfer": data})


def test_a_dropped_broken_file_shows_its_message_and_line_and_keeps_the_last_good_pages(server, browser):
    page = browser(server)
    page.fill("#text", REPORT)
    good = wait_preview(page)
    wait_done(page)
    drop_file(page, "broken.xml", BROKEN_XML)
    error = page.wait_for_selector("#messages .message.error")
    assert page.input_value("#text") == BROKEN_XML and page.input_value("#kind") == ".xml"
    assert page.input_value("#name") == "broken"
    assert error.query_selector("button.line").inner_text() == "line 3"
    assert "not well-formed XML" in error.inner_text()
    # the line is marked behind the text, and the last good pages stay, said to be so
    assert page.locator("#backdrop mark.error[data-line='3']").inner_text() == "<body><p>one</b></body>"
    assert page.is_visible("#pages-note")
    assert page.get_attribute("#pages", "data-job") == good and page.locator("#pages img").count() >= 1
    assert page.is_visible("#downloads-note")
    # the message's button selects the line in the text
    error.query_selector("button.line").click()
    start, end = page.evaluate("[document.activeElement.id, document.activeElement.selectionStart,"
                               " document.activeElement.selectionEnd]")[1:]
    assert BROKEN_XML[start:end] == "<body><p>one</b></body>"
    # fixing it builds again: the note goes, the error goes
    page.fill("#text", BROKEN_XML.replace("</b>", "</p>"))
    wait_done(page, good)
    assert page.locator("#messages .message").count() == 0
    assert not page.is_visible("#pages-note")


def test_a_file_that_is_not_utf8_is_converted_as_it_is(server, browser, seed):
    """A GB 18030 file (what Windows offices save) cannot be shown as text in the page; it is
    sent as it is, and the server's reader decodes it (the same path a .docx takes)."""
    page = browser(server, "zh-CN")
    data = page.evaluate_handle(
        """(bytes) => {
            const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(bytes)], "报告.txt"));
            return dt;
        }""", list(seed.read_text(encoding="utf-8").encode("gb18030")))
    page.dispatch_event("#drop", "drop", {"dataTransfer": data})
    wait_done(page)
    assert page.is_visible("#binary") and "报告.txt" in page.inner_text("#binary")
    assert page.input_value("#text") == ""
    assert "乌鲁木齐市人民政府2021年度法治政府建设情况报告" in page.inner_text("#outline dd[data-key=title]")
    assert page.locator("#downloads a", has_text="PDF").get_attribute("download") == "报告.pdf"
    # typing goes back to the text area as the source
    page.fill("#text", REPORT)
    wait_done(page, page.get_attribute("#downloads", "data-job"))
    assert not page.is_visible("#binary")
    assert "Annual report" in page.inner_text("#outline dd[data-key=title]")


NEWER_OUTLINE = {  # keys a newer reader adds to `inspect --json`, and one nobody knows yet
    "title": "关于开展检查的通知", "lang": "zh-CN", "addressee": "各区人民政府：", "sections": [],
    "attachments": ["检查表"], "signature": {"issuer": "某市人民政府办公室", "date": "2024-03-15"},
    "docnumber": "某政办发〔2024〕7号", "copy_number": "000123", "secrecy": None, "urgency": "特急",
    "issuing_mark": ["某市人民政府办公室文件"], "signers": ["张三"], "cc": ["市委办公室", "市人大常委会办公室"],
    "printer": {"body": "某市人民政府办公室", "date": "2024-03-15"},
    "attachment_bodies": [{"label": "附件1", "title": "检查表"}], "enclosures": [], "tables": 2,
    "record": {"索引号": "000014349/2024-00012", "主题分类": "综合政务"}, "future_key": {"shape": "new"},
}


def test_the_outline_shows_every_key_of_a_newer_reader(server, browser):
    page = browser(server, "zh-CN")
    page.evaluate("(tree) => renderOutline(document.getElementById('outline'), tree)", NEWER_OUTLINE)
    shown = page.inner_text("#outline")
    for words in ("发文字号", "某政办发〔2024〕7号", "份号", "000123", "紧急程度", "特急", "发文机关标志",
                  "某市人民政府办公室文件", "签发人", "张三", "抄送机关", "市人大常委会办公室", "印发机关",
                  "印发日期", "附件正文", "附件1", "表格", "2", "信息记录", "索引号", "000014349/2024-00012", "future key", "new"):
        assert words in shown, words
    assert "密级" not in shown and "转发的文件" not in shown  # absent parts are not listed
    keys = page.eval_on_selector_all("#outline dt[data-key]", "els => els.map(e => e.dataset.key)")
    assert keys.index("docnumber") < keys.index("title") < keys.index("signature") < keys.index("cc")
    assert keys[-1] == "future_key"


def test_a_dropped_word_document_is_converted_when_a_docx_reader_is_registered(server, browser, tmp_path):
    import converter
    from converter import plugins

    if ".docx" not in plugins.source_suffixes():
        pytest.skip("no DOCX reader registered")
    source = tmp_path / "report.txt"
    source.write_text(REPORT, encoding="utf-8")
    docx = converter.convert(source, tmp_path, to="docx").outputs[0]
    page = browser(server)
    assert ".docx" in page.get_attribute("#file", "accept") and ".docx" in page.inner_text("#drop-text")
    data = page.evaluate_handle(
        """(bytes) => {
            const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(bytes)], "report.docx"));
            return dt;
        }""", list(docx.read_bytes()))
    page.dispatch_event("#drop", "drop", {"dataTransfer": data})
    wait_done(page)
    assert page.input_value("#kind") == ".docx" and page.is_visible("#binary")
    assert "Annual report" in page.inner_text("#outline dd[data-key=title]")
    assert page.locator("#outline dd[data-key=sections] .number").all_inner_texts() == ["1.", "2."]
    assert page.locator("#downloads a", has_text="PDF").get_attribute("download") == "report.pdf"


def test_keyboard_only(server, browser):
    """Every control is reached with Tab, shows where the focus is, and works from the keyboard."""
    page = browser(server)
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
    for control in ("lang", "name", "kind", "file", "text", "style"):
        assert control in reached, (control, reached)
    assert reached.index("text") < reached.index("style")
    # the focus is visible on each control
    for control in ("lang", "name", "kind", "text", "style"):
        page.focus(f"#{control}")
        outline = page.evaluate(f"getComputedStyle(document.getElementById('{control}')).outlineStyle")
        assert outline != "none", control
    # write a document, change the style and download, keys only
    page.focus("#text")
    page.keyboard.type(REPORT)
    first = wait_done(page)
    page.focus("#style")
    style_before = page.input_value("#style")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#style") != style_before
    wait_done(page, first)
    page.focus("#downloads a >> nth=0")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.startswith("document.")


def test_every_control_is_labelled_in_the_accessibility_tree(server, browser):
    page = browser(server)
    page.fill("#text", REPORT + "\n\nan unknown glyph \U000F0000 here\n")  # an error with a line
    page.select_option("#kind", ".md")
    page.wait_for_selector("#messages .message.error button.line")
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    controls = [n for n in tree if not n.get("ignored") and n.get("role", {}).get("value") in
                ("textbox", "combobox", "button", "link", "checkbox", "radio", "slider", "spinbutton", "image")]
    assert len(controls) >= 8
    unnamed = [n["role"]["value"] for n in controls if not (n.get("name", {}).get("value") or "").strip()]
    assert unnamed == []
    names = {n["name"]["value"] for n in controls}
    assert {"File name", "Kind", "Document text", "Style", "Language"} <= names
    snapshot = page.locator("main").aria_snapshot()
    assert 'textbox "Document text"' in snapshot and 'combobox "Style"' in snapshot
    assert page.get_attribute("html", "lang") == "en"


AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_axe_core_finds_no_violation_with_pages_nor_with_an_error(server, browser, seed, locale):
    """axe-core (vendored, run through the DevTools protocol, which the page's CSP does not
    govern) on the page after a build (pages, downloads, outline) and after an error."""
    page = browser(server, locale)
    page.fill("#text", seed.read_text(encoding="utf-8"))
    wait_preview(page)
    wait_done(page)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    for state in ("built", "error"):
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        found = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert found == [], (state, found)
        assert len(result["passes"]) > 20
        if state == "built":
            page.fill("#text", seed.read_text(encoding="utf-8") + "\n\n\U000F0000")
            page.wait_for_selector("#messages .message.error")


def test_the_page_speaks_the_browser_language_and_switches(server, browser, seed, tmp_path):
    shots = shots_dir(tmp_path)
    zh = browser(server, "zh-CN")
    assert zh.inner_text("h1") == "文档转换" and zh.get_attribute("html", "lang") == "zh-CN"
    assert zh.inner_text("label[for=text]") == "文档正文"
    zh.fill("#text", seed.read_text(encoding="utf-8"))
    wait_preview(zh)
    wait_done(zh)
    assert "已用 gongwen 样式生成" in zh.inner_text("#status")
    zh.screenshot(path=shots / "serve-zh.png", full_page=True)
    zh.select_option("#lang", "en")
    assert zh.inner_text("h1") == "Converter" and zh.inner_text("label[for=text]") == "Document text"
    assert "Built in" in zh.inner_text("#status")
    zh.reload()
    zh.wait_for_selector("#style option[value=report]", state="attached")
    assert zh.inner_text("h1") == "Converter"  # the choice is remembered

    en = browser(server, "en-GB")
    assert en.inner_text("h1") == "Converter"
    en.fill("#text", REPORT)
    wait_done(en)
    drop_file(en, "broken.xml", BROKEN_XML)
    en.wait_for_selector("#messages .message.error")
    en.screenshot(path=shots / "serve-en-error.png", full_page=True)
    assert all((shots / n).stat().st_size > 10_000 for n in ("serve-zh.png", "serve-en-error.png"))
    assert nonspace(zh.inner_text("#outline"))  # (the outline was drawn in both languages)
