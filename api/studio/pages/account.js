// Your account: name, email and sites; changing the password (every other session ends, this
// one continues with the new session the API answers); for server admins, a one-time password
// reset link to hand to someone who forgot theirs.
import { gql, adopt, SESSION_FIELDS } from "../lib/api.js";
import { t, formatDate } from "../lib/i18n.js";
import { h, clear, field, input, run, notice, badge } from "../lib/ui.js";
import { facts, newPasswordFields, onceBox, roleLabel } from "./settings/shared.js";

export async function render(root, ctx) {
  ctx.setTitle(t("account.title"));
  const { viewer } = await gql(`query StudioAccount { viewer { id displayName email isAdmin createdAt } }`);
  if (!ctx.isCurrent()) return;
  if (!viewer) { ctx.navigate("/login?next=/studio/account", { replace: true }); return; }

  const profile = h("section", { class: "card", "aria-labelledby": "account-profile" },
    h("h2", { id: "account-profile" }, t("account.profile")),
    facts([
      [t("account.displayName"), viewer.displayName],
      [t("account.email"), h("span", { class: "mono" }, viewer.email || "")],
      [t("account.since"), formatDate(viewer.createdAt, false)],
      viewer.isAdmin ? [t("account.server"), badge(t("account.admin"), "ok")] : null,
    ]),
    h("h3", {}, t("account.sites")),
    ctx.memberships?.length
      ? h("ul", { class: "plain" }, ctx.memberships.map((m) => h("li", {}, `${m.site.name} `, h("span", { class: "muted mono" }, m.site.domain), " ", badge(roleLabel(m.role), m.role === "OWNER" ? "ok" : ""))))
      : h("p", { class: "muted" }, t("account.noSites")));

  clear(root, h("h1", {}, t("account.title")), h("div", { class: "account-grid" }, profile, passwordForm(viewer), viewer.isAdmin ? resetForm() : null));
}

function passwordForm(viewer) {
  const current = input({ type: "password", autocomplete: "current-password", required: true, maxlength: 1024 });
  const next = newPasswordFields("newPassword");
  // The username field lets password managers file the new password under the right account.
  const user = h("input", { type: "email", autocomplete: "username", value: viewer.email || "", hidden: true, readonly: true });
  const submit = h("button", { type: "submit", class: "primary" }, t("account.changePassword"));
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "account-password" },
    h("h2", { id: "account-password" }, t("account.passwordTitle")),
    h("p", { class: "hint" }, t("account.passwordIntro")),
    user,
    field(t("account.currentPassword"), current, { name: "currentPassword" }),
    next.fields,
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const payload = await run(form, submit, async () => {
      const fresh = next.check();
      const data = await gql(`mutation StudioChangePassword($current: String!, $fresh: String!) { changePassword(currentPassword: $current, newPassword: $fresh) { ${SESSION_FIELDS} } }`,
        { current: current.value, fresh });
      return data.changePassword;
    });
    if (!payload) return;
    adopt(payload);
    form.reset();
    notice(t("account.passwordChanged"));
  });
  return form;
}

function resetForm() {
  const email = input({ type: "email", required: true, maxlength: 254, autocomplete: "off" });
  const submit = h("button", { type: "submit" }, t("account.resetCreate"));
  const result = h("div", { class: "once-slot" });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "account-reset" },
    h("h2", { id: "account-reset" }, t("account.resetTitle")),
    h("p", { class: "hint" }, t("account.resetIntro")),
    field(t("account.email"), email, { name: "email" }),
    h("div", { class: "actions" }, submit),
    result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = await run(form, submit, () => gql(`mutation StudioPasswordReset($email: String!) { createPasswordReset(email: $email) { token expiresAt email } }`, { email: email.value.trim() }));
    if (!data) return;
    const r = data.createPasswordReset;
    const link = `${location.origin}/studio/reset/${encodeURIComponent(r.token)}`;
    clear(result, onceBox(t("account.resetLinkTitle", { email: r.email }), link, t("account.resetLinkNote", { date: formatDate(r.expiresAt) })));
    email.value = "";
  });
  return form;
}
