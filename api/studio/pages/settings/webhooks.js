// Settings › Webhooks (owners): the URLs the site's events are POSTed to. Create (its signing
// secret shown once), edit, pause or resume, delete, and each one's recent deliveries with a
// button to send one again.
import { gql } from "../../lib/api.js";
import { t, formatDate } from "../../lib/i18n.js";
import { h, clear, field, input, run, notice, badge, confirmDialog, table, showError, loading, uid } from "../../lib/ui.js";
import { canManage, onceBox, stacked } from "./shared.js";

// The events of CreateWebhookInput.events (schema.graphql).
const EVENTS = ["article.published", "article.updated", "article.unpublished", "article.deleted", "product.created", "product.updated", "product.published", "product.unpublished", "product.deleted", "deal.live", "deal.broken", "deal.restored", "inquiry.received"];
const HOOK_FIELDS = `id url events active createdAt`;
const STATUS_KIND = { delivered: "ok", pending: "warn", failed: "bad" };

export async function renderWebhooks(panel, ctx) {
  if (!canManage(ctx)) {
    clear(panel, h("h2", {}, t("settings.tab.webhooks")), h("p", { class: "notice-inline" }, t("settings.webhooks.ownersOnly")));
    return;
  }
  const listBox = h("div", { class: "hooks" });
  const result = h("div", { class: "once-slot" });

  async function loadHooks() {
    const { webhooks } = await gql(`query StudioWebhooks($site: ID!) { webhooks(siteId: $site) { ${HOOK_FIELDS} } }`, { site: ctx.site.id });
    if (!ctx.isCurrent()) return;
    clear(listBox, webhooks.length ? webhooks.map(hookCard) : h("p", { class: "muted" }, t("settings.webhooks.none")));
  }
  const refresh = () => loadHooks().catch((err) => showError(listBox, err));

  function hookCard(hook) {
    const body = h("div", {});
    const deliveries = h("div", { class: "deliveries" });
    const showing = { on: false };
    const toggle = h("button", { type: "button", class: "small", "aria-expanded": "false", onclick: () => {
      showing.on = !showing.on;
      toggle.setAttribute("aria-expanded", String(showing.on));
      toggle.textContent = t(showing.on ? "settings.webhooks.hideDeliveries" : "settings.webhooks.deliveries");
      if (showing.on) loadDeliveries(hook, deliveries); else clear(deliveries);
    } }, t("settings.webhooks.deliveries"));
    const view = () => clear(body,
      h("p", { class: "hook-url mono" }, hook.url),
      h("p", { class: "status-line" },
        hook.active ? badge(t("settings.webhooks.active"), "ok") : badge(t("settings.webhooks.paused"), "warn"),
        h("span", { class: "muted" }, t("settings.webhooks.createdAt", { date: formatDate(hook.createdAt) }))),
      h("p", { class: "chips" }, hook.events.map((ev) => h("code", { title: t(`settings.event.${ev}`) }, ev))),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "small", onclick: () => clear(body, hookForm(hook, view)) }, t("common.edit")),
        h("button", { type: "button", class: "small", onclick: (e) => setActive(hook, !hook.active, e.currentTarget) },
          t(hook.active ? "settings.webhooks.pause" : "settings.webhooks.resume")),
        toggle,
        h("button", { type: "button", class: "small danger", onclick: () => remove(hook) }, t("common.delete"))));
    view();
    return h("article", { class: "card hook", "aria-label": hook.url }, body, deliveries);
  }

  async function setActive(hook, active, button) {
    button.disabled = true;
    try {
      await gql(`mutation StudioHookActive($id: ID!, $input: UpdateWebhookInput!) { updateWebhook(id: $id, input: $input) { id active } }`, { id: hook.id, input: { active } });
      notice(t(active ? "settings.webhooks.resumed" : "settings.webhooks.pausedNotice"));
      refresh();
    } catch (err) {
      button.disabled = false;
      showError(listBox, err);
    }
  }

  async function remove(hook) {
    if (!(await confirmDialog(t("settings.webhooks.deleteConfirm", { url: hook.url }), { confirm: t("common.delete") }))) return;
    try {
      await gql(`mutation StudioDeleteHook($id: ID!) { deleteWebhook(id: $id) }`, { id: hook.id });
    } catch (err) {
      showError(listBox, err);
      return;
    }
    notice(t("settings.webhooks.deleted"));
    refresh();
  }

  // The form for a new webhook (hook = null) or for changing one.
  function hookForm(hook, onCancel) {
    const url = input({ type: "url", required: true, maxlength: 2048, value: hook?.url || "", placeholder: "https://example.com/hooks/wharf", spellcheck: "false" });
    const errId = uid("events");
    const boxes = EVENTS.map((ev, i) => {
      const id = i === 0 ? errId : uid("event");
      return h("label", { class: "choice", for: id },
        h("input", { type: "checkbox", id, name: "events", value: ev, checked: hook ? hook.events.includes(ev) : ev.startsWith("article."), "aria-describedby": `${errId}-err` }),
        h("span", {}, h("code", {}, ev), " ", h("span", { class: "muted" }, t(`settings.event.${ev}`))));
    });
    const events = h("fieldset", { class: "field checks" }, h("legend", {}, t("settings.webhooks.events")), boxes,
      h("p", { class: "field-error", id: `${errId}-err`, role: "alert", hidden: true }));
    const submit = h("button", { type: "submit", class: "primary" }, hook ? t("common.save") : t("settings.webhooks.create"));
    const form = h("form", { novalidate: true, class: hook ? "" : "card" },
      h("h3", {}, hook ? t("settings.webhooks.editTitle") : t("settings.webhooks.newTitle")),
      field(t("settings.webhooks.url"), url, { name: "url", hint: t("settings.webhooks.urlHint") }),
      events,
      h("div", { class: "actions" }, submit, hook ? h("button", { type: "button", onclick: onCancel }, t("common.cancel")) : null));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const chosen = boxes.map((b) => b.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
      const data = await run(form, submit, () => (hook
        ? gql(`mutation StudioUpdateHook($id: ID!, $input: UpdateWebhookInput!) { updateWebhook(id: $id, input: $input) { ${HOOK_FIELDS} } }`,
          { id: hook.id, input: { url: url.value.trim(), events: chosen } })
        : gql(`mutation StudioCreateHook($input: CreateWebhookInput!) { createWebhook(input: $input) { ${HOOK_FIELDS} secret } }`,
          { input: { siteId: ctx.site.id, url: url.value.trim(), events: chosen } })));
      if (!data) return;
      if (hook) {
        notice(t("common.saved"));
      } else {
        const secret = data.createWebhook.secret;
        if (secret) clear(result, onceBox(t("settings.webhooks.secretTitle"), secret, t("settings.webhooks.secretNote")));
        url.value = "";
      }
      refresh();
    });
    return form;
  }

  await loadHooks();
  if (!ctx.isCurrent()) return;
  clear(panel, h("h2", {}, t("settings.tab.webhooks")),
    h("p", { class: "hint" }, t("settings.webhooks.intro")),
    result, listBox, hookForm(null));
}

