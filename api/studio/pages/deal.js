// One link deal: both sites, where it stands, what the viewer's side may do now (accept,
// reject, cancel, submit its placement, check now), every check of the links, and the history.
// The page follows the deal's status live (the dealEvents subscription of one of the viewer's
// sites in the deal) and re-reads the deal after every change.
import { gql, subscribe, currentUser } from "../lib/api.js";
import { t, formatDate, formatNumber } from "../lib/i18n.js";
import { h, clear, field, input, textarea, run, confirmDialog, notice, badge, loading } from "../lib/ui.js";
import { dealBadge, actsFor } from "./market.js";

const ACTIVE = ["ACCEPTED", "LIVE", "BROKEN"];
const PLACEMENT_FIELDS = "pageUrl targetUrl anchorText";
const CHECK_FIELDS = "side pageUrl httpStatus live linkFound rel anchorText noindex nofollowPage robotsBlocked redirectChain error checkedAt";
const QUERY = `query StudioDeal($id: ID!) { linkDeal(id: $id) {
  id status version message consecutiveFailures lastCheckedAt nextCheckAt liveSince expiresAt createdAt updatedAt
  offer { id title description kind placement requirements }
  offerSite { id name domain } partnerSite { id name domain }
  offerPlacement { ${PLACEMENT_FIELDS} } partnerPlacement { ${PLACEMENT_FIELDS} }
  events { fromStatus toStatus note createdAt actor { id displayName } }
  checks(last: 50) { ${CHECK_FIELDS} } } }`;

const yesNo = (v) => t(v ? "common.yes" : "common.no");

export async function render(root, ctx) {
  const id = ctx.params.id;
  ctx.setTitle(t("deal.title"));
  loading(root);
  const page = { ctx, id, root, deal: (await gql(QUERY, { id })).linkDeal, refreshing: null, again: false };
  if (!ctx.isCurrent()) return;
  const d = page.deal;
  const isMember = (siteId) => !!ctx.memberships?.some((m) => m.site.id === siteId);
  // The sides the viewer acts for (owners, admins) and reads (any member).
  page.acts = [["OFFER", d.offerSite?.id], ["PARTNER", d.partnerSite?.id]].filter(([, s]) => s && actsFor(ctx, s)).map(([side]) => side);
  page.reads = [["OFFER", d.offerSite?.id], ["PARTNER", d.partnerSite?.id]].filter(([, s]) => s && (isMember(s) || currentUser()?.isAdmin)).map(([side]) => side);
  draw(page);

  // Live status: both sites of a deal get its events, so one subscription is enough; prefer the
  // site chosen in the header.
  const follow = [ctx.site?.id, d.offerSite?.id, d.partnerSite?.id].find((s) => s && (s === d.offerSite?.id || s === d.partnerSite?.id) && isMember(s));
  if (follow) {
    const stop = subscribe(
      `subscription StudioDealEvents($site: String!) { dealEvents(site: $site) { event dealId status from } }`,
      { site: follow },
      (data) => {
        const e = data.dealEvents;
        if (e?.dealId !== id) return;
        // Our own actions announce themselves; an event is news only when someone else moved it.
        if (!page.acting) notice(t("deal.live.changed", { status: t(`deal.status.${String(e.status).toUpperCase()}`) }));
        refresh(page, { fromEvent: true });
      },
      () => { if (page.liveLine) page.liveLine.textContent = t("deal.live.failed"); });
    ctx.onCleanup(stop);
  }
  ctx.guardLeave((unload) => !dirty(page) || (!unload && window.confirm(t("deal.leaveUnsaved"))));
}

// Whether a placement form holds text the user typed and has not submitted.
function dirty(page) {
  return [...page.root.querySelectorAll("form.placement-form")].some((f) => f.dataset.dirty === "true");
}

// Re-reads the deal and draws it again; events arriving meanwhile cause one more read. When the
// user is typing a placement, an event only announces the change with a button to reload.
async function refresh(page, { fromEvent = false } = {}) {
  if (page.refreshing) { page.again = true; return page.refreshing; }
  page.refreshing = (async () => {
    try {
      do {
        page.again = false;
        const data = await gql(QUERY, { id: page.id });
        if (!page.ctx.isCurrent()) return;
        page.deal = data.linkDeal;
      } while (page.again);
      if (fromEvent && dirty(page)) {
        page.banner?.replaceChildren(h("p", {}, t("deal.live.changedWhileTyping", { status: t(`deal.status.${page.deal.status}`) }), " ",
          h("button", { type: "button", class: "small", onclick: () => { draw(page); page.statusLine?.focus(); } }, t("deal.live.reload"))));
        page.banner?.removeAttribute("hidden");
        return;
      }
      draw(page);
    } catch (error) {
      notice(t("deal.live.reloadFailed", { error: error.message }), "error");
    } finally {
      page.refreshing = null;
    }
  })();
  return page.refreshing;
}

