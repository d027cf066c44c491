// Settings › Members: who works on the site with which role; owners change roles, remove
// members, invite people by a one-time link (shown once) and revoke pending invitations.
import { gql, currentUser } from "../../lib/api.js";
import { t, formatDate } from "../../lib/i18n.js";
import { h, clear, field, input, select, run, notice, badge, confirmDialog, table, showError, loading } from "../../lib/ui.js";
import { canManage, roleLabel, roleOptions, onceBox, stacked } from "./shared.js";

export async function renderMembers(panel, ctx) {
  const manage = canManage(ctx);
  const me = currentUser();
  const listBox = h("div", {});
  const editArea = h("div", { class: "member-edit" });

  // The list alone reloads after a change, so a link shown once below it stays on screen.
  async function loadMembers() {
    const data0 = await gql(`query StudioSiteMembers($id: ID!) { site(id: $id) { id members { role email user { id displayName email } } } }`, { id: ctx.site.id });
    // Owners see members' emails on the membership (SiteMember.email), not on the user.
    const data = { site: data0.site && { ...data0.site, members: data0.site.members.map((m) => ({ ...m, user: { ...m.user, email: m.user.email || m.email } })) } };
    if (!ctx.isCurrent()) return;
    const members = data.site?.members || [];
    const owners = members.filter((m) => m.role === "OWNER").length;
    const rows = members.map((m) => {
      const self = m.user.id === me?.id;
      const lastOwner = m.role === "OWNER" && owners < 2;
      const who = [m.user.displayName, self ? h("span", { class: "muted" }, ` ${t("settings.members.you")}`) : null];
      const email = m.user.email ? h("span", { class: "mono" }, m.user.email) : h("span", { class: "muted" }, t("settings.members.emailHidden"));
      const actions = manage ? h("div", { class: "actions tight" },
        h("button", { type: "button", class: "small", onclick: () => openRoleForm(m) }, t("settings.members.changeRole")),
        h("button", { type: "button", class: "small danger", onclick: () => remove(m, self), disabled: lastOwner,
          title: lastOwner ? t("settings.members.lastOwner") : null }, t("settings.members.remove"))) : null;
      return [who, email, badge(roleLabel(m.role), m.role === "OWNER" ? "ok" : ""), ...(manage ? [actions] : [])];
    });
    const headers = [t("common.name"), t("settings.members.email"), t("settings.members.role")];
    if (manage) headers.push(t("common.actions"));
    clear(listBox, stacked(table(headers, rows, { caption: t("settings.members.count", { count: members.length }) })));
  }
  const refresh = () => loadMembers().catch((err) => showError(listBox, err));

  // setSiteMember names the member by email, which Wharf shows only to the member and to
  // admins: an owner types it when it is hidden.
  function openRoleForm(m) {
    const email = input({ type: "email", value: m.user.email || "", readonly: !!m.user.email, required: true, autocomplete: "off" });
    const role = select(roleOptions(), { value: m.role });
    const submit = h("button", { type: "submit", class: "primary" }, t("common.save"));
    const form = h("form", { class: "card", novalidate: true },
      h("h3", {}, t("settings.members.changeRoleOf", { name: m.user.displayName })),
      field(t("settings.members.email"), email, { name: "email", hint: m.user.email ? null : t("settings.members.typeEmail") }),
      field(t("settings.members.role"), role, { name: "role" }),
      h("div", { class: "actions" }, submit, h("button", { type: "button", onclick: () => clear(editArea) }, t("common.cancel"))));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const done = await run(form, submit, () => gql(
        `mutation StudioSetMember($site: ID!, $email: String!, $role: SiteRole!) { setSiteMember(siteId: $site, email: $email, role: $role) { role } }`,
        { site: ctx.site.id, email: email.value.trim(), role: role.value }));
      if (!done) return;
      notice(t("settings.members.roleChanged", { name: m.user.displayName, role: roleLabel(role.value) }));
      clear(editArea);
      // One's own role decides what the Studio offers: load the frame again.
      if (m.user.id === me?.id) { await ctx.refreshSites(); ctx.navigate("/settings?tab=members", { replace: true }); } else refresh();
    });
    clear(editArea, form);
    (m.user.email ? role : email).focus();
  }

  async function remove(m, self) {
    const message = self ? t("settings.members.leaveConfirm", { site: ctx.site.name }) : t("settings.members.removeConfirm", { name: m.user.displayName, site: ctx.site.name });
    if (!(await confirmDialog(message, { confirm: t("settings.members.remove") }))) return;
    try {
      await gql(`mutation StudioRemoveMember($site: ID!, $user: ID!) { removeSiteMember(siteId: $site, userId: $user) }`, { site: ctx.site.id, user: m.user.id });
    } catch (err) {
      showError(listBox, err);
      return;
    }
    notice(t("settings.members.removed", { name: m.user.displayName }));
    if (self) { await ctx.refreshSites(); ctx.navigate("/articles", { replace: true }); } else refresh();
  }

  await loadMembers();
  if (!ctx.isCurrent()) return;
  clear(panel, h("h2", {}, t("settings.tab.members")),
    manage ? null : h("p", { class: "notice-inline" }, t("settings.members.readOnly")),
    listBox, editArea,
    manage ? invitations(ctx) : null,
    manage ? addExisting(ctx, refresh) : null);
}

