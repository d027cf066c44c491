// Settings › Site profile: name, domain, languages and the market profile (owners edit, the
// others read), and deleting the site after typing its domain.
import { gql } from "../../lib/api.js";
import { t, formatDate } from "../../lib/i18n.js";
import { h, clear, field, input, textarea, run, notice, badge, confirmDialog, showError } from "../../lib/ui.js";
import { canManage, splitList, facts } from "./shared.js";

const SITE_FIELDS = `id name domain defaultLocale locales description country categories languages verified verifiedAt createdAt updatedAt`;

export async function renderSite(panel, ctx) {
  const data = await gql(`query StudioSiteSettings($id: ID!) { site(id: $id) { ${SITE_FIELDS} } }`, { id: ctx.site.id });
  if (!ctx.isCurrent()) return;
  const site = data.site;
  if (!site) throw new Error(t("settings.site.gone"));
  const status = h("p", { class: "status-line" },
    site.verified ? badge(t("settings.site.verified"), "ok") : badge(t("settings.site.unverified"), "warn"),
    site.verified && site.verifiedAt ? h("span", { class: "muted" }, t("settings.site.verifiedAt", { date: formatDate(site.verifiedAt) })) : null,
    h("span", { class: "muted" }, t("settings.site.updatedAt", { date: formatDate(site.updatedAt) })));
  if (!canManage(ctx)) {
    clear(panel, h("h2", {}, t("settings.tab.site")), status,
      h("p", { class: "notice-inline" }, t("settings.site.readOnly")),
      h("div", { class: "card" }, profileFacts(site)));
    return;
  }
  clear(panel, h("h2", {}, t("settings.tab.site")), status, profileForm(site, ctx), deleteCard(site, ctx));
}

function profileFacts(site) {
  const list = (xs) => (xs?.length ? xs.join(", ") : "");
  return [
    h("h3", {}, t("settings.site.basics")),
    facts([
      [t("site.name"), site.name],
      [t("site.domain"), h("span", { class: "mono" }, site.domain)],
      [t("site.defaultLocale"), site.defaultLocale],
      [t("site.locales"), list(site.locales)],
    ]),
    h("h3", {}, t("settings.site.market")),
    facts([
      [t("settings.site.description"), site.description || ""],
      [t("settings.site.country"), site.country || ""],
      [t("settings.site.categories"), list(site.categories)],
      [t("settings.site.languages"), list(site.languages)],
    ]),
  ];
}

function profileForm(site, ctx) {
  const name = input({ required: true, maxlength: 200, value: site.name });
  const domain = input({ required: true, maxlength: 253, value: site.domain, inputmode: "url", spellcheck: "false" });
  const defaultLocale = input({ maxlength: 35, value: site.defaultLocale, spellcheck: "false" });
  const locales = input({ maxlength: 400, value: site.locales.join(", "), spellcheck: "false" });
  const description = textarea({ maxlength: 2000, rows: 4 });
  description.value = site.description || "";
  const country = input({ maxlength: 2, value: site.country || "", class: "short", autocomplete: "off", spellcheck: "false" });
  const categories = input({ maxlength: 1000, value: site.categories.join(", ") });
  const languages = input({ maxlength: 400, value: site.languages.join(", "), spellcheck: "false" });
  const submit = h("button", { class: "primary", type: "submit" }, t("common.save"));
  const form = h("form", { class: "card", novalidate: true },
    h("h3", {}, t("settings.site.basics")),
    h("div", { class: "row" },
      field(t("site.name"), name, { name: "name" }),
      field(t("site.domain"), domain, { name: "domain", hint: t("settings.site.domainHint") })),
    h("div", { class: "row" },
      field(t("site.defaultLocale"), defaultLocale, { name: "defaultLocale", hint: t("settings.site.defaultLocaleHint") }),
      field(t("site.locales"), locales, { name: "locales", hint: t("site.localesHint") })),
    h("h3", {}, t("settings.site.market")),
    h("p", { class: "hint" }, t("settings.site.marketIntro")),
    field(t("settings.site.description"), description, { name: "description", hint: t("settings.site.descriptionHint") }),
    h("div", { class: "row" },
      field(t("settings.site.country"), country, { name: "country", hint: t("settings.site.countryHint") }),
      field(t("settings.site.categories"), categories, { name: "categories", hint: t("settings.site.categoriesHint") }),
      field(t("settings.site.languages"), languages, { name: "languages", hint: t("settings.site.languagesHint") })),
    h("div", { class: "actions" }, submit));

  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  ctx.guardLeave((unloading) => !dirty || (!unloading && window.confirm(t("settings.unsaved"))));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = await run(form, submit, () => gql(
      `mutation StudioUpdateSite($id: ID!, $input: UpdateSiteInput!) { updateSite(id: $id, input: $input) { ${SITE_FIELDS} } }`,
      { id: site.id, input: {
        name: name.value.trim(),
        domain: domain.value.trim(),
        defaultLocale: defaultLocale.value.trim(),
        locales: splitList(locales.value),
        description: description.value.trim(),
        country: country.value.trim(),
        categories: splitList(categories.value),
        languages: splitList(languages.value),
      } }));
    if (!data) return;
    dirty = false;
    notice(t("common.saved"));
    // The name and domain show in the site switcher: load the frame again with them.
    await ctx.refreshSites();
    ctx.navigate("/settings?tab=site", { replace: true });
  });
  return form;
}

function deleteCard(site, ctx) {
  const typed = input({ autocomplete: "off", spellcheck: "false", inputmode: "url" });
  const button = h("button", { type: "submit", class: "danger", disabled: true }, t("settings.site.delete"));
  typed.addEventListener("input", () => { button.disabled = typed.value.trim().toLowerCase() !== site.domain; });
  const form = h("form", { class: "card danger-zone", novalidate: true },
    h("h3", {}, t("settings.site.dangerTitle")),
    h("p", {}, t("settings.site.deleteIntro")),
    field(t("settings.site.typeDomain", { domain: site.domain }), typed, { name: "confirmDomain" }),
    h("div", { class: "actions" }, button));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (typed.value.trim().toLowerCase() !== site.domain) return;
    if (!(await confirmDialog(t("settings.site.deleteConfirm", { name: site.name, domain: site.domain }), { confirm: t("settings.site.delete") }))) return;
    const done = await run(form, button, () => gql(`mutation StudioDeleteSite($id: ID!) { deleteSite(id: $id) }`, { id: site.id }));
    if (done === undefined) return;
    notice(t("settings.site.deleted", { name: site.name }));
    ctx.guardLeave(null);
    try {
      await ctx.refreshSites();
    } catch (err) {
      showError(form, err);
      return;
    }
    ctx.navigate("/articles", { replace: true });
  });
  return form;
}
