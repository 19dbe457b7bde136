// The structure the reader found (the JSON of `converter inspect --json`) as a definition list.
// Known keys come first, in document order, with their own labels; any other key a newer reader
// adds is shown too, generically, so the page never hides what the reader reports.
"use strict";

const OUTLINE_ORDER = ["record", "copy_number", "secrecy", "urgency", "issuing_mark", "docnumber", "signers",
  "title", "subtitle", "lang", "addressee", "sections", "tables", "attachments", "signature", "attachment_bodies",
  "enclosures", "cc", "printer"];
// keys shown even when absent: a missing title or addressee is what a user must notice
const OUTLINE_ALWAYS = new Set(["title", "addressee", "sections", "signature"]);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function isEmpty(value) {
  if (value === null || value === undefined || value === "" || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.values(value).every(isEmpty);
  return false;
}

/** A key's label; ``parent`` picks a more precise one where it has one (the printer's date). */
function label(key, parent = null) {
  if (parent && I18N.has(`o-${parent}.${key}`)) return I18N.t(`o-${parent}.${key}`);
  return I18N.has(`o-${key}`) ? I18N.t(`o-${key}`) : key.replace(/_/g, " ");
}

function none() {
  return el("span", { class: "none" }, I18N.t("none"));
}

/** The section tree as nested lists: number, heading, and a run-in mark. */
function sectionList(sections) {
  const list = el("ul", { class: "sections" });
  for (const s of sections) {
    const item = el("li", { "data-level": s.level });
    if (s.number) item.append(el("span", { class: "number" }, s.number), " ");
    item.append(el("span", { class: "heading" }, s.heading || "—"));
    if (s.runin) item.append(" ", el("span", { class: "tag" }, I18N.t("runin")));
    // keys a newer outline adds to sections (beyond the fixed ones) are shown generically
    for (const [k, v] of Object.entries(s)) {
      if (!["level", "number", "heading", "runin", "sections", "id"].includes(k) && !isEmpty(v)) {
        item.append(" ", el("span", { class: "tag" }, `${label(k)}: ${typeof v === "object" ? JSON.stringify(v) : v}`));
      }
    }
    if (s.sections && s.sections.length) item.append(sectionList(s.sections));
    list.append(item);
  }
  return list;
}

function countSections(sections) {
  return sections.reduce((n, s) => n + 1 + countSections(s.sections || []), 0);
}

/** Any JSON value, readably: text, lists of values, objects as nested definition lists. */
function generic(value, parent = null) {
  if (isEmpty(value)) return none();
  if (typeof value === "boolean") return document.createTextNode(I18N.t(value ? "yes" : "no"));
  if (typeof value !== "object") return document.createTextNode(String(value));
  if (Array.isArray(value)) {
    const list = el("ol", { class: "values" });
    for (const v of value) list.append(el("li", {}, generic(v, parent)));
    return list;
  }
  const dl = el("dl", { class: "nested" });
  for (const [k, v] of Object.entries(value)) {
    if (isEmpty(v)) continue;
    dl.append(el("dt", {}, label(k, parent)), el("dd", {}, generic(v, k)));
  }
  return dl;
}

function outlineValue(key, value) {
  if (key === "sections") {
    const box = el("div");
    box.append(el("span", { class: "count" }, I18N.t("sections-count", { n: countSections(value || []) })));
    if (value && value.length) box.append(sectionList(value));
    return box;
  }
  if (key === "signature" && value && typeof value === "object") {
    const dl = el("dl", { class: "nested" });
    for (const [k, v] of Object.entries(value)) dl.append(el("dt", {}, label(k)), el("dd", {}, isEmpty(v) ? none() : generic(v)));
    return dl;
  }
  return generic(value, key);
}

/** Fill the container with the outline of a document. */
function renderOutline(container, tree) {
  const dl = el("dl", { class: "outline-list" });
  const keys = [...OUTLINE_ORDER.filter((k) => k in tree), ...Object.keys(tree).filter((k) => !OUTLINE_ORDER.includes(k))];
  for (const key of keys) {
    const value = tree[key];
    if (isEmpty(value) && !OUTLINE_ALWAYS.has(key)) continue;
    dl.append(el("dt", { "data-key": key }, label(key)), el("dd", { "data-key": key }, outlineValue(key, value)));
  }
  container.replaceChildren(dl);
}
