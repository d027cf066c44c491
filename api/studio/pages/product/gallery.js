// The product editor's images and files: the gallery (images of the site's media library, in
// order, one of them the cover) and the attachments (datasheets, certificates: any media).
// Items are picked with the media library's picker (which also uploads), moved earlier or
// later, and removed; nothing is sent until the editor saves.
import { t } from "../../lib/i18n.js";
import { h, clear, notice } from "../../lib/ui.js";
import { thumbnail, mediaSummary, mediaPicker } from "../../lib/media.js";

// services/product/media.rs: at most 50 gallery images and 50 attachments.
export const MAX_ITEMS = 50;

// mediaEditor(ctx, { gallery, attachments, cover }, onChange)
//   → { el, value() → { gallery: [Media], attachments: [Media], cover: Media | null } }
export function mediaEditor(ctx, initial, onChange) {
  const state = { gallery: [...initial.gallery], attachments: [...initial.attachments], cover: initial.cover || null };
  const galleryList = h("ol", { class: "gallery", "aria-label": t("product.gallery") });
  const filesList = h("ol", { class: "attachments", "aria-label": t("product.attachments") });
  const coverLine = h("p", { class: "muted cover-line", role: "status" });
  const changed = () => { draw(); onChange?.(); };

  const pick = async (kind) => {
    const list = state[kind];
    if (list.length >= MAX_ITEMS) { notice(t("product.tooManyMedia", { max: MAX_ITEMS }), "error"); return; }
    const m = await mediaPicker(ctx, {
      title: t(kind === "gallery" ? "product.pickImage" : "product.pickFile"),
      imagesOnly: kind === "gallery",
    });
    if (!m) return;
    if (list.some((x) => x.id === m.id)) { notice(t("product.alreadyListed", { name: m.filename })); return; }
    list.push(m);
    // The first image becomes the cover until another is chosen.
    if (kind === "gallery" && !state.cover) state.cover = m;
    changed();
  };

  const controls = (kind, i, m) => {
    const list = state[kind];
    const name = m.filename;
    const move = (to) => {
      const [x] = list.splice(i, 1);
      list.splice(to, 0, x);
      changed();
      (kind === "gallery" ? galleryList : filesList).querySelectorAll(":scope > li")[to]
        ?.querySelector(to < i ? "button.earlier" : "button.later")?.focus();
    };
    return h("div", { class: "media-actions" },
      h("button", { type: "button", class: "small earlier", disabled: i === 0, "aria-label": t("product.moveEarlier", { name }), onclick: () => move(i - 1) }, kind === "gallery" ? "←" : "↑"),
      h("button", { type: "button", class: "small later", disabled: i === list.length - 1, "aria-label": t("product.moveLater", { name }), onclick: () => move(i + 1) }, kind === "gallery" ? "→" : "↓"),
      h("button", { type: "button", class: "small danger", "aria-label": t("product.removeMedia", { name }), onclick: () => {
        list.splice(i, 1);
        if (kind === "gallery" && state.cover?.id === m.id) state.cover = state.gallery[0] || null;
        changed();
      } }, "×"));
  };

  function draw() {
    clear(galleryList, state.gallery.map((m, i) => {
      const isCover = state.cover?.id === m.id;
      return h("li", { class: `gallery-item${isCover ? " is-cover" : ""}`, dataset: { id: m.id } },
        h("div", { class: "gallery-img" }, thumbnail(m), isCover ? h("span", { class: "badge ok cover-badge" }, t("product.cover")) : null),
        h("span", { class: "media-name" }, `${i + 1}. ${m.filename}`),
        h("label", { class: "choice" },
          h("input", { type: "radio", name: "cover-choice", value: m.id, checked: isCover, onchange: () => { state.cover = m; changed(); } }),
          t("product.useAsCover")),
        controls("gallery", i, m));
    }));
    if (!state.gallery.length) galleryList.append(h("li", { class: "muted empty" }, t("product.noImages")));
    // A cover outside the gallery (set through the API) is shown and can be dropped.
    const outside = state.cover && !state.gallery.some((m) => m.id === state.cover.id);
    clear(coverLine,
      state.cover ? t("product.coverIs", { name: state.cover.filename }) : t("product.noCover"), " ",
      outside ? h("button", { type: "button", class: "small", onclick: () => { state.cover = null; changed(); } }, t("product.dropCover")) : null);
    clear(filesList, state.attachments.map((m, i) => h("li", { class: "attachment" },
      h("span", { class: "media-name" }, m.filename), h("span", { class: "muted" }, mediaSummary(m)),
      controls("attachments", i, m))));
    if (!state.attachments.length) filesList.append(h("li", { class: "muted empty" }, t("product.noAttachments")));
  }
  draw();

  const el = h("div", { class: "product-media" },
    h("h3", {}, t("product.gallery")),
    h("p", { class: "hint" }, t("product.galleryHint")),
    galleryList, coverLine,
    h("div", { class: "actions" }, h("button", { type: "button", id: "gallery-add", onclick: () => pick("gallery") }, t("product.addImage"))),
    h("h3", {}, t("product.attachments")),
    filesList,
    h("div", { class: "actions" }, h("button", { type: "button", id: "attachment-add", onclick: () => pick("attachments") }, t("product.addFile"))));
  return {
    el,
    value: () => ({ gallery: [...state.gallery], attachments: [...state.attachments], cover: state.cover }),
    set: (v) => { state.gallery = [...v.gallery]; state.attachments = [...v.attachments]; state.cover = v.cover || null; draw(); },
  };
}

// The media part of a product as ids, to compare and to send.
export const mediaIds = (v) => ({
  gallery: v.gallery.map((m) => m.id),
  attachments: v.attachments.map((m) => m.id),
  coverId: v.cover?.id || null,
});