// Runs one of the viewer's own changes, then re-reads the deal; the events it causes arrive
// meanwhile and are not announced again.
async function ownAction(page, fn, onSuccess) {
  page.acting = (page.acting || 0) + 1;
  try {
    const data = await fn();
    if (data) {
      onSuccess?.();
      await refresh(page);
    }
    return data;
  } finally {
    // Events of this change may trail the answer a little.
    setTimeout(() => { page.acting -= 1; }, 2000);
  }
}

function siteLabel(site, mine) {
  if (!site) return t("deal.siteGone");
  return [site.name, " ", h("span", { class: "muted" }, `(${site.domain})`), mine ? [" ", badge(t("deal.you"), "ok")] : null];
}

function draw(page) {
  const { deal: d, ctx } = page;
  ctx.setTitle(d.offer?.title || t("deal.title"));
  page.statusLine = h("div", { class: "status-line", tabindex: "-1" },
    dealBadge(d.status),
    h("span", {}, t(`deal.statusHint.${d.status}`)));
  page.liveLine = h("p", { class: "hint live-line", role: "status" }, t("deal.live.on"));
  page.banner = h("div", { class: "card note", role: "status", hidden: true });
  const reciprocal = d.offer?.kind !== "ONE_WAY";
  const facts = h("dl", { class: "facts" },
    h("dt", {}, t("deal.offerSite")), h("dd", {}, siteLabel(d.offerSite, page.reads.includes("OFFER"))),
    h("dt", {}, t("deal.partnerSite")), h("dd", {}, siteLabel(d.partnerSite, page.reads.includes("PARTNER"))),
    d.offer ? [
      h("dt", {}, t("market.offer.kind")), h("dd", {}, t(`market.kind.${d.offer.kind}`)),
      h("dt", {}, t("market.offer.placement")), h("dd", {}, t(`market.placement.${d.offer.placement}`)),
    ] : null,
    d.offer?.requirements ? [h("dt", {}, t("market.offer.requirements")), h("dd", { class: "pre" }, d.offer.requirements)] : null,
    d.message ? [h("dt", {}, t("deal.message")), h("dd", { class: "pre" }, d.message)] : null,
    h("dt", {}, t("deal.proposedAt")), h("dd", {}, formatDate(d.createdAt)),
    h("dt", {}, t("common.updated")), h("dd", {}, formatDate(d.updatedAt)),
    d.expiresAt ? [h("dt", {}, t("deal.expiresAt")), h("dd", {}, formatDate(d.expiresAt))] : null,
    d.liveSince ? [h("dt", {}, t("deal.liveSince")), h("dd", {}, formatDate(d.liveSince))] : null,
    d.lastCheckedAt ? [h("dt", {}, t("deal.lastChecked")), h("dd", {}, formatDate(d.lastCheckedAt))] : null,
    d.nextCheckAt ? [h("dt", {}, t("deal.nextCheck")), h("dd", {}, formatDate(d.nextCheckAt))] : null,
    ACTIVE.includes(d.status) && d.status !== "ACCEPTED" ? [h("dt", {}, t("deal.failures")), h("dd", {}, formatNumber(d.consecutiveFailures))] : null);

  clear(page.root, h("div", { class: "deal" },
    h("p", { class: "crumbs" }, h("a", { href: "/studio/market?tab=deals" }, t("deal.back"))),
    h("h1", {}, d.offer?.title || t("deal.title")),
    page.statusLine,
    page.liveLine,
    page.banner,
    h("div", { class: "side-by-side deal-top" },
      h("section", { class: "card", "aria-labelledby": "deal-summary" }, h("h2", { id: "deal-summary" }, t("deal.summary")), facts),
      actionsCard(page)),
    linksSection(page, reciprocal),
    checksSection(d),
    h("section", { "aria-labelledby": "deal-history" }, h("h2", { id: "deal-history" }, t("deal.history")), timeline(d))));
}

// ---- Actions ------------------------------------------------------------------------------

