// Saving the product editor: what changed since the server's version, sent as the API takes
// it, in ONE write: `createProduct` / `updateProduct` take the fields and terms, the
// specification table (`specs`) and the images and files (`galleryIds`, `attachmentIds`,
// `coverId`) together, with `expectedVersion`. The server checks all of it before writing any,
// so a bad HS code, price range, spec row or image changes nothing, and a save that goes
// through is one version, one revision and one event.
import { gql, ApiError } from "../../lib/api.js";
import { NUMBER_FIELDS, LIST_FIELDS } from "./terms.js";
import { mediaIds } from "./gallery.js";

// The fields of `updateProduct` (and `createProduct`) the form holds as text.
export const TEXT_FIELDS = ["name", "slug", "modelNumber", "summary", "description", "tags", "categoryIds",
  "certifications", "priceMin", "priceMax", "currency", "incoterm", "incotermPlace", "moqQuantity", "moqUnit",
  "leadTimeDays", "supplyAbility", "packaging", "hsCode", "originCountry", "metaTitle", "metaDescription", "canonicalUrl"];
// Shared by a product and its translations: a new translation takes its original's unless changed.
const INHERITED = ["modelNumber", "categoryIds", "priceMin", "priceMax", "currency", "incoterm", "incotermPlace",
  "moqQuantity", "moqUnit", "leadTimeDays", "supplyAbility", "packaging", "hsCode", "originCountry"];

const splitList = (s) => s.split(/[,，、;；\n]/).map((x) => x.trim()).filter(Boolean);

// One field's form text as the API takes it.
function toApi(k, v) {
  if (NUMBER_FIELDS.has(k)) return v.trim() === "" ? null : Number(v);
  if (LIST_FIELDS.has(k) || k === "tags") return splitList(v);
  if (k === "categoryIds") return v ? v.split(" ") : [];
  return v;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// What differs between the form (`now`) and the server (`base`), by part.
export function changes(now, base) {
  return {
    fields: TEXT_FIELDS.filter((k) => now.fields[k] !== base.fields[k]),
    specs: !same(now.specs, base.specs),
    media: !same(mediaIds(now.media), mediaIds(base.media)),
  };
}

const PRODUCT_ID = "id version";

// The table and media parts of the input, when they differ (`diff`).
function tables(input, now, diff) {
  if (diff.specs) input.specs = now.specs;
  if (diff.media) {
    const ids = mediaIds(now.media);
    input.galleryIds = ids.gallery;
    input.attachmentIds = ids.attachments;
    input.coverId = ids.coverId;
  }
  return input;
}

// The API names the table's rows and the media lists as the input does (`specs.2.name`,
// `galleryIds.1`); the editor's controls go by the names of `setProductSpecs` and
// `setProductMedia` (`rows.2.name`), which the spec table's cells carry.
const FIELD_NAMES = [[/^(input\.)?specs(?=\.|$)/, "rows"], [/^(input\.)?galleryIds(?=\.|$)/, "gallery"],
  [/^(input\.)?attachmentIds(?=\.|$)/, "attachments"]];
async function write(query, variables) {
  try {
    return await gql(query, variables);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    throw new ApiError(e.errors.map((x) => {
      if (!x.field) return x;
      const rule = FIELD_NAMES.find(([re]) => re.test(x.field));
      return rule ? { ...x, field: x.field.replace(rule[0], rule[1]) } : x;
    }));
  }
}

// Saves an existing product; `state` = { id, version, base } is updated when the write went
// through (a refused one leaves it as it was, right for the next attempt).
export async function saveExisting(state, now) {
  const diff = changes(now, state.base);
  const input = { expectedVersion: state.version };
  for (const k of diff.fields) input[k] = toApi(k, now.fields[k]);
  tables(input, now, diff);
  const data = await write(`mutation StudioUpdateProduct($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { ${PRODUCT_ID} } }`,
    { id: state.id, input });
  state.version = data.updateProduct.version;
  state.base = { fields: { ...now.fields }, specs: now.specs, media: now.media };
}

// Creates a product (or a translation of `sourceId`) with its table and media. Returns the
// state of the created product. `base` is what a translation inherits (its original's media):
// the media are sent only when they differ from it.
export async function create(siteId, locale, sourceId, now, base) {
  const input = { siteId, locale, translationOf: sourceId || null };
  for (const k of TEXT_FIELDS) {
    const v = now.fields[k];
    // A translation takes its original's shared fields: send them only when changed here.
    if (sourceId && INHERITED.includes(k) && v === base.fields[k]) continue;
    if (v.trim() === "" && k !== "description") continue;
    input[k] = toApi(k, v);
  }
  tables(input, now, changes(now, base));
  const data = await write(`mutation StudioCreateProduct($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_ID} } }`, { input });
  return { id: data.createProduct.id, version: data.createProduct.version,
    base: { fields: { ...now.fields }, specs: now.specs, media: now.media } };
}
