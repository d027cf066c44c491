// The frame of the public account pages (invitation and reset links): no header, a language
// switch in the corner like the sign-in page, and what to do once a session was handed out.
import { gql } from "../../lib/api.js";
import { t, LOCALES, locale, setLocale } from "../../lib/i18n.js";
import { h, clear, select, describe } from "../../lib/ui.js";
import { ApiError } from "../../lib/api.js";

export function publicFrame(root, rerender, ...content) {
  const lang = select(LOCALES.map((l) => [l, t(`lang.${l}`)]), { value: locale(), "aria-label": t("nav.language"),
    onchange: (e) => { setLocale(e.target.value); rerender(); } });
  clear(root, h("div", { class: "login-wrap public-page" }, h("div", { class: "lang-corner" }, lang), content));
}

// A link page whose first request failed: the API's error, a retry, and the way to sign in.
export function publicError(root, error, retry) {
  const text = error instanceof ApiError ? error.errors.map(describe).join("; ") : String(error?.message || error);
  publicFrame(root, retry, h("div", { class: "card narrow" },
    h("h1", {}, t("common.errorTitle")),
    h("div", { class: "page-error", role: "alert" }, h("p", {}, text)),
    h("div", { class: "actions" }, h("button", { type: "button", onclick: retry }, t("common.retry")),
      h("a", { href: "/studio/login" }, t("invite.toLogin")))));
}

// After accepting an invitation: open the Studio on the site just joined.
export async function joined(ctx, domain) {
  try {
    const { viewer } = await gql(`query StudioJoined { viewer { memberships { site { id domain } } } }`);
    const m = viewer?.memberships?.find((x) => x.site.domain === domain);
    if (m) ctx.chooseSite(m.site.id);
    await ctx.refreshSites();
  } catch {
    // The session is kept; the Studio loads the sites itself on the next page.
  }
  ctx.navigate("/articles", { replace: true });
}