function actionsCard(page) {
  const { deal: d } = page;
  const other = (side) => (side === "OFFER" ? d.partnerSite : d.offerSite)?.name || "—";
  const card = h("section", { class: "card deal-actions", "aria-labelledby": "deal-actions" }, h("h2", { id: "deal-actions" }, t("deal.actions")));
  const over = !["PROPOSED", ...ACTIVE].includes(d.status);
  if (over || !page.acts.length) {
    card.append(h("p", { class: "muted" }, over ? t("deal.over") : t("deal.readOnly")));
    return card;
  }
  const offerSide = page.acts.includes("OFFER");
  const partnerSide = page.acts.includes("PARTNER");
  const mySide = offerSide ? "OFFER" : "PARTNER";
  // One form, so that errors of any button show in it (at the top, or beside the reason).
  const form = h("form", { novalidate: true, "aria-labelledby": "deal-actions" });
  form.addEventListener("submit", (e) => e.preventDefault());
  const reason = textarea({ maxlength: 2000, rows: 2 });
  const button = (label, cls, mutation, { confirmText, confirmLabel, withReason, done } = {}) => {
    const b = h("button", { type: "button", class: cls }, label);
    b.addEventListener("click", async () => {
      if (confirmText && !(await confirmDialog(confirmText, { confirm: confirmLabel || label }))) return;
      const vars = { id: d.id };
      if (withReason) vars.reason = reason.value.trim() || null;
      const data = await ownAction(page, () => run(form, b, () => gql(mutation, vars)));
      if (!data) return;
      notice(done);
      page.statusLine?.focus();
    });
    return b;
  };
  const forward = [];
  const ending = [];
  if (d.status === "PROPOSED") {
    if (offerSide) {
      forward.push(h("p", {}, t(d.offer?.kind === "ONE_WAY" ? "deal.acceptHintOneWay" : "deal.acceptHint")),
        h("div", { class: "actions" }, button(t("deal.accept"), "primary", `mutation StudioAcceptDeal($id: ID!) { acceptLinkDeal(id: $id) { id status } }`, { done: t("deal.accepted") })));
      ending.push(button(t("deal.reject"), "danger", `mutation StudioRejectDeal($id: ID!, $reason: String) { rejectLinkDeal(id: $id, reason: $reason) { id status } }`,
        { confirmText: t("deal.rejectConfirm", { name: other("OFFER") }), withReason: true, done: t("deal.rejected") }));
    }
    if (partnerSide) {
      if (!offerSide) forward.push(h("p", {}, t("deal.next.awaitDecision", { name: other("PARTNER") })));
      ending.push(button(t("deal.withdraw"), "danger", `mutation StudioCancelDeal($id: ID!, $reason: String) { cancelLinkDeal(id: $id, reason: $reason) { id status } }`,
        { confirmText: t("deal.withdrawConfirm", { name: other("PARTNER") }), withReason: true, done: t("deal.cancelled") }));
    }
  } else {
    const anyPlacement = d.offerPlacement || d.partnerPlacement;
    forward.push(h("p", { class: "hint" }, anyPlacement ? t("deal.checkHint") : t("deal.checkNeedsPlacement")));
    if (anyPlacement) {
      forward.push(h("div", { class: "actions" }, button(t("deal.checkNow"), "primary", `mutation StudioCheckDeal($id: ID!) { checkLinkDeal(id: $id) { id status } }`, { done: t("deal.checked") })));
    }
    ending.push(button(t("deal.cancel"), "danger", `mutation StudioCancelDeal($id: ID!, $reason: String) { cancelLinkDeal(id: $id, reason: $reason) { id status } }`,
      { confirmText: t("deal.cancelConfirm", { name: other(mySide) }), withReason: true, done: t("deal.cancelled") }));
  }
  form.append(...forward,
    h("fieldset", { class: "ending" },
      h("legend", {}, d.status !== "PROPOSED" ? t("deal.endDeal")
        : offerSide && partnerSide ? t("deal.endProposal") : offerSide ? t("deal.endReject") : t("deal.endWithdraw")),
      field(t("deal.reason"), reason, { name: "reason", hint: t("deal.reasonHint") }),
      h("div", { class: "actions" }, ending)));
  card.append(form);
  return card;
}

// ---- Placements ---------------------------------------------------------------------------

