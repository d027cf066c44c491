// A password reset link (/studio/reset/<token>), public: choose a new password; the API signs
// the account in (its other sessions end) and the Studio opens.
import { gql, adopt, SESSION_FIELDS } from "../lib/api.js";
import { t } from "../lib/i18n.js";
import { h, run } from "../lib/ui.js";
import { newPasswordFields } from "./settings/shared.js";
import { publicFrame } from "./settings/public.js";

export async function render(root, ctx) {
  ctx.setTitle(t("reset.title"));
  const token = ctx.params.token;
  const pw = newPasswordFields("newPassword");
  // Errors about the link itself (`extensions.field` = token) show at the top of the form.
  const submit = h("button", { type: "submit", class: "primary" }, t("reset.submit"));
  const form = h("form", { class: "card narrow", novalidate: true },
    h("h1", {}, t("reset.title")),
    h("p", {}, t("reset.intro")),
    pw.fields,
    h("div", { class: "actions" }, submit),
    h("p", { class: "hint" }, t("reset.expiredHint")),
    h("p", {}, h("a", { href: "/studio/login" }, t("invite.toLogin"))));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const payload = await run(form, submit, async () => {
      const password = pw.check();
      const res = await gql(`mutation StudioResetPassword($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) { ${SESSION_FIELDS} } }`,
        { token, password }, { anonymous: true });
      return res.resetPassword;
    });
    if (!payload) return;
    adopt(payload);
    await ctx.refreshSites().catch(() => {});
    ctx.navigate("/articles", { replace: true });
  });
  publicFrame(root, () => render(root, ctx), form);
  pw.pw.focus();
}
