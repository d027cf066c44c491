// The API explorer (public): write a GraphQL document with completion from the schema, run it
// against this server and read the response, beside the schema's documentation. Signed in, the
// requests carry the Studio session (lib/api.js `raw`); otherwise they are anonymous. Where the
// server turns introspection off (production), queries still run, without completion or docs.
// The document and variables are kept in this browser; headers are not (they may hold tokens).
import { raw, subscribe, currentUser, ApiError } from "../lib/api.js";
import { t, formatNumber } from "../lib/i18n.js";
import { h, clear, field, badge, copyButton, describe } from "../lib/ui.js";
import { INTROSPECTION, buildSchema, definitions } from "./explorer/graphql.js";
import { withCompletion } from "./explorer/editor.js";
import { docsPanel } from "./explorer/docs.js";

const STORE = "wharf.studio.explorer";
const DOCS_KEY = "wharf.studio.explorer.docs";
const MAX_EVENTS = 50;
// Larger responses are shown as plain text: colouring them would make the page slow.
const MAX_COLOURED = 200_000;

const EXAMPLE = `query ExampleSites {
  sites(first: 5) {
    totalCount
    edges {
      node {
        id
        name
        domain
      }
    }
  }
}
`;

function saved() {
  try { return JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch { return {}; }
}

// The pretty JSON with keys, strings, numbers and literals in their own spans (as text nodes).
function coloured(text) {
  if (text.length > MAX_COLOURED) return [text];
  const out = [];
  const re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const cls = m[1] ? (m[2] ? "j-key" : "j-str") : m[3] ? "j-lit" : "j-num";
    out.push(h("span", { class: cls }, m[1] || m[0]));
    if (m[2]) out.push(m[2]);
    last = re.lastIndex;
  }
  out.push(text.slice(last));
  return out;
}

