// Creating a site: the first step of a user who belongs to none (or anyone adding one).
import { gql } from "../lib/api.js";
import { t } from "../lib/i18n.js";
import { h, clear, field, input, run, notice } from "../lib/ui.js";

export async function render(root, ctx) {
  ctx.setTitle(t("site.newTitle"));
  const name = input({ required: true, maxlength: 200 });
  const domain = input({ required: true, maxlength: 253, placeholder: "example.com", inputmode: "url" });
  const defaultLocale = input({ value: "en", maxlength: 35 });
  const locales = input({ value: "en, zh-CN", maxlength: 400 });
  const submit = h("button", { class: "primary", type: "submit" }, t("common.create"));
  const form = h("form", { class: "card narrow", novalidate: true },
    h("h1", {}, t("site.newTitle")),
    ctx.memberships?.length ? null : h("p", {}, t("site.newIntro")),
    field(t("site.name"), name, { name: "name" }),
    field(t("site.domain"), domain, { name: "domain", hint: t("site.domainHint") }),
    field(t("site.defaultLocale"), defaultLocale, { name: "defaultLocale" }),
    field(t("site.locales"), locales, { name: "locales", hint: t("site.localesHint") }),
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = await run(form, submit, () => gql(
      `mutation StudioCreateSite($input: CreateSiteInput!) { createSite(input: $input) { id } }`,
      { input: {
        name: name.value.trim(),
        domain: domain.value.trim(),
        defaultLocale: defaultLocale.value.trim() || null,
        locales: locales.value.split(",").map((s) => s.trim()).filter(Boolean),
      } }));
    if (data) {
      ctx.chooseSite(data.createSite.id);
      await ctx.refreshSites();
      notice(t("site.created"));
      ctx.navigate("/articles");
    }
  });
  clear(root, form);
  name.focus();
}
