// The product editor's revisions: every content change the server stored (number, who, when),
// a line diff of one against what the form holds now (name, summary, description, the
// specification table), and Restore (`restoreProductRevision` with the version this editor
// loaded, so a change made meanwhile is a conflict, shown beside the button, not overwritten).
import { gql, ApiError } from "../../lib/api.js";
import { t, formatDate } from "../../lib/i18n.js";
import { h, clear, confirmDialog, notice, describe } from "../../lib/ui.js";
import { lineDiff } from "../../lib/diff.js";

// Listed with the product; bodies are read one at a time, when a comparison is asked for.
export const REVISIONS = "revisions(first: 50) { number editor { displayName } createdAt }";
const REVISION = `query StudioProductRevision($id: ID!, $n: Int!) { product(id: $id) { revision(number: $n) {
  number name summary description specs { group name value unit } } } }`;
const RESTORE = `mutation StudioRestoreProduct($id: ID!, $n: Int!, $v: Int) {
  restoreProductRevision(productId: $id, revision: $n, expectedVersion: $v) { id version name } }`;

const specLine = (r) => `${r.group ? `${r.group} · ` : ""}${r.name}: ${r.value}${r.unit ? ` ${r.unit}` : ""}`;

function diffBlock(label, before, after) {
  const lines = lineDiff(before, after);
  return [h("h4", {}, label), h("div", { class: "diff", role: "region", "aria-label": label },
    lines.map(([op, text]) => h("span", { class: op === "+" ? "add" : op === "-" ? "del" : "same" }, `${op === "=" ? " " : op} ${text}\n`)))];
}

// revisionsCard(product, state, now, { onRestored }) → the card. `state.version` is the version
// the form is based on; `now()` → { fields, specs } the form's current text.
export function revisionsCard(product, state, now, { onRestored }) {
  const diffBox = h("div", { id: "pe-revision-diff", "aria-live": "polite" });
  const revs = [...(product.revisions || [])].sort((a, b) => b.number - a.number);

  const compare = async (r) => {
    let rev;
    try {
      rev = (await gql(REVISION, { id: product.id, n: r.number })).product?.revision;
    } catch (e) { notice(errorText(e), "error"); return; }
    if (!rev) return;
    const cur = now();
    const parts = [];
    if (rev.name !== cur.fields.name) parts.push(diffBlock(t("product.name"), rev.name, cur.fields.name));
    if ((rev.summary || "") !== cur.fields.summary) parts.push(diffBlock(t("product.summary"), rev.summary || "", cur.fields.summary));
    if (rev.description !== cur.fields.description) parts.push(diffBlock(t("product.description"), rev.description, cur.fields.description));
    const before = rev.specs.map(specLine).join("\n");
    const after = cur.specs.map(specLine).join("\n");
    if (before !== after) parts.push(diffBlock(t("product.specs"), before, after));
    clear(diffBox, h("h3", {}, t("product.diffTitle", { n: r.number })),
      h("p", { class: "hint" }, t("product.diffHint")),
      parts.length ? parts : h("p", { class: "muted" }, t("product.diffSame")));
  };

  const restore = async (r, button, slot) => {
    clear(slot);
    slot.hidden = true;
    if (!await confirmDialog(t("product.restoreConfirm", { n: r.number }), { danger: false })) return;
    button.disabled = true;
    try {
      await gql(RESTORE, { id: product.id, n: r.number, v: state.version });
      notice(t("product.restoredRevision", { n: r.number }));
      onRestored();
    } catch (e) {
      button.disabled = false;
      // Beside the button: a conflict (someone saved since this page was loaded) or any refusal.
      const errors = e instanceof ApiError ? e.errors : [{ message: String(e?.message || e) }];
      const conflict = errors.some((x) => x.code === "CONFLICT");
      clear(slot, h("span", {}, conflict ? t("product.restoreConflict") : errors.map((x) => describe(x)).join("; ")),
        conflict ? [" ", h("button", { type: "button", class: "small", onclick: () => onRestored() }, t("editor.conflictReload"))] : null);
      slot.hidden = false;
      button.setAttribute("aria-describedby", slot.id);
      button.setAttribute("aria-invalid", "true");
    }
  };

  return h("section", { class: "card product-revisions", "aria-labelledby": "pe-rev-h", id: "pe-revisions" },
    h("h2", { id: "pe-rev-h" }, t("product.revisions")),
    revs.length ? h("ol", { class: "revisions plain" }, revs.map((r) => {
      const slot = h("p", { class: "field-error", role: "alert", id: `pe-rev-${r.number}-err`, hidden: true });
      const restoreBtn = h("button", { type: "button", class: "small", dataset: { revision: r.number },
        "aria-label": t("product.restoreN", { n: r.number }) }, t("editor.restore"));
      restoreBtn.addEventListener("click", () => restore(r, restoreBtn, slot));
      const current = r.number === state.version;
      return h("li", { class: "revision", dataset: { number: r.number } },
        h("span", { class: "revision-head" },
          h("strong", {}, t("editor.revision", { n: r.number })), current ? [" ", h("span", { class: "badge" }, t("product.revisionCurrent"))] : null,
          h("span", { class: "muted" }, " · ", r.editor?.displayName || t("product.revisionNobody"), " · ", h("time", { datetime: r.createdAt }, formatDate(r.createdAt)))),
        h("span", { class: "actions" },
          h("button", { type: "button", class: "small", "aria-label": t("product.compareN", { n: r.number }), onclick: () => compare(r) }, t("editor.compare")),
          current ? null : restoreBtn),
        slot);
    })) : h("p", { class: "muted" }, t("product.noRevisions")),
    diffBox);
}

const errorText = (e) => (e instanceof ApiError ? e.errors.map((x) => describe(x)).join("; ") : String(e?.message || e));
