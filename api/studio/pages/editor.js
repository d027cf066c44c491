// The article editor: fields, markdown body with a live preview rendered by the server (the
// same renderer, sanitizer and table of contents readers get), save / publish / schedule /
// unpublish / delete, revisions with a diff and restore, translations side by side.
//
// Nothing typed is lost: every change is kept in localStorage until the server has it, and is
// offered back after a reload or a failed save. Saves send `expectedVersion`, so a second editor
// saving over the first gets a conflict message instead of silently overwriting.
import { gql, ApiError } from "../lib/api.js";
import { t, formatDate, toLocalInput, fromLocalInput, formatNumber } from "../lib/i18n.js";
import { h, clear, field, input, textarea, select, run, badge, confirmDialog, notice, showError, clearErrors } from "../lib/ui.js";
import { lineDiff } from "../lib/diff.js";

const ARTICLE = `id locale slug title body excerpt hasExplicitExcerpt status publishedAt scheduledAt version
  metaTitle metaDescription canonicalUrl ogImageId updatedAt translationGroupId
  tags { name slug } coverImage { id url alt filename contentType blurhash dominantColor }
  translations { id locale title status }
  revisions(first: 100) { number title editor { displayName } createdAt }`;

const TOC = `toc { level text anchor children { level text anchor children { level text anchor children { level text anchor } } } }`;
// The stored body as readers get it: the first preview, without sending the body back.
const RENDERED = `html wordCount readingMinutes ${TOC}`;
const ARTICLE_QUERY = `query StudioArticle($id: ID!) { article(id: $id) { ${ARTICLE} ${RENDERED} } }`;

// Starts reading the article while the frame asks who is signed in (see app.js).
export function prefetch(params) {
  return params.id ? gql(ARTICLE_QUERY, { id: params.id }) : null;
}

// The reasons of a save refused because someone else saved first (extensions.reason).
const CONCURRENT = ["STALE_VERSION", "CHANGED_MEANWHILE"];

const draftKey = (siteId, id) => `wharf.studio.draft.${siteId}.${id}`;

