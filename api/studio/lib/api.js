// The Studio's one way to the server: GraphQL over POST /graphql (and WebSocket for
// subscriptions), with the same credentials an integrator uses. The session is the API's own:
// a short-lived access token kept in memory and a refresh token kept in localStorage so that a
// reload stays signed in. Refresh tokens rotate and work once (a reused one ends the session), so
// tabs refresh one at a time under a Web Lock and always use the newest stored token.
const REFRESH_KEY = "wharf.studio.refresh";
const USER_KEY = "wharf.studio.user";
// The access token also stays in this tab's sessionStorage, so a reload does not spend a refresh
// (a write on the server, and a round trip before the page's first query). It goes with the tab,
// and is never used once the refresh token is gone (signed out here or in another tab).
const ACCESS_KEY = "wharf.studio.access";
let access = null;
let accessExpires = 0;
let accessIssued = 0;
try {
  const saved = JSON.parse(sessionStorage.getItem(ACCESS_KEY) || "null");
  if (saved && localStorage.getItem(REFRESH_KEY)) ({ access, accessExpires, accessIssued } = saved);
} catch { /* no saved token */ }
let inFlight = 0;
const listeners = new Set();

export class ApiError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join("; "));
    this.errors = errors;
  }
  get code() { return this.errors[0]?.code; }
  // The first error naming `field` (as in `extensions.field`).
  forField(field) { return this.errors.find((e) => e.field === field); }
}

function busy(delta) {
  inFlight += delta;
  const bar = document.getElementById("busy");
  if (bar) {
    bar.classList.toggle("on", inFlight > 0);
    bar.setAttribute("aria-hidden", inFlight > 0 ? "false" : "true");
  }
  document.body.setAttribute("aria-busy", inFlight > 0 ? "true" : "false");
}

export function onSessionChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }
function changed() { for (const fn of listeners) fn(currentUser()); }

export function currentUser() {
  try { return JSON.parse(localStorage.getItem(USER_KEY) || "null"); } catch { return null; }
}
export function signedIn() {
  if (localStorage.getItem(REFRESH_KEY)) return true;
  // Signed out in another tab: this tab's access token goes too.
  if (access) { access = null; accessExpires = 0; sessionStorage.removeItem(ACCESS_KEY); }
  return false;
}

function keep(payload) {
  access = payload.accessToken;
  accessExpires = Date.parse(payload.accessTokenExpiresAt) || 0;
  accessIssued = Date.now();
  sessionStorage.setItem(ACCESS_KEY, JSON.stringify({ access, accessExpires, accessIssued }));
  localStorage.setItem(REFRESH_KEY, payload.refreshToken);
  localStorage.setItem(USER_KEY, JSON.stringify(payload.user));
  changed();
}

function forget() {
  access = null;
  accessExpires = 0;
  sessionStorage.removeItem(ACCESS_KEY);
  localStorage.removeItem(REFRESH_KEY);
  localStorage.removeItem(USER_KEY);
  changed();
}

const SESSION = `accessToken accessTokenExpiresAt refreshToken user { id email displayName isAdmin }`;

async function post(body, token) {
  const headers = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  let resp;
  busy(1);
  try {
    resp = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin" });
  } catch (e) {
    throw new ApiError([{ message: String(e.message || e), code: "NETWORK" }]);
  } finally {
    busy(-1);
  }
  let json;
  try { json = await resp.json(); } catch {
    throw new ApiError([{ message: `HTTP ${resp.status}`, code: "HTTP_" + resp.status }]);
  }
  return json;
}

function errorsOf(json) {
  return (json.errors || []).map((e) => ({
    message: e.message,
    code: e.extensions?.code,
    field: e.extensions?.field,
    reason: e.extensions?.reason,
    params: e.extensions?.params,
    path: e.path,
  }));
}

async function withLock(fn) {
  if (navigator.locks?.request) return navigator.locks.request("wharf-refresh", fn);
  return fn();
}

// Whether the access token in memory is good for a while yet: more than 30 s, or half its
// lifetime when tokens are shorter than a minute.
function fresh() {
  const margin = Math.min(30_000, (accessExpires - accessIssued) / 2);
  return !!access && accessExpires - Date.now() > margin;
}

