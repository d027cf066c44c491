// The link market (友链交换) of the current site, in four sections picked with ?tab=: proving
// ownership of the domain, our offers, other sites' open offers (and proposing deals on them),
// and our deals. Switching sections and filtering stay on this page (history entries, no
// reload of the site); the deal itself lives on /studio/deals/:id (pages/deal.js).
import { gql, currentUser } from "../lib/api.js";
import { t, formatDate, formatNumber } from "../lib/i18n.js";
import { h, clear, field, input, textarea, select, run, showError, confirmDialog, notice, badge, loading, copyButton, pageError } from "../lib/ui.js";

export const DEAL_STATUSES = ["PROPOSED", "ACCEPTED", "LIVE", "BROKEN", "REJECTED", "CANCELLED", "EXPIRED"];
export const PLACEMENTS = ["HOMEPAGE", "FOOTER", "SIDEBAR", "ARTICLE", "PARTNERS_PAGE"];
export const KINDS = ["RECIPROCAL", "ONE_WAY"];
// Deals that are not over: a site has at most one of them per offer.
const OPEN_DEAL = ["PROPOSED", "ACCEPTED", "LIVE", "BROKEN"];
const TABS = ["verify", "offers", "browse", "deals"];
// Names the site verification looks for (api/src/linkcheck/html.rs, services/market/verify.rs).
export const VERIFICATION_META = "wharf-site-verification";
export const WELL_KNOWN_PATH = "/.well-known/wharf-verification.txt";
const PAGE_SIZE = 20;

export const dealBadge = (status) => badge(t(`deal.status.${status}`), status);
const offerBadge = (status) => badge(t(`market.offerStatus.${status}`), `offer-${status}`);
const list = (items) => (items?.length ? items.join(", ") : "—");

// Whether the signed-in user may act in the market for a site: its owners and global admins
// (editors read deals only, as the API decides).
export function actsFor(ctx, siteId) {
  if (currentUser()?.isAdmin) return true;
  return !!ctx.memberships?.some((m) => m.site.id === siteId && m.role === "OWNER");
}

const OFFER_FIELDS = `id title description placement kind languages categories slots requirements status createdAt updatedAt site { id name domain }`;

export async function render(root, ctx) {
  ctx.setTitle(t("market.title"));
  if (!ctx.site) throw new Error(t("market.noSite"));
  loading(root);
  const data = await gql(`query StudioMarketSite($id: ID!) { site(id: $id) { id name domain locales verified verifiedAt verificationToken liveDeals verifiedOutboundLinks } }`, { id: ctx.site.id });
  if (!ctx.isCurrent()) return;
  if (!data.site) throw new Error(t("market.noSite"));
  const page = { ctx, site: data.site, owner: actsFor(ctx, ctx.site.id), seq: 0 };

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

// ---- Our offers ---------------------------------------------------------------------------

function offerFacts(o) {
  return h("dl", { class: "facts compact" },
    h("dt", {}, t("market.offer.placement")), h("dd", {}, t(`market.placement.${o.placement}`)),
    h("dt", {}, t("market.offer.kind")), h("dd", {}, t(`market.kind.${o.kind}`)),
    h("dt", {}, t("market.offer.slots")), h("dd", {}, formatNumber(o.slots)),
    h("dt", {}, t("market.offer.languages")), h("dd", {}, list(o.languages)),
    h("dt", {}, t("market.offer.categories")), h("dd", {}, list(o.categories)),
    o.requirements ? [h("dt", {}, t("market.offer.requirements")), h("dd", { class: "pre" }, o.requirements)] : null,
    h("dt", {}, t("market.offer.published")), h("dd", {}, formatDate(o.createdAt)));
}

const splitList = (value) => value.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean);

async function offersPanel(page, q, live) {
  const { site } = page;
  const data = await gql(`query StudioOurOffers($site: String!) {
    open: linkOffers(first: 100, filter: {site: $site, status: OPEN}) { nodes { ${OFFER_FIELDS} } }
    paused: linkOffers(first: 100, filter: {site: $site, status: PAUSED}) { nodes { ${OFFER_FIELDS} } }
    closed: linkOffers(first: 100, filter: {site: $site, status: CLOSED}) { nodes { ${OFFER_FIELDS} } }
  }`, { site: site.id });
  if (!live()) return;
  const offers = [...data.open.nodes, ...data.paused.nodes, ...data.closed.nodes];
  const reload = () => { if (live()) showPanel(page); };

  const head = h("div", { class: "section-head" }, h("h2", {}, t("market.offers.title")));
  const parts = [head];
  if (!page.owner) parts.push(h("p", { class: "muted" }, t("market.offers.ownersOnly")));
  else if (!site.verified) {
    parts.push(h("p", { class: "card note" }, t("market.offers.verifyFirst"), " ",
      h("a", { href: "/studio/market?tab=verify", onclick: (e) => { e.preventDefault(); go(page, { tab: "verify" }); } }, t("market.tab.verify"))));
  } else {
    const slot = h("div");
    const newButton = h("button", { type: "button", class: "primary", "aria-expanded": "false" }, t("market.offers.new"));
    newButton.addEventListener("click", () => {
      if (slot.firstChild) { clear(slot); newButton.setAttribute("aria-expanded", "false"); newButton.focus(); return; }
      newButton.setAttribute("aria-expanded", "true");
      clear(slot, createOfferForm(page, () => { clear(slot); newButton.setAttribute("aria-expanded", "false"); newButton.focus(); }, reload));
      slot.querySelector("input")?.focus();
    });
    head.append(newButton);
    parts.push(slot);
  }
  if (!offers.length) parts.push(h("p", { class: "muted empty" }, t("market.offers.none")));
  else parts.push(h("ul", { class: "offer-list" }, offers.map((o) => h("li", {}, ourOfferCard(page, o, reload)))));
  clear(page.panel, parts);
}

