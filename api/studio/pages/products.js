// The site's products: status, language, cover, model number and categories at a glance,
// filtered by status, category (its subcategories included, as the API does) and language,
// newest change first, cursor paging. Filters live in the URL, so a reload shows the same list.
// With words in the search box (`q`), the list is the API's product search instead
// (pages/product/search.js): published products, with category and certification counts.
import { gql } from "../lib/api.js";
import { t, formatDate, formatNumber } from "../lib/i18n.js";
import { h, clear, field, select, badge, table, loading, pageError } from "../lib/ui.js";
import { thumbnail } from "../lib/media.js";
import { searchParams, startSearch, searchResults, searchBox } from "./product/search.js";

const FIELDS = `id name slug status locale modelNumber updatedAt scheduledAt
  cover { id url alt contentType width height dominantColor blurhash } categories { id name }`;
const LIST = `query StudioProducts($filter: ProductFilter, $first: Int, $after: String) {
  products(filter: $filter, first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ${FIELDS} } } }`;
const CATEGORIES = `query StudioProductCategories($site: String!) { categories(site: $site) { ${nest(8)} } }`;
const PAGE = 20;

function nest(depth) {
  return depth === 1 ? "id name" : `id name children { ${nest(depth - 1)} }`;
}

// The category tree as [id, "Parent › Child"] options, depth first.
export function categoryOptions(nodes, path = [], out = []) {
  for (const n of nodes) {
    const here = [...path, n.name];
    out.push([n.id, here.join(" › ")]);
    categoryOptions(n.children || [], here, out);
  }
  return out;
}

export async function render(root, ctx) {
  const site = ctx.site;
  ctx.setTitle(t("products.title"));
  const q = ctx.query;
  const filters = { status: q.get("status") || "", category: q.get("category") || "", locale: q.get("locale") || "" };
  const after = q.get("after") || null;
  const s = searchParams(q);
  const treeLoading = gql(CATEGORIES, { site: site.id }).catch(() => ({ categories: [] }));
  const listLoading = s.q ? startSearch(site, s) : gql(LIST, {
    filter: { site: site.id, status: filters.status || null, category: filters.category || null, locale: filters.locale || null },
    first: PAGE, after,
  });
  listLoading.catch(() => {});
  const tree = await treeLoading;
  if (!ctx.isCurrent()) return;

  const status = select([["", t("common.all")], ...["DRAFT", "SCHEDULED", "PUBLISHED"].map((s) => [s, t(`status.${s}`)])], { value: filters.status });
  const category = select([["", t("common.all")], ...categoryOptions(tree.categories)], { value: filters.category });
  const loc = select([["", t("common.all")], ...site.locales.map((l) => [l, l])], { value: filters.locale });
  const form = h("form", { class: "toolbar product-filters", role: "search", "aria-label": t("products.filters") },
    s.q ? null : field(t("common.status"), status, { name: "status" }),
    field(t("products.category"), category, { name: "category" }),
    field(t("articles.locale"), loc, { name: "locale" }),
    h("button", { type: "submit" }, t("common.filter")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    if (status.value && !s.q) p.set("status", status.value);
    if (category.value) p.set("category", category.value);
    if (loc.value) p.set("locale", loc.value);
    if (s.q) for (const c of s.certs) p.append("cert", c);
    ctx.navigate(`/products${p.toString() ? "?" + p : ""}`);
  });
  // The search's address with some of it changed (facets, pages).
  const searchLink = (change) => {
    const next = { ...s, ...change };
    const p = new URLSearchParams();
    p.set("q", next.q);
    if (next.category) p.set("category", next.category);
    if (next.locale) p.set("locale", next.locale);
    for (const c of next.certs) p.append("cert", c);
    if (next.offset) p.set("offset", String(next.offset));
    return `/studio/products?${p}`;
  };
  // A new search keeps the language; an empty one is the plain list again.
  const search = searchBox(s, (words) => {
    const p = new URLSearchParams();
    if (words) p.set("q", words);
    if (filters.locale) p.set("locale", filters.locale);
    ctx.navigate(`/products${p.toString() ? "?" + p : ""}`);
  });
  for (const s of [status, category, loc]) s.addEventListener("change", () => form.requestSubmit());

  const list = h("section", { class: "product-list", "aria-label": t("products.title") });
  clear(root,
    h("div", { class: "status-line" }, h("h1", {}, t("products.title")),
      h("a", { class: "button primary", href: "/studio/products/new", id: "new-product" }, t("products.new"))),
    search, form, list);
  loading(list);
  try {
    const data = await listLoading;
    if (!ctx.isCurrent()) return;
    if (s.q) { clear(list, searchResults(data, s, searchLink, (to) => ctx.navigate(to))); return; }
    const conn = data.products;
    const keep = new URLSearchParams(q);
    keep.delete("after");
    const nextLink = () => { const p = new URLSearchParams(keep); p.set("after", conn.pageInfo.endCursor); return `/studio/products?${p}`; };
    const firstLink = () => `/studio/products${keep.toString() ? "?" + keep : ""}`;
    clear(list,
      h("p", { class: "muted" }, t("products.count", { n: formatNumber(conn.totalCount) })),
      conn.nodes.length ? table(
        [t("products.cover"), t("products.name"), t("products.model"), t("common.status"), t("articles.locale"), t("products.categories"), t("common.updated")],
        conn.nodes.map((p) => [
          p.cover ? h("span", { class: "product-thumb" }, thumbnail(p.cover, { sizes: "4rem" })) : h("span", { class: "product-thumb empty", "aria-label": t("products.noCover") }),
          h("a", { href: `/studio/products/${p.id}`, lang: p.locale, class: "product-name" }, p.name),
          p.modelNumber ? h("span", { class: "mono" }, p.modelNumber) : "",
          h("span", {}, badge(t(`status.${p.status}`), p.status), p.status === "SCHEDULED" ? h("span", { class: "muted" }, " ", formatDate(p.scheduledAt)) : null),
          h("span", { class: "nowrap" }, p.locale),
          h("span", { lang: p.locale }, p.categories.map((c) => c.name).join(", ")),
          formatDate(p.updatedAt),
        ]),
        { caption: t("products.title") })
        : h("p", {}, t("products.empty")),
      h("nav", { class: "pager", "aria-label": t("articles.paging") },
        after ? h("a", { href: firstLink() }, t("products.firstPage")) : h("span"),
        conn.pageInfo.hasNextPage ? h("a", { href: nextLink(), rel: "next" }, t("common.next")) : h("span")));
  } catch (e) {
    pageError(list, e, () => render(root, ctx));
  }
}
