// The site's product categories as a tree: add one (at the top or under another), name it in
// each of the site's languages side by side, change its slug or parent, move it among its
// siblings, delete it (the API refuses while it holds products or subcategories, and says how
// many). Every change sends the version it was made on: an edit from another tab is a conflict,
// never an overwrite.
import { gql, ApiError } from "../lib/api.js";
import { t, has, formatNumber } from "../lib/i18n.js";
import { h, clear, field, input, select, run, confirmDialog, notice, describe } from "../lib/ui.js";

const FIELDS = "id parentId position slug name productCount version translations { locale name description }";
// The tree is at most 8 levels deep (services/product/category: MAX_DEPTH).
const TREE = `query StudioCategories($site: String!) { categories(site: $site) { ${nest(8)} } }`;

function nest(depth) {
  return depth === 1 ? FIELDS : `${FIELDS} children { ${nest(depth - 1)} }`;
}

// Depth-first: [{ node, depth, path }] in the order the tree shows them.
function flatten(nodes, depth = 0, path = [], out = []) {
  for (const node of nodes) {
    const here = [...path, node.name];
    out.push({ node, depth, path: here });
    flatten(node.children || [], depth + 1, here, out);
  }
  return out;
}

function descendants(node) {
  const ids = new Set([node.id]);
  for (const c of node.children || []) for (const id of descendants(c)) ids.add(id);
  return ids;
}

function errorText(e) {
  return e instanceof ApiError ? e.errors.map((x) => describe(x)).join("; ") : String(e?.message || e);
}

