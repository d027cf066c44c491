// Completion, without any DOM: what may be typed at a position of a document. It parses the
// document from its start up to the cursor with a small recursive-descent parser that stops where
// the tokens end; the place it stops says what may come next (a field of some type, an argument
// of some field, a keyword ...). When it cannot tell, for example inside the selection of a field
// the schema does not know, it offers nothing.
import {
  OPERATIONS, TYPENAME, argsString, definitions, fieldOf, isComposite, isP, isRequired, namedType, tokenize, typeString,
} from "./graphql.js";

class Stop {
  constructor(ctx) { this.ctx = ctx; }
}
const BAD = new Error("syntax");

// What may come where the tokens end: a context such as `{ kind: "field", type }`, or null.
function expected(tokens, schema) {
  let i = 0;
  const peek = () => tokens[i];
  const stop = (ctx) => { throw new Stop(ctx); };
  const type = (name) => (name ? schema.types.get(name) || null : null);
  const fieldCtx = (t) => (t ? { kind: "field", type: t } : null);
  function expect(v, atEnd) {
    const t = peek();
    if (!t) stop(atEnd);
    if (!isP(t, v)) throw BAD;
    i++;
  }
  function name(atEnd) {
    const t = peek();
    if (!t) stop(atEnd);
    if (t.k !== "name") throw BAD;
    i++;
    return t.v;
  }
  function directives(location, atEnd) {
    while (isP(peek(), "@")) {
      i++;
      const dn = name({ kind: "directive", location });
      const d = schema.directives.find((x) => x.name === dn);
      if (isP(peek(), "(")) args(d ? d.args : null);
    }
    if (!peek()) stop(atEnd);
  }
  function args(defs) {
    expect("(", null);
    const used = [];
    for (;;) {
      const t = peek();
      if (!t) stop(defs ? { kind: "argument", args: defs, used } : null);
      if (isP(t, ")")) { i++; return; }
      const an = name(null);
      used.push(an);
      expect(":", null);
      const def = defs?.find((a) => a.name === an);
      value(def ? def.type : null);
    }
  }
  function value(ref) {
    const t = peek();
    if (!t) stop(ref ? { kind: "value", type: ref } : null);
    i++;
    if (isP(t, "$")) { name(null); return; }
    if (isP(t, "[")) {
      const outer = ref?.kind === "NON_NULL" ? ref.ofType : ref;
      const inner = outer?.kind === "LIST" ? outer.ofType : ref;
      for (;;) {
        const u = peek();
        if (!u) stop(inner ? { kind: "value", type: inner } : null);
        if (isP(u, "]")) { i++; return; }
        value(inner);
      }
    }
    if (isP(t, "{")) {
      const it = type(namedType(ref));
      const input = it?.kind === "INPUT_OBJECT" ? it : null;
      const used = [];
      for (;;) {
        const u = peek();
        if (!u) stop(input ? { kind: "inputField", type: input, used } : null);
        if (isP(u, "}")) { i++; return; }
        const fn = name(null);
        used.push(fn);
        expect(":", null);
        const f = input?.inputFields?.find((x) => x.name === fn);
        value(f ? f.type : null);
      }
    }
    if (t.k === "name" || t.k === "string" || t.k === "number") return;
    throw BAD;
  }
  function typeRef() {
    const t = peek();
    if (!t) stop({ kind: "inputType" });
    i++;
    let ref;
    if (isP(t, "[")) {
      ref = { kind: "LIST", ofType: typeRef() };
      expect("]", null);
    } else if (t.k === "name") {
      ref = { kind: "NAMED", name: t.v };
    } else {
      throw BAD;
    }
    if (isP(peek(), "!")) { i++; ref = { kind: "NON_NULL", ofType: ref }; }
    return ref;
  }
  function variables() {
    expect("(", null);
    for (;;) {
      const t = peek();
      if (!t) stop(null);
      if (isP(t, ")")) { i++; return; }
      expect("$", null);
      name(null);
      expect(":", { kind: "inputType" });
      const ref = typeRef();
      if (isP(peek(), "=")) { i++; value(ref); }
      directives("VARIABLE_DEFINITION", null);
    }
  }
  function selectionSet(parent, atEnd) {
    expect("{", atEnd);
    for (;;) {
      const t = peek();
      if (!t) stop(fieldCtx(parent));
      if (isP(t, "}")) { i++; return; }
      selection(parent);
    }
  }
  function selection(parent) {
    const t = peek();
    i++;
    if (isP(t, "...")) {
      const u = peek();
      if (!u) stop(parent ? { kind: "spread", type: parent } : null);
      if (u.k === "name" && u.v === "on") {
        i++;
        const tn = name(parent ? { kind: "typeCondition", type: parent } : null);
        directives("INLINE_FRAGMENT", null);
        return selectionSet(type(tn), null);
      }
      if (u.k === "name") {
        i++;
        return directives("FRAGMENT_SPREAD", fieldCtx(parent));
      }
      directives("INLINE_FRAGMENT", null);
      return selectionSet(parent, null);
    }
    if (t.k !== "name") throw BAD;
    let fname = t.v;
    if (!peek()) stop(fieldCtx(parent));
    if (isP(peek(), ":")) {
      i++;
      fname = name(fieldCtx(parent));
    }
    const def = fieldOf(schema, parent, fname);
    if (isP(peek(), "(")) args(def ? def.args : null);
    directives("FIELD", fieldCtx(parent));
    if (isP(peek(), "{")) selectionSet(def ? type(namedType(def.type)) : null, null);
  }
  function definition() {
    const t = peek();
    if (isP(t, "{")) return selectionSet(schema.query, null);
    if (t.k !== "name") throw BAD;
    i++;
    if (t.v === "fragment") {
      name(null);
      const on = peek();
      if (!on) stop({ kind: "keyword", words: ["on"] });
      if (on.k !== "name" || on.v !== "on") throw BAD;
      i++;
      const tn = name({ kind: "type" });
      directives("FRAGMENT_DEFINITION", null);
      return selectionSet(type(tn), null);
    }
    if (!OPERATIONS.includes(t.v)) throw BAD;
    const root = schema[t.v];
    if (peek()?.k === "name") i++;
    if (isP(peek(), "(")) variables();
    directives(t.v.toUpperCase(), null);
    return selectionSet(root, null);
  }
  // After a broken definition, go on at the next one (so one typo does not end completion in
  // the rest of the document); a broken definition that reaches the cursor offers nothing.
  function skip(start) {
    let depth = 0;
    for (let n = start + 1; n < tokens.length; n++) {
      const t = tokens[n];
      if (depth === 0 && t.k === "name" && (OPERATIONS.includes(t.v) || t.v === "fragment")) return n;
      if (t.k !== "punct") continue;
      if ("{([".includes(t.v)) depth++;
      else if ("})]".includes(t.v) && depth > 0) {
        depth--;
        if (depth === 0 && t.v === "}") return n + 1;
      }
    }
    return stop(null);
  }
  try {
    for (;;) {
      const start = i;
      if (!peek()) stop({ kind: "definition" });
      try {
        definition();
      } catch (e) {
        if (e !== BAD) throw e;
        i = skip(start);
      }
    }
  } catch (e) {
    if (e instanceof Stop) return e.ctx;
    throw e;
  }
}

