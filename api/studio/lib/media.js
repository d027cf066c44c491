// Media pieces shared by the media page and the article editor: direct uploads with progress,
// a modal picker of the site's images, and the markdown that shows one.
//
// ── For the editor ──────────────────────────────────────────────────────────────────────────
//   import { mediaPicker, markdownFor, insertAtCursor } from "../lib/media.js";
//
//   mediaPicker(ctx, { onPick, title, imagesOnly = true }) → Promise<Media | null>
//     Opens a modal <dialog> with ctx.site's images, newest first ("Load more" pages through
//     siteMedia), and an upload zone (drop files or choose them; finished uploads appear first,
//     focused). Choosing a tile closes the dialog, calls onPick(media) and resolves with it;
//     Esc or Close resolves null (uploads still running are cancelled). Focus goes back to the
//     element that opened it. `title` replaces the heading (default "Choose an image");
//     `imagesOnly: false` lists PDFs too. The dialog closes by itself when the page changes.
//     Media = { id, url, filename, contentType, size, width, height, alt, createdAt, public,
//     dominantColor, blurhash } (MEDIA_FIELDS). Its thumbnails are small variants (lib/variants.js).
//
//     Insert at the cursor:
//       mediaPicker(ctx, { onPick: (m) => insertAtCursor(bodyTextarea, markdownFor(m)) });
//     Cover image:
//       const m = await mediaPicker(ctx, { title: t("…your key…") });
//       if (m) await gql(`mutation StudioSetCover($a: ID!, $m: ID) { setArticleCoverImage(articleId: $a, mediaId: $m) { id coverImage { id url alt } } }`, { a: id, m: m.id });
//
//   markdownFor(media) → "![alt](url)" for an image, "[filename](url)" for anything else.
//     Note: without WHARF_MEDIA_PUBLIC_BASE_URL, `url` is a signed link that expires
//     (isTemporaryUrl(url) tells), so markdown holding it stops showing the image later.
//   insertAtCursor(textarea, text): replaces the selection with `text`, puts the cursor after
//     it and fires "input" (so preview and unsaved-change tracking see it).
//
// ── Uploads ─────────────────────────────────────────────────────────────────────────────────
//   uploadFiles(siteId, files, onProgress, { alt, signal }) → Promise<[{ file, media, error }]>
//     Uploads each file (two at a time): createUploadUrl → XMLHttpRequest PUT of the bytes to
//     `url` with `method` and `headers` → confirmUpload. Never throws: each result has `media`
//     or `error` (an ApiError). onProgress({ file, index, phase, loaded, total, media, error }),
//     phase = "prepare" | "upload" | "confirm" | "done" | "error".
//   uploadFile(siteId, file, onProgress, opts) → Promise<Media>, throws ApiError.
//   uploadError(error) → { title, detail }: a translated headline and the server's own words.
import { gql, ApiError } from "./api.js";
import { t, formatBytes, formatNumber } from "./i18n.js";
import { h, clear, describe } from "./ui.js";
import { variantsOf, resizable, THUMB_SIZES } from "./variants.js";

export const MEDIA_FIELDS = "id url filename contentType size width height alt createdAt public dominantColor blurhash";
export const IMAGE_ACCEPT = "image/jpeg,image/png,image/gif,image/webp,image/avif";
export const MEDIA_ACCEPT = `${IMAGE_ACCEPT},application/pdf`;

export const isImage = (m) => String(m?.contentType || "").startsWith("image/");

// A signed link (local store or S3 presigned) expires; a public base URL does not.
export function isTemporaryUrl(url) {
  try {
    const q = new URL(url, location.href).searchParams;
    return (q.has("sig") && q.has("expires")) || q.has("X-Amz-Signature");
  } catch {
    return false;
  }
}

export function markdownFor(m) {
  const esc = (s) => String(s || "").replace(/[\\[\]]/g, "\\$&").replace(/\s+/g, " ").trim();
  const url = /[\s()<>]/.test(m.url) ? `<${m.url.replace(/[<>]/g, encodeURIComponent)}>` : m.url;
  return isImage(m) ? `![${esc(m.alt)}](${url})` : `[${esc(m.filename)}](${url})`;
}

export function insertAtCursor(textarea, text) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  textarea.focus();
  textarea.setRangeText(text, start, end, "end");
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

// "PNG · 12 KB · 640 × 480"
export function mediaSummary(m) {
  const kind = String(m.contentType || "").split("/").pop().toUpperCase();
  const parts = [kind, formatBytes(m.size)];
  if (m.width && m.height) parts.push(t("media.dimensions", { w: formatNumber(m.width), h: formatNumber(m.height) }));
  return parts.join(" · ");
}

