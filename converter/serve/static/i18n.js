// The page's words in Chinese and English; the language follows the browser's until the user
// picks one (remembered in localStorage). Messages from the converter itself stay as it wrote them.
"use strict";

const WORDS = {
  en: {
    title: "Converter",
    tagline: "Paste or drop a document: see its structure and its pages, download every format.",
    skip: "Skip to the document text",
    language: "Language",
    document: "Document",
    name: "File name",
    kind: "Kind",
    "kind-.txt": "Plain-text report (.txt)",
    "kind-.md": "Markdown (.md)",
    "kind-.xml": "Canonical XML (.xml)",
    "kind-.docx": "Word document (.docx)",
    drop: "Drop a {suffixes} file here, or",
    choose: "Choose a file…",
    text: "Document text",
    messages: "Errors and warnings",
    "no-messages": "None.",
    result: "Result",
    style: "Style",
    "style-auto": "Automatic (gongwen for Chinese, report otherwise)",
    "style-auto-desc": "The document's own language decides.",
    downloads: "Downloads",
    "download-all": "All formats (.zip)",
    outline: "Structure found",
    "no-outline": "Nothing yet: paste or drop a document.",
    pages: "Pages",
    "page-alt": "Page {n} of {total}",
    "page-open": "Open this page full size",
    "status-idle": "Type or paste a document to start.",
    "status-queued": "Waiting for a free worker…",
    "status-running": "Building… ({stage})",
    "status-done": "Built in {seconds} s with the {style} style.",
    "status-failed": "The document has an error: nothing was built.",
    "status-unreachable": "The server cannot be reached: {reason}",
    "stage-read": "reading",
    "stage-preview": "page previews",
    "stage-zip": "zip",
    line: "line {n}",
    "go-to-line": "Go to line {n}",
    error: "error",
    warning: "warning",
    info: "note",
    "last-good": "The document has an error: the pages shown are from the last version that built.",
    "last-good-downloads": "These files are from the last version that built.",
    "last-good-outline": "The document cannot be read: this is the structure of the last version that built.",
    "binary-file": "{name} is not plain UTF-8 text, so it is not shown here; it is converted as it is. Type in the text area to convert the text instead.",
    "bad-kind": "{name}: files of this kind cannot be read here (readers take {suffixes}).",
    bytes: "{size}",
    // outline
    "o-docnumber": "Document number (发文字号)",
    "o-title": "Title",
    "o-subtitle": "Subtitle",
    "o-lang": "Language",
    "o-addressee": "Addressee (主送)",
    "o-sections": "Sections",
    "o-attachments": "Attachments",
    "o-signature": "Signature",
    "o-issuer": "Issuer",
    "o-date": "Date",
    "o-issuing_mark": "Issuing mark (发文机关标志)",
    "o-signers": "Signers (签发人)",
    "o-cc": "Copied to (抄送)",
    "o-printer": "Printed by (印发机关)",
    "o-attachment_bodies": "Attachment bodies",
    "o-enclosures": "Enclosed documents",
    "o-tables": "Tables",
    "o-record": "Record (the page's metadata)",
    "o-copy_number": "Copy number (份号)",
    "o-secrecy": "Secrecy (密级)",
    "o-urgency": "Urgency (紧急程度)",
    "o-body": "Body",
    "o-printer.date": "Printed on",
    "o-label": "Label",
    none: "not found",
    runin: "run-in",
    "sections-count": "{n} sections",
    yes: "yes",
    no: "no",
  },
  zh: {
    title: "文档转换",
    tagline: "粘贴或拖入文档：查看识别出的结构和排版页面，下载各种格式。",
    skip: "跳到文档正文",
    language: "语言",
    document: "文档",
    name: "文件名",
    kind: "类型",
    "kind-.txt": "纯文本公文/报告（.txt）",
    "kind-.md": "Markdown（.md）",
    "kind-.xml": "规范 XML（.xml）",
    "kind-.docx": "Word 文档（.docx）",
    drop: "把 {suffixes} 文件拖到这里，或",
    choose: "选择文件…",
    text: "文档正文",
    messages: "错误和警告",
    "no-messages": "无。",
    result: "结果",
    style: "样式",
    "style-auto": "自动（中文用公文样式，其他用报告样式）",
    "style-auto-desc": "按文档本身的语言选择。",
    downloads: "下载",
    "download-all": "全部格式（.zip）",
    outline: "识别出的结构",
    "no-outline": "尚无内容：请粘贴或拖入文档。",
    pages: "页面",
    "page-alt": "第 {n} 页，共 {total} 页",
    "page-open": "查看这一页的原尺寸图像",
    "status-idle": "输入或粘贴文档即可开始。",
    "status-queued": "正在等待空闲的处理进程…",
    "status-running": "正在生成…（{stage}）",
    "status-done": "已用 {style} 样式生成，耗时 {seconds} 秒。",
    "status-failed": "文档有错误，未能生成。",
    "status-unreachable": "无法连接服务器：{reason}",
    "stage-read": "读取",
    "stage-preview": "页面预览",
    "stage-zip": "打包",
    line: "第 {n} 行",
    "go-to-line": "跳到第 {n} 行",
    error: "错误",
    warning: "警告",
    info: "提示",
    "last-good": "文档有错误：下面显示的是上一次成功生成的页面。",
    "last-good-downloads": "这些文件来自上一次成功生成的版本。",
    "last-good-outline": "文档无法读取：下面是上一次成功生成的版本的结构。",
    "binary-file": "{name} 不是 UTF-8 纯文本，因此不在这里显示，将按原文件转换。在文本框中输入即可改为转换文本。",
    "bad-kind": "{name}：无法读取这种文件（可读取 {suffixes}）。",
    bytes: "{size}",
    "o-docnumber": "发文字号",
    "o-title": "标题",
    "o-subtitle": "副标题",
    "o-lang": "语言",
    "o-addressee": "主送机关",
    "o-sections": "层次结构",
    "o-attachments": "附件说明",
    "o-signature": "署名",
    "o-issuer": "发文机关署名",
    "o-date": "成文日期",
    "o-issuing_mark": "发文机关标志",
    "o-signers": "签发人",
    "o-cc": "抄送机关",
    "o-printer": "印发机关",
    "o-attachment_bodies": "附件正文",
    "o-enclosures": "转发的文件",
    "o-tables": "表格",
    "o-record": "信息记录",
    "o-copy_number": "份号",
    "o-secrecy": "密级和保密期限",
    "o-urgency": "紧急程度",
    "o-body": "机关",
    "o-printer.date": "印发日期",
    "o-label": "编号",
    none: "未识别",
    runin: "段首标题",
    "sections-count": "共 {n} 个层次",
    yes: "是",
    no: "否",
  },
};

const I18N = {
  lang: "en",

  /** The language to start with: the user's earlier choice, else the browser's first. */
  initial() {
    const saved = localStorage.getItem("converter-lang");
    if (saved && WORDS[saved]) return saved;
    const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
    for (const tag of wanted) {
      const base = tag.toLowerCase().split("-")[0];
      if (WORDS[base]) return base;
    }
    return "en";
  },

  /** A word in the current language, with {placeholders} filled in. */
  t(key, values = {}) {
    const text = WORDS[I18N.lang][key] ?? WORDS.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
  },

  has(key) {
    return key in WORDS[I18N.lang] || key in WORDS.en;
  },

  /** Switch the page's static words (data-i18n) and its lang attribute. */
  apply(lang, values = {}) {
    I18N.lang = WORDS[lang] ? lang : "en";
    document.documentElement.lang = I18N.lang === "zh" ? "zh-CN" : "en";
    for (const el of document.querySelectorAll("[data-i18n]")) {
      el.textContent = I18N.t(el.dataset.i18n, values);
    }
  },
};
