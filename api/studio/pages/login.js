// Sign in with email and password; then back to the page that sent the user here.
import { login } from "../lib/api.js";
import { t, LOCALES, locale, setLocale } from "../lib/i18n.js";
import { h, clear, field, input, run, select } from "../lib/ui.js";

export async function render(root, ctx) {
  ctx.setTitle(t("login.title"));
  const email = input({ type: "email", autocomplete: "username", required: true, maxlength: 254 });
  const password = input({ type: "password", autocomplete: "current-password", required: true, maxlength: 1024 });
  const submit = h("button", { class: "primary", type: "submit" }, t("login.submit"));
  const form = h("form", { class: "card narrow", novalidate: true },
    h("h1", {}, t("login.title")),
    field(t("login.email"), email, { name: "email" }),
    field(t("login.password"), password, { name: "password" }),
    h("div", { class: "actions" }, submit),
    h("p", { class: "hint" }, t("login.forgot")),
    h("p", {}, h("a", { href: "/studio/explorer" }, t("login.explorer"))));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const user = await run(form, submit, () => login(email.value.trim(), password.value));
    if (user) {
      const next = ctx.query.get("next");
      ctx.navigate(next && next.startsWith("/studio/") && !next.startsWith("/studio/login") ? next : "/articles", { replace: true });
    }
  });
  const lang = select(LOCALES.map((l) => [l, t(`lang.${l}`)]), { value: locale(), "aria-label": t("nav.language"),
    onchange: (e) => { setLocale(e.target.value); render(root, ctx); } });
  clear(root, h("div", { class: "login-wrap" }, h("div", { class: "lang-corner" }, lang), form));
  email.focus();
}