// A thumbnail: a small variant of the image (lib/variants.js; the original only when the server
// cannot resize it), or a box with the file's kind. `sizes` is how wide it is shown.
export function thumbnail(m, { sizes = THUMB_SIZES } = {}) {
  if (isImage(m)) {
    const img = h("img", { alt: m.alt || "", loading: "lazy", decoding: "async", width: m.width || null, height: m.height || null });
    // The image's dominant colour (computed on upload) fills its place until it arrives; set
    // through the CSSOM, which the Studio's Content-Security-Policy allows.
    if (/^#[0-9a-f]{6}$/i.test(m.dominantColor || "")) img.style.backgroundColor = m.dominantColor;
    if (!resizable(m)) img.src = m.url;
    else {
      variantsOf(m).then((v) => {
        if (v) { img.sizes = sizes; img.srcset = v.srcset; img.src = v.smallest; } else img.src = m.url;
      });
    }
    return img;
  }
  return h("span", { class: "media-file", "aria-hidden": "true" }, String(m.contentType || "").split("/").pop().toUpperCase());
}

// Errors of the PUT itself: JSON from Wharf's own /media, XML from S3, or just a status.
function putError(xhr) {
  const text = xhr.responseText || "";
  try {
    const json = JSON.parse(text);
    if (Array.isArray(json.errors) && json.errors.length) {
      return new ApiError(json.errors.map((e) => ({ message: e.message, code: e.extensions?.code, field: e.extensions?.field, reason: e.extensions?.reason, params: e.extensions?.params })));
    }
  } catch { /* not JSON */ }
  let message = `HTTP ${xhr.status}`;
  try {
    const doc = new DOMParser().parseFromString(text, "application/xml");
    const m = doc.querySelector("Error > Message")?.textContent;
    if (m) message = `${message}: ${m}`;
  } catch { /* not XML */ }
  return new ApiError([{ message, code: xhr.status === 413 ? "PAYLOAD_TOO_LARGE" : xhr.status === 403 ? "FORBIDDEN" : `HTTP_${xhr.status}` }]);
}

// Headers a page may not set itself; the browser sends its own.
const FORBIDDEN_HEADERS = new Set(["host", "content-length", "connection", "expect", "transfer-encoding"]);

function put(ticket, file, onUpload, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.method || "PUT", ticket.url);
    for (const { name, value } of ticket.headers || []) {
      if (!FORBIDDEN_HEADERS.has(name.toLowerCase())) xhr.setRequestHeader(name, value);
    }
    xhr.upload.addEventListener("progress", (e) => onUpload(e.loaded, e.lengthComputable ? e.total : file.size));
    xhr.addEventListener("load", () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(putError(xhr))));
    xhr.addEventListener("error", () => reject(new ApiError([{ message: t("media.err.network"), code: "NETWORK" }])));
    xhr.addEventListener("abort", () => reject(new ApiError([{ message: t("media.err.aborted"), code: "ABORTED" }])));
    if (signal) {
      if (signal.aborted) { xhr.abort(); return; }
      signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    xhr.send(file);
  });
}

export async function uploadFile(siteId, file, onProgress = () => {}, { alt = null, signal } = {}) {
  const total = file.size;
  onProgress({ phase: "prepare", loaded: 0, total });
  const { createUploadUrl: ticket } = await gql(
    `mutation StudioCreateUploadUrl($site: String!, $filename: String!, $contentType: String!, $size: Int!) {
      createUploadUrl(site: $site, filename: $filename, contentType: $contentType, size: $size) { url method headers { name value } token expiresAt } }`,
    { site: siteId, filename: file.name || "file", contentType: file.type || "application/octet-stream", size: total });
  if (signal?.aborted) throw new ApiError([{ message: t("media.err.aborted"), code: "ABORTED" }]);
  onProgress({ phase: "upload", loaded: 0, total });
  await put(ticket, file, (loaded, all) => onProgress({ phase: "upload", loaded, total: all }), signal);
  onProgress({ phase: "confirm", loaded: total, total });
  const { confirmUpload: media } = await gql(
    `mutation StudioConfirmUpload($token: String!, $alt: String) { confirmUpload(token: $token, alt: $alt) { ${MEDIA_FIELDS} } }`,
    { token: ticket.token, alt: alt || null });
  onProgress({ phase: "done", loaded: total, total, media });
  return media;
}

