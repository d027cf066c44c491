// One inquiry: the buyer's fields, the products with quantities, the page and campaign it came
// from, why it was held as spam, and its history (who changed what, when; internal notes). The
// team changes its status, assigns it, adds notes, marks it as spam or takes it out of the spam
// folder, and deletes it for good on an erasure request. Every change answers the inquiry as it
// now is, which is drawn again.
import { gql } from "../lib/api.js";
import { t, formatDate, formatNumber } from "../lib/i18n.js";
import { h, clear, field, select, textarea, run, confirmDialog, notice, loading, table } from "../lib/ui.js";
import { statusBadge } from "./inquiries.js";

const FIELDS = `id reference status spamReasons name email company country phone message locale sourceUrl
  utm { source medium campaign term content } assignee { id displayName }
  items { productName quantity product { id } }
  history { kind fromStatus toStatus note at actor { id displayName } assignee { id displayName } }
  createdAt updatedAt`;
// With the members of its site, whom it can be assigned to.
const QUERY = `query StudioInquiry($id: ID!) { inquiry(id: $id) { ${FIELDS} site { id members { user { id displayName } } } } }`;
const HANDLED = ["NEW", "OPEN", "REPLIED", "CLOSED"];
const UTM = ["source", "medium", "campaign", "term", "content"];

export function prefetch(params) {
  return gql(QUERY, { id: params.id });
}

export async function render(root, ctx) {
  ctx.setTitle(t("inquiry.title"));
  loading(root);
  const data = await (ctx.takePrefetched() || prefetch(ctx.params));
  if (!ctx.isCurrent()) return;
  const page = { ctx, root, inquiry: data.inquiry, members: data.inquiry.site?.members || [] };
  draw(page);
}

// Runs a mutation that answers the inquiry, then draws it again and announces `done`.
async function change(page, form, button, mutation, vars, done) {
  const data = await run(form, button, () => gql(`${mutation} { ${FIELDS} } }`, { id: page.inquiry.id, ...vars }));
  if (!data) return;
  page.inquiry = Object.values(data)[0];
  draw(page);
  notice(typeof done === "function" ? done(page.inquiry) : done);
  page.statusLine.focus();
}

function draw(page) {
  const i = page.inquiry;
  page.ctx.setTitle(`${i.reference} · ${t("inquiry.title")}`);
  page.statusLine = h("div", { class: "status-line", tabindex: "-1" }, statusBadge(i.status),
    h("span", { class: "muted" }, t("inquiry.receivedAt", { date: formatDate(i.createdAt) })));
  clear(page.root, h("div", { class: "inquiry" },
    h("p", { class: "crumbs" }, h("a", { href: "/studio/inquiries" }, t("inquiry.back"))),
    h("h1", { class: "mono" }, i.reference),
    page.statusLine,
    i.spamReasons.length ? spamCard(i) : null,
    // Phone: the buyer, what to do, the rest; wider: what to do beside everything else.
    h("div", { class: "inquiry-layout" },
      h("section", { class: "card inq-buyer", "aria-labelledby": "inq-buyer" }, h("h2", { id: "inq-buyer" }, t("inquiry.buyer")), buyer(i),
        h("h3", { id: "inq-message" }, t("inquiry.message")), h("p", { class: "pre message", "aria-labelledby": "inq-message" }, i.message)),
      actionsCard(page),
      h("div", { class: "inq-rest" },
        h("section", { "aria-labelledby": "inq-products" }, h("h2", { id: "inq-products" }, t("inquiry.products")), items(i)),
        h("section", { "aria-labelledby": "inq-origin" }, h("h2", { id: "inq-origin" }, t("inquiry.origin")), origin(i)),
        h("section", { "aria-labelledby": "inq-history" }, h("h2", { id: "inq-history" }, t("inquiry.history")), timeline(i), noteForm(page))))));
}

