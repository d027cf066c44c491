// The offers of the link market (pages/market.js): this site's own (publish, edit, pause,
// close) and the open offers of other sites, with the form to propose a deal on one. The market
// page hands each panel its `page`: the site, the user's role, and how to move between sections.
import { gql } from "../lib/api.js";
import { t, formatDate, formatNumber } from "../lib/i18n.js";
import { h, clear, field, input, textarea, select, run, showError, confirmDialog, notice, badge } from "../lib/ui.js";

const PLACEMENTS = ["HOMEPAGE", "FOOTER", "SIDEBAR", "ARTICLE", "PARTNERS_PAGE"];
const KINDS = ["RECIPROCAL", "ONE_WAY"];
// Deals that are not over: a site has at most one of them per offer.
const OPEN_DEAL = ["PROPOSED", "ACCEPTED", "LIVE", "BROKEN"];
const PAGE_SIZE = 20;
const OFFER_FIELDS = `id title description placement kind languages categories slots requirements status createdAt updatedAt site { id name domain }`;

const offerBadge = (status) => badge(t(`market.offerStatus.${status}`), `offer-${status}`);
const list = (items) => (items?.length ? items.join(", ") : "—");

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

export async function offersPanel(page, q, live) {
  const { site } = page;
  const data = await gql(`query StudioOurOffers($site: String!) {
    open: linkOffers(first: 100, filter: {site: $site, status: OPEN}) { nodes { ${OFFER_FIELDS} } }
    paused: linkOffers(first: 100, filter: {site: $site, status: PAUSED}) { nodes { ${OFFER_FIELDS} } }
    closed: linkOffers(first: 100, filter: {site: $site, status: CLOSED}) { nodes { ${OFFER_FIELDS} } }
  }`, { site: site.id });
  if (!live()) return;
  const offers = [...data.open.nodes, ...data.paused.nodes, ...data.closed.nodes];
  const reload = () => { if (live()) page.reload(); };

  const head = h("div", { class: "section-head" }, h("h2", {}, t("market.offers.title")));
  const parts = [head];
  if (!page.owner) parts.push(h("p", { class: "muted" }, t("market.offers.ownersOnly")));
  else if (!site.verified) {
    parts.push(h("p", { class: "card note" }, t("market.offers.verifyFirst"), " ",
      h("a", { href: "/studio/market?tab=verify", onclick: (e) => { e.preventDefault(); page.go({ tab: "verify" }); } }, t("market.tab.verify"))));
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

export async function browsePanel(page, q, live) {
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
      h("button", { type: "button", onclick: () => page.go({ tab: "browse" }) }, t("market.browse.clear"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    page.go({ tab: "browse", category: category.value.trim(), language: language.value.trim(), kind: kind.value, placement: placement.value });
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
  const mine = (page.ctx.memberships || []).filter((m) => page.actsFor(m.site.id))
    .map((m) => (m.site.id === page.site.id ? { ...m.site, verified: page.site.verified } : m.site));
  const member = new Set((page.ctx.memberships || []).map((m) => m.site.id));
  const open = new Map(data.linkDeals.nodes.filter((d) => OPEN_DEAL.includes(d.status) && d.offer).map((d) => [d.offer.id, d]));
  const items = conn.nodes.map((o) => h("li", {}, browseCard(page, o, mine, member, open.get(o.id))));
  clear(results,
    h("p", { class: "muted count" }, t("market.browse.count", { n: formatNumber(conn.totalCount) })),
    items.length ? h("ul", { class: "offer-list" }, items) : h("p", { class: "muted empty" }, t("market.browse.none")),
    page.pager(q, conn.pageInfo));
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
    card.append(h("p", { class: "status-line open-deal" }, badge(t(`deal.status.${openDeal.status}`), openDeal.status),
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
