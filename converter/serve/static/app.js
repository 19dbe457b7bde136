// The page: sends the document to POST /api/convert a moment after typing stops, follows the
// job at GET /api/jobs/ID, and shows its outline, messages, page previews and downloads.
// Plain DOM code, no framework and nothing from the internet: the page is served by the converter.
"use strict";

const TYPING_PAUSE_MS = 250; // a build starts this long after the last keystroke
const POLL_MS = 80; // how often a running job is asked about (a local server: cheap)
const KINDS = [".txt", ".md", ".xml", ".docx"]; // offered in this order when a reader takes them

const $ = (id) => document.getElementById(id);

const state = {
  info: null,
  styles: [],
  file: null, // a dropped file sent as it is (not UTF-8 text, or .docx); null when the text area is the source
  job: null, // the job shown now (its last JSON)
  lastGood: null, // the last job that built: its pages stay shown while the document has errors
  timer: null,
  generation: 0, // each submit gets a number; answers about older ones are ignored
  lastInput: 0,
  submitted: 0,
  reachError: null,
};
// for bench/serve_bench.py: when each keystroke's first page (shown) and all its pages (all) were on screen
window.converterTimes = [];

// ---------------------------------------------------------------------------------------------
// start

document.addEventListener("DOMContentLoaded", start);

async function start() {
  const lang = I18N.initial();
  $("lang").value = lang;
  setLanguage(lang);
  try {
    const [info, styles] = await Promise.all([getJSON("/api/info"), getJSON("/api/styles")]);
    state.info = info;
    state.styles = styles;
  } catch (e) {
    state.reachError = String(e.message || e);
    renderStatus();
    return;
  }
  fillKinds();
  fillStyles();
  setLanguage(I18N.lang);
  wireEvents();
  renderStatus();
}

function wireEvents() {
  $("lang").addEventListener("change", () => {
    localStorage.setItem("converter-lang", $("lang").value);
    setLanguage($("lang").value);
  });
  $("text").addEventListener("input", () => {
    state.file = null;
    $("binary").hidden = true;
    renderBackdrop();
    schedule();
  });
  $("text").addEventListener("scroll", syncBackdrop);
  $("name").addEventListener("input", schedule);
  $("kind").addEventListener("change", () => submit());
  $("style").addEventListener("change", () => {
    describeStyle();
    submit();
  });
  $("file").addEventListener("change", () => {
    if ($("file").files.length) takeFile($("file").files[0]);
    $("file").value = "";
  });
  // a file dropped anywhere on the page is taken (the browser would otherwise open it)
  document.addEventListener("dragover", (e) => {
    e.preventDefault();
    $("drop").classList.add("over");
  });
  document.addEventListener("dragleave", (e) => {
    if (e.target === document.documentElement || e.target === $("drop")) $("drop").classList.remove("over");
  });
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    $("drop").classList.remove("over");
    const files = e.dataTransfer && e.dataTransfer.files;
    if (files && files.length) takeFile(files[0]);
  });
  new ResizeObserver(syncBackdrop).observe($("text"));
}

function setLanguage(lang) {
  I18N.apply(lang, { suffixes: suffixList() });
  if (!state.info) return;
  fillKinds();
  fillStyles();
  renderAll();
}

function suffixList() {
  return state.info ? KINDS.filter((k) => state.info.suffixes.includes(k)).join(" ") : ".txt .md .xml";
}

function fillKinds() {
  const select = $("kind");
  const current = select.value || ".txt";
  select.replaceChildren(...KINDS.filter((k) => state.info.suffixes.includes(k)).map((k) => {
    const option = new Option(I18N.t(`kind-${k}`), k);
    option.disabled = k === ".docx"; // a Word document cannot be typed: it comes as a file
    return option;
  }));
  select.value = current;
  $("file").accept = state.info.suffixes.join(",");
}

function fillStyles() {
  const select = $("style");
  const current = select.value || "";
  select.replaceChildren(new Option(I18N.t("style-auto"), ""),
    ...state.styles.map((s) => new Option(s.description ? `${s.name} — ${s.description}` : s.name, s.name)));
  select.value = current;
  describeStyle();
}

