// The query editor: a plain <textarea> with completion. Suggestions come from graphql.js and
// are listed under the editor (a listbox the textarea points to with aria-activedescendant):
// arrows move, Enter or Tab inserts, Escape closes, Ctrl+Space asks; Ctrl/Cmd+Enter runs.
// Text is inserted with the browser's own editing command, so undo (Ctrl+Z) keeps working.
import { t } from "../../lib/i18n.js";
import { h, clear, uid } from "../../lib/ui.js";
import { tokenize } from "./graphql.js";
import { complete, insertion } from "./complete.js";

// Characters after which suggestions open by themselves (besides letters of a name).
const OPENERS = new Set(["{", "(", "@", ":"]);
const CLOSERS = { "{": "}", "(": ")", "[": "]" };

// Whether `text` opens `opener` more often than it closes it (outside strings and comments).
function unclosed(text, opener) {
  let depth = 0;
  for (const tok of tokenize(text).tokens) {
    if (tok.k !== "punct") continue;
    if (tok.v === opener) depth++;
    else if (tok.v === CLOSERS[opener]) depth--;
  }
  return depth > 0;
}

// Wires completion into `textarea`; `schema()` gives the schema (or null), `onRun()` runs.
// Returns the element holding the suggestion list and its status line, to put under it.
export function withCompletion(textarea, { schema, onRun }) {
  const id = uid("suggest");
  const list = h("ul", { id, class: "suggest", role: "listbox", "aria-label": t("explorer.suggestions"), hidden: true });
  const doc = h("p", { class: "suggest-doc", hidden: true });
  const status = h("p", { class: "sr-only", role: "status", "aria-live": "polite" });
  let current = null; // { from, to, items }
  let active = 0;
  let inserting = false;

  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", id);
  textarea.setAttribute("aria-expanded", "false");
  textarea.spellcheck = false;
  textarea.setAttribute("autocapitalize", "off");
  textarea.setAttribute("autocomplete", "off");

  function close() {
    current = null;
    list.hidden = true;
    doc.hidden = true;
    clear(list);
    textarea.setAttribute("aria-expanded", "false");
    textarea.removeAttribute("aria-activedescendant");
  }

  // With a word typed the first suggestion is chosen; after a bracket none is, so that Enter
  // still starts a new line until an arrow key picks one.
  function show(result) {
    current = result;
    active = result.prefix ? 0 : -1;
    clear(list, result.items.map((item, n) => h("li", {
      id: `${id}-${n}`,
      role: "option",
      class: item.deprecated ? "deprecated" : null,
      "aria-selected": "false",
      onmousedown: (e) => { e.preventDefault(); active = n; accept(); },
    }, h("span", { class: "s-label" }, item.label), item.detail ? h("span", { class: "s-detail" }, item.detail) : null,
      item.typeKind ? h("span", { class: "s-detail" }, t(`explorer.kind.${item.typeKind}`)) : null)));
    list.hidden = false;
    textarea.setAttribute("aria-expanded", "true");
    status.textContent = t("explorer.suggestionCount", { count: result.items.length });
    highlight();
  }

  function highlight() {
    if (!current) return;
    list.querySelectorAll("[role=option]").forEach((li, n) => li.setAttribute("aria-selected", String(n === active)));
    const item = current.items[active];
    if (!item) {
      textarea.removeAttribute("aria-activedescendant");
      doc.hidden = true;
      return;
    }
    textarea.setAttribute("aria-activedescendant", `${id}-${active}`);
    document.getElementById(`${id}-${active}`)?.scrollIntoView({ block: "nearest" });
    const about = item.doc || (item.label === "__typename" ? t("explorer.typenameDoc") : "");
    const text = [about, item.deprecated ? t("explorer.deprecated") : ""].filter(Boolean).join(" · ");
    doc.textContent = text;
    doc.hidden = !text;
  }

  function update() {
    const pos = textarea.selectionStart;
    if (pos !== textarea.selectionEnd) return close();
    const result = complete(textarea.value, pos, schema());
    if (result) show(result);
    else close();
  }

  // Replaces `from..to` with `text` as if typed (undoable), then puts the caret at `caret`.
  function replace(from, to, text, caret) {
    inserting = true;
    textarea.focus();
    textarea.setSelectionRange(from, to);
    let done = false;
    try { done = document.execCommand("insertText", false, text); } catch { done = false; }
    if (!done) {
      textarea.setRangeText(text, from, to, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    inserting = false;
    textarea.setSelectionRange(from + caret, from + caret);
  }

  function accept() {
    if (!current) return;
    const item = current.items[active];
    if (!item) return;
    const ins = insertion(item, textarea.value, current.from, current.to);
    const { from, to } = current;
    close();
    replace(from, to, ins.text, ins.caret);
    if (ins.reopen) update();
  }

  // Enter keeps the line's indentation, one level more after an opening bracket, and closes
  // that bracket on the next line when the document lacks its closing one.
  function newline() {
    const pos = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const text = textarea.value;
    const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))[0];
    const spaces = /^[ \t]*/.exec(text.slice(end))[0].length;
    const opener = /([{([])\s*$/.exec(text.slice(lineStart, pos))?.[1];
    let ins = `\n${indent}`;
    let caret = ins.length;
    if (opener) {
      ins += "  ";
      caret += 2;
      const closer = CLOSERS[opener];
      if (/^[ \t]*[})\]]/.test(text.slice(end))) ins += `\n${indent}`;
      else if (unclosed(text.slice(0, pos) + text.slice(end), opener)) ins += `\n${indent}${closer}`;
    }
    replace(pos, end + spaces, ins, caret);
  }

  // Typing a closing bracket on a blank line takes one level of indentation back.
  function dedent(key) {
    const pos = textarea.selectionStart;
    if (pos !== textarea.selectionEnd) return false;
    const text = textarea.value;
    const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
    if (!/^ {2,}$/.test(text.slice(lineStart, pos))) return false;
    replace(pos - 2, pos, key, 1);
    return true;
  }

  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      close();
      onRun();
      return;
    }
    if (e.key === " " && e.ctrlKey) {
      e.preventDefault();
      update();
      if (!current) status.textContent = t("explorer.noSuggestions");
      return;
    }
    if (current) {
      const n = current.items.length;
      if (e.key === "ArrowDown") { e.preventDefault(); active = (active + 1) % n; highlight(); return; }
      if (e.key === "ArrowUp") { e.preventDefault(); active = active <= 0 ? n - 1 : active - 1; highlight(); return; }
      if (e.key === "PageDown") { e.preventDefault(); active = Math.min(n - 1, active + 8); highlight(); return; }
      if (e.key === "PageUp") { e.preventDefault(); active = Math.max(0, active - 8); highlight(); return; }
      if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey && !e.altKey && active >= 0) { e.preventDefault(); accept(); return; }
      if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); close(); return; }
      const closes = ["}", ")", "]"].includes(e.key);
      if (closes || ["Enter", "Tab", "ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) close();
      if (e.key !== "Enter" && !closes) return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.altKey && !e.isComposing) {
      e.preventDefault();
      newline();
    } else if (["}", ")", "]"].includes(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey && !e.isComposing) {
      if (dedent(e.key)) e.preventDefault();
    }
  });
  textarea.addEventListener("input", (e) => {
    if (inserting || e.isComposing) return;
    const typed = e.inputType === "insertText" && typeof e.data === "string" ? e.data.slice(-1) : "";
    if (typed && (/[_A-Za-z]/.test(typed) || OPENERS.has(typed) || (/[0-9]/.test(typed) && current))) return update();
    if (e.inputType?.startsWith("delete") && current) return update();
    close();
  });
  textarea.addEventListener("blur", close);
  textarea.addEventListener("mousedown", close);

  return { element: h("div", { class: "suggest-wrap" }, list, doc, status), close };
}