// Where each side's link sits: nothing to place before the offering site accepts; after the end
// only what was placed is left to see.
function linksSection(page, reciprocal) {
  const { deal: d } = page;
  const section = h("section", { "aria-labelledby": "deal-links" }, h("h2", { id: "deal-links" }, t("deal.links")));
  if (d.status === "PROPOSED") {
    section.append(h("p", { class: "muted" }, t("deal.placement.afterAccept")));
  } else if (!ACTIVE.includes(d.status) && !d.offerPlacement && !d.partnerPlacement) {
    section.append(h("p", { class: "muted" }, t("deal.placement.none")));
  } else {
    section.append(h("div", { class: "side-by-side" }, placementCard(page, "OFFER", reciprocal), placementCard(page, "PARTNER", reciprocal)));
  }
  return section;
}

function placementCard(page, side, reciprocal) {
  const { deal: d } = page;
  const placement = side === "OFFER" ? d.offerPlacement : d.partnerPlacement;
  const own = side === "OFFER" ? d.offerSite : d.partnerSite;
  const other = side === "OFFER" ? d.partnerSite : d.offerSite;
  const required = side === "OFFER" || reciprocal;
  const card = h("section", { class: "card placement", "aria-labelledby": `placement-${side}` },
    h("h3", { id: `placement-${side}` }, t(`deal.placement.${side}`, { name: own?.name || "—" })));
  if (placement) {
    card.append(h("dl", { class: "facts" },
      h("dt", {}, t("deal.pageUrl")), h("dd", {}, externalLink(placement.pageUrl)),
      h("dt", {}, t("deal.targetUrl")), h("dd", { class: "mono" }, placement.targetUrl || "—"),
      h("dt", {}, t("deal.anchorText")), h("dd", {}, placement.anchorText || "—")));
  } else {
    card.append(h("p", { class: "muted" }, required ? t("deal.placement.missing") : t("deal.placement.notNeeded")));
  }
  if (page.acts.includes(side) && ACTIVE.includes(d.status) && (required || placement)) {
    card.append(placementForm(page, side, placement, own, other));
  }
  return card;
}

function externalLink(url) {
  return h("a", { href: url, class: "mono", target: "_blank", rel: "noopener noreferrer nofollow" }, url);
}

function placementForm(page, side, placement, own, other) {
  const pageUrl = input({ type: "url", required: true, maxlength: 2000, inputmode: "url", value: placement?.pageUrl || "", placeholder: `https://${own?.domain || ""}/` });
  const targetUrl = input({ type: "url", required: true, maxlength: 2000, inputmode: "url", value: placement?.targetUrl || (other ? `https://${other.domain}/` : "") });
  const anchorText = input({ required: true, maxlength: 200, value: placement?.anchorText || other?.name || "" });
  const submit = h("button", { class: "primary", type: "submit" }, placement ? t("deal.placement.update") : t("deal.placement.submit"));
  const form = h("form", { class: "placement-form", novalidate: true, "aria-label": t(`deal.placement.${side}`, { name: own?.name || "—" }) },
    h("h4", {}, placement ? t("deal.placement.changeTitle") : t("deal.placement.formTitle")),
    field(t("deal.pageUrl"), pageUrl, { name: "pageUrl", hint: t("deal.pageUrlHint", { domain: own?.domain || "" }) }),
    field(t("deal.targetUrl"), targetUrl, { name: "targetUrl", hint: t("deal.targetUrlHint", { domain: other?.domain || "" }) }),
    field(t("deal.anchorText"), anchorText, { name: "anchorText" }),
    h("div", { class: "actions" }, submit));
  const wrap = placement ? h("details", { class: "change-placement" }, h("summary", {}, t("deal.placement.changeTitle")), form) : form;
  if (placement) form.querySelector("h4").remove();
  form.addEventListener("input", () => { form.dataset.dirty = "true"; });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const inputVars = { dealId: page.deal.id, pageUrl: pageUrl.value.trim(), targetUrl: targetUrl.value.trim(), anchorText: anchorText.value.trim() };
    if (page.acts.length > 1) inputVars.side = side;
    const data = await ownAction(page, () => run(form, submit, () => gql(
      `mutation StudioSubmitPlacement($input: SubmitLinkPlacementInput!) { submitLinkPlacement(input: $input) { id status } }`,
      { input: inputVars })), () => { form.dataset.dirty = "false"; });
    if (!data) return;
    notice(t("deal.placement.saved"));
    page.statusLine?.focus();
  });
  return wrap;
}

// ---- Checks and history -------------------------------------------------------------------