export async function render(root, ctx) {
  const site = ctx.site;
  const id = ctx.params.id || null;
  const translationOf = ctx.query.get("translationOf");
  let article = null;
  let source = null;
  if (id) {
    const early = ctx.takePrefetched?.();
    const data = (early && await early.catch(() => null)) || await gql(ARTICLE_QUERY, { id });
    article = data.article;
    if (!article) throw new ApiError([{ message: t("editor.notFound"), code: "NOT_FOUND" }]);
  } else if (translationOf) {
    const data = await gql(`query StudioSource($id: ID!) { article(id: $id) { id locale title body tags { name } } }`, { id: translationOf });
    source = data.article;
  }
  if (!ctx.isCurrent()) return;
  const key = draftKey(site.id, id || `new-${translationOf || ""}`);
  ctx.setTitle(article ? article.title : t("editor.newTitle"));

  // --- fields -------------------------------------------------------------------------
  const title = input({ maxlength: 300, required: true, value: article?.title ?? "" });
  const slug = input({ maxlength: 200, value: article?.slug ?? "", placeholder: t("editor.slugAuto") });
  const usedLocales = new Set([...(article?.translations || []).map((x) => x.locale)]);
  const locale = article
    ? input({ value: article.locale, disabled: true })
    : select(site.locales.filter((l) => !source || l !== source.locale).map((l) => [l, l]),
      { value: ctx.query.get("locale") || (source ? "" : site.defaultLocale) });
  const tags = input({ maxlength: 1000, value: (article?.tags || source?.tags || []).map((x) => x.name).join(", ") });
  const excerpt = textarea({ maxlength: 1000, rows: 2, value: article?.hasExplicitExcerpt ? article.excerpt : "" });
  const metaTitle = input({ maxlength: 300, value: article?.metaTitle ?? "" });
  const metaDescription = textarea({ maxlength: 1000, rows: 2, value: article?.metaDescription ?? "" });
  const canonicalUrl = input({ type: "url", maxlength: 2000, value: article?.canonicalUrl ?? "" });
  const body = textarea({ class: "body", value: article?.body ?? "", spellcheck: "true" });
  const fields = { title, slug, tags, excerpt, metaTitle, metaDescription, canonicalUrl, body };
  if (!article) fields.locale = locale;

  const values = () => ({
    title: title.value, slug: slug.value, tags: tags.value, excerpt: excerpt.value, metaTitle: metaTitle.value,
    metaDescription: metaDescription.value, canonicalUrl: canonicalUrl.value, body: body.value,
    locale: article ? article.locale : locale.value,
  });
  const serverValues = article ? {
    title: article.title, slug: article.slug, tags: article.tags.map((x) => x.name).join(", "),
    excerpt: article.hasExplicitExcerpt ? article.excerpt : "", metaTitle: article.metaTitle ?? "",
    metaDescription: article.metaDescription ?? "", canonicalUrl: article.canonicalUrl ?? "", body: article.body,
    locale: article.locale,
  } : null;
  const dirty = () => {
    const v = values();
    if (!serverValues) return Object.entries(v).some(([k, x]) => k !== "locale" && x.trim() !== "" && !(k === "tags" && source));
    return Object.keys(serverValues).some((k) => v[k] !== serverValues[k]);
  };

  // --- local draft --------------------------------------------------------------------
  const restoredBar = h("div", { class: "form-error restored", role: "status", hidden: true });
  try {
    const saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved && saved.values) {
      const same = serverValues && Object.keys(serverValues).every((k) => saved.values[k] === serverValues[k]);
      if (same) {
        localStorage.removeItem(key);
      } else {
        for (const [k, el] of Object.entries(fields)) if (k in saved.values && !el.disabled) el.value = saved.values[k];
        const discard = h("button", { type: "button", class: "small", onclick: () => { localStorage.removeItem(key); render(root, ctx); } }, t("editor.discardLocal"));
        clear(restoredBar, h("p", {}, t("editor.restored", { when: formatDate(saved.at) }),
          saved.baseVersion && article && saved.baseVersion !== article.version ? " " + t("editor.restoredStale") : ""), discard);
        restoredBar.hidden = false;
      }
    }
  } catch { localStorage.removeItem(key); }
  const keepLocal = () => {
    if (dirty()) localStorage.setItem(key, JSON.stringify({ values: values(), baseVersion: article?.version ?? null, at: new Date().toISOString() }));
    else localStorage.removeItem(key);
  };
  ctx.guardLeave((unloading) => {
    keepLocal();
    if (!dirty()) return true;
    return unloading ? false : window.confirm(t("editor.leaveConfirm"));
  });

  // --- preview ------------------------------------------------------------------------
  const preview = h("div", { class: "preview", "aria-live": "polite", id: "ed-preview" });
  const toc = h("nav", { class: "toc", "aria-label": t("editor.toc") });
  const stats = h("p", { class: "stats", id: "ed-stats" });
  let previewTimer = null;
  let previewSeq = 0;
  const showPreview = (p) => {
    // The server's sanitized HTML, exactly what readers get; the CSP blocks any script anyway.
    preview.innerHTML = p.html;
    clear(toc, p.toc.length ? tocList(p.toc) : null);
    clear(stats, t("editor.stats", { words: formatNumber(p.wordCount), minutes: p.readingMinutes }));
  };
  const refreshPreview = async () => {
    const seq = ++previewSeq;
    try {
      const data = await gql(`query StudioPreview($site: ID!, $body: String!) { previewMarkdown(siteId: $site, body: $body) { ${RENDERED} } }`,
        { site: site.id, body: body.value });
      if (seq !== previewSeq || !ctx.isCurrent()) return;
      showPreview(data.previewMarkdown);
    } catch (e) {
      if (seq === previewSeq) clear(preview, h("p", { class: "field-error" }, t("editor.previewFailed"), " ", e.message));
    }
  };
  const schedulePreview = () => { clearTimeout(previewTimer); previewTimer = setTimeout(refreshPreview, 350); };
  ctx.onCleanup(() => clearTimeout(previewTimer));
  for (const el of Object.values(fields)) el.addEventListener("input", () => { keepLocal(); if (el === body) schedulePreview(); });

  // --- actions ------------------------------------------------------------------------
  const form = h("form", { class: "card", novalidate: true, id: "ed-form" });
  const saveBtn = h("button", { class: "primary", type: "submit", id: "ed-save" }, article?.status === "PUBLISHED" ? t("common.save") : t("editor.saveDraft"));
  const save = async () => {
    const v = values();
    const tagList = v.tags.split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
    if (!article) {
      const data = await gql(`mutation StudioCreateArticle($input: CreateArticleInput!) { createArticle(input: $input) { id } }`, { input: {
        siteId: site.id, locale: v.locale || null, slug: v.slug.trim() || null, title: v.title, body: v.body,
        excerpt: v.excerpt.trim() || null, tags: tagList, translationOf: source?.id || null,
        metaTitle: v.metaTitle.trim() || null, metaDescription: v.metaDescription.trim() || null, canonicalUrl: v.canonicalUrl.trim() || null,
      } });
      localStorage.removeItem(key);
      ctx.guardLeave(null);
      notice(t("common.saved"));
      ctx.navigate(`/articles/${data.createArticle.id}`, { replace: true });
      return null;
    }
    const input = { expectedVersion: article.version };
    for (const k of ["title", "slug", "body", "metaTitle", "metaDescription", "canonicalUrl"]) {
      if (v[k] !== serverValues[k]) input[k] = v[k];
    }
    if (v.excerpt !== serverValues.excerpt) input.excerpt = v.excerpt;
    if (v.tags !== serverValues.tags) input.tags = tagList;
    const data = await gql(`mutation StudioUpdateArticle($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id version } }`,
      { id: article.id, input });
    localStorage.removeItem(key);
    return data.updateArticle;
  };
  const afterSave = async (fn) => {
    try {
      clearErrors(form);
      const saved = dirty() || !article ? await save() : article;
      if (saved === null) return;
      if (fn) await fn();
      notice(t("common.saved"));
      ctx.guardLeave(null);
      render(root, ctx);
    } catch (e) {
      keepLocal();
      // Only a concurrent save opens the conflict box; a taken slug or an existing
      // translation is shown beside its field like any other error.
      if (e instanceof ApiError && e.errors.some((x) => CONCURRENT.includes(x.reason))) {
        showConflict(e);
      } else {
        showError(form, e);
      }
    }
  };
  const conflictBox = h("div", { class: "form-error", role: "alert", id: "ed-conflict", hidden: true });
  const showConflict = () => {
    clear(conflictBox,
      h("p", {}, t("editor.conflict")),
      h("div", { class: "actions" },
        h("button", { type: "button", onclick: () => { ctx.guardLeave(null); render(root, ctx); } }, t("editor.conflictReload")),
        h("button", { type: "button", onclick: async () => {
          // Keep my text, based on their latest version: the next save overwrites knowingly.
          const data = await gql(`query StudioVersion($id: ID!) { article(id: $id) { version } }`, { id: article.id });
          article.version = data.article.version;
          conflictBox.hidden = true;
          notice(t("editor.conflictKept"));
        } }, t("editor.conflictKeepMine"))));
    conflictBox.hidden = false;
    conflictBox.scrollIntoView({ block: "center" });
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); afterSave(null); });

  const when = input({ type: "datetime-local", value: toLocalInput(article?.scheduledAt), name: "at" });
  const publishBox = h("div", { class: "actions" });
  if (article) {
    const publish = h("button", { type: "button", id: "ed-publish", onclick: () => afterSave(() => gql(`mutation StudioPublish($id: ID!) { publishArticle(id: $id) { id status } }`, { id: article.id })) },
      article.status === "PUBLISHED" ? t("editor.saveLive") : t("editor.publish"));
    const schedule = h("button", { type: "button", id: "ed-schedule", onclick: () => {
      if (!when.value) { showError(form, new ApiError([{ message: t("editor.pickTime"), field: "at" }])); return; }
      afterSave(() => gql(`mutation StudioSchedule($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { id status } }`, { id: article.id, at: fromLocalInput(when.value) }));
    } }, t("editor.schedule"));
    const unpublish = h("button", { type: "button", id: "ed-unpublish", onclick: () => afterSave(() => gql(`mutation StudioUnpublish($id: ID!) { unpublishArticle(id: $id) { id } }`, { id: article.id })) },
      article.status === "SCHEDULED" ? t("editor.unschedule") : t("editor.unpublish"));
    const del = h("button", { type: "button", class: "danger", id: "ed-delete", onclick: async () => {
      if (!await confirmDialog(t("editor.deleteConfirm", { title: article.title }), { confirm: t("common.delete") })) return;
      await run(form, null, async () => {
        await gql(`mutation StudioDeleteArticle($id: ID!) { deleteArticle(id: $id) }`, { id: article.id });
        localStorage.removeItem(key);
        ctx.guardLeave(null);
        notice(t("editor.deleted"));
        ctx.navigate("/articles");
      });
    } }, t("common.delete"));
    clear(publishBox, saveBtn, article.status === "PUBLISHED" ? null : publish,
      article.status !== "PUBLISHED" ? field(t("editor.scheduleAt"), when, { name: "at" }) : null,
      article.status !== "PUBLISHED" ? schedule : null,
      article.status !== "DRAFT" ? unpublish : null, del);
  } else {
    clear(publishBox, saveBtn);
  }

  const cover = article ? coverPicker(ctx, article, () => render(root, ctx)) : null;
  const insertImage = h("button", { type: "button", id: "ed-insert-image", onclick: () => pickImage(ctx, (m) => insertAtCursor(body, `![${m.alt || m.filename}](${m.url})`)) }, t("editor.insertImage"));

  clear(form,
    conflictBox,
    field(t("editor.titleField"), title, { name: "title" }),
    h("div", { class: "row" },
      field(t("editor.slug"), slug, { name: "slug", hint: t("editor.slugHint") }),
      field(t("articles.locale"), locale, { name: "locale" })),
    field(t("articles.tags"), tags, { name: "tags", hint: t("editor.tagsHint") }),
    h("div", { class: "actions body-tools" }, insertImage),
    field(t("editor.body"), body, { name: "body", hint: t("editor.bodyHint") }),
    stats,
    h("details", {}, h("summary", {}, t("editor.seo")),
      field(t("editor.excerpt"), excerpt, { name: "excerpt", hint: t("editor.excerptHint") }),
      field(t("editor.metaTitle"), metaTitle, { name: "metaTitle" }),
      field(t("editor.metaDescription"), metaDescription, { name: "metaDescription" }),
      field(t("editor.canonicalUrl"), canonicalUrl, { name: "canonicalUrl" })),
    cover,
    publishBox);

  const head = h("div", { class: "status-line" },
    h("h1", {}, article ? t("editor.editTitle") : source ? t("editor.translateTitle", { title: source.title }) : t("editor.newTitle")),
    article ? badge(t(`status.${article.status}`), article.status) : null,
    article?.status === "SCHEDULED" ? h("span", { class: "muted" }, t("editor.scheduledFor", { when: formatDate(article.scheduledAt) })) : null,
    article?.status === "PUBLISHED" ? h("span", { class: "muted" }, t("editor.publishedAt", { when: formatDate(article.publishedAt) })) : null,
    article ? h("span", { class: "muted" }, t("editor.version", { n: article.version })) : null);

  const left = h("div", {}, restoredBar, form);
  const right = h("div", {},
    source ? h("section", { class: "card" }, h("h2", {}, t("editor.source", { locale: source.locale })), h("h3", {}, source.title), h("pre", { class: "diff" }, source.body)) : null,
    h("section", { "aria-labelledby": "ed-preview-h" }, h("h2", { id: "ed-preview-h" }, t("editor.preview")), toc, preview),
    article ? translationsBox(ctx, article, site) : null,
    article ? revisionsBox(ctx, article, body, () => render(root, ctx)) : null);
  clear(root, head, h("div", { class: "editor" }, left, right));
  if (!article) title.focus();
  if (article && body.value === article.body) showPreview(article);
  else await refreshPreview();
}