function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(Boolean).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function buyer(i) {
  return facts([
    [t("inquiry.name"), i.name],
    [t("inquiry.email"), h("a", { href: `mailto:${i.email}`, class: "mono" }, i.email)],
    i.company ? [t("inquiry.company"), i.company] : null,
    [t("inquiry.country"), i.country],
    i.phone ? [t("inquiry.phone"), h("a", { href: `tel:${i.phone}`, class: "mono" }, i.phone)] : null,
    i.locale ? [t("inquiry.locale"), i.locale] : null,
  ]);
}

function items(i) {
  if (!i.items.length) return h("p", { class: "muted" }, t("inquiry.noProducts"));
  return table([t("inquiry.productName"), t("inquiry.quantity")],
    i.items.map((it) => [it.productName, formatNumber(it.quantity)]), { caption: t("inquiry.products") });
}

function origin(i) {
  const page = i.sourceUrl
    ? h("a", { href: i.sourceUrl, class: "mono", target: "_blank", rel: "noopener noreferrer nofollow" }, i.sourceUrl)
    : h("span", { class: "muted" }, t("inquiry.noSource"));
  return facts([[t("inquiry.sourceUrl"), page], ...UTM.filter((k) => i.utm[k]).map((k) => [t(`inquiry.utm.${k}`), i.utm[k]])]);
}

function spamCard(i) {
  const held = i.status === "SPAM";
  return h("section", { class: `card spam-reasons${held ? " held" : ""}`, "aria-labelledby": "inq-spam" },
    h("h2", { id: "inq-spam" }, t("inquiry.spam.title")),
    h("ul", {}, i.spamReasons.map((r) => h("li", {}, t(`inquiry.reason.${r}`), " ", h("code", { class: "muted" }, r)))),
    h("p", { class: "hint" }, held ? t("inquiry.spam.held") : t("inquiry.spam.wasHeld")));
}

function actionsCard(page) {
  const i = page.inquiry;
  const card = h("section", { class: "card inquiry-actions", "aria-labelledby": "inq-handle" }, h("h2", { id: "inq-handle" }, t("inquiry.handle")));
  // Status, with an optional note kept in the same history entry; not while it is spam.
  if (i.status === "SPAM") {
    const form = h("form", { novalidate: true, "aria-label": t("inquiry.notSpam") });
    const button = h("button", { type: "submit", class: "primary" }, t("inquiry.notSpam"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      change(page, form, button, `mutation StudioInquiryNotSpam($id: ID!) { markInquiryNotSpam(id: $id)`, {}, t("inquiry.markedNotSpam"));
    });
    form.append(h("div", { class: "actions" }, button));
    card.append(form);
  } else {
    const status = select(HANDLED.map((s) => [s, t(`inquiry.status.${s}`)]), { value: i.status });
    const note = textarea({ rows: 2, maxlength: 5000 });
    const button = h("button", { type: "submit", class: "primary" }, t("inquiry.changeStatus"));
    const form = h("form", { novalidate: true, "aria-label": t("inquiry.changeStatus") },
      field(t("inquiry.newStatus"), status, { name: "status" }),
      field(t("inquiry.statusNote"), note, { name: "note", hint: t("inquiry.statusNoteHint") }),
      h("div", { class: "actions" }, button));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      change(page, form, button, `mutation StudioInquiryStatus($id: ID!, $status: InquiryStatus!, $note: String) { setInquiryStatus(id: $id, status: $status, note: $note)`,
        { status: status.value, note: note.value.trim() || null }, (x) => t("inquiry.statusChanged", { status: t(`inquiry.status.${x.status}`) }));
    });
    card.append(form);
  }
  // Assignment to a member of the site.
  const who = select([["", t("inquiries.unassigned")], ...page.members.map((m) => [m.user.id, m.user.displayName])], { value: i.assignee?.id || "" });
  const assignButton = h("button", { type: "submit" }, t("inquiry.assign"));
  const assign = h("form", { novalidate: true, class: "row assign", "aria-label": t("inquiry.assign") },
    field(t("inquiry.assignee"), who, { name: "assigneeId" }), h("div", { class: "actions" }, assignButton));
  assign.addEventListener("submit", (e) => {
    e.preventDefault();
    change(page, assign, assignButton, `mutation StudioAssignInquiry($id: ID!, $assignee: ID) { assignInquiry(id: $id, assigneeId: $assignee)`,
      { assignee: who.value || null }, (x) => (x.assignee ? t("inquiry.assigned", { name: x.assignee.displayName }) : t("inquiry.unassignedNotice")));
  });
  card.append(assign);
  // The spam folder and erasure.
  const ending = h("form", { novalidate: true, class: "ending", "aria-label": t("inquiry.erase") });
  ending.addEventListener("submit", (e) => e.preventDefault());
  const buttons = [];
  if (i.status !== "SPAM") {
    const spam = h("button", { type: "button", class: "danger" }, t("inquiry.markSpam"));
    spam.addEventListener("click", async () => {
      if (!(await confirmDialog(t("inquiry.markSpamConfirm", { reference: i.reference, email: i.email }), { confirm: t("inquiry.markSpam") }))) return;
      change(page, ending, spam, `mutation StudioInquirySpam($id: ID!) { markInquirySpam(id: $id)`, {}, t("inquiry.markedSpam"));
    });
    buttons.push(spam);
  }
  const erase = h("button", { type: "button", class: "danger" }, t("inquiry.erase"));
  erase.addEventListener("click", async () => {
    if (!(await confirmDialog(t("inquiry.eraseConfirm", { reference: i.reference }), { confirm: t("inquiry.erase") }))) return;
    const done = await run(ending, erase, () => gql(`mutation StudioEraseInquiry($id: ID!) { deleteInquiry(id: $id) }`, { id: i.id }));
    if (!done) return;
    notice(t("inquiry.erased", { reference: i.reference }));
    page.ctx.navigate("/inquiries");
  });
  buttons.push(erase);
  ending.append(h("div", { class: "actions" }, buttons), h("p", { class: "hint" }, t("inquiry.eraseHint")));
  card.append(ending);
  return card;
}