// Why a check's link does not count, every reason found, in the user's language (the API's
// `error` as it comes).
function verdict(c) {
  if (c.live) return t("deal.check.verdictLive");
  if (c.error) return c.error;
  const reasons = [];
  if (c.httpStatus && (c.httpStatus < 200 || c.httpStatus > 299)) reasons.push(t("deal.check.badStatus", { status: c.httpStatus }));
  if (!c.linkFound) reasons.push(t("deal.check.notFound"));
  if (c.linkFound && c.rel && c.rel !== "follow") reasons.push(t("deal.check.rel", { rel: c.rel }));
  if (c.noindex) reasons.push(t("deal.check.noindex"));
  if (c.nofollowPage) reasons.push(t("deal.check.nofollowPage"));
  if (c.robotsBlocked) reasons.push(t("deal.check.robots"));
  return reasons.length ? reasons.join(" ") : t("deal.check.notLive");
}

function checkCard(c, d) {
  const site = c.side === "OFFER" ? d.offerSite : d.partnerSite;
  const flag = (on) => (on ? badge(t("common.yes"), "bad") : t("common.no"));
  return h("article", { class: `card check ${c.live ? "is-live" : "not-live"}` },
    h("div", { class: "check-head" },
      h("h4", {}, t(`deal.placement.${c.side}`, { name: site?.name || "—" })),
      badge(c.live ? t("deal.check.live") : t("deal.check.notLiveShort"), c.live ? "ok" : "bad"),
      h("span", { class: "muted" }, formatDate(c.checkedAt))),
    h("p", { class: "verdict" }, verdict(c)),
    h("dl", { class: "facts compact" },
      h("dt", {}, t("deal.pageUrl")), h("dd", {}, externalLink(c.pageUrl)),
      h("dt", {}, t("deal.check.httpStatus")), h("dd", {}, c.httpStatus ?? "—"),
      h("dt", {}, t("deal.check.linkFound")), h("dd", {}, yesNo(c.linkFound)),
      h("dt", {}, t("deal.check.relLabel")), h("dd", { class: "mono" }, c.rel || "—"),
      h("dt", {}, t("deal.anchorText")), h("dd", {}, c.anchorText || "—"),
      h("dt", {}, t("deal.check.noindexLabel")), h("dd", {}, flag(c.noindex)),
      h("dt", {}, t("deal.check.nofollowLabel")), h("dd", {}, flag(c.nofollowPage)),
      h("dt", {}, t("deal.check.robotsLabel")), h("dd", {}, flag(c.robotsBlocked)),
      h("dt", {}, t("deal.check.redirects")),
      h("dd", {}, c.redirectChain.length > 1
        ? h("ol", { class: "redirects mono" }, c.redirectChain.map((u) => h("li", {}, u)))
        : t("deal.check.noRedirect")),
      c.error ? [h("dt", {}, t("deal.check.error")), h("dd", { class: "mono" }, c.error)] : null));
}

function checksSection(d) {
  const section = h("section", { "aria-labelledby": "deal-checks" }, h("h2", { id: "deal-checks" }, t("deal.checks")));
  if (!d.checks.length) {
    section.append(h("p", { class: "muted" }, t("deal.check.none")));
    return section;
  }
  // The newest check of each side first, the rest folded away.
  const latest = [];
  const older = [];
  for (const c of d.checks) {
    if (latest.some((l) => l.side === c.side)) older.push(c);
    else latest.push(c);
  }
  section.append(h("div", { class: "side-by-side" }, latest.map((c) => checkCard(c, d))));
  if (older.length) {
    section.append(h("details", { class: "older-checks" },
      h("summary", {}, t("deal.check.older", { n: formatNumber(older.length) })),
      h("div", { class: "check-list" }, older.map((c) => checkCard(c, d)))));
  }
  return section;
}

function timeline(d) {
  if (!d.events.length) return h("p", { class: "muted" }, t("common.none"));
  return h("ol", { class: "timeline" }, d.events.map((e) => {
    const what = !e.fromStatus ? [dealBadge(e.toStatus), h("strong", {}, t("deal.event.proposed"))]
      : e.fromStatus === e.toStatus ? h("strong", {}, t("deal.event.update"))
        : [dealBadge(e.fromStatus), h("span", { "aria-hidden": "true" }, "→"), h("span", { class: "visually-hidden" }, t("deal.event.to")), dealBadge(e.toStatus)];
    const who = e.actor ? e.actor.displayName : e.toStatus === "EXPIRED" ? t("deal.actor.clock") : t("deal.actor.checker");
    return h("li", {},
      h("div", { class: "event-head" }, what),
      h("div", { class: "muted" }, h("time", { datetime: e.createdAt }, formatDate(e.createdAt)), " · ", who),
      e.note ? h("p", { class: "event-note pre" }, e.note) : null);
  }));
}
