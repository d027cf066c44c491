// The explorer's knowledge of GraphQL, without any DOM: the schema read from introspection, a
// tokenizer, and the definitions of a document (for the operation picker). complete.js builds
// completion on these.

export const INTROSPECTION = `query StudioExplorerIntrospection {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...StudioType }
    directives { name description locations args { ...StudioInput } }
  }
}
fragment StudioType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description isDeprecated deprecationReason args { ...StudioInput } type { ...StudioRef } }
  inputFields { ...StudioInput }
  interfaces { ...StudioRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...StudioRef }
}
fragment StudioInput on __InputValue { name description defaultValue type { ...StudioRef } }
fragment StudioRef on __Type {
  kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }
}`;

// The schema as the explorer uses it: types by name and the three root types.
export function buildSchema(raw) {
  const types = new Map((raw.types || []).map((t) => [t.name, t]));
  const root = (r) => (r?.name ? types.get(r.name) || null : null);
  return {
    types,
    query: root(raw.queryType),
    mutation: root(raw.mutationType),
    subscription: root(raw.subscriptionType),
    directives: raw.directives || [],
  };
}

// The innermost type name of a type reference (`[Article!]!` → `Article`).
export function namedType(ref) {
  let r = ref;
  while (r && !r.name && r.ofType) r = r.ofType;
  return r?.name || null;
}

export function typeString(ref) {
  if (!ref) return "?";
  if (ref.kind === "NON_NULL") return `${typeString(ref.ofType)}!`;
  if (ref.kind === "LIST") return `[${typeString(ref.ofType)}]`;
  return ref.name || "?";
}

const COMPOSITE = new Set(["OBJECT", "INTERFACE", "UNION"]);
export const isComposite = (type) => !!type && COMPOSITE.has(type.kind);
export const isRequired = (arg) => arg.type?.kind === "NON_NULL" && arg.defaultValue == null;
export const argsString = (args) => (args?.length ? `(${args.map((a) => `${a.name}: ${typeString(a.type)}`).join(", ")})` : "");

export const TYPENAME = { name: "__typename", description: null, args: [], type: { kind: "NON_NULL", ofType: { kind: "SCALAR", name: "String" } } };

// The definition of field `name` on `type`, with the meta fields every selection may use.
export function fieldOf(schema, type, name) {
  if (!type) return null;
  if (name === "__typename") return TYPENAME;
  if (type === schema.query && name === "__schema") return { name, args: [], type: { kind: "OBJECT", name: "__Schema" } };
  if (type === schema.query && name === "__type") return { name, args: [{ name: "name", type: { kind: "NON_NULL", ofType: { kind: "SCALAR", name: "String" } } }], type: { kind: "OBJECT", name: "__Type" } };
  return (type.fields || []).find((f) => f.name === name) || null;
}

// --- Tokens ----------------------------------------------------------------------------------

const PUNCT = "!$&()=:@[]{|}";
const NAME = /[_A-Za-z][_0-9A-Za-z]*/y;
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

// Tokens of `text` up to `end`. `inert` says `end` lies inside a string or a comment.
export function tokenize(text, end = text.length) {
  const tokens = [];
  let i = 0;
  const push = (k, s, e) => tokens.push({ k, v: text.slice(s, e), s, e });
  while (i < end) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "," || c === "\ufeff") { i++; continue; }
    if (c === "#") {
      const nl = text.indexOf("\n", i);
      if (nl === -1 || nl >= end) return { tokens, inert: true };
      i = nl + 1;
      continue;
    }
    if (text.startsWith('"""', i)) {
      let j = i + 3;
      while (j < text.length && !(text.startsWith('"""', j) && text[j - 1] !== "\\")) j++;
      if (j + 3 > end) return { tokens, inert: true };
      push("string", i, j + 3);
      i = j + 3;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      if (j >= end) return { tokens, inert: true };
      push("string", i, j + 1);
      i = j + 1;
      continue;
    }
    if (text.startsWith("...", i)) { push("punct", i, i + 3); i += 3; continue; }
    if (PUNCT.includes(c)) { push("punct", i, i + 1); i++; continue; }
    NAME.lastIndex = i;
    if (NAME.test(text)) {
      const j = Math.min(NAME.lastIndex, end);
      push("name", i, j);
      i = j;
      continue;
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      const j = Math.min(NUMBER.lastIndex, end);
      push("number", i, j);
      i = j;
      continue;
    }
    push("bad", i, i + 1);
    i++;
  }
  return { tokens, inert: false };
}

export const isP = (t, v) => !!t && t.k === "punct" && t.v === v;
export const OPERATIONS = ["query", "mutation", "subscription"];

// The top-level definitions of a document: `{ kind, name, start, end }` (`end` is the end of
// the text for an unfinished one). An anonymous `{ ... }` is a query without a name.
export function definitions(text) {
  const { tokens } = tokenize(text);
  const defs = [];
  let depth = 0;
  let cur = null;
  for (let n = 0; n < tokens.length; n++) {
    const t = tokens[n];
    if (depth === 0 && !cur) {
      if (t.k === "name" && (OPERATIONS.includes(t.v) || t.v === "fragment")) {
        const next = tokens[n + 1];
        cur = { kind: t.v, name: next?.k === "name" && next.v !== "on" ? next.v : null, start: t.s, end: text.length };
        continue;
      }
      if (isP(t, "{")) cur = { kind: "query", name: null, start: t.s, end: text.length };
    }
    if (t.k !== "punct") continue;
    if ("{([".includes(t.v)) depth++;
    else if ("})]".includes(t.v) && depth > 0) {
      depth--;
      if (depth === 0 && t.v === "}" && cur) {
        cur.end = t.e;
        defs.push(cur);
        cur = null;
      }
    }
  }
  if (cur) defs.push(cur);
  return defs;
}
