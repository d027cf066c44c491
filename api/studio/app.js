// Wharf Studio: boot, routing and the frame around every page. Pages are ES modules under
// pages/, loaded when first visited; each exports `render(root, ctx)`.
import { gql, signedIn, currentUser, logout, onSessionChange } from "./lib/api.js";
import { t, locale, setLocale, LOCALES } from "./lib/i18n.js";
import { h, clear, pageError, loading, select } from "./lib/ui.js";

const BASE = "/studio";
const SITE_KEY = "wharf.studio.site";

// [pattern, page module, options]; `:name` segments become ctx.params.name.
const ROUTES = [
  ["/login", "login", { public: true, bare: true }],
  ["/invite/:token", "invite", { public: true, bare: true }],
  ["/reset/:token", "reset", { public: true, bare: true }],
  ["/explorer", "explorer", { public: true }],
  ["/", "articles"],
  ["/articles", "articles"],
  ["/articles/new", "editor"],
  ["/articles/:id", "editor"],
  ["/inquiries", "inquiries"],
  ["/inquiries/:id", "inquiry"],
  ["/tags", "tags"],
  ["/products", "products"],
  ["/products/new", "product"],
  ["/products/:id", "product"],
  ["/categories", "categories"],
  ["/media", "media"],
  ["/market", "market"],
  ["/deals/:id", "deal"],
  ["/settings", "settings"],
  ["/account", "account", { noSite: true }],
  ["/sites/new", "newsite", { noSite: true }],
];

const NAV = [
  ["/articles", "nav.articles"],
  ["/inquiries", "nav.inquiries"],
  ["/tags", "nav.tags"],
  ["/products", "nav.products"],
  ["/categories", "nav.categories"],
  ["/media", "nav.media"],
  ["/market", "nav.market"],
  ["/settings", "nav.settings"],
  ["/explorer", "nav.explorer"],
];

const state = { memberships: null, site: null, leaveGuard: null, cleanup: [] };

function match(path) {
  const rel = path.startsWith(BASE) ? path.slice(BASE.length) || "/" : path;
  const parts = rel.replace(/\/+$/, "").split("/").filter(Boolean);
  for (const [pattern, page, opts = {}] of ROUTES) {
    const want = pattern.split("/").filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    if (want.every((w, i) => (w.startsWith(":") ? ((params[w.slice(1)] = decodeURIComponent(parts[i])), true) : w === parts[i]))) {
      return { page, params, opts, rel: "/" + parts.join("/") };
    }
  }
  return null;
}

export function navigate(to, { replace = false } = {}) {
  const url = to.startsWith(BASE) ? to : BASE + to;
  if (state.leaveGuard && !state.leaveGuard()) return;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render();
}

async function loadMemberships(force = false) {
  if (state.memberships && !force) return state.memberships;
  const data = await gql(`query StudioMe { viewer { id displayName email isAdmin memberships { role site { id name domain defaultLocale locales verified } } } }`);
  if (!data.viewer) return null;
  state.memberships = data.viewer.memberships;
  // The session's user as the API shows it to themself (with the email the sign-in answer,
  // made before the session existed, leaves out).
  const { id, displayName, email, isAdmin } = data.viewer;
  localStorage.setItem("wharf.studio.user", JSON.stringify({ id, displayName, email, isAdmin }));
  const saved = localStorage.getItem(SITE_KEY);
  const pick = state.memberships.find((m) => m.site.id === saved) || state.memberships[0] || null;
  state.site = pick ? { ...pick.site, role: pick.role } : null;
  return state.memberships;
}

function chooseSite(id) {
  const m = state.memberships.find((x) => x.site.id === id);
  if (!m) return;
  state.site = { ...m.site, role: m.role };
  localStorage.setItem(SITE_KEY, id);
  render();
}

// The navigation entry a page belongs to (a deal is part of the market, `/` the articles).
function section(path) {
  if (path === "/" || path.startsWith("/articles")) return "/articles";
  if (path.startsWith("/deals")) return "/market";
  return "/" + (path.split("/")[1] || "");
}

