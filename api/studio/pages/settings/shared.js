// Pieces the settings, account, invitation and reset pages share: a value shown only once
// with a copy button, role names, comma lists, and the new-password pair with its check.
import { ApiError, currentUser } from "../../lib/api.js";
import { t } from "../../lib/i18n.js";
import { h, input, field, copyButton } from "../../lib/ui.js";

export const ROLES = ["OWNER", "EDITOR"];
export const roleLabel = (role) => t(`settings.role.${role}`);
export const roleOptions = () => ROLES.map((r) => [r, roleLabel(r)]);

// Owners manage a site; so do global admins (the services decide; this only picks the form).
export function canManage(ctx) {
  return ctx.site?.role === "OWNER" || !!currentUser()?.isAdmin;
}

// "a, b ,, c" → ["a", "b", "c"]
export function splitList(value) {
  return String(value || "").split(/[,，、\n]/).map((s) => s.trim()).filter(Boolean);
}

// A secret or one-time link the API shows once: a read-only field to select, a copy button,
// a note that says it will not be shown again, and a button to put it away.
export function onceBox(title, value, note, { onDone } = {}) {
  const out = input({ readonly: true, value, class: "mono", spellcheck: "false", "aria-label": title });
  out.addEventListener("focus", () => out.select());
  const box = h("div", { class: "secret once", role: "region", "aria-label": title },
    h("p", { class: "once-title" }, h("strong", {}, title)),
    h("div", { class: "once-row" }, out, copyButton(value)),
    h("p", { class: "hint" }, note),
    h("div", { class: "actions" }, h("button", { type: "button", class: "small", onclick: () => { box.remove(); onDone?.(); } }, t("settings.once.done"))));
  queueMicrotask(() => out.focus());
  return box;
}

// The new password and its repetition; `check()` throws an ApiError naming the field at
// fault (so `run` shows it beside that field) when they differ or the new one is empty.
export function newPasswordFields(newName = "newPassword") {
  const pw = input({ type: "password", autocomplete: "new-password", required: true, maxlength: 256, minlength: 10 });
  const again = input({ type: "password", autocomplete: "new-password", required: true, maxlength: 256 });
  const fields = [
    field(t("settings.password.new"), pw, { name: newName, hint: t("settings.password.rules") }),
    field(t("settings.password.repeat"), again, { name: "passwordRepeat" }),
  ];
  const check = () => {
    if (!pw.value) throw new ApiError([{ message: t("settings.password.empty"), field: newName }]);
    if (pw.value !== again.value) throw new ApiError([{ message: t("settings.password.mismatch"), field: "passwordRepeat" }]);
    return pw.value;
  };
  return { pw, again, fields, check };
}

// A definition list of [label, value] pairs (read-only views).
export function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(Boolean).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v === "" || v == null ? h("span", { class: "muted" }, t("settings.notSet")) : v)]));
}

// A table (from ui.table) that becomes one block per row on a phone, each cell labelled
// with its column's header (CSS `.stack`), instead of scrolling sideways.
export function stacked(wrap) {
  wrap.classList.add("stack");
  const heads = [...wrap.querySelectorAll("thead th")].map((th) => th.textContent);
  for (const tr of wrap.querySelectorAll("tbody tr")) {
    [...tr.children].forEach((td, i) => {
      td.dataset.label = heads[i] || "";
      // One box per cell, so the label and the content are the two columns of its grid.
      const box = document.createElement("div");
      box.append(...td.childNodes);
      td.append(box);
    });
  }
  return wrap;
}
