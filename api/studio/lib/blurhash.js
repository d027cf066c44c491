// BlurHash, decoded here (written for the Studio from the format's description): a hash is a
// size flag, a maximum AC value, the DC component (the average colour, sRGB, 4 base-83 digits)
// and 2 digits per AC component (each channel quantised to 19 steps, sign and square root). The
// picture is the sum of the components' cosine waves in linear light, turned back into sRGB.
//
//   decodeBlurhash(hash, width, height, punch = 1) → Uint8ClampedArray RGBA, or null when invalid
//   averageColor(hash) → [r, g, b] (the DC component), or null
//   paintBlurhash(canvas, hash) → whether it painted (the canvas keeps its size, 32×32 by default)

const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

function base83(text) {
  let value = 0;
  for (const ch of text) {
    const digit = DIGITS.indexOf(ch);
    if (digit < 0) return NaN;
    value = value * 83 + digit;
  }
  return value;
}

const toLinear = (v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
const toSrgb = (v) => {
  const c = Math.min(1, Math.max(0, v));
  return Math.round((c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055) * 255);
};
// A quantised AC channel (0..18) back to -1..1: the encoder took a signed square root.
const unquantise = (q) => { const x = (q - 9) / 9; return Math.sign(x) * x * x; };

// The components as [[r, g, b] linear], with their grid size; null when the hash is malformed.
function components(hash) {
  if (typeof hash !== "string" || hash.length < 6) return null;
  const flag = base83(hash[0]);
  const nx = (flag % 9) + 1;
  const ny = Math.floor(flag / 9) + 1;
  if (!(flag >= 0) || hash.length !== 4 + 2 * nx * ny) return null;
  const max = (base83(hash[1]) + 1) / 166;
  const dc = base83(hash.slice(2, 6));
  if (!Number.isFinite(max) || !Number.isFinite(dc)) return null;
  const out = [[toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]];
  for (let i = 1; i < nx * ny; i++) {
    const v = base83(hash.slice(4 + 2 * i, 6 + 2 * i));
    if (!Number.isFinite(v) || v >= 19 * 19 * 19) return null;
    out.push([Math.floor(v / 361), Math.floor(v / 19) % 19, v % 19].map((q) => unquantise(q) * max));
  }
  return { nx, ny, colors: out };
}

export function averageColor(hash) {
  const c = components(hash);
  return c ? c.colors[0].map(toSrgb) : null;
}

export function decodeBlurhash(hash, width, height, punch = 1) {
  const c = components(hash);
  if (!c) return null;
  const { nx, ny, colors } = c;
  const pixels = new Uint8ClampedArray(width * height * 4);
  // The cosines of each column and row, computed once.
  const cx = Array.from({ length: width }, (_, x) => Array.from({ length: nx }, (_, i) => Math.cos((Math.PI * x * i) / width)));
  const cy = Array.from({ length: height }, (_, y) => Array.from({ length: ny }, (_, j) => Math.cos((Math.PI * y * j) / height)));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const basis = cx[x][i] * cy[y][j];
          const col = colors[i + j * nx];
          const k = i === 0 && j === 0 ? 1 : punch;
          r += col[0] * basis * k; g += col[1] * basis * k; b += col[2] * basis * k;
        }
      }
      const at = (y * width + x) * 4;
      pixels[at] = toSrgb(r); pixels[at + 1] = toSrgb(g); pixels[at + 2] = toSrgb(b); pixels[at + 3] = 255;
    }
  }
  return pixels;
}

export function paintBlurhash(canvas, hash) {
  const { width, height } = canvas;
  const pixels = decodeBlurhash(hash, width, height);
  const g = pixels && canvas.getContext("2d");
  if (!g) return false;
  g.putImageData(new ImageData(pixels, width, height), 0, 0);
  return true;
}
