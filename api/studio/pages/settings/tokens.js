// Settings › API tokens: the signed-in user's tokens (they act as the user, optionally on one
// site only); a new token's plaintext is shown once, revoking asks first.
import { gql } from "../../lib/api.js";
import { t, formatDate } from "../../lib/i18n.js";
import { h, clear, field, input, run, notice, badge, confirmDialog, table, showError, uid } from "../../lib/ui.js";
import { onceBox, stacked } from "./shared.js";

// The scopes of CreateApiTokenInput.scopes (schema.graphql).
const SCOPES = ["content:read", "content:write", "deals:read", "deals:write", "inquiries:read", "inquiries:write"];
const TOKEN_FIELDS = `id name prefix scopes siteId expiresAt lastUsedAt createdAt`;

export async function renderTokens(panel, ctx) {
  const listBox = h("div", {});
  const result = h("div", { class: "once-slot" });

  const siteName = (id) => {
    if (!id) return h("span", { class: "muted" }, t("settings.tokens.allSites"));
    const m = ctx.memberships?.find((x) => x.site.id === id);
    return m ? `${m.site.name} (${m.site.domain})` : h("span", { class: "mono" }, id);
  };

  async function loadTokens() {
    const { apiTokens } = await gql(`query StudioApiTokens { apiTokens { ${TOKEN_FIELDS} } }`);
    if (!ctx.isCurrent()) return;
    if (!apiTokens.length) { clear(listBox, h("p", { class: "muted" }, t("settings.tokens.none"))); return; }
    const expired = (tk) => tk.expiresAt && Date.parse(tk.expiresAt) < Date.now();
    clear(listBox, stacked(table(
      [t("common.name"), t("settings.tokens.prefix"), t("settings.tokens.scopes"), t("settings.tokens.site"), t("common.created"), t("settings.tokens.expires"), t("settings.tokens.lastUsed"), t("common.actions")],
      apiTokens.map((tk) => [
        tk.name,
        h("span", { class: "mono nowrap" }, `${tk.prefix}…`),
        h("span", { class: "chips" }, tk.scopes.map((s) => h("code", {}, s))),
        siteName(tk.siteId),
        formatDate(tk.createdAt),
        tk.expiresAt ? [formatDate(tk.expiresAt), expired(tk) ? [" ", badge(t("settings.tokens.expired"), "bad")] : null] : h("span", { class: "muted" }, t("settings.tokens.never")),
        tk.lastUsedAt ? formatDate(tk.lastUsedAt) : h("span", { class: "muted" }, t("settings.tokens.unused")),
        h("button", { type: "button", class: "small danger", onclick: () => revoke(tk) }, t("settings.tokens.revoke")),
      ]),
      { caption: t("settings.tokens.listTitle") })));
  }
  const refresh = () => loadTokens().catch((err) => showError(listBox, err));

  async function revoke(tk) {
    if (!(await confirmDialog(t("settings.tokens.revokeConfirm", { name: tk.name }), { confirm: t("settings.tokens.revoke") }))) return;
    try {
      await gql(`mutation StudioRevokeToken($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: tk.id });
    } catch (err) {
      showError(listBox, err);
      return;
    }
    notice(t("settings.tokens.revoked", { name: tk.name }));
    refresh();
  }

  // The create form.
  const name = input({ required: true, maxlength: 100, autocomplete: "off" });
  const errId = uid("scopes");
  const boxes = SCOPES.map((s, i) => {
    const id = i === 0 ? errId : uid("scope");
    return h("label", { class: "choice", for: id },
      h("input", { type: "checkbox", id, name: "scopes", value: s, checked: s === "content:read", "aria-describedby": `${errId}-err` }),
      h("span", {}, h("code", {}, s), " ", h("span", { class: "muted" }, t(`settings.scope.${s}`))));
  });
  const scopes = h("fieldset", { class: "field checks" }, h("legend", {}, t("settings.tokens.scopes")), boxes,
    h("p", { class: "field-error", id: `${errId}-err`, role: "alert", hidden: true }));
  const onlySite = h("input", { type: "checkbox", id: uid("only"), name: "siteId", checked: true });
  const days = input({ type: "number", min: 1, max: 3650, step: 1, inputmode: "numeric", class: "short" });
  const submit = h("button", { type: "submit", class: "primary" }, t("settings.tokens.create"));
  const form = h("form", { class: "card", novalidate: true },
    h("h3", {}, t("settings.tokens.newTitle")),
    field(t("settings.tokens.name"), name, { name: "name", hint: t("settings.tokens.nameHint") }),
    scopes,
    h("div", { class: "field" },
      h("label", { class: "choice", for: onlySite.id }, onlySite, h("span", {}, t("settings.tokens.onlySite", { name: ctx.site.name, domain: ctx.site.domain }))),
      h("p", { class: "field-error", id: `${onlySite.id}-err`, role: "alert", hidden: true })),
    field(t("settings.tokens.expiresIn"), days, { name: "expiresInDays", hint: t("settings.tokens.expiresHint") }),
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = boxes.map((b) => b.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
    const n = days.value.trim();
    const data = await run(form, submit, () => gql(
      `mutation StudioCreateToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { ${TOKEN_FIELDS} } } }`,
      { input: { name: name.value.trim(), scopes: chosen, siteId: onlySite.checked ? ctx.site.id : null, expiresInDays: n ? Number(n) : null } }));
    if (!data) return;
    clear(result, onceBox(t("settings.tokens.plainTitle", { name: data.createApiToken.apiToken.name }), data.createApiToken.token, t("settings.tokens.plainNote")));
    name.value = "";
    refresh();
  });

  await loadTokens();
  if (!ctx.isCurrent()) return;
  clear(panel, h("h2", {}, t("settings.tab.tokens")),
    h("p", { class: "hint" }, t("settings.tokens.intro")),
    result, listBox, form);
}