function createOfferForm(page, close, done) {
  const title = input({ required: true, maxlength: 200 });
  const description = textarea({ maxlength: 5000, rows: 3 });
  const placement = select(PLACEMENTS.map((p) => [p, t(`market.placement.${p}`)]), { value: "PARTNERS_PAGE" });
  const kind = select(KINDS.map((k) => [k, t(`market.kind.${k}`)]), { value: "RECIPROCAL" });
  const languages = input({ value: (page.ctx.site.locales || []).join(", "), maxlength: 400 });
  const categories = input({ maxlength: 400, placeholder: t("market.offer.categoriesPlaceholder") });
  const slots = input({ type: "number", min: 1, max: 1000, value: 1, inputmode: "numeric" });
  const requirements = textarea({ maxlength: 5000, rows: 3 });
  const submit = h("button", { class: "primary", type: "submit" }, t("market.offers.publish"));
  const form = h("form", { class: "card offer-form", novalidate: true, "aria-labelledby": "new-offer-title" },
    h("h3", { id: "new-offer-title" }, t("market.offers.new")),
    field(t("market.offer.title"), title, { name: "title" }),
    field(t("market.offer.description"), description, { name: "description", hint: t("market.offer.descriptionHint") }),
    h("div", { class: "row" },
      field(t("market.offer.placement"), placement, { name: "placement" }),
      field(t("market.offer.kind"), kind, { name: "kind", hint: t("market.offer.kindHint") }),
      field(t("market.offer.slots"), slots, { name: "slots", hint: t("market.offer.slotsHint") })),
    h("div", { class: "row" },
      field(t("market.offer.languages"), languages, { name: "languages", hint: t("market.offer.languagesHint") }),
      field(t("market.offer.categories"), categories, { name: "categories", hint: t("market.offer.categoriesHint") })),
    field(t("market.offer.requirements"), requirements, { name: "requirements", hint: t("market.offer.requirementsHint") }),
    h("div", { class: "actions" }, submit, h("button", { type: "button", onclick: close }, t("common.cancel"))));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = await run(form, submit, () => gql(
      `mutation StudioCreateOffer($input: CreateLinkOfferInput!) { createLinkOffer(input: $input) { id } }`,
      { input: {
        siteId: page.site.id,
        title: title.value.trim(),
        description: description.value.trim(),
        placement: placement.value,
        kind: kind.value,
        languages: splitList(languages.value),
        categories: splitList(categories.value),
        slots: Number.parseInt(slots.value, 10) || 0,
        requirements: requirements.value.trim() || null,
      } }));
    if (data) { notice(t("market.offers.created")); done(); }
  });
  return form;
}

function ourOfferCard(page, o, reload) {
  const slot = h("div");
  const card = h("article", { class: "card offer", "aria-labelledby": `offer-${o.id}` },
    h("div", { class: "offer-head" }, h("h3", { id: `offer-${o.id}` }, o.title), offerBadge(o.status)),
    o.description ? h("p", { class: "pre" }, o.description) : null,
    offerFacts(o));
  if (!page.owner) return card;
  const setStatus = async (button, status) => {
    if (status === "CLOSED" && !(await confirmDialog(t("market.offers.closeConfirm", { title: o.title }), { confirm: t("market.offers.close") }))) return;
    const ok = await run(card, button, () => gql(
      `mutation StudioOfferStatus($id: ID!, $input: UpdateLinkOfferInput!) { updateLinkOffer(id: $id, input: $input) { id status } }`,
      { id: o.id, input: { status } }));
    if (ok) { notice(t(`market.offers.now.${status}`)); reload(); }
  };
  const edit = h("button", { type: "button", "aria-expanded": "false" }, t("common.edit"));
  edit.addEventListener("click", () => {
    if (slot.firstChild) { clear(slot); edit.setAttribute("aria-expanded", "false"); return; }
    edit.setAttribute("aria-expanded", "true");
    clear(slot, editOfferForm(o, () => { clear(slot); edit.setAttribute("aria-expanded", "false"); edit.focus(); }, reload));
    slot.querySelector("input")?.focus();
  });
  const buttons = [edit];
  if (o.status === "OPEN") buttons.push(h("button", { type: "button", onclick: (e) => setStatus(e.currentTarget, "PAUSED") }, t("market.offers.pause")));
  else buttons.push(h("button", { type: "button", onclick: (e) => setStatus(e.currentTarget, "OPEN") }, t("market.offers.reopen")));
  if (o.status !== "CLOSED") buttons.push(h("button", { type: "button", class: "danger", onclick: (e) => setStatus(e.currentTarget, "CLOSED") }, t("market.offers.close")));
  card.append(h("div", { class: "actions" }, buttons), slot);
  return card;
}

