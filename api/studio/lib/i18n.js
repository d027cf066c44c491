// Messages and formatting. Every string the Studio shows comes from messages/<locale>/<area>.js;
// the locale is the one the user picked (kept in localStorage), else the browser's first
// language we have, else English. Dates and numbers go through Intl in the user's time zone.
import enCommon from "../messages/en/common.js";
import zhCommon from "../messages/zh-CN/common.js";
import enContent from "../messages/en/content.js";
import zhContent from "../messages/zh-CN/content.js";
import enMedia from "../messages/en/media.js";
import zhMedia from "../messages/zh-CN/media.js";
import enMarket from "../messages/en/market.js";
import zhMarket from "../messages/zh-CN/market.js";
import enSettings from "../messages/en/settings.js";
import zhSettings from "../messages/zh-CN/settings.js";
import enExplorer from "../messages/en/explorer.js";
import zhExplorer from "../messages/zh-CN/explorer.js";
import enErrors from "../messages/en/errors.js";
import zhErrors from "../messages/zh-CN/errors.js";
import enInquiries from "../messages/en/inquiries.js";
import zhInquiries from "../messages/zh-CN/inquiries.js";
import enProducts from "../messages/en/products.js";
import zhProducts from "../messages/zh-CN/products.js";

export const CATALOGS = {
  en: { ...enCommon, ...enContent, ...enMedia, ...enMarket, ...enSettings, ...enExplorer, ...enErrors, ...enInquiries, ...enProducts },
  "zh-CN": { ...zhCommon, ...zhContent, ...zhMedia, ...zhMarket, ...zhSettings, ...zhExplorer, ...zhErrors, ...zhInquiries, ...zhProducts },
};
export const LOCALES = Object.keys(CATALOGS);
const KEY = "wharf.studio.locale";

function pick() {
  const saved = localStorage.getItem(KEY);
  if (saved && CATALOGS[saved]) return saved;
  for (const lang of navigator.languages || [navigator.language || "en"]) {
    const l = String(lang).toLowerCase();
    if (l.startsWith("zh")) return "zh-CN";
    if (l.startsWith("en")) return "en";
  }
  return "en";
}

let current = pick();
document.documentElement.lang = current;

export function locale() {
  return current;
}

export function setLocale(next) {
  if (!CATALOGS[next]) return;
  current = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next;
}

// The message `key` with `{name}` placeholders filled from `params`. A missing key shows
// itself (and warns), so a forgotten translation is visible rather than blank.
export function t(key, params = {}) {
  let text = CATALOGS[current][key];
  if (text === undefined) {
    console.warn(`missing message ${current}:${key}`);
    text = CATALOGS.en[key] ?? key;
  }
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// Whether the current language has the message `key` (for optional ones, such as an API
// error's reason, where a missing key means "fall back", not "forgotten").
export function has(key) {
  return CATALOGS[current][key] !== undefined;
}

export function formatDate(value, withTime = true) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(current, withTime
    ? { dateStyle: "medium", timeStyle: "short" }
    : { dateStyle: "medium" }).format(date);
}

export function formatNumber(n) {
  return new Intl.NumberFormat(current).format(n);
}

export function formatBytes(n) {
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  let v = Number(n) || 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${new Intl.NumberFormat(current, { maximumFractionDigits: i ? 1 : 0 }).format(v)} ${units[i]}`;
}

// `<input type="datetime-local">` value (local time) for an ISO date, and back.
export function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : null;
}