async function loadDeliveries(hook, box) {
  loading(box);
  let list;
  try {
    list = (await gql(`query StudioDeliveries($id: ID!) { webhookDeliveries(webhookId: $id, first: 20) { id event payload status attempts responseStatus lastError deliveredAt createdAt } }`, { id: hook.id })).webhookDeliveries;
  } catch (err) {
    clear(box);
    showError(box, err);
    return;
  }
  if (!list.length) { clear(box, h("p", { class: "muted" }, t("settings.webhooks.noDeliveries"))); return; }
  const redeliver = async (d, button) => {
    button.disabled = true;
    try {
      await gql(`mutation StudioRedeliver($id: ID!) { redeliverWebhook(deliveryId: $id) { id status } }`, { id: d.id });
      notice(t("settings.webhooks.redelivered"));
      await loadDeliveries(hook, box);
    } catch (err) {
      button.disabled = false;
      showError(box, err);
    }
  };
  clear(box, stacked(table(
    [t("settings.webhooks.event"), t("common.status"), t("settings.webhooks.attempts"), t("settings.webhooks.response"), t("settings.webhooks.happened"), t("settings.webhooks.deliveredAt"), t("common.actions")],
    list.map((d) => [
      [h("code", {}, d.event), h("details", { class: "payload" }, h("summary", {}, t("settings.webhooks.payload")), h("pre", {}, JSON.stringify(d.payload, null, 2)))],
      badge(STATUS_KIND[d.status] ? t(`settings.delivery.${d.status}`) : d.status, STATUS_KIND[d.status] || ""),
      String(d.attempts),
      [d.responseStatus ? h("span", { class: "mono" }, `HTTP ${d.responseStatus}`) : null, d.lastError ? h("p", { class: "hint wrap" }, d.lastError) : null],
      formatDate(d.createdAt),
      d.deliveredAt ? formatDate(d.deliveredAt) : h("span", { class: "muted" }, "—"),
      h("button", { type: "button", class: "small", onclick: (e) => redeliver(d, e.currentTarget) }, t("settings.webhooks.redeliver")),
    ]),
    { caption: t("settings.webhooks.deliveriesOf", { count: list.length }) })));
}
