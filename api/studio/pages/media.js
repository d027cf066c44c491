// The site's media library: upload (drop, choose or paste files; a progress bar each), a grid
// of what is there with alt text, public or private links, markdown to copy, and deletion that
// warns when articles use the file. Uploads go straight to the store (lib/media.js).
import { gql, ApiError } from "../lib/api.js";
import { t, formatDate, formatNumber, locale } from "../lib/i18n.js";
import { h, clear, field, input, loading, confirmDialog, notice, describe, showError, clearErrors, badge } from "../lib/ui.js";
import { MEDIA_FIELDS, uploadFiles, uploadList, dropZone, mediaSummary, markdownFor, isImage, isTemporaryUrl } from "../lib/media.js";
import { forgetVariants } from "../lib/variants.js";
import { blurThumb, detailBox } from "./media/variants.js";

const PAGE = 24;

const LIST = `query StudioMedia($site: String!, $first: Int, $after: String) {
  siteMedia(site: $site, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${MEDIA_FIELDS} } } }`;

export async function render(root, ctx) {
  ctx.setTitle(t("media.title"));
  const site = ctx.site;
  const cursors = [null]; // the `after` of each page visited; the last one is the page shown
  let total = 0;
  let active = 0; // uploads running
  const controller = new AbortController();

  const grid = h("ul", { class: "grid media-grid", "aria-label": t("media.library") });
  const empty = h("p", { class: "muted", hidden: true }, t("media.empty"));
  const count = h("p", { class: "muted media-count", role: "status" });
  const errorBox = h("div");
  const temporary = h("p", { class: "hint media-note", hidden: true }, t("media.temporaryLinks"));
  const prev = h("button", { type: "button", onclick: () => { cursors.pop(); show(); } }, t("media.prevPage"));
  const next = h("button", { type: "button", onclick: () => { cursors.push(next.dataset.after); show(); } }, t("media.nextPage"));
  const pageInfo = h("span", { class: "muted" });
  const pager = h("nav", { class: "pager", "aria-label": t("media.pages") }, prev, pageInfo, next);

  const uploads = uploadList();
  async function upload(files) {
    if (!files.length) return;
    files.forEach(uploads.add);
    active += files.length;
    // Each file joins the grid as soon as it is recorded (on the first page, where the newest are).
    const track = (p) => {
      uploads.track(p);
      if (p.phase !== "done" || !ctx.isCurrent()) return;
      total += 1;
      if (cursors.length === 1) grid.prepend(tile(p.media));
      if (isTemporaryUrl(p.media.url)) temporary.hidden = false;
      updateCount();
    };
    const results = await uploadFiles(site.id, files, track, { signal: controller.signal });
    active -= files.length;
    const added = results.filter((r) => r.media).length;
    if (added && ctx.isCurrent()) notice(plural("media.uploadedCount", added));
  }
  const zone = dropZone(upload);

  function updateCount() {
    const pages = Math.max(1, Math.ceil(total / PAGE));
    count.textContent = plural("media.count", total);
    empty.hidden = total > 0 || grid.children.length > 0;
    pageInfo.textContent = t("media.pageOf", { page: formatNumber(cursors.length), pages: formatNumber(pages) });
    pager.hidden = pages <= 1 && cursors.length === 1;
    prev.disabled = cursors.length === 1;
  }

  async function fetchPage() {
    const data = await gql(LIST, { site: site.id, first: PAGE, after: cursors[cursors.length - 1] });
    return data.siteMedia;
  }

  function fill(conn) {
    total = conn.totalCount;
    next.disabled = !conn.pageInfo.hasNextPage;
    next.dataset.after = conn.pageInfo.endCursor || "";
    clear(grid, conn.nodes.map(tile));
    temporary.hidden = !conn.nodes.some((m) => isTemporaryUrl(m.url));
    updateCount();
  }

  async function show() {
    clear(errorBox);
    prev.disabled = next.disabled = true;
    try {
      const conn = await fetchPage();
      if (!ctx.isCurrent()) return;
      // A page emptied by deletions: step back to the one before.
      if (!conn.nodes.length && cursors.length > 1) { cursors.pop(); return show(); }
      fill(conn);
      grid.querySelector("a, button")?.focus({ preventScroll: true });
    } catch (e) {
      errorBox.replaceChildren(h("div", { class: "form-error", role: "alert" }, h("p", {}, errorText(e)), h("button", { type: "button", onclick: show }, t("common.retry"))));
      updateCount();
    }
  }

  function tile(m) {
    const li = h("li", { class: "tile media-tile", dataset: { id: m.id } });
    const name = h("p", { class: "media-name", title: m.filename }, m.filename);
    const link = h("a", { href: m.url, target: "_blank", rel: "noopener", class: "media-thumb", "aria-label": t("media.open", { name: m.filename }) }, blurThumb(m));
    const altBox = h("div", { class: "media-alt" });
    const copyBox = h("div");
    const del = h("button", { type: "button", class: "small danger", onclick: () => remove(m, li, del) }, t("common.delete"));
    const copy = h("button", { type: "button", class: "small", onclick: () => copyMarkdown(m, copyBox) }, t("media.copyMarkdown"));
    const showAlt = () => {
      const edit = h("button", { type: "button", class: "small", "aria-label": t("media.editAltOf", { name: m.filename }), onclick: () => editAlt() }, t("media.editAlt"));
      clear(altBox,
        h("p", { class: m.alt ? "media-alt-text" : "media-alt-text muted" }, m.alt ? t("media.altShown", { alt: m.alt }) : t("media.noAlt")),
        edit);
      return edit;
    };
    const editAlt = () => {
      const control = input({ name: "alt", maxlength: 1000, value: m.alt || "", autocomplete: "off" });
      const save = h("button", { type: "submit", class: "small primary" }, t("common.save"));
      const cancel = h("button", { type: "button", class: "small", onclick: () => showAlt().focus() }, t("common.cancel"));
      const form = h("form", { class: "alt-form", novalidate: true },
        field(t("media.alt"), control, { name: "alt", hint: isImage(m) ? t("media.altHint") : null }),
        h("div", { class: "actions" }, save, cancel));
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        clearErrors(form);
        save.disabled = true;
        try {
          const data = await gql(`mutation StudioUpdateMedia($id: ID!, $alt: String) { updateMedia(id: $id, alt: $alt) { id alt } }`,
            { id: m.id, alt: control.value.trim() || null });
          m.alt = data.updateMedia.alt;
          const img = link.querySelector("img");
          if (img) img.alt = m.alt || "";
          notice(t("media.altSaved"));
          showAlt().focus();
        } catch (err) {
          showError(form, missingApi(err, "updateMedia") ? new Error(t("media.altUnavailable")) : err);
          if (!form.querySelector("[aria-invalid]")) control.focus();
        } finally {
          save.disabled = false;
        }
      });
      form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); showAlt().focus(); } });
      clear(altBox, form);
      control.focus();
    };
    showAlt();
    // Public: a stable link a CDN and browsers may keep for good; private: signed links that
    // expire. Media used by published content are public whatever the mark says.
    const visibility = h("div", { class: "media-visibility" });
    const showVisibility = () => {
      const toggle = h("button", { type: "button", class: "small",
        "aria-label": t(m.public ? "media.makePrivateOf" : "media.makePublicOf", { name: m.filename }),
        onclick: async () => {
          toggle.disabled = true;
          const wanted = !m.public;
          try {
            const data = await gql(`mutation StudioMediaPublic($id: ID!, $public: Boolean!) { setMediaPublic(id: $id, public: $public) { id public url } }`,
              { id: m.id, public: wanted });
            m.public = data.setMediaPublic.public;
            m.url = data.setMediaPublic.url;
            forgetVariants(m.id);
            link.href = m.url;
            notice(t(m.public === wanted ? (m.public ? "media.madePublic" : "media.madePrivate") : "media.stillPublic"));
            showVisibility().focus();
          } catch (err) {
            notice(err instanceof ApiError ? err.errors.map((x) => describe(x)).join("; ") : String(err?.message || err), "error");
            toggle.disabled = false;
          }
        } }, t(m.public ? "media.makePrivate" : "media.makePublic"));
      clear(visibility, badge(t(m.public ? "media.public" : "media.private"), m.public ? "ok" : ""), " ", toggle);
      return toggle;
    };
    if (typeof m.public === "boolean") showVisibility();
    li.append(link, name,
      h("p", { class: "muted" }, mediaSummary(m)),
      h("p", { class: "muted" }, h("time", { datetime: m.createdAt }, formatDate(m.createdAt))),
      detailBox(m),
      visibility,
      altBox,
      h("div", { class: "actions" }, copy, del),
      copyBox);
    return li;
  }

  async function copyMarkdown(m, box) {
    const text = markdownFor(m);
    const temp = isTemporaryUrl(m.url);
    try {
      await navigator.clipboard.writeText(text);
      clear(box);
      notice(t(temp ? "media.copiedTemporary" : "media.copied"));
    } catch {
      // No clipboard (permission, insecure origin): show the text selected, ready to copy.
      const out = input({ readonly: true, value: text, class: "mono" });
      clear(box, field(t("media.markdown"), out, { hint: t("media.copyByHand") }));
      out.focus();
      out.select();
    }
  }

  async function remove(m, li, button) {
    button.disabled = true;
    let usage = null;
    try {
      const data = await gql(`query StudioMediaUsage($id: ID!) { media(id: $id) { id usage { inUse articles { id title } } } }`, { id: m.id });
      usage = data.media?.usage || null;
    } catch {
      usage = null; // usage not known (older server): a plain confirmation
    }
    let message = t("media.deleteConfirm", { name: m.filename });
    if (usage?.inUse) {
      const articles = usage.articles || [];
      const shown = articles.slice(0, 10);
      message = [
        plural("media.deleteInUse", articles.length, { name: m.filename }),
        h("span", { class: "usage-list" }, shown.map((a) => h("span", {}, a.title || t("media.untitled")))),
        articles.length > shown.length ? t("media.andMore", { count: formatNumber(articles.length - shown.length) }) : null,
      ];
    }
    const ok = await confirmDialog(message, { confirm: t("media.deleteButton") });
    if (!ok) { button.disabled = false; button.focus(); return; }
    try {
      await gql(`mutation StudioDeleteMedia($id: ID!) { deleteMedia(id: $id) }`, { id: m.id });
      if (!ctx.isCurrent()) return;
      const tiles = [...grid.children];
      const at = tiles.indexOf(li);
      li.remove();
      total = Math.max(0, total - 1);
      notice(t("media.deleted", { name: m.filename }));
      updateCount();
      if (!grid.children.length && total > 0) show();
      else (grid.children[at] || grid.children[at - 1])?.querySelector(".danger")?.focus();
    } catch (e) {
      button.disabled = false;
      notice(errorText(e), "error");
    }
  }

  // Leaving while files are still going up: ask (and cancel them if the user goes).
  ctx.guardLeave((unloading) => active === 0 || (!unloading && window.confirm(t("media.leaveUploading"))));
  ctx.onCleanup(() => controller.abort());
  // A file dropped outside the zone would make the browser leave the Studio to show it.
  const keep = (e) => { if (Array.from(e.dataTransfer?.types || []).includes("Files")) e.preventDefault(); };
  const paste = (e) => {
    if (e.target.closest?.("input, textarea")) return;
    const files = Array.from(e.clipboardData?.files || []);
    if (files.length) { e.preventDefault(); upload(files); }
  };
  window.addEventListener("dragover", keep);
  window.addEventListener("drop", keep);
  document.addEventListener("paste", paste);
  ctx.onCleanup(() => {
    window.removeEventListener("dragover", keep);
    window.removeEventListener("drop", keep);
    document.removeEventListener("paste", paste);
  });

  loading(root);
  const first = await fetchPage();
  if (!ctx.isCurrent()) return;
  clear(root,
    h("h1", {}, t("media.title")),
    h("p", { class: "muted" }, t("media.intro", { site: site.name })),
    h("section", { class: "media-upload", "aria-label": t("media.uploadSection") }, zone, uploads.list),
    temporary,
    count,
    errorBox,
    empty,
    grid,
    pager);
  fill(first);
}

// An operation the server does not know yet (APIs added in parallel): a validation error naming it.
function missingApi(err, name) {
  return err instanceof ApiError && err.errors.some((e) => e.reason === "GRAPHQL_VALIDATION_FAILED" && String(e.message).includes(`"${name}"`));
}

// "1 file" / "3 files": the key's `.one` or `.other` form (Chinese has only `.other`).
function plural(key, n, params = {}) {
  return t(`${key}.${new Intl.PluralRules(locale()).select(n) === "one" ? "one" : "other"}`, { ...params, count: formatNumber(n) });
}

function errorText(e) {
  return e instanceof ApiError ? e.errors.map(describe).join("; ") : String(e?.message || e);
}
