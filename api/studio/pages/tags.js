// The site's tags: create, rename (name and slug), delete with confirmation.
import { gql } from "../lib/api.js";
import { t } from "../lib/i18n.js";
import { h, clear, field, input, run, table, confirmDialog, notice } from "../lib/ui.js";

export async function render(root, ctx) {
  const site = ctx.site;
  ctx.setTitle(t("tags.title"));
  const data = await gql(`query StudioTags($site: String!) { tags(site: $site, first: 100) { nodes { id name slug } } }`, { site: site.id });
  if (!ctx.isCurrent()) return;
  const rerender = () => render(root, ctx);

  const name = input({ maxlength: 100, required: true });
  const slug = input({ maxlength: 100, placeholder: t("editor.slugAuto") });
  const add = h("button", { type: "submit", class: "primary" }, t("tags.add"));
  const form = h("form", { class: "card toolbar", novalidate: true },
    field(t("tags.name"), name, { name: "name" }),
    field(t("tags.slug"), slug, { name: "slug" }),
    add);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const ok = await run(form, add, () => gql(`mutation StudioCreateTag($input: CreateTagInput!) { createTag(input: $input) { id } }`,
      { input: { siteId: site.id, name: name.value.trim(), slug: slug.value.trim() || null } }));
    if (ok) { notice(t("tags.added")); rerender(); }
  });

  const rows = data.tags.nodes.map((tag) => {
    const cell = h("div", {});
    const edit = () => {
      const n = input({ value: tag.name, maxlength: 100 });
      const s = input({ value: tag.slug, maxlength: 100 });
      const save = h("button", { type: "submit", class: "primary small" }, t("common.save"));
      const f = h("form", { class: "toolbar", novalidate: true },
        field(t("tags.name"), n, { name: "name" }), field(t("tags.slug"), s, { name: "slug" }), save,
        h("button", { type: "button", class: "small", onclick: rerender }, t("common.cancel")));
      f.addEventListener("submit", async (e) => {
        e.preventDefault();
        const ok = await run(f, save, () => gql(`mutation StudioUpdateTag($id: ID!, $input: UpdateTagInput!) { updateTag(id: $id, input: $input) { id } }`,
          { id: tag.id, input: { name: n.value.trim(), slug: s.value.trim() } }));
        if (ok) { notice(t("common.saved")); rerender(); }
      });
      clear(cell, f);
      n.focus();
    };
    clear(cell,
      h("button", { type: "button", class: "small", onclick: edit, "aria-label": t("tags.editNamed", { name: tag.name }) }, t("common.edit")), " ",
      h("button", { type: "button", class: "small danger", "aria-label": t("tags.deleteNamed", { name: tag.name }), onclick: async () => {
        if (!await confirmDialog(t("tags.deleteConfirm", { name: tag.name }), { confirm: t("common.delete") })) return;
        try {
          await gql(`mutation StudioDeleteTag($id: ID!) { deleteTag(id: $id) }`, { id: tag.id });
          notice(t("tags.deleted"));
          rerender();
        } catch (e) { notice(e.message, "error"); }
      } }, t("common.delete")));
    return [h("a", { href: `/studio/articles?tag=${encodeURIComponent(tag.slug)}` }, tag.name), h("span", { class: "mono" }, tag.slug), cell];
  });

  clear(root,
    h("h1", {}, t("tags.title")),
    form,
    rows.length ? table([t("tags.name"), t("tags.slug"), t("common.actions")], rows) : h("p", {}, t("tags.empty")));
}