export async function render(root, ctx) {
  const site = ctx.site;
  const locales = [site.defaultLocale, ...site.locales.filter((l) => l !== site.defaultLocale)];
  ctx.setTitle(t("categories.title"));
  const data = await gql(TREE, { site: site.id });
  if (!ctx.isCurrent()) return;
  const rerender = () => render(root, ctx);
  const all = flatten(data.categories);

  // Parent choices: the top level, then every category but `except` and its subtree.
  const parentSelect = (value, except) => {
    const banned = except ? descendants(except) : new Set();
    return select([["", t("categories.topLevel")],
      ...all.filter((r) => !banned.has(r.node.id)).map((r) => [r.node.id, r.path.join(" › ")])],
    { name: "parentId", value: value || "" });
  };

  // One name field per locale, the default first and required; `current` fills them.
  const nameFields = (current) => locales.map((locale) => {
    const existing = current?.translations.find((x) => x.locale === locale);
    const control = input({ maxlength: 200, required: locale === site.defaultLocale, value: existing?.name || "", lang: locale, dataset: { locale } });
    const language = has(`lang.${locale}`) ? t(`lang.${locale}`) : locale;
    return field(t("categories.nameIn", { locale: language }), control, { name: "name" });
  });
  const translationsOf = (form, current) => [...form.querySelectorAll("input[data-locale]")]
    .filter((i) => i.value.trim())
    .map((i) => ({
      locale: i.dataset.locale,
      name: i.value.trim(),
      // Names are edited here; descriptions are kept as they are.
      description: current?.translations.find((x) => x.locale === i.dataset.locale)?.description ?? null,
    }));

  // The form that adds a category (under `parent` when given).
  const addForm = (parent) => {
    const slug = input({ maxlength: 100, placeholder: t("editor.slugAuto") });
    const parentControl = parentSelect(parent?.id);
    const add = h("button", { type: "submit", class: "primary" }, t("categories.add"));
    const form = h("form", { class: "card toolbar", novalidate: true, "aria-label": t("categories.add") },
      nameFields(null), field(t("categories.slug"), slug, { name: "slug" }),
      field(t("categories.parent"), parentControl), add);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const ok = await run(form, add, () => gql(`mutation StudioCreateCategory($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`,
        { input: { siteId: site.id, parentId: parentControl.value || null, slug: slug.value.trim() || null, translations: translationsOf(form, null) } }));
      if (ok) { notice(t("categories.added")); rerender(); }
    });
    return form;
  };

  const update = async (node, patch) => {
    try {
      await gql(`mutation StudioUpdateCategory($id: ID!, $input: UpdateCategoryInput!) { updateCategory(id: $id, input: $input) { id } }`,
        { id: node.id, input: { expectedVersion: node.version, ...patch } });
      notice(t("common.saved"));
      rerender();
    } catch (e) { notice(errorText(e), "error"); }
  };

  const row = ({ node, depth }, siblings) => {
    const index = siblings.indexOf(node);
    const cell = h("div", { class: "cat-actions" });
    const edit = () => {
      const slug = input({ maxlength: 100, value: node.slug });
      const parentControl = parentSelect(node.parentId, node);
      const save = h("button", { type: "submit", class: "primary small" }, t("common.save"));
      const form = h("form", { class: "toolbar", novalidate: true },
        nameFields(node), field(t("categories.slug"), slug, { name: "slug" }),
        field(t("categories.parent"), parentControl), save,
        h("button", { type: "button", class: "small", onclick: rerender }, t("common.cancel")));
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        const moved = (parentControl.value || null) !== (node.parentId || null);
        const ok = await run(form, save, () => gql(`mutation StudioEditCategory($id: ID!, $input: UpdateCategoryInput!) { updateCategory(id: $id, input: $input) { id } }`,
          { id: node.id, input: { expectedVersion: node.version, slug: slug.value.trim(), translations: translationsOf(form, node),
            ...(moved ? { parentId: parentControl.value || null } : {}) } }));
        if (ok) { notice(t("common.saved")); rerender(); }
      });
      clear(cell, form);
      form.querySelector("input")?.focus();
    };
    const name = node.name;
    clear(cell,
      h("button", { type: "button", class: "small", onclick: edit, "aria-label": t("categories.editNamed", { name }) }, t("common.edit")),
      h("button", { type: "button", class: "small", disabled: index === 0, "aria-label": t("categories.upNamed", { name }),
        onclick: () => update(node, { position: index - 1 }) }, "↑"),
      h("button", { type: "button", class: "small", disabled: index === siblings.length - 1, "aria-label": t("categories.downNamed", { name }),
        onclick: () => update(node, { position: index + 1 }) }, "↓"),
      h("button", { type: "button", class: "small", "aria-label": t("categories.addUnder", { name }),
        onclick: () => { clear(cell, addForm(node)); cell.querySelector("input")?.focus(); } }, t("categories.addChild")),
      h("button", { type: "button", class: "small danger", "aria-label": t("categories.deleteNamed", { name }), onclick: async () => {
        if (!await confirmDialog(t("categories.deleteConfirm", { name }), { confirm: t("common.delete") })) return;
        try {
          await gql(`mutation StudioDeleteCategory($id: ID!) { deleteCategory(id: $id) }`, { id: node.id });
          notice(t("categories.deleted"));
          rerender();
        } catch (e) { notice(errorText(e), "error"); }
      } }, t("common.delete")));
    const others = node.translations.filter((x) => x.locale !== site.defaultLocale);
    return h("li", { class: "cat", dataset: { id: node.id, depth: String(depth) } },
      h("div", { class: "cat-row" },
        h("div", { class: "cat-names" },
          h("strong", { lang: site.defaultLocale }, name), " ",
          others.map((x) => h("span", { class: "muted", lang: x.locale }, ` · ${x.name}`)),
          h("div", {}, h("span", { class: "mono" }, node.slug), " ",
            h("span", { class: "badge" }, t("categories.products", { count: formatNumber(node.productCount ?? 0) })))),
        cell),
      node.children?.length ? tree(node.children, depth + 1) : null);
  };

  const tree = (nodes, depth) => h("ul", { class: "cat-tree", role: depth === 0 ? null : "group" },
    nodes.map((node) => row({ node, depth }, nodes)));

  clear(root,
    h("h1", {}, t("categories.title")),
    h("p", { class: "muted" }, t("categories.intro")),
    addForm(null),
    data.categories.length ? tree(data.categories, 0) : h("p", {}, t("categories.empty")));
}