export async function uploadFiles(siteId, files, onProgress = () => {}, opts = {}) {
  const list = Array.from(files);
  const results = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const index = next++;
      const file = list[index];
      const report = (p) => onProgress({ file, index, ...p });
      try {
        const media = await uploadFile(siteId, file, report, opts);
        results[index] = { file, media, error: null };
      } catch (e) {
        const error = e instanceof ApiError ? e : new ApiError([{ message: String(e?.message || e) }]);
        results[index] = { file, media: null, error };
        report({ phase: "error", loaded: 0, total: file.size, error });
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

// A translated headline for a failed upload, and the server's own explanation beside it.
export function uploadError(error) {
  const e = (error instanceof ApiError ? error.errors[0] : null) || { message: String(error?.message || error) };
  const msg = String(e.message || "");
  let title;
  if (e.code === "ABORTED") title = t("media.err.aborted");
  else if (e.code === "NOT_IMAGE") title = t("media.err.notImage");
  else if (e.code === "NETWORK") title = t("media.err.network");
  else if (e.code === "PAYLOAD_TOO_LARGE" || e.reason === "FILE_TOO_LARGE" || /larger than|too large/i.test(msg)) title = t("media.err.tooLarge");
  else if (e.reason === "FILE_EMPTY") title = t("media.err.empty");
  else if (e.field === "contentType") title = t("media.err.type");
  else if (e.field === "size" && /positive/.test(msg)) title = t("media.err.empty");
  else if (e.field === "size") title = t("media.err.incomplete");
  else if (e.field === "file" && /empty/.test(msg)) title = t("media.err.empty");
  else if (e.field === "file") title = t("media.err.content");
  else if (e.field === "token" || e.code === "NOT_FOUND") title = t("media.err.expired");
  else if (e.code === "FORBIDDEN") title = t("media.err.forbidden");
  else title = t("media.err.failed");
  const detail = ["ABORTED", "NETWORK", "NOT_IMAGE"].includes(e.code) ? "" : describe(e);
  return { title, detail };
}

// One line per file being uploaded: name, <progress>, then the outcome. Returns the list
// element and a `track(progressEvent)` to feed with uploadFiles' reports.
export function uploadList() {
  const list = h("ul", { class: "uploads", "aria-label": t("media.uploads") });
  const rows = new Map();
  const track = (p) => {
    let row = rows.get(p.file);
    if (!row) {
      const bar = h("progress", { max: 1, value: 0, "aria-label": t("media.progressOf", { name: p.file.name }) });
      const status = h("span", { class: "upload-status" }, t("media.waiting"));
      const el = h("li", { class: "upload" },
        h("span", { class: "upload-name" }, p.file.name, " ", h("span", { class: "muted" }, formatBytes(p.file.size))),
        bar, status);
      row = { el, bar, status };
      rows.set(p.file, row);
      list.append(el);
    }
    const { el, bar, status } = row;
    if (p.phase === "prepare") { bar.removeAttribute("value"); status.textContent = t("media.preparing"); }
    else if (p.phase === "upload") {
      const f = p.total ? p.loaded / p.total : 0;
      bar.value = f;
      status.textContent = t("media.uploading", { percent: Math.round(f * 100) });
    } else if (p.phase === "confirm") { bar.removeAttribute("value"); status.textContent = t("media.checking"); }
    else if (p.phase === "done") {
      bar.value = 1;
      el.classList.add("done");
      status.textContent = t("media.uploaded");
      setTimeout(() => { el.remove(); rows.delete(p.file); }, 4000);
    } else if (p.phase === "error") {
      const { title, detail } = uploadError(p.error);
      bar.remove();
      el.classList.add("failed");
      clear(status, h("strong", {}, title), detail ? h("span", { class: "upload-detail" }, detail) : null);
      status.setAttribute("role", "alert");
      el.append(h("button", { type: "button", class: "small", onclick: () => { el.remove(); rows.delete(p.file); } }, t("media.dismiss")));
    }
  };
  return { list, track, add: (file) => track({ file, phase: "queued" }) };
}

// A drop zone with a "Choose files" button; calls onFiles(FileList-like array).
export function dropZone(onFiles, { accept = MEDIA_ACCEPT, hint = t("media.dropHint"), compact = false } = {}) {
  const picker = h("input", { type: "file", multiple: true, accept, hidden: true, class: "file-input",
    onchange: () => { if (picker.files.length) onFiles(Array.from(picker.files)); picker.value = ""; } });
  const button = h("button", { type: "button", class: "primary", onclick: () => picker.click() }, t("media.choose"));
  const zone = h("div", { class: compact ? "drop compact" : "drop" },
    h("p", {}, hint), h("p", {}, button), picker);
  let depth = 0;
  zone.addEventListener("dragenter", (e) => { if (hasFiles(e)) { e.preventDefault(); depth++; zone.classList.add("over"); } });
  zone.addEventListener("dragover", (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; } });
  zone.addEventListener("dragleave", () => { if (--depth <= 0) { depth = 0; zone.classList.remove("over"); } });
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    depth = 0;
    zone.classList.remove("over");
    const files = Array.from(e.dataTransfer?.files || []);
    if (files.length) onFiles(files);
  });
  return zone;
}
const hasFiles = (e) => Array.from(e.dataTransfer?.types || []).includes("Files");

