// The link market (友链交换) of the current site, in four sections picked with ?tab=: proving
// ownership of the domain, our offers, other sites' open offers (and proposing deals on them),
// and our deals. Switching sections and filtering stay on this page (history entries, no
// reload of the site); the deal itself lives on /studio/deals/:id (pages/deal.js).
import { gql, currentUser } from "../lib/api.js";
import { t, formatDate, formatNumber } from "../lib/i18n.js";
import { h, clear, field, textarea, select, run, notice, badge, loading, copyButton, pageError } from "../lib/ui.js";
import { offersPanel, browsePanel } from "./market-offers.js";

export const DEAL_STATUSES = ["PROPOSED", "ACCEPTED", "LIVE", "BROKEN", "REJECTED", "CANCELLED", "EXPIRED"];
const TABS = ["verify", "offers", "browse", "deals"];
// Names the site verification looks for (api/src/linkcheck/html.rs, services/market/verify.rs).
export const VERIFICATION_META = "wharf-site-verification";
export const WELL_KNOWN_PATH = "/.well-known/wharf-verification.txt";
const PAGE_SIZE = 20;

export const dealBadge = (status) => badge(t(`deal.status.${status}`), status);

// Whether the signed-in user may act in the market for a site: its owners and global admins
// (editors read deals only, as the API decides).
export function actsFor(ctx, siteId) {
  if (currentUser()?.isAdmin) return true;
  return !!ctx.memberships?.some((m) => m.site.id === siteId && m.role === "OWNER");
}

export async function render(root, ctx) {
  ctx.setTitle(t("market.title"));
  if (!ctx.site) throw new Error(t("market.noSite"));
  loading(root);
  const data = await gql(`query StudioMarketSite($id: ID!) { site(id: $id) { id name domain locales verified verifiedAt verificationToken liveDeals verifiedOutboundLinks } }`, { id: ctx.site.id });
  if (!ctx.isCurrent()) return;
  if (!data.site) throw new Error(t("market.noSite"));
  const page = { ctx, site: data.site, owner: actsFor(ctx, ctx.site.id), seq: 0 };
  // What the panels (here and in market-offers.js) use to move around.
  page.go = (params) => go(page, params);
  page.reload = () => showPanel(page);
  page.pager = (q, info) => pager(page, q, info);
  page.actsFor = (siteId) => actsFor(ctx, siteId);

  const summary = h("div", { class: "status-line" });
  const nav = h("nav", { class: "tabs", "aria-label": t("market.sections") });
  const panel = h("section", { class: "market-panel" });
  page.panel = panel;
  page.refreshSummary = () => clear(summary,
    page.site.verified ? badge(t("market.verified"), "ok") : badge(t("market.notVerified"), "warn"),
    h("span", { class: "muted" }, `${page.site.name} · ${page.site.domain}`),
    h("span", {}, t("market.liveDeals", { n: formatNumber(page.site.liveDeals) })),
    h("span", {}, t("market.outboundLinks", { n: formatNumber(page.site.verifiedOutboundLinks) })));
  page.refreshSummary();

  const links = TABS.map((tab) => h("a", { href: `/studio/market?tab=${tab}`, dataset: { tab },
    onclick: (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      go(page, { tab });
    } }, t(`market.tab.${tab}`)));
  nav.append(h("ul", {}, links.map((a) => h("li", {}, a))));
  page.nav = links;

  clear(root, h("div", { class: "market" }, h("h1", {}, t("market.title")), summary, nav, panel));
  await showPanel(page);
}

// The URL's query as this page reads it; the default section is verification until the site
// is verified, then the deals.
function state(page) {
  const q = new URLSearchParams(location.search);
  const tab = TABS.includes(q.get("tab")) ? q.get("tab") : page.site.verified ? "deals" : "verify";
  return { q, tab };
}

// Moves to another section or filter of this page: a history entry, then the panel alone.
function go(page, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  history.pushState(null, "", `/studio/market?${q}`);
  showPanel(page);
}