function header(active) {
  const user = currentUser();
  const siteSelect = state.memberships?.length
    ? select(state.memberships.map((m) => [m.site.id, m.site.name === m.site.domain ? m.site.name : `${m.site.name} · ${m.site.domain}`]),
      { id: "site-switch", value: state.site?.id, onchange: (e) => chooseSite(e.target.value), "aria-label": t("nav.site") })
    : null;
  const langSelect = select(LOCALES.map((l) => [l, t(`lang.${l}`)]),
    { id: "lang-switch", value: locale(), "aria-label": t("nav.language"), onchange: (e) => { setLocale(e.target.value); render(); } });
  const menu = h("button", { class: "menu-toggle", type: "button", "aria-expanded": "false", "aria-controls": "main-nav",
    onclick: (e) => { const open = e.currentTarget.getAttribute("aria-expanded") !== "true"; e.currentTarget.setAttribute("aria-expanded", String(open)); document.getElementById("main-nav").classList.toggle("open", open); } },
  t("nav.menu"));
  return h("header", { class: "top" },
    h("a", { href: `${BASE}/`, class: "brand" }, h("img", { src: `${BASE}/assets/icon.svg`, alt: "", width: 24, height: 24 }), "Wharf Studio"),
    menu,
    h("nav", { id: "main-nav", "aria-label": t("nav.main") },
      h("ul", {}, NAV.map(([href, key]) => h("li", {}, h("a", { href: BASE + href, "aria-current": section(active) === href ? "page" : null }, t(key))))),
      h("div", { class: "tools" },
        siteSelect,
        langSelect,
        user ? h("a", { href: `${BASE}/account`, class: "who", "aria-current": active === "/account" ? "page" : null }, user.displayName) : null,
        user ? h("button", { type: "button", id: "sign-out", onclick: async () => { await logout(); state.memberships = null; navigate("/login"); } }, t("nav.signOut"))
          : h("a", { href: `${BASE}/login` }, t("login.submit")))));
}

let renderSeq = 0;
async function render() {
  const seq = ++renderSeq;
  performance.mark(`studio:start:${seq}`);
  for (const fn of state.cleanup.splice(0)) { try { fn(); } catch { /* page already gone */ } }
  state.leaveGuard = null;
  const app = document.getElementById("app");
  app.classList.remove("boot");
  const route = match(location.pathname);
  document.title = "Wharf Studio";
  if (!route) {
    clear(app, header(""), h("main", { id: "main" }, h("h1", {}, t("common.notFound")), h("p", {}, h("a", { href: `${BASE}/` }, t("common.home")))));
    return;
  }
  if (!route.opts.public && !signedIn()) {
    const back = location.pathname + location.search;
    history.replaceState(null, "", `${BASE}/login?next=${encodeURIComponent(back)}`);
    return render();
  }
  const main = h("main", { id: "main", tabindex: "-1" });
  if (route.opts.bare) clear(app, main);
  else clear(app, header(route.rel), main);
  loading(main);
  try {
    // The page's module loads while the frame asks who is signed in.
    const modLoading = import(`./pages/${route.page}.js`);
    modLoading.catch(() => {});
    // A page may start reading its data as soon as its module is here (`prefetch(params)`),
    // taken once by its first render (ctx.takePrefetched).
    let prefetched = signedIn() && !route.opts.bare
      ? modLoading.then((m) => m.prefetch?.(route.params) ?? null)
      : null;
    prefetched?.catch(() => {});
    if (signedIn() && !route.opts.bare) {
      await loadMemberships();
      if (seq !== renderSeq) return;
      clear(app, header(route.rel), main);
      loading(main);
      if (!state.site && !route.opts.noSite && !route.opts.public) {
        history.replaceState(null, "", `${BASE}/sites/new`);
        return render();
      }
    }
    const mod = await modLoading;
    if (seq !== renderSeq) return;
    const ctx = {
      params: route.params,
      query: new URLSearchParams(location.search),
      site: state.site,
      memberships: state.memberships,
      navigate,
      setTitle: (title) => { document.title = `${title} · Wharf Studio`; },
      guardLeave: (fn) => { state.leaveGuard = fn; },
      onCleanup: (fn) => state.cleanup.push(fn),
      refreshSites: async () => { await loadMemberships(true); },
      chooseSite: (id) => { localStorage.setItem(SITE_KEY, id); },
      isCurrent: () => seq === renderSeq,
      takePrefetched: () => { const p = prefetched; prefetched = null; return p; },
    };
    await mod.render(main, ctx);
    // "Ready": the page's data is on screen (read by bench/studio-timings).
    if (seq === renderSeq) performance.measure("studio:ready", `studio:start:${seq}`);
  } catch (error) {
    if (seq === renderSeq) pageError(main, error, () => render());
  }
}

document.addEventListener("click", (e) => {
  const a = e.target.closest?.("a[href]");
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || a.target || a.hasAttribute("download")) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE + "/") && url.pathname !== BASE) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener("popstate", () => render());
window.addEventListener("beforeunload", (e) => {
  if (state.leaveGuard && !state.leaveGuard(true)) { e.preventDefault(); e.returnValue = ""; }
});
onSessionChange((user) => { if (!user) state.memberships = null; });
// Another tab signed out: follow it.
window.addEventListener("storage", (e) => { if (e.key === "wharf.studio.refresh" && !e.newValue) render(); });

render();
