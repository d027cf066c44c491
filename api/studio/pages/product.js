// The product editor: name, slug, model number, summary, tags, categories, the description in
// markdown with the server's preview, the specification table, gallery (order and cover) and
// attachments, price and trade terms, SEO fields; save, publish, schedule, unpublish, delete;
// translations side by side (another language's version read-only beside the form, or a new
// translation started from it).
//
// As in the article editor, nothing typed is lost (kept in localStorage until the server has
// it) and every write carries `expectedVersion`: a second editor saving first gets a clear
// conflict, never an overwrite. API errors show beside the field they name.
import { gql, ApiError } from "../lib/api.js";
import { t, has, formatDate, toLocalInput, fromLocalInput } from "../lib/i18n.js";
import { h, clear, field, input, textarea, select, run, badge, confirmDialog, notice, showError, clearErrors, describe } from "../lib/ui.js";
import { PRODUCT, TREE, categoryPicker, descriptionEditor } from "./product/form.js";
import { specTable } from "./product/specs.js";
import { mediaEditor } from "./product/gallery.js";
import { termsSection, termValues } from "./product/terms.js";
import { translationsCard, sourcePanel } from "./product/side.js";
import { TEXT_FIELDS, changes, saveExisting, create } from "./product/save.js";
import { REVISIONS, revisionsCard } from "./product/revisions.js";

const QUERY = `query StudioProduct($id: ID!) { product(id: $id) { ${PRODUCT} ${REVISIONS} } }`;
// The reasons of a write refused because someone else saved first (extensions.reason).
const CONCURRENT = ["STALE_VERSION", "CHANGED_MEANWHILE"];
const draftKey = (siteId, id) => `wharf.studio.product.${siteId}.${id}`;

export function prefetch(params) {
  return params.id ? gql(QUERY, { id: params.id }) : null;
}

// The product as the form's parts: text fields, specification rows, media.
function snapshot(p) {
  return {
    fields: {
      name: p?.name ?? "", slug: p?.slug ?? "", modelNumber: p?.modelNumber ?? "", summary: p?.summary ?? "",
      description: p?.description ?? "", tags: (p?.tags || []).map((x) => x.name).join(", "),
      categoryIds: (p?.categories || []).map((c) => c.id).join(" "),
      ...termValues(p),
      metaTitle: p?.metaTitle ?? "", metaDescription: p?.metaDescription ?? "", canonicalUrl: p?.canonicalUrl ?? "",
    },
    specs: (p?.specs || []).map((r) => ({ group: r.group || null, name: r.name, value: r.value, unit: r.unit || null })),
    media: { gallery: p?.gallery || [], attachments: p?.attachments || [], cover: p?.cover || null },
  };
}

const errorText = (e) => (e instanceof ApiError ? e.errors.map((x) => describe(x)).join("; ") : String(e?.message || e));