function noteForm(page) {
  const note = textarea({ rows: 3, maxlength: 5000, required: true });
  const button = h("button", { type: "submit", class: "primary" }, t("inquiry.addNote"));
  const form = h("form", { novalidate: true, class: "card note-form", "aria-label": t("inquiry.addNote") },
    field(t("inquiry.note"), note, { name: "note", hint: t("inquiry.noteHint") }),
    h("div", { class: "actions" }, button));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    change(page, form, button, `mutation StudioInquiryNote($id: ID!, $note: String!) { addInquiryNote(id: $id, note: $note)`,
      { note: note.value }, t("inquiry.noteAdded"));
  });
  return form;
}

function timeline(i) {
  return h("ol", { class: "timeline" }, i.history.map((e) => {
    let what;
    if (e.kind === "STATUS" && e.fromStatus && e.toStatus) {
      what = [h("strong", {}, t("inquiry.event.STATUS")), statusBadge(e.fromStatus), h("span", { "aria-hidden": "true" }, "→"),
        h("span", { class: "sr-only" }, t("inquiry.event.to")), statusBadge(e.toStatus)];
    } else if (e.kind === "ASSIGNED") {
      what = [h("strong", {}, t("inquiry.event.ASSIGNED")), h("span", {}, e.assignee ? t("inquiry.event.assignedTo", { name: e.assignee.displayName }) : t("inquiry.event.unassigned"))];
    } else if (e.kind === "RECEIVED") {
      what = [h("strong", {}, t("inquiry.event.RECEIVED")), e.toStatus ? statusBadge(e.toStatus) : null];
    } else {
      what = h("strong", {}, t(`inquiry.event.${e.kind}`));
    }
    const who = e.actor ? e.actor.displayName : e.kind === "RECEIVED" ? t("inquiry.actor.buyer") : t("inquiry.actor.unknown");
    return h("li", {},
      h("div", { class: "event-head" }, what),
      h("div", { class: "muted" }, h("time", { datetime: e.at }, formatDate(e.at)), " · ", who),
      e.note ? h("p", { class: "event-note pre" }, e.note) : null);
  }));
}
