// Small image variants for thumbnails: the `srcset` of each image shown (`Media.srcset`, every
// configured width, wider ones collapsed into the image's own), asked for in one request per
// batch of thumbnails drawn together, so a grid of originals is never downloaded.
//
//   resizable(media) → whether the server can make variants of it (it decoded the image at upload:
//     it has a BlurHash); asking for another's variants is an error that would fail the batch
//   variantsOf(media) → Promise<{ srcset, widths: [n], smallest: url } | null>
//   parseSrcset(srcset) → [{ url, width }], narrowest first
//   THUMB_SIZES: the `sizes` of a grid tile (about 12rem wide, half the screen on a phone)
import { gql } from "./api.js";

export const THUMB_SIZES = "(max-width: 30rem) 50vw, 13rem";
// Signed links expire (`media_url_ttl_secs`, an hour by default): keep answers for less.
const KEEP_MS = 10 * 60 * 1000;
// Under the server's alias limit (30 by default); a lower limit fails the batch, and then each
// image is asked for alone.
const BATCH = 24;

const cache = new Map(); // id → { at, promise }
let queue = [];

export const resizable = (m) => !!m?.blurhash && String(m.contentType || "").startsWith("image/");

export function parseSrcset(srcset) {
  return String(srcset || "").split(/,\s+/).map((part) => {
    const [url, w] = part.trim().split(/\s+/);
    return { url, width: Number.parseInt(w, 10) };
  }).filter((x) => x.url && x.width > 0).sort((a, b) => a.width - b.width);
}

const answer = (srcset) => {
  const list = parseSrcset(srcset);
  return list.length ? { srcset, widths: list.map((x) => x.width), smallest: list[0].url } : null;
};

async function ask(items) {
  const vars = {};
  const parts = items.map((m, i) => { vars[`i${i}`] = m.id; return `v${i}: media(id: $i${i}) { id srcset }`; });
  const decl = items.map((_, i) => `$i${i}: ID!`).join(", ");
  const data = await gql(`query StudioVariants(${decl}) { ${parts.join(" ")} }`, vars);
  return items.map((_, i) => data[`v${i}`]?.srcset || "");
}

async function flush() {
  const batch = queue;
  queue = [];
  for (let at = 0; at < batch.length; at += BATCH) {
    const part = batch.slice(at, at + BATCH);
    try {
      const sets = await ask(part.map((p) => p.media));
      part.forEach((p, i) => p.resolve(answer(sets[i])));
    } catch {
      // One item the server refused fails the whole request: ask for each alone.
      await Promise.all(part.map((p) => ask([p.media]).then(([s]) => p.resolve(answer(s)), () => p.resolve(null))));
    }
  }
}

export function variantsOf(m) {
  if (!resizable(m)) return Promise.resolve(null);
  const kept = cache.get(m.id);
  if (kept && Date.now() - kept.at < KEEP_MS) return kept.promise;
  const promise = new Promise((resolve) => {
    if (!queue.length) queueMicrotask(flush);
    queue.push({ media: m, resolve });
  });
  cache.set(m.id, { at: Date.now(), promise });
  promise.then((v) => { if (!v) cache.delete(m.id); });
  return promise;
}

// After a change of the item's links (made public or private).
export const forgetVariants = (id) => cache.delete(id);