export async function render(root, ctx) {
  const site = ctx.site;
  const id = ctx.params.id || null;
  const translationOf = id ? null : ctx.query.get("translationOf");
  const besideId = translationOf || ctx.query.get("beside");
  let product = null;
  if (id) {
    const early = ctx.takePrefetched?.();
    product = ((early && await early.catch(() => null)) || await gql(QUERY, { id })).product;
    if (!product) throw new ApiError([{ message: t("product.notFound"), code: "NOT_FOUND" }]);
  }
  const source = besideId ? (await gql(QUERY, { id: besideId })).product : null;
  const productLocale = product?.locale || ctx.query.get("locale") || (source ? site.locales.find((l) => l !== source.locale) : site.defaultLocale);
  const tree = (await gql(TREE, { site: site.id, locale: productLocale }).catch(() => ({ categories: [] }))).categories;
  if (!ctx.isCurrent()) return;
  ctx.setTitle(product ? product.name : t("product.newTitle"));
  const key = draftKey(site.id, id || `new-${translationOf || ""}`);

  // What the server holds (a new translation inherits its original's shared parts), and what
  // the form starts with (a translation: the original's table and terms, to be translated).
  const base = product ? snapshot(product) : translationOf && source ? snapshot(source) : snapshot(null);
  const start = product ? base : structuredClone(base);
  if (!product && source) {
    for (const k of ["name", "slug", "summary", "description", "metaTitle", "metaDescription", "canonicalUrl"]) start.fields[k] = "";
  }
  if (!product) base.specs = [];
  const state = product ? { id: product.id, version: product.version, base } : null;

  // --- fields -------------------------------------------------------------------------
  const f = start.fields;
  const c = {
    name: input({ maxlength: 300, required: true, value: f.name, lang: productLocale }),
    slug: input({ maxlength: 200, value: f.slug, placeholder: t("product.slugAuto") }),
    modelNumber: input({ maxlength: 100, value: f.modelNumber, disabled: !product && !!source, class: "mono-input" }),
    summary: textarea({ maxlength: 1000, rows: 2, value: f.summary, lang: productLocale }),
    tags: input({ maxlength: 1000, value: f.tags }),
    metaTitle: input({ maxlength: 300, value: f.metaTitle }),
    metaDescription: textarea({ maxlength: 1000, rows: 2, value: f.metaDescription }),
    canonicalUrl: input({ type: "url", maxlength: 2000, value: f.canonicalUrl }),
  };
  const localeControl = product ? input({ value: product.locale, disabled: true })
    : select(site.locales.filter((l) => !source || l !== source.locale).map((l) => [l, has(`lang.${l}`) ? `${t(`lang.${l}`)} (${l})` : l]), { value: productLocale });
  const terms = termsSection(f);
  Object.assign(c, terms.controls);
  const cats = categoryPicker(tree, f.categoryIds ? f.categoryIds.split(" ") : [], () => keepLocal());
  const desc = descriptionEditor(ctx, site.id, f.description, product ? product.html : null, () => keepLocal());
  c.description = desc.control;
  const specs = specTable(start.specs, () => keepLocal());
  const media = mediaEditor(ctx, start.media, () => keepLocal());

  const current = () => {
    const fields = {};
    for (const k of TEXT_FIELDS) fields[k] = k === "categoryIds" ? cats.value() : c[k].value;
    return { fields, specs: specs.rows(), media: media.value() };
  };
  const reference = () => (state ? state.base : start);
  const dirty = () => { const d = changes(current(), reference()); return d.fields.length > 0 || d.specs || d.media; };

  // --- local draft --------------------------------------------------------------------
  const restoredBar = h("div", { class: "form-error restored", role: "status", hidden: true });
  try {
    const saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved?.values) {
      for (const [k, v] of Object.entries(saved.values.fields || {})) if (c[k] && !c[k].disabled) c[k].value = v;
      if (typeof saved.values.fields?.categoryIds === "string") cats.set(saved.values.fields.categoryIds.split(" ").filter(Boolean));
      if (saved.values.specsRaw) specs.set(saved.values.specsRaw);
      if (saved.values.media) media.set(saved.values.media);
      if (c.description.value !== f.description) desc.refresh();
      if (!dirty()) {
        localStorage.removeItem(key);
      } else {
        const discard = h("button", { type: "button", class: "small", onclick: () => { localStorage.removeItem(key); render(root, ctx); } }, t("editor.discardLocal"));
        clear(restoredBar, h("p", {}, t("editor.restored", { when: formatDate(saved.at) }),
          saved.baseVersion && product && saved.baseVersion !== product.version ? " " + t("product.restoredStale") : ""), discard);
        restoredBar.hidden = false;
      }
    }
  } catch { localStorage.removeItem(key); }
  function keepLocal() {
    if (!dirty()) { localStorage.removeItem(key); return; }
    const now = current();
    localStorage.setItem(key, JSON.stringify({
      values: { fields: now.fields, specsRaw: specs.raw(), media: now.media },
      baseVersion: state?.version ?? null, at: new Date().toISOString(),
    }));
  }
  for (const el of Object.values(c)) el.addEventListener("input", () => keepLocal());
  ctx.guardLeave((unloading) => {
    keepLocal();
    if (!dirty()) return true;
    return unloading ? false : window.confirm(t("editor.leaveConfirm"));
  });

  // --- saving -------------------------------------------------------------------------
  const form = h("form", { novalidate: true, id: "pe-form", class: "product-form" });
  const conflictBox = h("div", { class: "form-error", role: "alert", id: "pe-conflict", hidden: true });
  const save = async () => {
    const now = current();
    const missing = specs.missing();
    if (missing) throw new ApiError([{ field: missing.field, code: "BAD_USER_INPUT", reason: "EMPTY", message: t("product.specIncomplete") }]);
    if (!state) {
      // One write: the product is created whole (fields, table, media) or not at all.
      const made = await create(site.id, localeControl.value, translationOf && source ? source.id : null, now, base);
      localStorage.removeItem(key);
      notice(t("common.saved"));
      ctx.guardLeave(null);
      ctx.navigate(`/products/${made.id}`, { replace: true });
      return false;
    }
    await saveExisting(state, now);
    localStorage.removeItem(key);
    return true;
  };
  const afterSave = async (then) => {
    try {
      clearErrors(form);
      conflictBox.hidden = true;
      if (!state || dirty()) { if (!await save()) return; }
      if (then) await then();
      notice(t("common.saved"));
      ctx.guardLeave(null);
      render(root, ctx);
    } catch (e) {
      keepLocal();
      if (e instanceof ApiError && e.errors.some((x) => CONCURRENT.includes(x.reason))) showConflict();
      else {
        showError(form, e);
        // An error naming no field of the form is at its top, maybe far above the buttons.
        form.querySelector(":scope > .form-error.generated")?.scrollIntoView({ block: "center" });
      }
    }
  };
  const showConflict = () => {
    clear(conflictBox,
      h("p", {}, t("product.conflict")),
      h("div", { class: "actions" },
        h("button", { type: "button", onclick: () => { localStorage.removeItem(key); ctx.guardLeave(null); render(root, ctx); } }, t("editor.conflictReload")),
        h("button", { type: "button", onclick: async () => {
          // Keep my changes, based on their latest version: the next save applies them knowingly.
          try {
            const data = await gql(`query StudioProductVersion($id: ID!) { product(id: $id) { version } }`, { id: state.id });
            state.version = data.product.version;
            conflictBox.hidden = true;
            notice(t("editor.conflictKept"));
          } catch (e) { notice(errorText(e), "error"); }
        } }, t("editor.conflictKeepMine"))));
    conflictBox.hidden = false;
    conflictBox.scrollIntoView({ block: "center" });
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); afterSave(null); });

  // --- publishing ---------------------------------------------------------------------
  const saveBtn = h("button", { class: "primary", type: "submit", id: "pe-save" }, product?.status === "PUBLISHED" ? t("common.save") : t("editor.saveDraft"));
  const actions = h("div", { class: "actions product-actions" }, saveBtn);
  if (product) {
    const when = input({ type: "datetime-local", value: toLocalInput(product.scheduledAt) });
    const act = (label, idAttr, fn) => h("button", { type: "button", id: idAttr, onclick: fn }, label);
    actions.append(
      product.status !== "PUBLISHED" ? act(t("editor.publish"), "pe-publish", () => afterSave(() => gql(`mutation StudioPublishProduct($id: ID!) { publishProduct(id: $id) { id status } }`, { id: product.id }))) : null,
      product.status !== "PUBLISHED" ? field(t("editor.scheduleAt"), when, { name: "at" }) : null,
      product.status !== "PUBLISHED" ? act(t("editor.schedule"), "pe-schedule", () => {
        if (!when.value) { showError(form, new ApiError([{ message: t("editor.pickTime"), field: "at" }])); return; }
        afterSave(() => gql(`mutation StudioScheduleProduct($id: ID!, $at: DateTime) { publishProduct(id: $id, at: $at) { id status } }`, { id: product.id, at: fromLocalInput(when.value) }));
      }) : null,
      product.status !== "DRAFT" ? act(product.status === "SCHEDULED" ? t("editor.unschedule") : t("editor.unpublish"), "pe-unpublish",
        () => afterSave(() => gql(`mutation StudioUnpublishProduct($id: ID!) { unpublishProduct(id: $id) { id } }`, { id: product.id }))) : null,
      h("button", { type: "button", class: "danger", id: "pe-delete", onclick: async () => {
        if (!await confirmDialog(t("product.deleteConfirm", { name: product.name }), { confirm: t("common.delete") })) return;
        await run(form, null, async () => {
          await gql(`mutation StudioDeleteProduct($id: ID!) { deleteProduct(id: $id) }`, { id: product.id });
          localStorage.removeItem(key);
          ctx.guardLeave(null);
          notice(t("product.deleted"));
          ctx.navigate("/products");
        });
      } }, t("common.delete")));
  }

  // --- layout -------------------------------------------------------------------------
  const section = (idAttr, title, ...body) => h("section", { class: "card", "aria-labelledby": idAttr }, h("h2", { id: idAttr }, title), ...body);
  clear(form,
    conflictBox,
    section("pe-basics-h", t("product.basics"),
      field(t("product.name"), c.name, { name: "name" }),
      h("div", { class: "row" },
        field(t("product.slug"), c.slug, { name: "slug", hint: t("product.slugHint") }),
        field(t("articles.locale"), localeControl, { name: "locale" }),
        field(t("product.model"), c.modelNumber, { name: "modelNumber", hint: t(!product && source ? "product.modelShared" : "product.modelHint") })),
      field(t("product.summary"), c.summary, { name: "summary" }),
      field(t("articles.tags"), c.tags, { name: "tags", hint: t("editor.tagsHint") }),
      cats.el),
    section("pe-desc-h", t("product.describeTitle"), desc.el),
    section("pe-specs-h", t("product.specs"), h("p", { class: "hint" }, t("product.specsHint")), specs.el),
    section("pe-media-h", t("product.media"), media.el),
    section("pe-terms-h", t("product.terms"), terms.el),
    h("details", { class: "card" }, h("summary", {}, t("editor.seo")),
      field(t("editor.metaTitle"), c.metaTitle, { name: "metaTitle" }),
      field(t("editor.metaDescription"), c.metaDescription, { name: "metaDescription" }),
      field(t("editor.canonicalUrl"), c.canonicalUrl, { name: "canonicalUrl" })),
    actions);

  const head = h("div", { class: "status-line" },
    h("h1", {}, product ? t("product.editTitle") : source ? t("product.translateTitle", { name: source.name }) : t("product.newTitle")),
    product ? badge(t(`status.${product.status}`), product.status) : null,
    product?.status === "SCHEDULED" ? h("span", { class: "muted" }, t("editor.scheduledFor", { when: formatDate(product.scheduledAt) })) : null,
    product?.status === "PUBLISHED" ? h("span", { class: "muted" }, t("editor.publishedAt", { when: formatDate(product.publishedAt) })) : null,
    product ? h("span", { class: "muted", id: "pe-version" }, t("editor.version", { n: product.version })) : null);
  const card = translationsCard(site, product, source);
  // Revisions beside the form; under it when the other language's version is beside it.
  const revisions = product ? revisionsCard(product, state, current, { onRestored: () => {
    localStorage.removeItem(key);
    ctx.guardLeave(null);
    render(root, ctx);
  } }) : null;
  const side = source || card ? h("div", { class: "product-side" }, card, source ? sourcePanel(source) : revisions) : null;
  const page = h("div", { class: `product-page${source ? " with-source" : side ? " with-aside" : ""}` },
    source ? side : null, h("div", { class: "product-main" }, restoredBar, form, source ? revisions : null), source ? null : side);
  clear(root, h("p", { class: "crumbs" }, h("a", { href: "/studio/products" }, t("products.back"))), head, page);
  if (!product) c.name.focus();
}
