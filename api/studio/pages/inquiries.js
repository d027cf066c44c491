// The inquiry inbox of the current site: buyers' inquiries newest first, filtered by folder
// (status, or the spam folder), product, country, date range and text; cursor paging; the
// filtered set as CSV (`exportInquiries`); new inquiries live (`inquiryEvents`). Filters live in
// the URL, so a reload or a shared link shows the same list.
import { gql, subscribe, ApiError } from "../lib/api.js";
import { t, locale, formatDate, formatNumber } from "../lib/i18n.js";
import { h, clear, field, input, select, badge, table, loading, pageError, run, showError, notice } from "../lib/ui.js";

export const STATUSES = ["NEW", "OPEN", "REPLIED", "CLOSED", "SPAM"];
const FIELDS = `id reference status name company country createdAt assignee { id displayName } items { productName quantity }`;
const PAGE = 25;

// `key.one` or `key.other`, as the language counts `n`.
const counted = (key, n, params = {}) =>
  t(`${key}.${new Intl.PluralRules(locale()).select(n) === "one" ? "one" : "other"}`, { ...params, n: formatNumber(n) });

export const statusBadge = (status) => badge(t(`inquiry.status.${status}`), `inq-${status}`);

// The API's filter for what the URL asks (dates are whole local days: "until" includes its day).
function filterOf(f) {
  const day = (value, next) => {
    if (!value) return null;
    const d = new Date(`${value}T00:00`);
    if (Number.isNaN(d.getTime())) return null;
    if (next) d.setDate(d.getDate() + 1);
    return d.toISOString();
  };
  return {
    status: f.status || null,
    product: f.product || null,
    country: f.country || null,
    from: day(f.from, false),
    to: day(f.to, true),
    text: f.q || null,
  };
}

export async function render(root, ctx) {
  const site = ctx.site;
  ctx.setTitle(t("inquiries.title"));
  const q = ctx.query;
  const filters = Object.fromEntries(["status", "product", "country", "from", "to", "q"].map((k) => [k, q.get(k) || ""]));
  const after = q.get("after") || null;

  const productsLoading = gql(`query StudioInquiryProducts($site: String!) { products(first: 100, filter: { site: $site }) { nodes { id name locale } } }`, { site: site.id })
    .catch(() => ({ products: { nodes: [] } }));
  const listLoading = fetchPage(site, filters, after);
  listLoading.catch(() => {});
  const products = (await productsLoading).products.nodes;
  if (!ctx.isCurrent()) return;

  const status = select([["", t("inquiries.folder.inbox")], ...STATUSES.map((s) => [s, t(`inquiry.status.${s}`)])], { value: filters.status });
  const product = select([["", t("inquiries.product.any")], ...products.map((p) => [p.id, site.locales.length > 1 ? `${p.name} (${p.locale})` : p.name])], { value: filters.product });
  const country = input({ value: filters.country, maxlength: 2, size: 3, autocomplete: "off", spellcheck: "false" });
  const from = input({ type: "date", value: filters.from });
  const to = input({ type: "date", value: filters.to });
  const text = input({ type: "search", value: filters.q, maxlength: 200 });
  const exportButton = h("button", { type: "button" }, t("inquiries.export"));
  const form = h("form", { class: "toolbar inquiry-filters", role: "search", "aria-label": t("inquiries.filters"), novalidate: true },
    field(t("inquiries.folder"), status, { name: "status" }),
    field(t("inquiries.product"), product, { name: "product" }),
    field(t("inquiries.country"), country, { name: "country", hint: t("inquiries.countryHint") }),
    field(t("inquiries.from"), from, { name: "from" }),
    field(t("inquiries.to"), to, { name: "to" }),
    field(t("inquiries.text"), text, { name: "text", hint: t("inquiries.textHint") }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t("common.filter")),
      h("a", { class: "button", href: "/studio/inquiries" }, t("inquiries.clear")),
      exportButton));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    const values = { status: status.value, product: product.value, country: country.value.trim().toUpperCase(), from: from.value, to: to.value, q: text.value.trim() };
    for (const [k, v] of Object.entries(values)) if (v) p.set(k, v);
    ctx.navigate(`/inquiries${p.toString() ? "?" + p : ""}`);
  });
  for (const s of [status, product]) s.addEventListener("change", () => form.requestSubmit());
  exportButton.addEventListener("click", () => run(form, exportButton, () => exportCsv(site, filters)));

  const liveLine = h("p", { class: "hint live-line", role: "status" }, t("inquiries.live.on"));
  const list = h("section", { "aria-label": t("inquiries.title") });
  clear(root, h("div", { class: "inquiries" },
    h("h1", {}, t("inquiries.title")),
    h("p", { class: "hint" }, t("inquiries.intro")),
    form, liveLine, list));
  loading(list);

  const draw = async (pending) => {
    try {
      const page = await pending;
      if (!ctx.isCurrent()) return;
      drawList(list, page, filters, q, after);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      // A filter the API refused is shown beside its field; anything else in place of the list.
      if (e instanceof ApiError && e.errors.some((x) => x.field)) { clear(list); showError(form, e); } else pageError(list, e, () => render(root, ctx));
    }
  };
  await draw(listLoading);

  // Live: a new inquiry on the first page of a list that would show it is read in at once;
  // elsewhere a button leads to it.
  const showsNew = !after && (!filters.status || filters.status === "NEW");
  const stop = subscribe(
    `subscription StudioInquiryEvents($site: String!) { inquiryEvents(site: $site) { inquiryId reference name } }`,
    { site: site.id },
    (data) => {
      const e = data.inquiryEvents;
      if (!e || !ctx.isCurrent()) return;
      notice(t("inquiries.live.new", { reference: e.reference, name: e.name }));
      if (showsNew) draw(fetchPage(site, filters, null));
      else liveLine.replaceChildren(t("inquiries.live.new", { reference: e.reference, name: e.name }), " ",
        h("a", { href: "/studio/inquiries" }, t("inquiries.live.show")));
    },
    () => { liveLine.textContent = t("inquiries.live.failed"); });
  ctx.onCleanup(stop);
}