const userTypes = (schema, kinds) => [...schema.types.values()].filter((t) => kinds.includes(t.kind) && !t.name.startsWith("__"));

// The suggestions for a context: `{ label, kind, detail, doc, deprecated, ... }`.
function suggestions(ctx, schema, fragments) {
  if (!ctx) return [];
  switch (ctx.kind) {
    case "definition":
      return [["query", schema.query], ["mutation", schema.mutation], ["subscription", schema.subscription], ["fragment", true]]
        .filter(([, ok]) => ok).map(([w]) => ({ label: w, kind: "keyword", detail: "" }));
    case "keyword":
      return ctx.words.map((w) => ({ label: w, kind: "keyword", detail: "" }));
    case "field": {
      if (!isComposite(ctx.type)) return [];
      const fields = ctx.type.kind === "UNION" ? [] : ctx.type.fields || [];
      return [...fields, TYPENAME].map((f) => {
        const target = schema.types.get(namedType(f.type));
        return {
          label: f.name,
          kind: "field",
          detail: `${argsString(f.args)}: ${typeString(f.type)}`,
          doc: f.description || "",
          deprecated: !!f.isDeprecated,
          requiredArgs: (f.args || []).some(isRequired),
          composite: isComposite(target),
        };
      });
    }
    case "argument":
      return ctx.args.filter((a) => !ctx.used.includes(a.name)).map((a) => ({
        label: a.name, kind: "argument", detail: `: ${typeString(a.type)}${a.defaultValue != null ? ` = ${a.defaultValue}` : ""}`, doc: a.description || "",
      }));
    case "inputField":
      return (ctx.type.inputFields || []).filter((a) => !ctx.used.includes(a.name)).map((a) => ({
        label: a.name, kind: "argument", detail: `: ${typeString(a.type)}`, doc: a.description || "",
      }));
    case "value": {
      const t = schema.types.get(namedType(ctx.type));
      if (t?.kind === "ENUM") {
        return (t.enumValues || []).map((v) => ({ label: v.name, kind: "enum", detail: t.name, doc: v.description || "", deprecated: !!v.isDeprecated }));
      }
      if (t?.name === "Boolean") return ["true", "false"].map((w) => ({ label: w, kind: "enum", detail: "Boolean" }));
      return [];
    }
    case "spread":
      return [{ label: "on", kind: "keyword", detail: "" }, ...fragments.map((f) => ({ label: f, kind: "fragment", detail: "" }))];
    case "typeCondition": {
      const p = ctx.type;
      const names = p.kind === "OBJECT" ? [p] : [p, ...(p.possibleTypes || []).map((r) => schema.types.get(r.name)).filter(Boolean)];
      return names.map((t) => ({ label: t.name, kind: "type", detail: "", typeKind: t.kind, doc: t.description || "" }));
    }
    case "type":
      return userTypes(schema, ["OBJECT", "INTERFACE", "UNION"]).map((t) => ({ label: t.name, kind: "type", detail: "", typeKind: t.kind, doc: t.description || "" }));
    case "inputType":
      return userTypes(schema, ["SCALAR", "ENUM", "INPUT_OBJECT"]).map((t) => ({ label: t.name, kind: "type", detail: "", typeKind: t.kind, doc: t.description || "" }));
    case "directive":
      return schema.directives.filter((d) => d.locations.includes(ctx.location)).map((d) => ({
        label: d.name, kind: "directive", detail: argsString(d.args), doc: d.description || "", requiredArgs: (d.args || []).some(isRequired),
      }));
    default:
      return [];
  }
}

