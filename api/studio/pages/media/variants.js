// The media library's picture of an image: its BlurHash (decoded here, lib/blurhash.js) or its
// dominant colour painted at once, then a small variant (lib/variants.js) over it once loaded;
// and the item's details: dimensions, colour, the BlurHash preview and the variant widths the
// server makes.
import { t, formatNumber } from "../../lib/i18n.js";
import { h, clear } from "../../lib/ui.js";
import { thumbnail, isImage } from "../../lib/media.js";
import { variantsOf, resizable, parseSrcset } from "../../lib/variants.js";
import { paintBlurhash } from "../../lib/blurhash.js";

const COLOR = /^#[0-9a-f]{6}$/i;

// A 32×32 canvas of the hash (or 32 wide at the image's ratio), stretched by CSS.
function blurCanvas(m, cls, ratio = false) {
  if (!m.blurhash) return null;
  const height = ratio && m.width && m.height ? Math.max(1, Math.min(64, Math.round((32 * m.height) / m.width))) : 32;
  const canvas = h("canvas", { width: 32, height, class: cls, "aria-hidden": "true", dataset: { blurhash: m.blurhash } });
  return paintBlurhash(canvas, m.blurhash) ? canvas : null;
}

// The grid's thumbnail: placeholder first, the image faded in over it when it has loaded.
export function blurThumb(m) {
  const img = thumbnail(m);
  if (!isImage(m)) return img;
  const box = h("span", { class: "thumb-box" });
  const canvas = blurCanvas(m, "blurhash");
  if (canvas) box.append(canvas);
  else if (COLOR.test(m.dominantColor || "")) box.style.backgroundColor = m.dominantColor;
  img.addEventListener("load", () => box.classList.add("loaded"), { once: true });
  img.addEventListener("error", () => box.classList.add("failed"), { once: true });
  box.append(img);
  return box;
}

// "Details": read when opened (the variants' links are signed for a while).
export function detailBox(m) {
  const body = h("div", { class: "media-detail-body" });
  const details = h("details", { class: "media-detail" }, h("summary", {}, t("media.details")), body);
  const fill = async () => {
    const rows = [];
    if (m.width && m.height) rows.push([t("media.detailSize"), t("media.pixels", { w: formatNumber(m.width), h: formatNumber(m.height) })]);
    if (COLOR.test(m.dominantColor || "")) {
      const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.backgroundColor = m.dominantColor;
      rows.push([t("media.detailColor"), h("span", {}, swatch, " ", h("code", {}, m.dominantColor))]);
    }
    if (m.blurhash) {
      rows.push([t("media.blurhash"), h("span", { class: "blurhash-preview" },
        blurCanvas(m, "blurhash-large", true), h("code", { class: "blurhash-code" }, m.blurhash))]);
    }
    const widths = h("span", { class: "muted" }, t(resizable(m) ? "common.loading" : "media.noVariants"));
    if (isImage(m)) rows.push([t("media.variants"), widths]);
    clear(body, rows.length ? h("dl", { class: "media-facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))
      : h("p", { class: "muted" }, t("media.noDetails")));
    if (!resizable(m)) return;
    const v = await variantsOf(m);
    const list = v ? h("ul", { class: "variant-widths" }, parseSrcset(v.srcset).map(({ url, width }) =>
      h("li", {}, h("a", { href: url, target: "_blank", rel: "noopener" }, t("media.variantWidth", { w: formatNumber(width) })))))
      : h("span", { class: "muted" }, t("media.noVariants"));
    widths.replaceWith(list);
  };
  details.addEventListener("toggle", () => { if (details.open && !body.childElementCount) fill(); });
  return details;
}
