// Product search on the product list: the API's `productSearch` (published products, typo
// tolerant, Chinese words segmented, `bv200` finds `BV-200`), its category and certification
// counts shown as filters that narrow the search, and pages by offset. The list page calls
// `searchResults` when the address has `q`; an empty search goes back to the plain list.
import { gql } from "../../lib/api.js";
import { t, formatNumber } from "../../lib/i18n.js";
import { h, field, table } from "../../lib/ui.js";
import { thumbnail } from "../../lib/media.js";

export const PAGE = 20;
const SEARCH = `query StudioProductSearch($q: String!, $site: String, $locale: String, $categories: [String!], $certifications: [String!], $first: Int, $offset: Int) {
  productSearch(query: $q, site: $site, locale: $locale, categories: $categories, certifications: $certifications, first: $first, offset: $offset) {
    estimatedTotal
    hits { nameHighlight summaryHighlight snippet product { id name locale modelNumber categories { id name } cover { id url alt contentType width height dominantColor blurhash } } }
    categoryCounts { category { id name } count }
    certificationCounts { certification count } } }`;

// The server's escaped HTML with matches in <em>, rebuilt as text and <em> elements only.
export function highlighted(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  return [...doc.body.childNodes].map((n) => (n.nodeName === "EM" ? h("em", {}, n.textContent) : n.textContent));
}

// What the address asks for: { q, category, certs: [..], locale, offset }.
export function searchParams(q) {
  return {
    q: (q.get("q") || "").trim(),
    category: q.get("category") || "",
    certs: q.getAll("cert"),
    locale: q.get("locale") || "",
    offset: Math.max(0, Number.parseInt(q.get("offset") || "0", 10) || 0),
  };
}

export function startSearch(site, s) {
  return gql(SEARCH, {
    q: s.q, site: site.id, locale: s.locale || null, categories: s.category ? [s.category] : null,
    certifications: s.certs.length ? s.certs : null, first: PAGE, offset: s.offset,
  });
}

// The results: counts as toggle buttons, hits as a table, the pager. `link(change)` gives the
// list's address with the search changed, `go(address)` goes there.
export function searchResults(data, s, link, go) {
  const r = data.productSearch;
  const toggle = (label, count, pressed, href) => h("button", { type: "button", class: "small facet", "aria-pressed": String(pressed),
    "aria-label": t("products.facetFilter", { name: label, n: formatNumber(count) }), onclick: () => go(href) },
  label, h("span", { class: "count", "aria-hidden": "true" }, formatNumber(count)));
  const cats = r.categoryCounts.map((c) => toggle(c.category.name, c.count, s.category === c.category.id,
    link({ category: s.category === c.category.id ? "" : c.category.id, offset: 0 })));
  const certs = r.certificationCounts.map((c) => {
    const on = s.certs.some((x) => x.toLowerCase() === c.certification.toLowerCase());
    return toggle(c.certification, c.count, on,
      link({ certs: on ? s.certs.filter((x) => x.toLowerCase() !== c.certification.toLowerCase()) : [...s.certs, c.certification], offset: 0 }));
  });
  const facets = h("div", { class: "facets", id: "product-facets" },
    cats.length ? h("fieldset", { class: "facet-group facet-categories" }, h("legend", {}, t("products.facetCategories")), cats) : null,
    certs.length ? h("fieldset", { class: "facet-group facet-certifications" }, h("legend", {}, t("products.facetCertifications")), certs) : null);
  const total = r.estimatedTotal;
  return [
    h("p", { class: "muted", role: "status", id: "search-count" },
      total ? t("products.found", { n: formatNumber(total), q: s.q }) : t("products.foundNone", { q: s.q })),
    cats.length || certs.length ? facets : null,
    r.hits.length ? table(
      [t("products.cover"), t("products.name"), t("products.model"), t("articles.locale"), t("products.categories"), t("products.match")],
      r.hits.map(({ product: p, nameHighlight, summaryHighlight, snippet }) => [
        p.cover ? h("span", { class: "product-thumb" }, thumbnail(p.cover, { sizes: "4rem" })) : h("span", { class: "product-thumb empty", "aria-label": t("products.noCover") }),
        h("a", { href: `/studio/products/${p.id}`, lang: p.locale, class: "product-name hit-name" }, highlighted(nameHighlight)),
        p.modelNumber ? h("span", { class: "mono" }, p.modelNumber) : "",
        h("span", { class: "nowrap" }, p.locale),
        h("span", { lang: p.locale }, p.categories.map((c) => c.name).join(", ")),
        h("span", { class: "hit-snippet", lang: p.locale }, highlighted(snippet || summaryHighlight)),
      ]), { caption: t("products.hits") }) : null,
    h("nav", { class: "pager", "aria-label": t("articles.paging") },
      s.offset > 0 ? h("a", { href: link({ offset: Math.max(0, s.offset - PAGE) }) }, t("products.prevPage")) : h("span"),
      s.offset + PAGE < total ? h("a", { href: link({ offset: s.offset + PAGE }), rel: "next" }, t("common.next")) : h("span")),
  ];
}

// The search box; submitting an empty one leaves search.
export function searchBox(s, onSearch) {
  const box = h("input", { type: "search", value: s.q, maxlength: 200, autocomplete: "off", enterkeyhint: "search", id: "product-q" });
  const form = h("form", { class: "product-search", role: "search", "aria-label": t("products.search") },
    field(t("products.search"), box, { name: "q", hint: t("products.searchHint") }),
    h("button", { type: "submit", class: "primary" }, t("products.searchButton")),
    s.q ? h("a", { class: "button", href: "/studio/products", id: "clear-search" }, t("products.clearSearch")) : null);
  form.addEventListener("submit", (e) => { e.preventDefault(); onSearch(box.value.trim()); });
  return form;
}