function editOfferForm(o, close, done) {
  const title = input({ required: true, maxlength: 200, value: o.title });
  const description = textarea({ maxlength: 5000, rows: 3, value: o.description });
  const slots = input({ type: "number", min: 1, max: 1000, value: o.slots, inputmode: "numeric" });
  const requirements = textarea({ maxlength: 5000, rows: 3, value: o.requirements || "" });
  const submit = h("button", { class: "primary", type: "submit" }, t("common.save"));
  const form = h("form", { class: "offer-form edit", novalidate: true, "aria-label": t("market.offers.editLabel", { title: o.title }) },
    field(t("market.offer.title"), title, { name: "title" }),
    field(t("market.offer.description"), description, { name: "description" }),
    field(t("market.offer.slots"), slots, { name: "slots", hint: t("market.offer.slotsHint") }),
    field(t("market.offer.requirements"), requirements, { name: "requirements" }),
    h("p", { class: "hint" }, t("market.offers.fixedFields")),
    h("div", { class: "actions" }, submit, h("button", { type: "button", onclick: close }, t("common.cancel"))));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = await run(form, submit, () => gql(
      `mutation StudioEditOffer($id: ID!, $input: UpdateLinkOfferInput!) { updateLinkOffer(id: $id, input: $input) { id } }`,
      { id: o.id, input: {
        title: title.value.trim(),
        description: description.value.trim(),
        slots: Number.parseInt(slots.value, 10) || 0,
        requirements: requirements.value.trim(),
      } }));
    if (data) { notice(t("common.saved")); done(); }
  });
  return form;
}

// ---- Browsing open offers -----------------------------------------------------------------