async function fetchPage(site, filters, after) {
  const data = await gql(`query StudioInquiries($site: String!, $filter: InquiryFilter, $first: Int, $after: String) {
    inquiries(site: $site, filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${FIELDS} } } }`,
  { site: site.id, filter: filterOf(filters), first: PAGE, after });
  return data.inquiries;
}

function products(items) {
  if (!items.length) return h("span", { class: "muted" }, "—");
  const shown = items.slice(0, 2).map((i) => `${i.productName} × ${formatNumber(i.quantity)}`).join(", ");
  return items.length > 2 ? `${shown} ${t("inquiries.moreProducts", { n: items.length - 2 })}` : shown;
}

function drawList(list, conn, filters, q, after) {
  const keep = new URLSearchParams(q);
  keep.delete("after");
  const link = (cursor) => {
    const p = new URLSearchParams(keep);
    if (cursor) p.set("after", cursor);
    const s = p.toString();
    return `/studio/inquiries${s ? "?" + s : ""}`;
  };
  const filtered = Object.values(filters).some(Boolean);
  const rows = conn.nodes.map((i) => [
    h("a", { href: `/studio/inquiries/${encodeURIComponent(i.id)}`, class: "mono" }, i.reference),
    h("time", { datetime: i.createdAt }, formatDate(i.createdAt)),
    h("div", {}, h("strong", {}, i.name), i.company ? h("div", { class: "muted" }, i.company) : null),
    i.country,
    products(i.items),
    statusBadge(i.status),
    i.assignee ? i.assignee.displayName : h("span", { class: "muted" }, t("inquiries.unassigned")),
  ]);
  clear(list,
    h("p", { class: "muted count" }, counted("inquiries.count", conn.totalCount)),
    rows.length
      ? table([t("inquiries.colReference"), t("inquiries.colReceived"), t("inquiries.colBuyer"), t("inquiries.colCountry"),
        t("inquiries.colProducts"), t("common.status"), t("inquiries.colAssignee")], rows, { caption: t("inquiries.title") })
      : h("p", { class: "empty" }, filtered ? t("inquiries.empty") : t("inquiries.emptyInbox")),
    h("nav", { class: "pager", "aria-label": t("inquiries.paging") },
      after ? h("a", { href: link(null) }, t("common.prev")) : h("span"),
      conn.pageInfo.hasNextPage ? h("a", { href: link(conn.pageInfo.endCursor), rel: "next" }, t("common.next")) : h("span")));
}

// The list as it is filtered, as the CSV file the API makes (UTF-8 with a BOM), saved through a
// download link.
async function exportCsv(site, filters) {
  const { exportInquiries: file } = await gql(`query StudioExportInquiries($site: String!, $filter: InquiryFilter) {
    exportInquiries(site: $site, filter: $filter) { filename contentType csv rows truncated } }`,
  { site: site.id, filter: filterOf(filters) });
  const url = URL.createObjectURL(new Blob([file.csv], { type: file.contentType }));
  const a = h("a", { href: url, download: file.filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  if (file.truncated) notice(t("inquiries.exportTruncated", { n: formatNumber(file.rows), file: file.filename }));
  else notice(counted("inquiries.exported", file.rows, { file: file.filename }));
}