// Invitations: a form to invite, the link of the new one shown once, and the pending list.
function invitations(ctx) {
  const email = input({ type: "email", required: true, maxlength: 254, autocomplete: "off" });
  const role = select(roleOptions(), { value: "EDITOR" });
  const submit = h("button", { type: "submit", class: "primary" }, t("settings.invite.send"));
  const result = h("div", { class: "once-slot" });
  const pending = h("div", {});
  const form = h("form", { class: "card", novalidate: true },
    h("h3", {}, t("settings.invite.title")),
    h("p", { class: "hint" }, t("settings.invite.intro")),
    h("div", { class: "row" }, field(t("settings.members.email"), email, { name: "email" }), field(t("settings.members.role"), role, { name: "role" })),
    h("div", { class: "actions" }, submit),
    result);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = await run(form, submit, () => gql(
      `mutation StudioInvite($site: ID!, $email: String!, $role: SiteRole!) { inviteSiteMember(siteId: $site, email: $email, role: $role) { id email role expiresAt token } }`,
      { site: ctx.site.id, email: email.value.trim(), role: role.value }));
    if (!data) return;
    const inv = data.inviteSiteMember;
    const link = `${location.origin}/studio/invite/${encodeURIComponent(inv.token)}`;
    clear(result, onceBox(t("settings.invite.linkTitle", { email: inv.email }), link,
      t("settings.invite.linkNote", { role: roleLabel(inv.role), date: formatDate(inv.expiresAt) })));
    email.value = "";
    loadPending();
  });

  async function loadPending() {
    loading(pending);
    let list;
    try {
      list = (await gql(`query StudioInvitations($site: ID!) { siteInvitations(siteId: $site) { id email role createdAt expiresAt } }`, { site: ctx.site.id })).siteInvitations;
    } catch (err) {
      clear(pending);
      showError(pending, err);
      pending.append(h("button", { type: "button", class: "small", onclick: loadPending }, t("common.retry")));
      return;
    }
    if (!list.length) { clear(pending, h("p", { class: "muted" }, t("settings.invite.none"))); return; }
    clear(pending, stacked(table(
      [t("settings.members.email"), t("settings.members.role"), t("settings.invite.sent"), t("settings.invite.expires"), t("common.actions")],
      list.map((inv) => [h("span", { class: "mono" }, inv.email), roleLabel(inv.role), formatDate(inv.createdAt), formatDate(inv.expiresAt),
        h("button", { type: "button", class: "small danger", onclick: () => revoke(inv) }, t("settings.invite.revoke"))]))));
  }

  async function revoke(inv) {
    if (!(await confirmDialog(t("settings.invite.revokeConfirm", { email: inv.email }), { confirm: t("settings.invite.revoke") }))) return;
    try {
      await gql(`mutation StudioRevokeInvitation($id: ID!) { revokeSiteInvitation(id: $id) }`, { id: inv.id });
    } catch (err) {
      showError(pending, err);
      return;
    }
    notice(t("settings.invite.revoked", { email: inv.email }));
    loadPending();
  }

  loadPending();
  return h("div", { class: "invitations" }, form, h("h3", {}, t("settings.invite.pending")), h("div", { class: "pending" }, pending));
}

// Adding someone who already has an account, at once (setSiteMember).
function addExisting(ctx, reload) {
  const email = input({ type: "email", required: true, maxlength: 254, autocomplete: "off" });
  const role = select(roleOptions(), { value: "EDITOR" });
  const submit = h("button", { type: "submit" }, t("settings.members.add"));
  const form = h("form", { novalidate: true },
    h("p", { class: "hint" }, t("settings.members.addIntro")),
    h("div", { class: "row" }, field(t("settings.members.email"), email, { name: "email" }), field(t("settings.members.role"), role, { name: "role" })),
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const done = await run(form, submit, () => gql(
      `mutation StudioAddMember($site: ID!, $email: String!, $role: SiteRole!) { setSiteMember(siteId: $site, email: $email, role: $role) { role user { displayName } } }`,
      { site: ctx.site.id, email: email.value.trim(), role: role.value }));
    if (!done) return;
    notice(t("settings.members.added", { name: done.setSiteMember.user.displayName }));
    reload();
  });
  return h("details", { class: "card" }, h("summary", {}, t("settings.members.addTitle")), form);
}