function describeStyle() {
  const chosen = state.styles.find((s) => s.name === $("style").value);
  $("style-desc").textContent = chosen ? chosen.description : I18N.t("style-auto-desc");
}

// ---------------------------------------------------------------------------------------------
// input: typing and files

function schedule() {
  state.lastInput = performance.now();
  clearTimeout(state.timer);
  state.timer = setTimeout(submit, TYPING_PAUSE_MS);
}

function fileName() {
  const stem = $("name").value.trim().replace(/\.[^.]*$/, "") || "document";
  const kind = state.file ? state.file.suffix : $("kind").value;
  return stem + kind;
}

async function takeFile(file) {
  const suffix = (file.name.match(/\.[^.]+$/) || [""])[0].toLowerCase();
  if (!state.info.suffixes.includes(suffix)) {
    showLocalError(I18N.t("bad-kind", { name: file.name, suffixes: state.info.suffixes.join(" ") }));
    return;
  }
  $("name").value = file.name.replace(/\.[^.]*$/, "");
  const bytes = await file.arrayBuffer();
  let text = null;
  if (suffix !== ".docx") {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      text = null; // another encoding (GB 18030 …): the server's reader decodes it
    }
  }
  // XML that declares another encoding must reach the server as its own bytes, or the
  // declaration would lie about the text area's UTF-8
  if (text !== null && suffix === ".xml" && /^\s*<\?xml[^>]*encoding\s*=\s*["'](?!utf-?8["'])/i.test(text)) text = null;
  if (text !== null) {
    state.file = null;
    $("binary").hidden = true;
    if (KINDS.includes(suffix)) $("kind").value = suffix;
    else $("kind").value = suffix === ".markdown" ? ".md" : ".txt";
    $("text").value = text.replace(/^\ufeff/, "");
  } else {
    state.file = { blob: new Blob([bytes]), suffix, name: file.name };
    if (KINDS.includes(suffix)) $("kind").value = suffix;
    $("text").value = "";
    $("binary").textContent = I18N.t("binary-file", { name: file.name });
    $("binary").hidden = false;
  }
  renderBackdrop();
  state.lastInput = performance.now();
  submit();
}

// ---------------------------------------------------------------------------------------------
// jobs

async function submit() {
  clearTimeout(state.timer);
  const form = new FormData();
  form.append("name", fileName());
  if (state.file) form.append("file", state.file.blob, fileName());
  else {
    if (!$("text").value.trim()) return;
    form.append("text", $("text").value);
  }
  form.append("style", $("style").value);
  form.append("preview", "1");
  const generation = ++state.generation;
  const replaced = state.job;
  state.submitted = performance.now();
  let answer;
  try {
    const response = await fetch("/api/convert", { method: "POST", body: form });
    answer = await response.json();
    state.reachError = null;
    if (!response.ok) {
      if (generation === state.generation) showFailure({ status: "failed", error: answer.error, messages: [] });
      return;
    }
  } catch (e) {
    state.reachError = String(e.message || e);
    renderStatus();
    return;
  }
  if (replaced && replaced.id && !(state.lastGood && replaced.id === state.lastGood.id)) forget(replaced.id);
  follow(answer.id, generation);
}

function forget(id) {
  fetch(`/api/jobs/${id}`, { method: "DELETE" }).catch(() => {});
}

async function follow(id, generation) {
  const timing = { job: id, input: state.lastInput }; // pushed to window.converterTimes once shown
  for (;;) {
    if (generation !== state.generation) {
      forget(id); // the user typed on: this job's result will not be shown
      return;
    }
    let job;
    try {
      job = await getJSON(`/api/jobs/${id}`);
      state.reachError = null;
    } catch (e) {
      state.reachError = String(e.message || e);
      renderStatus();
      return;
    }
    job.clientSeconds = (performance.now() - state.submitted) / 1000;
    const changed = !state.job || JSON.stringify({ ...state.job, clientSeconds: 0 }) !== JSON.stringify({ ...job, clientSeconds: 0 });
    state.job = job;
    if (job.status === "done") {
      if (state.lastGood && state.lastGood.id !== job.id) forget(state.lastGood.id);
      state.lastGood = job;
    }
    if (changed) renderAll(); // (polls that bring nothing new leave the page, and the CPU, alone)
    if (!timing.shown && job.previews.length && job.status !== "failed") {
      timing.shown = -1;
      whenImagesLoaded().then(() => {
        timing.shown = performance.now();
        window.converterTimes.push(timing);
      });
    }
    // every page is there once the previews stage is over (pdftoppm sends page 1 first)
    if (!timing.all && job.previews.length && (job.status === "done" || !["read", "preview"].includes(job.stage))) {
      timing.all = -1;
      whenImagesLoaded().then(() => { timing.all = performance.now(); });
    }
    if (job.status === "done" || job.status === "failed") return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function whenImagesLoaded() {
  const images = [...$("pages").querySelectorAll("img")];
  return Promise.all(images.map((img) => (img.complete ? Promise.resolve() : new Promise((r) => {
    img.addEventListener("load", r, { once: true });
    img.addEventListener("error", r, { once: true });
  }))));
}

async function getJSON(url) {
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error((body && body.error && body.error.message) || `HTTP ${response.status}`);
  return body;
}

function showLocalError(message) {
  showFailure({ status: "failed", error: { message, line: null }, messages: [], local: true });
}

function showFailure(job) {
  state.job = Object.assign({ previews: [], outputs: [], zip: null, outline: null, progress: { done: 0, total: 0 } }, job);
  renderAll();
}

// ---------------------------------------------------------------------------------------------
// rendering

function renderAll() {
  renderStatus();
  renderMessages();
  renderBackdrop();
  renderOutlinePane();
  renderPages();
  renderDownloads();
}

function renderStatus() {
  const status = $("status");
  const progress = $("progress");
  const job = state.job;
  let text;
  let kind = job ? job.status : "idle";
  if (state.reachError) {
    text = I18N.t("status-unreachable", { reason: state.reachError });
    kind = "failed";
  } else if (!job) text = I18N.t("status-idle");
  else if (job.status === "running") text = I18N.t("status-running", { stage: stageName(job.stage) });
  else if (job.status === "done") {
    text = I18N.t("status-done", { seconds: job.clientSeconds.toFixed(1), style: job.style || "?" });
  } else text = I18N.t(`status-${job.status}`);
  status.textContent = text;
  status.dataset.state = kind;
  const running = job && (job.status === "running" || job.status === "queued") && !state.reachError;
  progress.hidden = !running;
  if (running) {
    progress.max = job.progress.total || 1;
    progress.value = job.progress.done;
  }
}

function stageName(stage) {
  if (!stage) return "…";
  if (I18N.has(`stage-${stage}`)) return I18N.t(`stage-${stage}`);
  return stage.toUpperCase().replace(/,/g, ", ");
}

/** Every error and warning, with its line: a button that selects the line in the text. */
function renderMessages() {
  const box = $("messages");
  const job = state.job;
  const items = [];
  if (job && job.error) items.push({ level: "error", ...job.error });
  if (job) items.push(...(job.messages || []));
  if (!items.length) {
    box.replaceChildren(el("p", { class: "quiet" }, I18N.t("no-messages")));
    return;
  }
  const list = el("ul", { class: "messages" });
  for (const m of items) {
    const item = el("li", { class: `message ${m.level}` });
    item.append(el("span", { class: "level" }, I18N.t(m.level)), " ");
    if (m.line) {
      const button = el("button", { type: "button", class: "line", "data-line": m.line,
        "aria-label": `${I18N.t("go-to-line", { n: m.line })}: ${m.message}` }, I18N.t("line", { n: m.line }));
      button.addEventListener("click", () => goToLine(m.line));
      item.append(button, " ");
    }
    item.append(el("span", { class: "text" }, m.message));
    list.append(item);
  }
  box.replaceChildren(list);
}

function markedLines() {
  const job = state.job;
  const marks = new Map();
  if (!job || state.file) return marks;
  for (const m of job.messages || []) if (m.line) marks.set(m.line, m.level === "error" ? "error" : "warning");
  if (job.error && job.error.line) marks.set(job.error.line, "error");
  return marks;
}

/** The text again behind the (transparent) text area, the lines with messages marked: the
 *  same font, width and wrapping, so each mark sits exactly under its line. */
function renderBackdrop() {
  const marks = markedLines();
  const lines = $("text").value.split("\n");
  const parts = [];
  lines.forEach((line, i) => {
    const level = marks.get(i + 1);
    parts.push(level ? el("mark", { class: level, "data-line": i + 1 }, line || " ") : document.createTextNode(line));
    if (i < lines.length - 1) parts.push(document.createTextNode("\n"));
  });
  parts.push(document.createTextNode("\n ")); // a final newline still takes a line
  $("backdrop").replaceChildren(...parts);
  $("text").classList.toggle("has-marks", marks.size > 0);
  syncBackdrop();
}

function syncBackdrop() {
  $("backdrop").scrollTop = $("text").scrollTop;
  $("backdrop").scrollLeft = $("text").scrollLeft;
}

function goToLine(n) {
  const text = $("text");
  const lines = text.value.split("\n");
  const start = lines.slice(0, n - 1).reduce((sum, l) => sum + l.length + 1, 0);
  const end = start + (lines[n - 1] || "").length;
  text.focus();
  text.setSelectionRange(start, end);
  const mark = $("backdrop").querySelector(`mark[data-line="${n}"]`);
  if (mark) text.scrollTop = Math.max(0, mark.offsetTop - text.clientHeight / 3);
  syncBackdrop();
}

function renderOutlinePane() {
  const job = state.job;
  // a document that could not even be read keeps the structure of its last good version
  const old = job && !job.outline && job.status === "failed" && state.lastGood;
  const tree = job && job.outline ? job.outline : old ? state.lastGood.outline : null;
  $("outline-note").hidden = !old;
  $("outline-note").textContent = I18N.t("last-good-outline");
  if (tree) renderOutline($("outline"), tree);
  else if (!job || job.status === "failed") $("outline").replaceChildren(el("p", { class: "quiet" }, I18N.t("no-outline")));
}

/** What the pages and downloads show: the job's own once it has them, else (while it runs, or
 *  when it failed) those of the last good build. */
function shown(has) {
  const job = state.job;
  if (job && job.status !== "failed" && has(job)) return job;
  return state.lastGood;
}

function renderPages() {
  const job = state.job;
  const source = shown((j) => j.previews.length > 0);
  const failed = job && job.status === "failed";
  const total = source ? Math.max(source.pages.pdf || 0, source.previews.length) : 0;
  const partial = source && source.status === "done" && total > source.previews.length;
  $("pages-note").hidden = !((failed && source) || partial);
  $("pages-note").textContent = failed ? I18N.t("last-good") : I18N.t("pages-more", { shown: source ? source.previews.length : 0, total });
  const box = $("pages");
  const key = source ? `${source.id}:${source.previews.length}:${total}:${I18N.lang}` : "";
  if (box.dataset.key === key) return; // already shown: do not reload the images
  box.dataset.key = key;
  box.dataset.job = source ? source.id : "";
  if (!source) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(...source.previews.map((p) => {
    const img = el("img", { src: p.url, alt: I18N.t("page-alt", { n: p.page, total }), decoding: "async" });
    // the image itself, full size, in a tab of its own: the grid shows pages small
    const link = el("a", { href: p.url, target: "_blank", rel: "noopener", title: I18N.t("page-open") }, img);
    return el("figure", { class: "page" }, link, el("figcaption", {}, `${p.page} / ${total}`));
  }));
}

function renderDownloads() {
  const job = state.job;
  const source = shown((j) => j.status === "done");
  $("downloads-note").hidden = !(job && job.status === "failed" && source);
  $("downloads-note").textContent = I18N.t("last-good-downloads");
  const list = $("downloads");
  list.dataset.job = source ? source.id : "";
  if (!source) {
    list.replaceChildren();
    return;
  }
  const items = source.outputs.map((o) => download(o.url, o.name, o.format.toUpperCase(), o.bytes));
  if (source.zip) items.push(download(source.zip.url, source.zip.name, I18N.t("download-all"), null));
  list.replaceChildren(...items);
}

function download(url, name, title, bytes) {
  const link = el("a", { href: url, download: name, class: "button" }, title);
  if (bytes !== null) link.append(" ", el("span", { class: "size" }, humanSize(bytes)));
  return el("li", {}, link);
}

function humanSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
