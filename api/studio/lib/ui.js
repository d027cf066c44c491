// Small DOM helpers shared by every page: elements, labelled fields with an error slot, API
// errors shown next to the field they name, confirmations, notices. Text always goes in as text
// (never as HTML); the one place HTML is inserted is the server's sanitized article preview.
import { t, has, formatNumber, formatBytes, formatDate } from "./i18n.js";
import { ApiError } from "./api.js";

let ids = 0;
export const uid = (prefix = "f") => `${prefix}-${++ids}`;

// h("button", { class: "primary", onclick }, "text", child, ...)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "value") el.value = v;
    else if (k === "checked") el.checked = !!v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A labelled form field: <label>, the control (input/select/textarea), a hint and an error slot
// the control is described by. `name` is the API field the server names in `extensions.field`.
export function field(label, control, { hint, name } = {}) {
  const id = control.id || uid();
  control.id = id;
  if (name) control.name = name;
  const err = h("p", { class: "field-error", id: `${id}-err`, role: "alert", hidden: true });
  const described = [`${id}-err`];
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) described.push(`${id}-hint`);
  control.setAttribute("aria-describedby", described.join(" "));
  return h("div", { class: "field", dataset: { field: name || "" } }, h("label", { for: id }, label), control, hintEl, err);
}

export const input = (attrs = {}) => h("input", { type: "text", ...attrs });
export const textarea = (attrs = {}) => h("textarea", attrs);
export function select(options, attrs = {}) {
  const el = h("select", attrs);
  for (const [value, label] of options) el.append(h("option", { value }, label));
  if (attrs.value !== undefined) el.value = attrs.value;
  return el;
}

// Clears the form's error messages.
export function clearErrors(root) {
  for (const e of root.querySelectorAll(".field-error")) { e.hidden = true; e.textContent = ""; }
  for (const c of root.querySelectorAll("[aria-invalid]")) c.removeAttribute("aria-invalid");
  root.querySelector(":scope > .form-error.generated")?.remove();
}

// Shows an error: each API error naming a field beside that field (matched by `name`, also
// `input.title` → `title`), the rest at the top of `root`. Focuses the first field at fault.
export function showError(root, error) {
  clearErrors(root);
  const errors = error instanceof ApiError ? error.errors : [{ message: String(error?.message || error) }];
  const rest = [];
  let first = null;
  for (const e of errors) {
    const name = e.field ? String(e.field).split(".").pop() : null;
    const control = name && (root.querySelector(`[name="${CSS.escape(e.field)}"]`) || root.querySelector(`[name="${CSS.escape(name)}"]`));
    if (control) {
      const slot = document.getElementById(`${control.id}-err`);
      control.setAttribute("aria-invalid", "true");
      if (slot) { slot.textContent = describe(e, labelOf(control)); slot.hidden = false; }
      first ||= control;
    } else {
      rest.push(e);
    }
  }
  if (rest.length) {
    root.prepend(h("div", { class: "form-error generated", role: "alert" }, rest.map((e) => h("p", {}, describe(e)))));
  }
  first?.focus();
}

// The visible label of a form control: its field's <label> or, for a group of checkboxes,
// the <legend>.
function labelOf(control) {
  const label = control.closest(".field")?.querySelector(":scope > label:not(.choice), :scope > legend");
  return label?.textContent.trim() || "";
}

// An API error in the user's language. With a reason the catalog words (`reason.<REASON>`),
// its params are filled in (numbers through Intl, sizes as sizes, times as dates), `{field}`
// with the field's label (`label`, else "this field"), `{message}` with the server's message.
// Otherwise the localized code before the server's (English) message.
// (`errors.map(describe)` passes an index as `label`: only a string counts.)
export function describe(e, label) {
  if (e.reason && has(`reason.${e.reason}`)) {
    const field = typeof label === "string" && label ? label : t("errors.thisField");
    return t(`reason.${e.reason}`, { ...reasonParams(e.params), field, message: e.message });
  }
  const known = e.code && t(`error.${e.code}`, {});
  const prefix = known && !known.startsWith("error.") ? `${known}: ` : "";
  return `${prefix}${e.message}`;
}

function reasonParams(params) {
  const out = {};
  for (const [name, value] of Object.entries(params && typeof params === "object" ? params : {})) {
    if (typeof value === "number") out[name] = name === "bytes" || name.endsWith("Bytes") ? formatBytes(value) : formatNumber(value);
    else if (name.endsWith("At")) out[name] = formatDate(value);
    else out[name] = String(value);
  }
  return out;
}

// A busy-proof submit: disables the button while `fn` runs, shows errors in `root`.
export async function run(root, button, fn) {
  clearErrors(root);
  if (button) button.disabled = true;
  try {
    return await fn();
  } catch (e) {
    showError(root, e);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

// A modal confirmation (native <dialog>): resolves true on confirm.
export function confirmDialog(message, { confirm = t("common.confirm"), danger = true } = {}) {
  return new Promise((resolve) => {
    const ok = h("button", { class: danger ? "danger" : "primary", value: "ok" }, confirm);
    const cancel = h("button", { value: "cancel", autofocus: true }, t("common.cancel"));
    const dlg = h("dialog", { class: "confirm", "aria-label": t("common.confirmTitle") },
      h("form", { method: "dialog" }, h("p", {}, message), h("div", { class: "actions" }, cancel, ok)));
    dlg.addEventListener("close", () => { dlg.remove(); resolve(dlg.returnValue === "ok"); });
    document.body.append(dlg);
    dlg.showModal();
  });
}

// A short notice in the corner (role=status, read by screen readers).
export function notice(text, kind = "ok") {
  let box = document.getElementById("notices");
  if (!box) { box = h("div", { id: "notices", class: "notices", role: "status", "aria-live": "polite" }); document.body.append(box); }
  const n = h("div", { class: `notice ${kind}` }, text);
  box.append(n);
  setTimeout(() => n.remove(), kind === "error" ? 8000 : 4000);
}

export function badge(text, kind = "") {
  return h("span", { class: `badge ${kind}` }, text);
}

// A page-level error in place of content: never a blank screen.
export function pageError(root, error, retry) {
  clear(root, h("div", { class: "page-error", role: "alert" },
    h("h2", {}, t("common.errorTitle")),
    h("p", {}, error instanceof ApiError ? error.errors.map(describe).join("; ") : String(error?.message || error)),
    retry ? h("button", { onclick: retry }, t("common.retry")) : null));
}

export function loading(root) {
  clear(root, h("p", { class: "loading", role: "status" }, t("common.loading")));
}

// A table with a header row; rows are arrays of cells.
// On a phone each row becomes a card: every cell carries its column's name (`data-label`).
export function table(headers, rows, { caption } = {}) {
  return h("div", { class: "table-wrap" }, h("table", { class: "stack" },
    caption ? h("caption", { class: "sr-only" }, caption) : null,
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => h("td", { "data-label": headers[i] ?? "" }, c)))))));
}

export function copyButton(text) {
  return h("button", { type: "button", class: "small", onclick: async (e) => {
    try { await navigator.clipboard.writeText(text); notice(t("common.copied")); } catch { e.target.previousSibling?.select?.(); }
  } }, t("common.copy"));
}