async function showPanel(page) {
  const seq = ++page.seq;
  const { q, tab } = state(page);
  for (const a of page.nav) a.setAttribute("aria-current", a.dataset.tab === tab ? "page" : "false");
  loading(page.panel);
  const live = () => seq === page.seq && page.ctx.isCurrent();
  const draw = { verify: verifyPanel, offers: offersPanel, browse: browsePanel, deals: dealsPanel }[tab];
  try {
    await draw(page, q, live);
  } catch (error) {
    if (live()) pageError(page.panel, error, () => showPanel(page));
  }
}

// ---- Verification -------------------------------------------------------------------------

// A read-only value with a copy button beside it (the button selects it when the clipboard is
// not available).
function copyField(label, value, hint) {
  // A textarea that grows to its content, so that a long tag stays readable on a phone.
  const control = textarea({ readonly: true, value, class: "mono copy-text", spellcheck: "false", rows: 1 });
  const f = field(label, control, { hint });
  const row = h("div", { class: "copy-row" });
  control.replaceWith(row);
  row.append(control, copyButton(value));
  return f;
}

async function verifyPanel(page, q, live) {
  const { site } = page;
  const result = h("div", { class: "verify-result", role: "status" });
  const body = [
    h("h2", {}, t("market.verify.title")),
    h("div", { class: "status-line" },
      site.verified ? badge(t("market.verified"), "ok") : badge(t("market.notVerified"), "warn"),
      site.verifiedAt ? h("span", { class: "muted" }, t("market.verify.since", { date: formatDate(site.verifiedAt) })) : null),
    h("p", {}, t("market.verify.intro", { domain: site.domain })),
  ];
  if (!site.verificationToken) {
    body.push(h("p", { class: "muted" }, t("market.verify.ownersOnly")));
    clear(page.panel, h("div", { class: "card" }, body));
    return;
  }
  const token = site.verificationToken;
  const meta = `<meta name="${VERIFICATION_META}" content="${token}">`;
  const fileUrl = `https://${site.domain}${WELL_KNOWN_PATH}`;
  const button = h("button", { class: "primary", type: "submit" }, t("market.verify.button"));
  const form = h("form", { class: "verify-form", novalidate: true },
    copyField(t("market.verify.token"), token),
    h("h3", {}, t("market.verify.metaTitle")),
    copyField(t("market.verify.metaLabel"), meta, t("market.verify.metaHint", { url: `https://${site.domain}/` })),
    h("h3", {}, t("market.verify.fileTitle")),
    copyField(t("market.verify.fileLabel"), fileUrl, t("market.verify.fileHint")),
    h("p", { class: "hint" }, t("market.verify.tries", { domain: site.domain })),
    h("div", { class: "actions" }, button),
    result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clear(result);
    const data = await run(form, button, () => gql(
      `mutation StudioVerifySite($id: ID!) { verifySite(siteId: $id) { verified method detail site { id verified verifiedAt } } }`,
      { id: site.id }));
    if (!data || !live()) return;
    const v = data.verifySite;
    Object.assign(page.site, v.site);
    page.refreshSummary();
    if (v.verified) {
      clear(result, h("p", { class: "result ok" }, badge(t("market.verified"), "ok"), " ",
        t("market.verify.found", { where: t(`market.verify.method.${v.method}`) })));
      notice(t("market.verify.done"));
      await page.ctx.refreshSites();
    } else {
      clear(result, h("p", { class: "result bad" }, badge(t("market.notVerified"), "bad"), " ",
        t("market.verify.failed")), v.detail ? h("p", { class: "mono detail" }, v.detail) : null,
      v.site.verified ? h("p", { class: "hint" }, t("market.verify.keptUnreachable")) : null);
    }
  });
  clear(page.panel, h("div", { class: "card" }, body, form));
}

function pager(page, q, info) {
  if (!q.get("after") && !info.hasNextPage) return null;
  const params = Object.fromEntries(q.entries());
  return h("nav", { class: "pager", "aria-label": t("market.pages") },
    q.get("after") ? h("button", { type: "button", onclick: () => go(page, { ...params, after: "" }) }, t("common.prev")) : h("span"),
    info.hasNextPage ? h("button", { type: "button", onclick: () => go(page, { ...params, after: info.endCursor }) }, t("common.next")) : null);
}

// ---- Our deals ----------------------------------------------------------------------------