// What to offer at `pos`: `{ from, to, prefix, items }` (the word being typed runs from `from`
// to `to`), or null when nothing can be said.
export function complete(text, pos, schema) {
  if (!schema) return null;
  const before = text.slice(0, pos);
  const m = /[_A-Za-z][_0-9A-Za-z]*$/.exec(before);
  const from = m ? m.index : pos;
  // A digit before the word: part of a number (`1e5`), not a name.
  if (m && from > 0 && /[0-9]/.test(text[from - 1])) return null;
  let to = pos;
  while (to < text.length && /[_0-9A-Za-z]/.test(text[to])) to++;
  const { tokens, inert } = tokenize(text, from);
  if (inert) return null;
  let ctx;
  try {
    ctx = expected(tokens, schema);
  } catch {
    return null;
  }
  const fragments = definitions(text).filter((d) => d.kind === "fragment" && d.name).map((d) => d.name);
  const prefix = before.slice(from);
  const lower = prefix.toLowerCase();
  const all = suggestions(ctx, schema, fragments);
  const starts = all.filter((s) => s.label.toLowerCase().startsWith(lower));
  const inside = lower ? all.filter((s) => !s.label.toLowerCase().startsWith(lower) && s.label.toLowerCase().includes(lower)) : [];
  const items = [...starts, ...inside].sort((a, b) => Number(!!a.deprecated) - Number(!!b.deprecated));
  if (items.length === 1 && items[0].label === prefix) return null;
  return items.length ? { from, to, prefix, items, context: ctx.kind } : null;
}

// The text that accepting `item` puts in place of `text[from, to)`: `{ text, caret }` (caret =
// offset in the inserted text) and whether to offer completion again right after.
export function insertion(item, text, from, to) {
  const after = text.slice(to).match(/^[ \t]*(.)?/)?.[1] || "";
  const lineStart = text.lastIndexOf("\n", from - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))[0];
  const plain = { text: item.label, caret: item.label.length, reopen: false };
  switch (item.kind) {
    case "field":
      if (after === "(" || after === "{" || after === ":") return plain;
      if (item.requiredArgs) return { text: `${item.label}()`, caret: item.label.length + 1, reopen: true };
      if (item.composite) {
        const inner = `${indent}  `;
        const t = `${item.label} {\n${inner}\n${indent}}`;
        return { text: t, caret: item.label.length + 3 + inner.length, reopen: true };
      }
      return plain;
    case "argument":
      if (after === ":") return plain;
      return { text: `${item.label}: `, caret: item.label.length + 2, reopen: true };
    case "directive":
      if (item.requiredArgs && after !== "(") return { text: `${item.label}()`, caret: item.label.length + 1, reopen: true };
      return plain;
    case "keyword":
      if (text[to] === " ") return { ...plain, reopen: item.label === "on" };
      return { text: `${item.label} `, caret: item.label.length + 1, reopen: item.label === "on" };
    default:
      return plain;
  }
}