async function browsePanel(page, q, live) {
  const filters = { category: q.get("category") || "", language: q.get("language") || "", kind: q.get("kind") || "", placement: q.get("placement") || "" };
  const category = input({ type: "search", value: filters.category, maxlength: 100 });
  const language = input({ type: "search", value: filters.language, maxlength: 35, placeholder: "zh-CN" });
  const kind = select([["", t("common.all")], ...KINDS.map((k) => [k, t(`market.kind.${k}`)])], { value: filters.kind });
  const placement = select([["", t("common.all")], ...PLACEMENTS.map((p) => [p, t(`market.placement.${p}`)])], { value: filters.placement });
  const form = h("form", { class: "toolbar", role: "search", "aria-label": t("market.browse.filters") },
    field(t("market.offer.category"), category, { name: "category" }),
    field(t("market.offer.language"), language, { name: "language" }),
    field(t("market.offer.kind"), kind, { name: "kind" }),
    field(t("market.offer.placement"), placement, { name: "placement" }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t("common.filter")),
      h("button", { type: "button", onclick: () => go(page, { tab: "browse" }) }, t("market.browse.clear"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    go(page, { tab: "browse", category: category.value.trim(), language: language.value.trim(), kind: kind.value, placement: placement.value });
  });
  const results = h("div", { class: "browse-results" });
  clear(page.panel, h("h2", {}, t("market.browse.title")), h("p", { class: "hint" }, t("market.browse.intro")), form, results);
  const filter = {};
  for (const [k, v] of Object.entries(filters)) if (v) filter[k] = v;
  let data;
  try {
    // With the current site's deals, to point at a deal already under way instead of a second
    // proposal (the API allows one open deal per offer and site).
    data = await gql(`query StudioBrowseOffers($first: Int, $after: String, $filter: LinkOfferFilter, $site: String!) {
      linkOffers(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } nodes { ${OFFER_FIELDS} } }
      linkDeals(first: 100, filter: {site: $site}) { nodes { id status offer { id } } } }`,
    { first: PAGE_SIZE, after: q.get("after") || null, filter, site: page.site.id });
  } catch (error) {
    if (live()) { clear(results); showError(form, error); }
    return;
  }
  if (!live()) return;
  const conn = data.linkOffers;
  // Sites of the user that may take an offer: verified, and acted for by the user.
  const mine = (page.ctx.memberships || []).filter((m) => actsFor(page.ctx, m.site.id))
    .map((m) => (m.site.id === page.site.id ? { ...m.site, verified: page.site.verified } : m.site));
  const member = new Set((page.ctx.memberships || []).map((m) => m.site.id));
  const open = new Map(data.linkDeals.nodes.filter((d) => OPEN_DEAL.includes(d.status) && d.offer).map((d) => [d.offer.id, d]));
  const items = conn.nodes.map((o) => h("li", {}, browseCard(page, o, mine, member, open.get(o.id))));
  clear(results,
    h("p", { class: "muted count" }, t("market.browse.count", { n: formatNumber(conn.totalCount) })),
    items.length ? h("ul", { class: "offer-list" }, items) : h("p", { class: "muted empty" }, t("market.browse.none")),
    pager(page, q, conn.pageInfo));
}

function pager(page, q, info) {
  if (!q.get("after") && !info.hasNextPage) return null;
  const params = Object.fromEntries(q.entries());
  return h("nav", { class: "pager", "aria-label": t("market.pages") },
    q.get("after") ? h("button", { type: "button", onclick: () => go(page, { ...params, after: "" }) }, t("common.prev")) : h("span"),
    info.hasNextPage ? h("button", { type: "button", onclick: () => go(page, { ...params, after: info.endCursor }) }, t("common.next")) : null);
}

function browseCard(page, o, mine, member, openDeal) {
  const slot = h("div");
  const card = h("article", { class: "card offer", "aria-labelledby": `browse-${o.id}` },
    h("div", { class: "offer-head" }, h("h3", { id: `browse-${o.id}` }, o.title)),
    h("p", { class: "offer-site" }, o.site ? `${o.site.name} · ${o.site.domain}` : ""),
    o.description ? h("p", { class: "pre" }, o.description) : null,
    offerFacts(o));
  if (o.site && member.has(o.site.id)) {
    card.append(h("p", { class: "actions" }, badge(t("market.browse.yours"), "ok")));
    return card;
  }
  if (openDeal) {
    card.append(h("p", { class: "status-line open-deal" }, dealBadge(openDeal.status),
      h("a", { href: `/studio/deals/${encodeURIComponent(openDeal.id)}` }, t("market.browse.openDeal"))));
  }
  // A site has one open deal per offer: the current site's is linked above.
  const eligible = mine.filter((s) => s.verified && !(openDeal && s.id === page.site.id));
  if (!eligible.length) {
    if (!openDeal) card.append(h("p", { class: "hint" }, mine.length ? t("market.browse.verifyToPropose") : t("market.browse.ownersPropose")));
    return card;
  }
  const propose = h("button", { type: "button", class: "primary", "aria-expanded": "false" }, t("market.browse.propose"));
  propose.addEventListener("click", () => {
    if (slot.firstChild) { clear(slot); propose.setAttribute("aria-expanded", "false"); return; }
    propose.setAttribute("aria-expanded", "true");
    clear(slot, proposeForm(page, o, eligible, () => { clear(slot); propose.setAttribute("aria-expanded", "false"); propose.focus(); }));
    slot.querySelector("select, textarea")?.focus();
  });
  card.append(h("div", { class: "actions" }, propose), slot);
  return card;
}

function proposeForm(page, o, eligible, close) {
  const site = select(eligible.map((s) => [s.id, `${s.name} (${s.domain})`]),
    { value: eligible.some((s) => s.id === page.site.id) ? page.site.id : eligible[0].id });
  const message = textarea({ maxlength: 2000, rows: 3 });
  const submit = h("button", { class: "primary", type: "submit" }, t("market.browse.send"));
  const form = h("form", { class: "offer-form propose", novalidate: true, "aria-label": t("market.browse.proposeLabel", { title: o.title }) },
    field(t("market.browse.asSite"), site, { name: "siteId", hint: o.kind === "RECIPROCAL" ? t("market.browse.reciprocalHint") : t("market.browse.oneWayHint") }),
    field(t("market.browse.message"), message, { name: "message", hint: t("market.browse.messageHint") }),
    h("div", { class: "actions" }, submit, h("button", { type: "button", onclick: close }, t("common.cancel"))));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = await run(form, submit, () => gql(
      `mutation StudioProposeDeal($input: ProposeLinkDealInput!) { proposeLinkDeal(input: $input) { id } }`,
      { input: { offerId: o.id, siteId: site.value, message: message.value.trim() || null } }));
    if (data) {
      notice(t("market.browse.sent"));
      page.ctx.navigate(`/deals/${encodeURIComponent(data.proposeLinkDeal.id)}`);
    }
  });
  return form;
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