export async function render(root, ctx) {
  ctx.setTitle(t("explorer.title"));
  const keep = saved();
  const user = currentUser();
  let schema = null;
  let stop = null;

  const query = h("textarea", { class: "ex-query", rows: 18, wrap: "off" });
  query.value = ctx.query.get("query") ?? keep.query ?? EXAMPLE;
  const variables = h("textarea", { class: "ex-json-input", rows: 4, placeholder: "{ }", spellcheck: "false" });
  variables.value = ctx.query.get("variables") ?? keep.variables ?? "";
  const headers = h("textarea", { class: "ex-json-input", rows: 3, placeholder: '{ "X-Example": "value" }', spellcheck: "false" });
  const picker = h("select", { class: "ex-picker" });
  const pickerField = field(t("explorer.operation"), picker);
  const runButton = h("button", { type: "button", class: "primary", onclick: () => runDocument(false) }, t("explorer.run"));
  const docs = docsPanel();
  const docsOpen = localStorage.getItem(DOCS_KEY) !== "closed";
  const docsToggle = h("button", { type: "button", "aria-expanded": String(docsOpen), "aria-controls": "ex-docs",
    onclick: () => toggleDocs() }, t("explorer.docs"));
  const schemaNote = h("p", { class: "ex-schema-note muted", role: "status" }, t("explorer.schemaLoading"));
  const statusLine = h("div", { class: "status-line ex-status", role: "status", "aria-live": "polite" },
    h("span", { class: "muted" }, t("explorer.noResponse")));
  const output = h("pre", { class: "ex-output", tabindex: "0", "aria-label": t("explorer.response") });

  const completion = withCompletion(query, { schema: () => schema, onRun: () => runDocument(true) });
  const queryField = field(t("explorer.query"), query, { hint: t("explorer.keys") });
  queryField.querySelector(".hint").before(completion.element);
  for (const el of [variables, headers]) {
    el.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runDocument(false); }
    });
  }

  const layout = h("div", { class: `explorer${docsOpen ? " with-docs" : ""}` },
    h("section", { class: "ex-pane ex-edit", "aria-labelledby": "ex-edit-h" },
      h("h2", { id: "ex-edit-h", class: "sr-only" }, t("explorer.request")),
      h("div", { class: "ex-bar" }, runButton, pickerField, docsToggle),
      queryField,
      field(t("explorer.variables"), variables, { hint: t("explorer.variablesHint") }),
      field(t("explorer.headers"), headers, { hint: t("explorer.headersHint") })),
    h("section", { class: "ex-pane ex-result", "aria-labelledby": "ex-result-h" },
      h("h2", { id: "ex-result-h" }, t("explorer.response")),
      statusLine,
      output),
    h("section", { class: "ex-pane ex-docs", id: "ex-docs", "aria-labelledby": "ex-docs-h", hidden: !docsOpen },
      h("h2", { id: "ex-docs-h" }, t("explorer.docs")),
      schemaNote,
      docs.element));

  clear(root,
    h("h1", {}, t("explorer.title")),
    h("p", { class: "ex-who" }, user
      ? t("explorer.asUser", { name: user.displayName })
      : [t("explorer.anonymous"), " ", h("a", { href: "/studio/login?next=%2Fstudio%2Fexplorer" }, t("explorer.signIn"))]),
    layout);

  function toggleDocs() {
    const open = docsToggle.getAttribute("aria-expanded") !== "true";
    docsToggle.setAttribute("aria-expanded", String(open));
    layout.classList.toggle("with-docs", open);
    layout.querySelector(".ex-docs").hidden = !open;
    localStorage.setItem(DOCS_KEY, open ? "open" : "closed");
  }

  // The operations of the document; the picker shows when there are several.
  function operations() {
    return definitions(query.value).filter((d) => d.kind !== "fragment");
  }
  function refreshPicker() {
    const ops = operations();
    const named = ops.filter((o) => o.name);
    const before = picker.value;
    clear(picker, named.map((o) => h("option", { value: o.name }, `${o.name} (${t(`explorer.op.${o.kind}`)})`)));
    if (named.some((o) => o.name === before)) picker.value = before;
    pickerField.hidden = named.length < 2;
  }

  let saveTimer = 0;
  const remember = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      try { localStorage.setItem(STORE, JSON.stringify({ query: query.value, variables: variables.value })); } catch { /* full or blocked: not kept */ }
      refreshPicker();
    }, 300);
  };
  query.addEventListener("input", remember);
  variables.addEventListener("input", remember);
  refreshPicker();

  // A JSON object from a text field (empty: {}), or an error shown beside that field.
  function jsonObject(el, message) {
    const slot = document.getElementById(`${el.id}-err`);
    slot.hidden = true;
    el.removeAttribute("aria-invalid");
    const text = el.value.trim();
    if (!text) return {};
    let value;
    try { value = JSON.parse(text); } catch (e) { value = e; }
    if (value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Error)) return value;
    slot.textContent = value instanceof Error ? `${message} ${value.message}` : message;
    slot.hidden = false;
    el.setAttribute("aria-invalid", "true");
    el.focus();
    return null;
  }

  function showStatus(parts) {
    clear(statusLine, parts);
  }
  function showBody(text) {
    let pretty = text;
    try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: as it came */ }
    clear(output, coloured(pretty));
    return pretty;
  }

  function stopSubscription(note = true) {
    if (!stop) return;
    stop();
    stop = null;
    runButton.textContent = t("explorer.run");
    runButton.classList.add("primary");
    if (note) showStatus([badge(t("explorer.stopped"))]);
  }
  ctx.onCleanup(() => stopSubscription(false));

  async function runDocument(atCursor) {
    if (stop) return stopSubscription();
    completion.close();
    const vars = jsonObject(variables, t("explorer.variablesInvalid"));
    if (!vars) return;
    const extra = jsonObject(headers, t("explorer.headersInvalid"));
    if (!extra) return;
    if (Object.values(extra).some((v) => typeof v !== "string")) {
      const slot = document.getElementById(`${headers.id}-err`);
      slot.textContent = t("explorer.headersStrings");
      slot.hidden = false;
      headers.setAttribute("aria-invalid", "true");
      return;
    }
    refreshPicker();
    const ops = operations();
    let op = ops.length === 1 ? ops[0] : null;
    if (ops.length > 1) {
      const pos = query.selectionStart;
      const here = atCursor ? ops.find((o) => o.start <= pos && pos <= o.end && o.name) : null;
      if (here) picker.value = here.name;
      op = ops.find((o) => o.name === picker.value) || null;
    }
    if (op?.kind === "subscription") return runSubscription(op, vars);
    const body = { query: query.value, variables: vars };
    if (op?.name && ops.length > 1) body.operationName = op.name;
    runButton.disabled = true;
    showStatus([h("span", { class: "muted" }, t("explorer.running"))]);
    const started = performance.now();
    try {
      const resp = await raw(body, extra);
      const ms = Math.round(performance.now() - started);
      const pretty = showBody(resp.text);
      let hasErrors = false;
      try { hasErrors = !!JSON.parse(resp.text).errors?.length; } catch { hasErrors = true; }
      const kind = resp.status >= 400 ? "bad" : hasErrors ? "warn" : "ok";
      showStatus([badge(`HTTP ${resp.status}`, kind), hasErrors ? badge(t("explorer.hasErrors"), "warn") : null,
        h("span", {}, t("explorer.took", { ms: formatNumber(ms) })), copyButton(pretty)]);
    } catch (e) {
      clear(output);
      showStatus([badge(t("explorer.failed"), "bad"), h("span", {}, describe({ code: "NETWORK", message: String(e?.message || e) }))]);
    } finally {
      runButton.disabled = false;
    }
  }

  // Over WebSocket with the Studio session: the subscription and the fragments it may use.
  function runSubscription(op, vars) {
    const fragments = definitions(query.value).filter((d) => d.kind === "fragment");
    const text = [op, ...fragments].map((d) => query.value.slice(d.start, d.end)).join("\n");
    const events = [];
    clear(output);
    showStatus([badge(t("explorer.listening"), "ok"), h("span", { class: "muted" }, t("explorer.subscriptionNote"))]);
    runButton.textContent = t("explorer.stop");
    runButton.classList.remove("primary");
    const add = (entry) => {
      events.unshift(entry);
      events.length = Math.min(events.length, MAX_EVENTS);
      showBody(JSON.stringify(events));
    };
    stop = subscribe(text, vars,
      (data) => add({ receivedAt: new Date().toISOString(), data }),
      (err) => add({ receivedAt: new Date().toISOString(), errors: err instanceof ApiError ? err.errors : [{ message: String(err) }] }));
  }

  // The schema, once: for completion and the docs.
  try {
    const resp = await raw({ query: INTROSPECTION, operationName: "StudioExplorerIntrospection" });
    if (!ctx.isCurrent()) return;
    let json = null;
    try { json = JSON.parse(resp.text); } catch { /* not JSON: treated as no schema */ }
    if (json?.data?.__schema?.types) {
      schema = buildSchema(json.data.__schema);
      schemaNote.hidden = true;
      docs.setSchema(schema);
    } else {
      schemaNote.hidden = true;
      docs.setSchema(null, t("explorer.noDocs"));
      layout.before(h("p", { class: "ex-off", role: "status" }, t("explorer.introspectionOff")));
    }
  } catch (e) {
    schemaNote.hidden = true;
    docs.setSchema(null, t("explorer.noDocs"));
    layout.before(h("p", { class: "ex-off", role: "status" },
      t("explorer.schemaFailed"), " ", describe({ code: "NETWORK", message: String(e?.message || e) })));
  }
}
