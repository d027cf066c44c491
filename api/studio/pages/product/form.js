// Pieces of the product editor's form: the categories picker (from the site's tree, the main
// category first) and the description with its live preview, rendered by the server
// (`previewMarkdown`: the very renderer, sanitizer and table of contents readers get).
import { gql } from "../../lib/api.js";
import { t, formatNumber } from "../../lib/i18n.js";
import { h, clear, field, select, textarea } from "../../lib/ui.js";

export const MEDIA = "id url filename contentType size width height alt dominantColor blurhash";
export const PRODUCT = `id locale slug name modelNumber summary description status publishedAt scheduledAt version
  metaTitle metaDescription canonicalUrl
  price { min max currency } incoterm { rule place } minimumOrder { quantity unit } leadTimeDays
  supplyAbility packaging hsCode originCountry certifications
  specs { group name value unit } categories { id name } tags { name }
  cover { ${MEDIA} } gallery { ${MEDIA} } attachments { ${MEDIA} }
  translations { id locale name status } html`;

function nest(depth) {
  return depth === 1 ? "id name" : `id name children { ${nest(depth - 1)} }`;
}
export const TREE = `query StudioProductTree($site: String!, $locale: String) { categories(site: $site, locale: $locale) { ${nest(8)} } }`;

// categoryPicker(tree, chosenIds, onChange) → { el, value() → "id id …" (main first) }
export function categoryPicker(tree, initial, onChange) {
  let chosen = [...initial];
  const names = new Map();
  const main = select([], { name: "categoryIds" });
  const mainField = field(t("product.mainCategory"), main, { name: "categoryIds", hint: t("product.mainCategoryHint") });
  const drawMain = () => {
    clear(main, chosen.map((id) => h("option", { value: id }, names.get(id) || id)));
    main.value = chosen[0] || "";
    mainField.hidden = chosen.length < 2;
  };
  main.addEventListener("change", () => {
    chosen = [main.value, ...chosen.filter((id) => id !== main.value)];
    onChange?.();
  });
  const items = (nodes, path) => h("ul", { class: "cat-choices" }, nodes.map((n) => {
    const label = [...path, n.name].join(" › ");
    names.set(n.id, label);
    const box = h("input", { type: "checkbox", value: n.id, checked: chosen.includes(n.id), onchange: (e) => {
      chosen = e.target.checked ? [...chosen, n.id] : chosen.filter((id) => id !== n.id);
      drawMain();
      onChange?.();
    } });
    return h("li", {}, h("label", { class: "choice" }, box, h("span", {}, n.name)),
      n.children?.length ? items(n.children, [...path, n.name]) : null);
  }));
  const list = tree.length ? items(tree, []) : h("p", { class: "muted" }, t("product.noCategories"), " ",
    h("a", { href: "/studio/categories" }, t("product.makeCategories")));
  drawMain();
  const el = h("fieldset", { class: "checks categories-pick" },
    h("legend", {}, t("product.categories")), h("div", { class: "cat-scroll" }, list), mainField);
  return {
    el,
    value: () => chosen.join(" "),
    set: (ids) => {
      chosen = ids.filter((id) => names.has(id));
      for (const box of el.querySelectorAll("input[type=checkbox]")) box.checked = chosen.includes(box.value);
      drawMain();
    },
  };
}

// descriptionEditor(ctx, siteId, text, initialHtml, onInput) → { el, control, preview }
export function descriptionEditor(ctx, siteId, text, initial, onInput) {
  const control = textarea({ class: "body", value: text, spellcheck: "true" });
  const preview = h("div", { class: "preview", id: "pe-preview", "aria-live": "polite" });
  const stats = h("p", { class: "stats" });
  let timer = null;
  let seq = 0;
  const show = (p) => {
    // The server's sanitized HTML, exactly what readers get; the CSP blocks any script anyway.
    preview.innerHTML = p.html;
    if (p.wordCount !== undefined) clear(stats, t("editor.stats", { words: formatNumber(p.wordCount), minutes: p.readingMinutes }));
  };
  const refresh = async () => {
    const mine = ++seq;
    try {
      const data = await gql(`query StudioProductPreview($site: ID!, $body: String!) { previewMarkdown(siteId: $site, body: $body) { html wordCount readingMinutes } }`,
        { site: siteId, body: control.value });
      if (mine === seq && ctx.isCurrent()) show(data.previewMarkdown);
    } catch (e) {
      if (mine === seq) clear(preview, h("p", { class: "field-error" }, t("editor.previewFailed"), " ", e.message));
    }
  };
  control.addEventListener("input", () => { onInput?.(); clearTimeout(timer); timer = setTimeout(refresh, 350); });
  ctx.onCleanup(() => clearTimeout(timer));
  if (initial !== null && initial !== undefined) show({ html: initial });
  else if (text) refresh();
  const el = h("div", { class: "describe" },
    field(t("product.description"), control, { name: "description", hint: t("editor.bodyHint") }),
    h("section", { class: "describe-preview", "aria-labelledby": "pe-preview-h" },
      h("h3", { id: "pe-preview-h" }, t("editor.preview")), preview, stats));
  return { el, control, refresh };
}
