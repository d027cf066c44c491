// An invitation link (/studio/invite/<token>), public: what it invites to, then either a new
// account (name and password) or, for an existing account, joining once signed in as it.
import { gql, adopt, logout, signedIn, SESSION_FIELDS } from "../lib/api.js";
import { t, formatDate } from "../lib/i18n.js";
import { h, clear, field, input, run, badge } from "../lib/ui.js";
import { newPasswordFields, roleLabel, facts } from "./settings/shared.js";
import { publicFrame, publicError, joined } from "./settings/public.js";

export async function render(root, ctx) {
  ctx.setTitle(t("invite.title"));
  const token = ctx.params.token;
  const again = () => render(root, ctx);
  let data;
  try {
    data = await gql(`query StudioInvitation($token: String!) { invitation(token: $token) { siteName siteDomain email role expiresAt accountExists } }`,
      { token }, { anonymous: true });
  } catch (error) {
    if (ctx.isCurrent()) publicError(root, error, again);
    return;
  }
  if (!ctx.isCurrent()) return;
  const inv = data.invitation;
  if (!inv) {
    publicFrame(root, again, h("div", { class: "card narrow" },
      h("h1", {}, t("invite.invalidTitle")),
      h("p", {}, t("invite.invalid")),
      h("p", {}, h("a", { href: "/studio/login" }, t("invite.toLogin")))));
    return;
  }

  const summary = [
    h("p", {}, t("invite.intro", { site: inv.siteName })),
    facts([
      [t("invite.site"), [inv.siteName, " ", h("span", { class: "muted mono" }, inv.siteDomain)]],
      [t("invite.email"), h("span", { class: "mono" }, inv.email)],
      [t("invite.role"), badge(roleLabel(inv.role), inv.role === "OWNER" ? "ok" : "")],
      [t("invite.expires"), formatDate(inv.expiresAt)],
    ]),
  ];
  const card = h("div", { class: "card narrow" }, h("h1", {}, t("invite.title")), summary);
  const done = async (payload) => {
    adopt(payload);
    await joined(ctx, inv.siteDomain);
  };

  if (!inv.accountExists) {
    const name = input({ required: true, maxlength: 100, autocomplete: "name" });
    const pw = newPasswordFields("password");
    const user = h("input", { type: "email", autocomplete: "username", value: inv.email, hidden: true, readonly: true });
    const submit = h("button", { type: "submit", class: "primary" }, t("invite.create"));
    const form = h("form", { novalidate: true },
      h("h2", {}, t("invite.newAccount")),
      user,
      field(t("invite.displayName"), name, { name: "displayName", hint: t("invite.displayNameHint") }),
      pw.fields,
      h("div", { class: "actions" }, submit));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const payload = await run(form, submit, async () => {
        const password = pw.check();
        const res = await gql(`mutation StudioAcceptNew($token: String!, $password: String, $name: String) { acceptInvitation(token: $token, password: $password, displayName: $name) { ${SESSION_FIELDS} } }`,
          { token, password, name: name.value.trim() }, { anonymous: true });
        return res.acceptInvitation;
      });
      if (payload) await done(payload);
    });
    card.append(form);
    publicFrame(root, again, card);
    name.focus();
    return;
  }

  // Who is signed in, asked of the API: the email is shown only to the account itself, so the
  // user kept from sign-in (an anonymous call) may not carry it.
  const me = signedIn() ? (await gql(`query StudioInviteViewer { viewer { email displayName } }`).catch(() => null))?.viewer : null;
  if (!ctx.isCurrent()) return;
  const here = `/studio/invite/${encodeURIComponent(token)}`;
  const loginLink = `/studio/login?next=${encodeURIComponent(here)}`;
  if (!me) {
    card.append(h("p", {}, t("invite.signInFirst", { email: inv.email })),
      h("p", {}, h("a", { class: "button primary", href: loginLink }, t("invite.signIn"))));
  } else if (me.email?.toLowerCase() !== inv.email.toLowerCase()) {
    card.append(h("p", { class: "notice-inline" }, t("invite.otherAccount", { me: me.email, email: inv.email })),
      h("div", { class: "actions" }, h("button", { type: "button", class: "primary", onclick: async () => { await logout(); ctx.navigate(loginLink); } }, t("invite.switchAccount"))));
  } else {
    const join = h("button", { type: "button", class: "primary" }, t("invite.join", { site: inv.siteName }));
    const box = h("div", {}, h("p", {}, t("invite.signedInAs", { email: me.email })), h("div", { class: "actions" }, join));
    join.addEventListener("click", async () => {
      const payload = await run(box, join, async () => (await gql(`mutation StudioAcceptExisting($token: String!) { acceptInvitation(token: $token) { ${SESSION_FIELDS} } }`, { token })).acceptInvitation);
      if (payload) await done(payload);
    });
    card.append(box);
  }
  publicFrame(root, again, card);
}
