// Site settings: the site's profile, its members and invitations, your API tokens and the
// site's webhooks, one tab each. A tab loads when first opened; the open tab is kept in the
// address (?tab=members) so a reload or a shared link comes back to it.
import { t } from "../lib/i18n.js";
import { h, clear, loading, pageError } from "../lib/ui.js";
import { renderSite } from "./settings/site.js";
import { renderMembers } from "./settings/members.js";
import { renderTokens } from "./settings/tokens.js";
import { renderWebhooks } from "./settings/webhooks.js";

const TABS = [
  ["site", "settings.tab.site", renderSite],
  ["members", "settings.tab.members", renderMembers],
  ["tokens", "settings.tab.tokens", renderTokens],
  ["webhooks", "settings.tab.webhooks", renderWebhooks],
];

export async function render(root, ctx) {
  ctx.setTitle(t("settings.title"));
  const site = ctx.site;
  const wanted = ctx.query.get("tab");
  let current = TABS.some(([id]) => id === wanted) ? wanted : "site";
  const buttons = {};
  const panels = {};
  const loaded = new Set();

  const load = async (id) => {
    const panel = panels[id];
    const [, , fn] = TABS.find(([x]) => x === id);
    loaded.add(id);
    loading(panel);
    try {
      await fn(panel, ctx, { reload: () => load(id) });
    } catch (error) {
      if (ctx.isCurrent()) pageError(panel, error, () => load(id));
    }
  };

  const show = (id, { focus = false } = {}) => {
    current = id;
    for (const [x] of TABS) {
      const on = x === id;
      buttons[x].setAttribute("aria-selected", String(on));
      buttons[x].tabIndex = on ? 0 : -1;
      panels[x].hidden = !on;
    }
    if (focus) buttons[id].focus();
    const url = new URL(location.href);
    url.searchParams.set("tab", id);
    history.replaceState(null, "", url.pathname + url.search);
    if (!loaded.has(id)) load(id);
  };

  // Arrow keys move between tabs (the WAI-ARIA tabs pattern); Tab goes into the panel.
  const onKey = (e) => {
    const ids = TABS.map(([x]) => x);
    const i = ids.indexOf(current);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: ids.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    show(ids[(next + ids.length) % ids.length], { focus: true });
  };

  const list = h("div", { class: "tabs", role: "tablist", "aria-label": t("settings.tabsLabel"), onkeydown: onKey },
    TABS.map(([id, key]) => (buttons[id] = h("button", {
      type: "button", role: "tab", id: `tab-${id}`, "aria-controls": `panel-${id}`,
      onclick: () => show(id),
    }, t(key)))));
  const body = TABS.map(([id]) => (panels[id] = h("section", {
    class: "tab-panel", role: "tabpanel", id: `panel-${id}`, "aria-labelledby": `tab-${id}`, tabindex: "0", hidden: true,
  })));

  clear(root,
    h("h1", {}, t("settings.title")),
    h("p", { class: "muted site-line" }, t("settings.forSite", { name: site.name, domain: site.domain })),
    list, body);
  show(current);
}