function tocList(entries) {
  return h("ol", {}, entries.map((e) => h("li", {}, h("a", { href: `#${e.anchor}`, onclick: (ev) => {
    ev.preventDefault();
    document.getElementById(e.anchor)?.scrollIntoView({ block: "start" });
  } }, e.text), e.children?.length ? tocList(e.children) : null)));
}

function insertAtCursor(textareaEl, text) {
  const start = textareaEl.selectionStart ?? textareaEl.value.length;
  const end = textareaEl.selectionEnd ?? start;
  const before = textareaEl.value.slice(0, start);
  const pad = before && !before.endsWith("\n") ? "\n\n" : "";
  textareaEl.setRangeText(`${pad}${text}\n`, start, end, "end");
  textareaEl.dispatchEvent(new Event("input", { bubbles: true }));
  textareaEl.focus();
}

async function pickImage(ctx, onPick) {
  try {
    const { mediaPicker } = await import("../lib/media.js");
    mediaPicker(ctx, { onPick });
  } catch (e) {
    notice(String(e.message || e), "error");
  }
}

function coverPicker(ctx, article, rerender) {
  const box = h("div", { class: "field" }, h("span", { class: "label" }, t("editor.cover")));
  if (article.coverImage) {
    // A small variant (12rem wide at most), read when the cover is shown; the original if none.
    const m = article.coverImage;
    const img = h("img", { alt: m.alt || "", class: "cover-thumb" });
    if (/^#[0-9a-f]{6}$/i.test(m.dominantColor || "")) img.style.backgroundColor = m.dominantColor;
    box.append(img);
    import("../lib/variants.js").then(({ variantsOf }) => variantsOf(m))
      .then((v) => { if (v) { img.sizes = "12rem"; img.srcset = v.srcset; img.src = v.smallest; } else img.src = m.url; }, () => { img.src = m.url; });
  }
  const set = (mediaId) => gql(`mutation StudioCover($a: ID!, $m: ID) { setArticleCoverImage(articleId: $a, mediaId: $m) { id } }`, { a: article.id, m: mediaId })
    .then(rerender, (e) => notice(e.message, "error"));
  box.append(h("div", { class: "actions" },
    h("button", { type: "button", id: "ed-choose-cover", onclick: () => pickImage(ctx, (m) => set(m.id)) }, article.coverImage ? t("editor.coverChange") : t("editor.coverChoose")),
    article.coverImage ? h("button", { type: "button", onclick: () => set(null) }, t("editor.coverRemove")) : null));
  return box;
}

function translationsBox(ctx, article, site) {
  const existing = new Map([[article.locale, article], ...article.translations.map((x) => [x.locale, x])]);
  const missing = site.locales.filter((l) => !existing.has(l));
  return h("section", { class: "card", "aria-labelledby": "ed-tr-h" },
    h("h2", { id: "ed-tr-h" }, t("editor.translations")),
    h("ul", {}, [...existing.values()].map((x) => h("li", {},
      x.id === article.id ? h("strong", {}, `${x.locale} · ${x.title}`) : h("a", { href: `/studio/articles/${x.id}` }, `${x.locale} · ${x.title}`),
      " ", badge(t(`status.${x.status}`), x.status)))),
    missing.length ? h("div", { class: "actions" }, missing.map((l) =>
      h("a", { class: "button", href: `/studio/articles/new?translationOf=${encodeURIComponent(article.id)}&locale=${encodeURIComponent(l)}` }, t("editor.translateTo", { locale: l })))) : null);
}

function revisionsBox(ctx, article, body, rerender) {
  const diffBox = h("div", { id: "ed-revision-diff" });
  const revs = [...article.revisions].sort((a, b) => b.number - a.number);
  return h("section", { class: "card", "aria-labelledby": "ed-rev-h" },
    h("h2", { id: "ed-rev-h" }, t("editor.revisions")),
    revs.length ? h("ul", { class: "revisions" }, revs.map((r) => h("li", {},
      h("span", {}, t("editor.revision", { n: r.number }), " · ", r.editor?.displayName || "", " · ", formatDate(r.createdAt), " "),
      h("button", { type: "button", class: "small", onclick: async () => {
        // Revision bodies are read one at a time, when a comparison is asked for.
        let rev;
        try {
          const data = await gql(`query StudioRevision($id: ID!, $n: Int!) { article(id: $id) { revision(number: $n) { title body } } }`, { id: article.id, n: r.number });
          rev = data.article?.revision;
        } catch (e) { notice(e.message, "error"); return; }
        if (!rev) return;
        const lines = lineDiff(rev.body, body.value);
        clear(diffBox, h("h3", {}, t("editor.diffTitle", { n: r.number })),
          rev.title !== article.title ? h("p", {}, t("editor.diffTitleChanged", { old: rev.title })) : null,
          h("div", { class: "diff", role: "region", "aria-label": t("editor.diffTitle", { n: r.number }) },
            lines.map(([op, text]) => h("span", { class: op === "+" ? "add" : op === "-" ? "del" : "same" }, `${op === "=" ? " " : op} ${text}\n`))));
      } }, t("editor.compare")),
      " ",
      h("button", { type: "button", class: "small", onclick: async () => {
        if (!await confirmDialog(t("editor.restoreConfirm", { n: r.number }), { danger: false })) return;
        try {
          await gql(`mutation StudioRestore($id: ID!, $n: Int!) { restoreRevision(articleId: $id, revision: $n) { id } }`, { id: article.id, n: r.number });
          localStorage.removeItem(draftKey(ctx.site.id, article.id));
          ctx.guardLeave(null);
          notice(t("editor.restoredRevision", { n: r.number }));
          rerender();
        } catch (e) { notice(e.message, "error"); }
      } }, t("editor.restore"))))) : h("p", { class: "muted" }, t("editor.noRevisions")),
    diffBox);
}
