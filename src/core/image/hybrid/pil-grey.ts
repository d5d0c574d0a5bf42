/**
 * The Pillow 9.4 operations that `hybrid_composite` chains, with Pillow's integer rules (libImaging): `convert('L')`
 * in 16-bit fixed point, `Image.blend` in float32 truncated (clipped only outside 0 ≤ α ≤ 1), `ImageOps.equalize`'s
 * step LUT, `ImageEnhance.Contrast` (blend from the rounded mean grey), and `Image.composite`'s DIV255 rounding.
 * Grey planes are one byte per pixel.
 */
import type { RawImage } from '../raw-image.js';

const f32 = Math.fround;

/** `ImageOps.grayscale` / `convert('L')`: grey images pass through, RGB(A) uses Rec.601 in 16-bit fixed point. */
export function pilGrey(image: RawImage<'u8'>): Uint8Array {
  const { channels, data } = image;
  const count = image.width * image.height;
  if (channels === 1) return Uint8Array.from(data);
  const out = new Uint8Array(count);
  for (let p = 0; p < count; p++) {
    const i = p * channels;
    out[p] = ((data[i] ?? 0) * 19595 + (data[i + 1] ?? 0) * 38470 + (data[i + 2] ?? 0) * 7471 + 0x8000) >>> 16;
  }
  return out;
}

/** `Image.blend(a, b, alpha)` on equal-length byte arrays: `a + α·(b − a)` in float32, truncated. */
export function pilBlend(a: ArrayLike<number>, b: ArrayLike<number>, alpha: number): Uint8Array {
  const weight = f32(alpha);
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const from = a[i] ?? 0;
    const value = f32(from + f32(weight * ((b[i] ?? 0) - from)));
    out[i] = value <= 0 ? 0 : value >= 255 ? 255 : Math.trunc(value);
  }
  return out;
}

/** `ImageOps.invert`. */
export function pilInvert(grey: Uint8Array): Uint8Array {
  return grey.map((v) => 255 - v);
}

/** `ImageChops.difference`. */
export function pilDifference(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((v, i) => Math.abs(v - (b[i] ?? 0)));
}

/** `ImageOps.equalize` without a mask. */
export function pilEqualize(grey: Uint8Array): Uint8Array {
  const histogram = new Array<number>(256).fill(0);
  for (const v of grey) histogram[v] = (histogram[v] ?? 0) + 1;
  const used = histogram.filter((h) => h > 0);
  if (used.length <= 1) return Uint8Array.from(grey);
  const step = Math.floor((grey.length - (used[used.length - 1] ?? 0)) / 255);
  if (step === 0) return Uint8Array.from(grey);
  const lut = new Uint8Array(256);
  let n = Math.floor(step / 2);
  for (let i = 0; i < 256; i++) {
    lut[i] = Math.min(255, Math.floor(n / step));
    n += histogram[i] ?? 0;
  }
  return grey.map((v) => lut[v] ?? 0);
}

/** `ImageEnhance.Contrast(grey).enhance(factor)`: blend from a flat image of the mean grey rounded half up. */
export function pilContrast(grey: Uint8Array, factor: number): Uint8Array {
  let sum = 0;
  for (const v of grey) sum += v;
  const mean = Math.trunc(sum / grey.length + 0.5);
  return pilBlend(new Uint8Array(grey.length).fill(mean), grey, factor);
}

/** `Image.composite(a, b, mask)`: `(b·(255 − m) + a·m) / 255` with Pillow's rounded DIV255, per channel. */
export function pilComposite(a: RawImage<'u8'>, b: RawImage<'u8'>, mask: Uint8Array): Uint8Array {
  const { channels } = a;
  const out = new Uint8Array(a.data.length);
  for (let i = 0; i < out.length; i++) {
    const m = mask[Math.trunc(i / channels)] ?? 0;
    const t = (b.data[i] ?? 0) * (255 - m) + (a.data[i] ?? 0) * m + 128;
    out[i] = ((t >> 8) + t) >> 8;
  }
  return out;
}