// What the deal waits for, from the point of view of `side` (OFFER or PARTNER).
export function nextStep(d, side) {
  const other = side === "OFFER" ? d.partnerSite : d.offerSite;
  const name = other?.name || "—";
  const reciprocal = d.offer?.kind !== "ONE_WAY";
  const ours = side === "OFFER" ? d.offerPlacement : d.partnerPlacement;
  const theirs = side === "OFFER" ? d.partnerPlacement : d.offerPlacement;
  const weNeed = side === "OFFER" || reciprocal;
  const theyNeed = side === "PARTNER" || reciprocal;
  switch (d.status) {
    case "PROPOSED": return side === "OFFER" ? t("deal.next.decide") : t("deal.next.awaitDecision", { name });
    case "ACCEPTED":
      if (weNeed && !ours) return t("deal.next.placeOurs");
      if (theyNeed && !theirs) return t("deal.next.awaitPlacement", { name });
      return t("deal.next.checking");
    case "LIVE": return d.liveSince ? t("deal.next.liveSince", { date: formatDate(d.liveSince, false) }) : t("deal.next.live");
    case "BROKEN": return t("deal.next.broken");
    default: return "";
  }
}

async function dealsPanel(page, q, live) {
  const status = DEAL_STATUSES.includes(q.get("status")) ? q.get("status") : "";
  const statusSelect = select([["", t("common.all")], ...DEAL_STATUSES.map((s) => [s, t(`deal.status.${s}`)])],
    { value: status, onchange: (e) => go(page, { tab: "deals", status: e.target.value }) });
  const bar = h("div", { class: "toolbar deals-filter" }, field(t("common.status"), statusSelect, { name: "status" }));
  const results = h("div");
  clear(page.panel, h("h2", {}, t("market.deals.title")), bar, results);
  const data = await gql(`query StudioOurDeals($site: String!, $status: DealStatus, $first: Int, $after: String) {
    linkDeals(first: $first, after: $after, filter: {site: $site, status: $status}) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id status createdAt updatedAt expiresAt liveSince
        offer { id title kind placement } offerSite { id name domain } partnerSite { id name domain }
        offerPlacement { pageUrl } partnerPlacement { pageUrl } } } }`,
  { site: page.site.id, status: status || null, first: PAGE_SIZE, after: q.get("after") || null });
  if (!live()) return;
  const conn = data.linkDeals;
  if (!conn.nodes.length) {
    clear(results, h("p", { class: "muted empty" }, status ? t("market.deals.noneStatus") : t("market.deals.none")),
      status ? null : h("p", {}, h("a", { href: "/studio/market?tab=browse", onclick: (e) => { e.preventDefault(); go(page, { tab: "browse" }); } }, t("market.deals.browse"))),
      pager(page, q, conn.pageInfo));
    return;
  }
  const rows = conn.nodes.map((d) => {
    const side = d.offerSite?.id === page.site.id ? "OFFER" : "PARTNER";
    const other = side === "OFFER" ? d.partnerSite : d.offerSite;
    const step = nextStep(d, side);
    return h("li", { class: "card deal-item" },
      h("div", { class: "deal-main" },
        h("a", { href: `/studio/deals/${encodeURIComponent(d.id)}`, class: "deal-link" }, d.offer?.title || t("deal.untitled")),
        h("span", { class: "muted" }, t(side === "OFFER" ? "market.deals.withProposer" : "market.deals.withOfferer", { name: other?.name || "—", domain: other?.domain || "" }))),
      h("div", { class: "deal-state" }, dealBadge(d.status), step ? h("span", { class: "step" }, step) : null),
      h("div", { class: "deal-dates muted" },
        h("span", {}, t("market.deals.updated", { date: formatDate(d.updatedAt) })),
        d.expiresAt && ["PROPOSED", "ACCEPTED"].includes(d.status) ? h("span", {}, t("market.deals.expires", { date: formatDate(d.expiresAt) })) : null));
  });
  clear(results,
    h("p", { class: "muted count" }, t("market.deals.count", { n: formatNumber(conn.totalCount) })),
    h("ul", { class: "deal-list" }, rows),
    pager(page, q, conn.pageInfo));
}
