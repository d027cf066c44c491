// The specification table of the product editor: ordered rows of group, name, value and unit,
// added, removed and moved up or down. Each input is named as the API names it in errors
// (`rows.2.name`), so a refused row shows its error on the cell at fault.
import { t } from "../../lib/i18n.js";
import { h, clear, field, input } from "../../lib/ui.js";

// services/product/specs.rs: at most 200 rows; labels 120 characters, values 1000.
export const MAX_ROWS = 200;
const LABEL = 120;
const VALUE = 1000;

const clean = (r) => ({ group: r.group || "", name: r.name || "", value: r.value || "", unit: r.unit || "" });

// specTable(rows, onChange) → { el, rows(), set(rows), missing() }
//   rows(): the rows as the API takes them (empty group/unit as null; blank rows left out).
//   missing(): the first input of a half-filled row without its name or value, if any.
export function specTable(initial, onChange) {
  let rows = initial.map(clean);
  const body = h("ol", { class: "spec-rows" });
  const count = h("p", { class: "muted spec-count", role: "status" });
  const add = h("button", { type: "button", id: "spec-add", onclick: () => {
    if (rows.length >= MAX_ROWS) return;
    rows.push(clean({ group: rows.at(-1)?.group || "" }));
    draw();
    changed();
    body.querySelector("li:last-child input[data-part=name]")?.focus();
  } }, t("product.specAdd"));

  const changed = () => onChange?.();
  const move = (i, to) => {
    const [row] = rows.splice(i, 1);
    rows.splice(to, 0, row);
    draw();
    changed();
    body.querySelectorAll("li")[to]?.querySelector(to < i ? "button.up" : "button.down")?.focus();
  };

  function draw() {
    clear(body, rows.map((row, i) => {
      const n = i + 1;
      const cell = (part, label, max, extra = {}) => {
        const control = input({ maxlength: max, value: row[part], dataset: { part }, ...extra });
        control.addEventListener("input", () => { rows[i][part] = control.value; changed(); });
        return field(t("product.specCell", { n, label }), control, { name: `rows.${i}.${part}` });
      };
      const last = rows.length - 1;
      return h("li", { class: "spec-row" },
        h("span", { class: "spec-n", "aria-hidden": "true" }, String(n)),
        cell("group", t("product.spec.group"), LABEL),
        cell("name", t("product.spec.name"), LABEL),
        cell("value", t("product.spec.value"), VALUE),
        cell("unit", t("product.spec.unit"), LABEL, { class: "short" }),
        h("div", { class: "spec-actions" },
          h("button", { type: "button", class: "small up", disabled: i === 0, "aria-label": t("product.specUp", { n }), onclick: () => move(i, i - 1) }, "↑"),
          h("button", { type: "button", class: "small down", disabled: i === last, "aria-label": t("product.specDown", { n }), onclick: () => move(i, i + 1) }, "↓"),
          h("button", { type: "button", class: "small danger", "aria-label": t("product.specRemove", { n }), onclick: () => {
            rows.splice(i, 1);
            draw();
            changed();
            (body.querySelectorAll("li")[Math.min(i, rows.length - 1)]?.querySelector("input") || add).focus();
          } }, "×")));
    }));
    count.textContent = rows.length ? t("product.specCount", { n: rows.length }) : t("product.specEmpty");
    add.disabled = rows.length >= MAX_ROWS;
  }
  draw();

  const head = h("div", { class: "spec-head", "aria-hidden": "true" },
    h("span"), h("span", {}, t("product.spec.group")), h("span", {}, t("product.spec.name")),
    h("span", {}, t("product.spec.value")), h("span", {}, t("product.spec.unit")), h("span"));
  const el = h("div", { class: "specs" }, count, head, body, h("div", { class: "actions" }, add));
  const blank = (r) => !r.group.trim() && !r.name.trim() && !r.value.trim() && !r.unit.trim();
  // Blank rows are left out of what is sent, so the API's row numbers count only the others:
  // the inputs are renamed to match (`rows.K.part`), and errors land on the right cell.
  const renumber = () => {
    let k = 0;
    body.querySelectorAll(":scope > li").forEach((li, i) => {
      const at = rows[i] && !blank(rows[i]) ? String(k++) : "blank";
      for (const c of li.querySelectorAll("input[data-part]")) c.name = `rows.${at}.${c.dataset.part}`;
    });
  };
  return {
    el,
    rows: () => {
      renumber();
      return rows.filter((r) => !blank(r)).map((r) => ({
        group: r.group.trim() || null, name: r.name.trim(), value: r.value.trim(), unit: r.unit.trim() || null,
      }));
    },
    raw: () => rows.map((r) => ({ ...r })),
    set: (next) => { rows = next.map(clean); draw(); },
    // The input of a row with something in it but no name or value (the API would refuse the
    // whole table), as { field, control }; null when every row is whole.
    missing: () => {
      renumber();
      for (const li of body.querySelectorAll(":scope > li")) {
        const parts = Object.fromEntries([...li.querySelectorAll("input[data-part]")].map((c) => [c.dataset.part, c]));
        if (parts.name.name.includes(".blank.")) continue;
        for (const part of ["name", "value"]) {
          if (!parts[part].value.trim()) return { field: parts[part].name, control: parts[part] };
        }
      }
      return null;
    },
  };
}
