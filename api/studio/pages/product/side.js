// Translations side by side in the product editor: the product's versions in the site's
// languages (open one, show one beside the form, or start the missing ones), and the read-only
// view of the version shown beside it: name, model number, summary, the description as readers
// get it, and the specification table.
import { t, has } from "../../lib/i18n.js";
import { h, badge, table } from "../../lib/ui.js";

const language = (l) => (has(`lang.${l}`) ? `${t(`lang.${l}`)} (${l})` : l);

// The card listing the versions. `product` is the one being edited (null for a new one),
// `source` the one shown beside it.
export function translationsCard(site, product, source) {
  if (!product) return null;
  const versions = [product, ...product.translations];
  const have = new Set(versions.map((x) => x.locale));
  const missing = site.locales.filter((l) => !have.has(l));
  const here = `/studio/products/${encodeURIComponent(product.id)}`;
  return h("section", { class: "card translations", "aria-labelledby": "pe-tr-h" },
    h("h2", { id: "pe-tr-h" }, t("product.translations")),
    h("ul", { class: "plain" }, versions.map((x) => h("li", { class: "tr-line" },
      h("span", { class: "tr-name" },
        x.id === product.id ? h("strong", { lang: x.locale }, `${x.locale} · ${x.name}`)
          : h("a", { href: `/studio/products/${encodeURIComponent(x.id)}`, lang: x.locale }, `${x.locale} · ${x.name}`)),
      " ", badge(t(`status.${x.status}`), x.status),
      x.id === product.id ? null : source?.id === x.id
        ? h("a", { class: "button small", href: here }, t("product.hideBeside"))
        : h("a", { class: "button small", href: `${here}?beside=${encodeURIComponent(x.id)}` }, t("product.showBeside", { locale: x.locale }))))),
    missing.length ? h("div", { class: "actions" }, missing.map((l) =>
      h("a", { class: "button", href: `/studio/products/new?translationOf=${encodeURIComponent(product.id)}&locale=${encodeURIComponent(l)}` },
        t("product.translateTo", { locale: language(l) })))) : null);
}

// The read-only view of another version, shown beside the form.
export function sourcePanel(source) {
  const description = h("div", { class: "preview", lang: source.locale });
  // The server's sanitized HTML of the description (the articles' renderer and sanitizer),
  // exactly what readers get; the CSP blocks any script anyway.
  description.innerHTML = source.html;
  return h("section", { class: "card source", id: "pe-source", "aria-labelledby": "pe-source-h", lang: source.locale },
    h("h2", { id: "pe-source-h" }, t("product.sourceTitle", { locale: language(source.locale) }), " ", badge(t(`status.${source.status}`), source.status)),
    h("dl", { class: "facts" },
      h("dt", {}, t("product.name")), h("dd", { class: "source-name" }, source.name),
      source.modelNumber ? [h("dt", {}, t("product.model")), h("dd", { class: "mono" }, source.modelNumber)] : null,
      source.summary ? [h("dt", {}, t("product.summary")), h("dd", {}, source.summary)] : null),
    h("h3", {}, t("product.description")),
    description,
    source.specs.length ? [
      h("h3", {}, t("product.specs")),
      table([t("product.spec.group"), t("product.spec.name"), t("product.spec.value"), t("product.spec.unit")],
        source.specs.map((r) => [r.group || "", r.name, r.value, r.unit || ""]), { caption: t("product.specs") }),
    ] : null);
}