// The modal picker: see the top of this file.
export function mediaPicker(ctx, { onPick, title, imagesOnly = true } = {}) {
  return new Promise((resolve) => {
    const controller = new AbortController();
    let picked = null;
    let after = null;
    const grid = h("ul", { class: "grid picker-grid" });
    const status = h("p", { class: "muted", role: "status" }, t("common.loading"));
    const more = h("button", { type: "button", hidden: true, onclick: () => load() }, t("media.loadMore"));
    const errorBox = h("div");
    const headingId = `media-picker-${Date.now()}`;
    const close = h("button", { type: "button", class: "small", onclick: () => dlg.close() }, t("common.close"));
    const uploads = uploadList();
    const zone = dropZone(async (files) => {
      files.forEach(uploads.add);
      // Here only images can be chosen: anything else is refused before it is sent.
      const refused = imagesOnly ? files.filter((f) => !f.type.startsWith("image/")) : [];
      for (const file of refused) uploads.track({ file, phase: "error", error: new ApiError([{ message: t("media.err.notImage"), code: "NOT_IMAGE" }]) });
      const done = await uploadFiles(ctx.site.id, files.filter((f) => !refused.includes(f)), uploads.track, { signal: controller.signal });
      const added = done.filter((r) => r.media && (!imagesOnly || isImage(r.media))).map((r) => r.media);
      if (!added.length) return;
      status.hidden = true;
      const tiles = added.map(tile);
      grid.prepend(...tiles);
      tiles[0].querySelector("button")?.focus();
    }, { accept: imagesOnly ? IMAGE_ACCEPT : MEDIA_ACCEPT, hint: t(imagesOnly ? "media.pickerDropHint" : "media.dropHint"), compact: true });

    const dlg = h("dialog", { class: "media-picker", "aria-labelledby": headingId },
      h("div", { class: "picker-head" }, h("h2", { id: headingId }, title || t("media.pickTitle")), close),
      h("div", { class: "picker-body" }, zone, uploads.list, errorBox, status, grid, h("div", { class: "actions" }, more)));

    function tile(m) {
      return h("li", {}, h("button", { type: "button", class: "pick tile", onclick: () => { picked = m; dlg.close(); } },
        thumbnail(m),
        h("span", { class: "media-name" }, m.filename),
        h("span", { class: "muted" }, mediaSummary(m))));
    }

    async function load() {
      more.disabled = true;
      clear(errorBox);
      try {
        let shown = 0;
        // Skip ahead over pages without images, a few at a time, so the list never looks empty by accident.
        for (let round = 0; round < 5; round++) {
          const data = await gql(`query StudioPickMedia($site: String!, $first: Int, $after: String) {
            siteMedia(site: $site, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${MEDIA_FIELDS} } } }`,
          { site: ctx.site.id, first: 30, after });
          const conn = data.siteMedia;
          const nodes = imagesOnly ? conn.nodes.filter(isImage) : conn.nodes;
          grid.append(...nodes.map(tile));
          shown += nodes.length;
          after = conn.pageInfo.endCursor;
          more.hidden = !conn.pageInfo.hasNextPage;
          if (shown || !conn.pageInfo.hasNextPage) break;
        }
        const any = grid.children.length > 0;
        status.hidden = any;
        status.textContent = any ? "" : t(imagesOnly ? "media.noImages" : "media.empty");
      } catch (e) {
        status.hidden = true;
        errorBox.replaceChildren(h("div", { class: "form-error", role: "alert" }, h("p", {}, e instanceof ApiError ? e.errors.map(describe).join("; ") : String(e?.message || e))));
      } finally {
        more.disabled = false;
      }
    }

    dlg.addEventListener("close", () => {
      controller.abort();
      dlg.remove();
      if (picked) onPick?.(picked);
      resolve(picked);
    });
    ctx.onCleanup?.(() => { if (dlg.open) dlg.close(); });
    document.body.append(dlg);
    dlg.showModal();
    close.focus();
    load();
  });
}
