// Saving the product editor: what changed since the server's version, sent as the API takes
// it. A product is saved in up to three writes, in this order, each with the version the last
// one left (`expectedVersion`): the fields and terms (`createProduct` / `updateProduct`), the
// specification table (`setProductSpecs`), the images and files (`setProductMedia`). The
// first refused write stops the rest, so a bad HS code or price range changes nothing; after a
// write goes through, the next save sends only what is still different.
import { gql } from "../../lib/api.js";
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

// Saves an existing product; `state` = { id, version, base } is updated after each write that
// went through (so a failed later write leaves it right for the next attempt).
export async function saveExisting(state, now) {
  const diff = changes(now, state.base);
  if (diff.fields.length) {
    const input = { expectedVersion: state.version };
    for (const k of diff.fields) input[k] = toApi(k, now.fields[k]);
    const data = await gql(`mutation StudioUpdateProduct($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { ${PRODUCT_ID} } }`,
      { id: state.id, input });
    state.version = data.updateProduct.version;
    state.base = { ...state.base, fields: { ...now.fields } };
  }
  await saveTables(state, now, diff);
}

// The specification table and the media, when they differ from `state.base`.
async function saveTables(state, now, diff) {
  if (diff.specs) {
    const data = await gql(`mutation StudioProductSpecs($id: ID!, $rows: [ProductSpecInput!]!, $v: Int) { setProductSpecs(productId: $id, rows: $rows, expectedVersion: $v) { ${PRODUCT_ID} } }`,
      { id: state.id, rows: now.specs, v: state.version });
    state.version = data.setProductSpecs.version;
    state.base = { ...state.base, specs: now.specs };
  }
  if (diff.media) {
    const ids = mediaIds(now.media);
    const data = await gql(`mutation StudioProductMedia($id: ID!, $g: [ID!], $a: [ID!], $c: ID, $v: Int) { setProductMedia(productId: $id, gallery: $g, attachments: $a, coverId: $c, expectedVersion: $v) { ${PRODUCT_ID} } }`,
      { id: state.id, g: ids.gallery, a: ids.attachments, c: ids.coverId, v: state.version });
    state.version = data.setProductMedia.version;
    state.base = { ...state.base, media: now.media };
  }
}

// Creates a product (or a translation of `sourceId`), then its table and media. Returns the
// state of the created product; when a later write fails, `state.error` holds its error and
// `state.base` what the server has.
export async function create(siteId, locale, sourceId, now, base) {
  const input = { siteId, locale, translationOf: sourceId || null };
  for (const k of TEXT_FIELDS) {
    const v = now.fields[k];
    // A translation takes its original's shared fields: send them only when changed here.
    if (sourceId && INHERITED.includes(k) && v === base.fields[k]) continue;
    if (v.trim() === "" && k !== "description") continue;
    input[k] = toApi(k, v);
  }
  const data = await gql(`mutation StudioCreateProduct($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_ID} } }`, { input });
  // What the server now holds: the form's fields, and the original's table (none) and media.
  const state = { id: data.createProduct.id, version: data.createProduct.version,
    base: { fields: { ...now.fields }, specs: [], media: base.media } };
  try {
    await saveTables(state, now, changes(now, state.base));
  } catch (e) {
    state.error = e;
  }
  return state;
}
