// The schema documentation beside the explorer: the root types' fields and every type, a search
// over names and descriptions, and each type on its own view (fields with their arguments,
// input fields, enum values, possible types), every type name a button to that type.
import { t } from "../../lib/i18n.js";
import { h, clear, badge } from "../../lib/ui.js";
import { namedType, typeString } from "./graphql.js";

const MAX_RESULTS = 100;

export function docsPanel() {
  const search = h("input", { type: "search", class: "docs-search", "aria-label": t("explorer.docsSearch"), placeholder: t("explorer.docsSearch") });
  const back = h("button", { type: "button", class: "small", hidden: true, onclick: () => goBack() }, t("explorer.docsBack"));
  const home = h("button", { type: "button", class: "small", hidden: true, onclick: () => go(null) }, t("explorer.docsHome"));
  const body = h("div", { class: "docs-body", tabindex: "-1" });
  const element = h("div", { class: "docs" }, search, h("div", { class: "docs-trail" }, back, home), body);
  let schema = null;
  let trail = [];
  let view = null;

  search.addEventListener("input", () => draw());

  // A type reference (`[Article!]!`) with its named type as a button to that type.
  function typeLink(ref) {
    const text = typeString(ref);
    const name = namedType(ref);
    const at = name ? text.indexOf(name) : -1;
    if (at < 0 || !schema.types.has(name)) return h("span", { class: "mono" }, text);
    return h("span", { class: "mono" }, text.slice(0, at), link(name), text.slice(at + name.length));
  }
  function link(name, label) {
    return h("button", { type: "button", class: label ? "link" : "link code", onclick: () => go(name) }, label || name);
  }
  function description(text) {
    return text ? h("p", { class: "docs-desc" }, text) : null;
  }
  function deprecation(item) {
    return item.isDeprecated ? h("p", { class: "docs-deprecated" }, t("explorer.deprecated"), item.deprecationReason ? `: ${item.deprecationReason}` : "") : null;
  }
  function argList(args) {
    if (!args?.length) return null;
    return h("ul", { class: "docs-args" }, args.map((a) => h("li", {},
      h("span", { class: "mono" }, a.name, ": "), typeLink(a.type),
      a.defaultValue != null ? h("span", { class: "mono" }, ` = ${a.defaultValue}`) : null,
      description(a.description))));
  }
  function fieldList(fields, { withArgs = true } = {}) {
    return h("dl", { class: "docs-fields" }, fields.map((f) => [
      h("dt", { id: `docs-f-${f.name}`, class: f.isDeprecated ? "deprecated" : null },
        h("span", { class: "mono docs-name" }, f.name),
        withArgs && f.args?.length ? h("span", { class: "mono" }, "(…)") : null,
        h("span", { class: "mono" }, ": "), typeLink(f.type)),
      h("dd", {}, description(f.description), deprecation(f), withArgs ? argList(f.args) : null),
    ]));
  }

  function drawHome() {
    const roots = [["Query", schema.query], ["Mutation", schema.mutation], ["Subscription", schema.subscription]].filter(([, type]) => type);
    const others = [...schema.types.values()]
      .filter((type) => !type.name.startsWith("__"))
      .sort((a, b) => a.name.localeCompare(b.name));
    return [
      roots.map(([label, type], n) => h("details", { open: n === 0 },
        h("summary", {}, t(`explorer.root${label}`), " ", h("span", { class: "muted mono" }, type.name)),
        h("p", {}, link(type.name, t("explorer.docsOpenType", { name: type.name }))),
        fieldList(type.fields || []))),
      h("details", {},
        h("summary", {}, t("explorer.docsAllTypes", { count: others.length })),
        h("ul", { class: "docs-types" }, others.map((type) => h("li", {}, link(type.name), " ", badge(t(`explorer.kind.${type.kind}`)))))),
    ];
  }

  function drawType(type) {
    const parts = [h("h3", {}, h("span", { class: "mono" }, type.name), " ", badge(t(`explorer.kind.${type.kind}`))), description(type.description)];
    if (type.interfaces?.length) {
      parts.push(h("p", {}, t("explorer.docsImplements"), " ", type.interfaces.map((r, n) => [n ? ", " : "", link(r.name)])));
    }
    if (type.fields?.length) parts.push(h("h4", {}, t("explorer.docsFields")), fieldList(type.fields));
    if (type.inputFields?.length) parts.push(h("h4", {}, t("explorer.docsInputFields")), fieldList(type.inputFields, { withArgs: false }));
    if (type.enumValues?.length) {
      parts.push(h("h4", {}, t("explorer.docsValues")), h("dl", { class: "docs-fields" }, type.enumValues.map((v) => [
        h("dt", { class: v.isDeprecated ? "deprecated mono" : "mono" }, v.name),
        h("dd", {}, description(v.description), deprecation(v)),
      ])));
    }
    if (type.possibleTypes?.length) {
      parts.push(h("h4", {}, t("explorer.docsPossible")), h("ul", { class: "docs-types" }, type.possibleTypes.map((r) => h("li", {}, link(r.name)))));
    }
    return parts;
  }

  // Names first (types, then fields as `Type.field`), then matches in descriptions.
  function drawSearch(words) {
    const q = words.toLowerCase();
    const byName = [];
    const byText = [];
    for (const type of schema.types.values()) {
      if (type.name.startsWith("__")) continue;
      const entry = { type, field: null };
      if (type.name.toLowerCase().includes(q)) byName.push(entry);
      else if ((type.description || "").toLowerCase().includes(q)) byText.push(entry);
      for (const f of [...(type.fields || []), ...(type.inputFields || [])]) {
        const fe = { type, field: f };
        if (f.name.toLowerCase().includes(q)) byName.push(fe);
        else if ((f.description || "").toLowerCase().includes(q)) byText.push(fe);
      }
    }
    const all = [...byName, ...byText];
    if (!all.length) return [h("p", { class: "muted" }, t("explorer.docsNoMatch"))];
    return [
      h("p", { class: "muted", role: "status" }, t("explorer.docsMatches", { count: all.length })),
      h("ul", { class: "docs-results" }, all.slice(0, MAX_RESULTS).map(({ type, field }) => h("li", {},
        field
          ? [link(type.name), h("span", { class: "mono" }, "."), h("button", { type: "button", class: "link code", onclick: () => go(type.name, field.name) }, field.name),
            h("span", { class: "mono" }, ": "), typeLink(field.type)]
          : [link(type.name), " ", badge(t(`explorer.kind.${type.kind}`))],
        description(field ? field.description : type.description)))),
    ];
  }

  function draw(focusField) {
    if (!schema) return;
    const words = search.value.trim();
    const type = view && schema.types.get(view);
    back.hidden = !trail.length || !!words;
    home.hidden = !view || !!words;
    if (words) clear(body, drawSearch(words));
    else if (type) clear(body, drawType(type));
    else clear(body, drawHome());
    if (focusField) {
      const dt = body.querySelector(`#docs-f-${CSS.escape(focusField)}`);
      dt?.classList.add("target");
      dt?.scrollIntoView({ block: "center" });
    }
  }

  function go(name, field) {
    if (name !== view) trail.push(view);
    view = name;
    search.value = "";
    draw(field);
    if (!field) body.scrollTop = 0;
    body.focus({ preventScroll: true });
  }
  function goBack() {
    view = trail.pop() ?? null;
    draw();
    body.focus({ preventScroll: true });
  }

  return {
    element,
    // Shows `next` (a schema from graphql.js, or null with a message instead).
    setSchema(next, message) {
      schema = next;
      trail = [];
      view = null;
      search.hidden = !next;
      if (next) draw();
      else clear(body, h("p", { class: "muted" }, message));
    },
    show: (name) => go(name),
  };
}