// A valid access token, refreshing it when it is missing or about to expire.
async function token(force = false) {
  if (!signedIn()) return null;
  if (!force && fresh()) return access;
  return withLock(async () => {
    if (!force && fresh()) return access;
    const refresh = localStorage.getItem(REFRESH_KEY);
    if (!refresh) return null;
    const json = await post({
      query: `mutation StudioRefresh($t: String!) { refreshToken(refreshToken: $t) { ${SESSION} } }`,
      variables: { t: refresh },
    });
    if (json.data?.refreshToken) {
      keep(json.data.refreshToken);
      return access;
    }
    const errors = errorsOf(json);
    // Another tab may have rotated the token meanwhile: if the stored one changed, it is good.
    if (localStorage.getItem(REFRESH_KEY) !== refresh) return token(true);
    if (errors.some((e) => ["UNAUTHENTICATED", "BAD_USER_INPUT", "NOT_FOUND"].includes(e.code))) forget();
    throw new ApiError(errors.length ? errors : [{ message: "refresh failed", code: "UNAUTHENTICATED" }]);
  });
}

// Runs a GraphQL operation and returns its `data`; throws ApiError with every error otherwise.
export async function gql(query, variables = {}, opts = {}) {
  const auth = opts.anonymous ? null : await token();
  let json = await post({ query, variables }, opts.token ?? auth);
  let errors = errorsOf(json);
  if (!opts.anonymous && !opts.token && auth && errors.some((e) => e.code === "UNAUTHENTICATED")) {
    const fresh = await token(true);
    json = await post({ query, variables }, fresh);
    errors = errorsOf(json);
  }
  if (errors.length) throw new ApiError(errors);
  return json.data;
}

// Raw access for the explorer: any headers, the whole response.
export async function raw(body, headers = {}) {
  const auth = await token().catch(() => null);
  const h = { "content-type": "application/json", ...headers };
  if (auth && !Object.keys(h).some((k) => k.toLowerCase() === "authorization")) h.authorization = `Bearer ${auth}`;
  busy(1);
  try {
    const resp = await fetch("/graphql", { method: "POST", headers: h, body: JSON.stringify(body) });
    const text = await resp.text();
    return { status: resp.status, text };
  } finally {
    busy(-1);
  }
}

export async function login(email, password) {
  const data = await gql(`mutation StudioLogin($e: String!, $p: String!) { login(email: $e, password: $p) { ${SESSION} } }`,
    { e: email, p: password }, { anonymous: true });
  keep(data.login);
  return data.login.user;
}

// Keeps a session the API handed out (accepting an invitation, resetting a password, ...).
export function adopt(payload) { keep(payload); }
export const SESSION_FIELDS = SESSION;

export async function logout() {
  const refresh = localStorage.getItem(REFRESH_KEY);
  if (refresh) {
    await gql(`mutation StudioLogout($t: String!) { logout(refreshToken: $t) }`, { t: refresh }, { anonymous: true }).catch(() => {});
  }
  forget();
}

// Subscribes over WebSocket (graphql-transport-ws); returns a function that stops it. Reconnects
// with a fresh access token when the server closes the socket (for example when the token expires).
export function subscribe(query, variables, onData, onError) {
  let socket;
  let stopped = false;
  let retry = 1000;
  const open = async () => {
    if (stopped) return;
    const auth = await token().catch(() => null);
    const url = new URL("/graphql", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(url, "graphql-transport-ws");
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: auth ? { Authorization: `Bearer ${auth}` } : {} }));
    };
    socket.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (msg.type === "connection_ack") {
        retry = 1000;
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
      } else if (msg.type === "next" && msg.payload?.data) {
        onData(msg.payload.data);
      } else if (msg.type === "error" || msg.payload?.errors) {
        onError?.(new ApiError(errorsOf({ errors: msg.payload?.errors || msg.payload || [] })));
      } else if (msg.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      }
    };
    socket.onclose = () => {
      if (stopped) return;
      setTimeout(open, retry);
      retry = Math.min(retry * 2, 30_000);
    };
  };
  open();
  return () => {
    stopped = true;
    socket?.close();
  };
}
