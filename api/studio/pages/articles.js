// The article list of the current site: filters by status, locale and tag, full-text search
// (the API's `search` query, as readers get it), cursor paging. Filters live in the URL, so a
// reload or a shared link shows the same list.
import { gql } from "../lib/api.js";
import { t, formatDate } from "../lib/i18n.js";
import { h, clear, field, input, select, badge, table, loading, pageError } from "../lib/ui.js";

const FIELDS = `id title slug status locale updatedAt publishedAt scheduledAt tags { name }`;

export async function render(root, ctx) {
  const site = ctx.site;
  ctx.setTitle(t("articles.title"));
  const q = ctx.query;
  const filters = {
    q: q.get("q") || "",
    status: q.get("status") || "",
    locale: q.get("locale") || "",
    tag: q.get("tag") || "",
  };
  const after = q.get("after") || null;
  const offset = Number(q.get("offset") || 0) || 0;
  const PAGE = [20, 50, 100].includes(Number(q.get("first"))) ? Number(q.get("first")) : 20;

  // The tag options and the list itself are asked for at once.
  const tagsLoading = gql(`query StudioTagOptions($site: String!) { tags(site: $site, first: 100) { nodes { name slug } } }`, { site: site.id })
    .catch(() => ({ tags: { nodes: [] } }));
  const listLoading = fetchList(site, filters, PAGE, after, offset);
  listLoading.catch(() => {});
  const tagsData = await tagsLoading;
  if (!ctx.isCurrent()) return;

  const search = input({ type: "search", value: filters.q, maxlength: 200 });
  const status = select([["", t("common.all")], ...["DRAFT", "SCHEDULED", "PUBLISHED"].map((s) => [s, t(`status.${s}`)])], { value: filters.status });
  const loc = select([["", t("common.all")], ...site.locales.map((l) => [l, l])], { value: filters.locale });
  const tag = select([["", t("common.all")], ...tagsData.tags.nodes.map((x) => [x.slug, x.name])], { value: filters.tag });
  const size = select([20, 50, 100].map((n) => [String(n), String(n)]), { value: String(PAGE) });
  const form = h("form", { class: "toolbar", role: "search" },
    field(t("common.search"), search, { name: "q" }),
    field(t("common.status"), status, { name: "status" }),
    field(t("articles.locale"), loc, { name: "locale" }),
    field(t("articles.tag"), tag, { name: "tag" }),
    field(t("articles.pageSize"), size, { name: "first" }),
    h("button", { type: "submit" }, t("common.filter")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (search.value.trim()) p.set("q", search.value.trim());
    if (status.value) p.set("status", status.value);
    if (loc.value) p.set("locale", loc.value);
    if (tag.value) p.set("tag", tag.value);
    if (size.value !== "20") p.set("first", size.value);
    ctx.navigate(`/articles${p.toString() ? "?" + p : ""}`);
  });
  for (const s of [status, loc, tag, size]) s.addEventListener("change", () => form.requestSubmit());

  const list = h("section", { "aria-label": t("articles.title") });
  clear(root,
    h("div", { class: "status-line" }, h("h1", {}, t("articles.title")),
      h("a", { class: "button primary", href: "/studio/articles/new" }, t("articles.new"))),
    form, list);
  loading(list);

  try {
    const { rows, total, next, prev } = await listLoading;
    if (!ctx.isCurrent()) return;
    const keep = new URLSearchParams(q);
    keep.delete("after"); keep.delete("offset");
    const link = (extra) => { const p = new URLSearchParams(keep); if (extra) for (const [k, v] of new URLSearchParams(extra)) p.set(k, v); const s = p.toString(); return `/studio/articles${s ? "?" + s : ""}`; };
    clear(list,
      h("p", { class: "muted" }, t("articles.count", { n: total })),
      rows.length ? table(
        [t("articles.colTitle"), t("common.status"), t("articles.locale"), t("articles.tags"), t("common.updated")],
        rows.map((a) => [
          h("a", { href: `/studio/articles/${a.id}` }, a.title || t("articles.untitled")),
          h("span", {}, badge(t(`status.${a.status}`), a.status), a.status === "SCHEDULED" ? h("span", { class: "muted" }, " ", formatDate(a.scheduledAt)) : null),
          a.locale,
          a.tags.map((x) => x.name).join(", "),
          formatDate(a.updatedAt),
        ]),
        { caption: t("articles.title") })
        : h("p", {}, t("articles.empty")),
      h("nav", { class: "pager", "aria-label": t("articles.paging") },
        prev !== null ? h("a", { href: link(prev) }, t("common.prev")) : h("span"),
        next ? h("a", { href: link(next), rel: "next" }, t("common.next")) : h("span")));
  } catch (e) {
    pageError(list, e, () => render(root, ctx));
  }
}

// One page of the list: the API's `search` when there is a query, else `articles` with filters.
async function fetchList(site, filters, PAGE, after, offset) {
  let rows, total, next = null, prev = null;
  if (filters.q) {
    const data = await gql(`query StudioSearch($q: String!, $site: String, $locale: String, $tags: [String!], $first: Int, $offset: Int) {
      search(query: $q, site: $site, locale: $locale, tags: $tags, first: $first, offset: $offset) { estimatedTotal hits { article { ${FIELDS} } } } }`,
    { q: filters.q, site: site.id, locale: filters.locale || null, tags: filters.tag ? [filters.tag] : null, first: PAGE, offset });
    rows = data.search.hits.map((x) => x.article).filter((a) => !filters.status || a.status === filters.status);
    total = data.search.estimatedTotal;
    if (offset + PAGE < total) next = `offset=${offset + PAGE}`;
    if (offset > 0) prev = offset - PAGE > 0 ? `offset=${offset - PAGE}` : "";
  } else {
    const data = await gql(`query StudioArticles($filter: ArticleFilter, $first: Int, $after: String) {
      articles(filter: $filter, first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
        totalCount pageInfo { hasNextPage endCursor } nodes { ${FIELDS} } } }`,
    { filter: { site: site.id, status: filters.status || null, locale: filters.locale || null, tag: filters.tag || null }, first: PAGE, after });
    rows = data.articles.nodes;
    total = data.articles.totalCount;
    if (data.articles.pageInfo.hasNextPage) next = `after=${encodeURIComponent(data.articles.pageInfo.endCursor)}`;
    if (after) prev = "";
  }
  return { rows, total, next, prev };
}
