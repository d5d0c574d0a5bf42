/**
 * OpenCV 4.6's 8-bit `cvtColor(hsv, COLOR_HSV2RGB)` (H 0..179) as the notebook's x86 cv2 computes it, for
 * 'Match Frame 0 HSV' colour coherence (spec §9).
 * opencv.js cannot stand in here: cv2's `HSV2RGB_b` runs its vector loop (`HSV2RGB_simd`) over each row in blocks
 * of 4 × 8 pixels (AVX2) and **truncates** the scaled result, while the scalar loop for the rest of the row rounds.
 * The WASM build has no vector loop, so it rounds everywhere and differed from the golden output on 8,585 of
 * 12,288 pixels; this port of both loops matches it exactly. Deforum sizes are multiples of 64, so every pixel of
 * a real frame takes the vector loop.
 * GCC contracts `1 - s·h` into a fused multiply-add in the AVX2 build: `f(1 - s * h)` computes it in a double,
 * where the float32 product is exact, so it is the fused result up to a double-rounding tie (odds ~2^-29). With
 * separate rounding one golden pixel came out 114 instead of 113.
 */
import { createRawImage, type RawImage } from './raw-image.js';

/** `v_float32::nlanes × 4` pixels per vector-loop step with AVX2 dispatch. */
const VECTOR_BLOCK_PIXELS = 32;

const f = Math.fround;
const HUE_SCALE = f(6 / 180);
const INV_255 = f(1 / 255);
const ONE_SIXTH = f(1 / 6);

/** `HSV2RGB_native`'s sector table: which of tab[0..3] gives b, g, r. */
const SECTOR_TABS = [
  [1, 3, 0],
  [1, 0, 2],
  [3, 0, 1],
  [0, 2, 1],
  [0, 1, 3],
  [2, 1, 0],
] as const;

/** `HSV2RGB_simd` for one pixel, then ×255 and `v_trunc`, saturated to 0..255 by `v_pack_u`/`v_pack`. */
function vectorPixel(h8: number, s8: number, v8: number, out: Uint8Array | Uint8ClampedArray, at: number): void {
  const s = f(s8 * INV_255);
  const v = f(v8 * INV_255);
  const h = f(h8 * HUE_SCALE);
  const preSector = Math.trunc(h);
  const frac = f(h - preSector);
  const tab1 = f(v * f(1 - s));
  const tab2 = f(v * f(1 - s * frac));
  const tab3 = f(v * f(1 - s * f(1 - frac)));
  const sector = preSector - Math.trunc(f(preSector * ONE_SIXTH)) * 6;
  const b = sector < 2 ? tab1 : sector === 2 ? tab3 : sector <= 4 ? v : tab2;
  const g = sector < 1 ? tab3 : sector <= 2 ? v : sector === 3 ? tab2 : tab1;
  const r = sector < 1 ? v : sector === 1 ? tab2 : sector <= 3 ? tab1 : sector === 4 ? tab3 : v;
  out[at] = Math.min(255, Math.trunc(f(r * 255)));
  out[at + 1] = Math.min(255, Math.trunc(f(g * 255)));
  out[at + 2] = Math.min(255, Math.trunc(f(b * 255)));
}

/** `cvRound` of a float32: round half to even. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** `HSV2RGB_native` for one pixel, then `saturate_cast<uchar>(x * 255)` (rounding). */
function scalarPixel(h8: number, s8: number, v8: number, out: Uint8Array | Uint8ClampedArray, at: number): void {
  const s = f(s8 * INV_255);
  const v = f(v8 * INV_255);
  let r = v;
  let g = v;
  let b = v;
  if (s !== 0) {
    const h = f(f(h8 * HUE_SCALE) % 6);
    let sector = Math.floor(h);
    let frac = f(h - sector);
    if (sector < 0 || sector >= 6) {
      sector = 0;
      frac = 0;
    }
    const tab = [v, f(v * f(1 - s)), f(v * f(1 - s * frac)), f(v * f(1 - s * f(1 - frac)))];
    const [bi, gi, ri] = SECTOR_TABS[sector] ?? SECTOR_TABS[0];
    b = tab[bi] as number;
    g = tab[gi] as number;
    r = tab[ri] as number;
  }
  out[at] = Math.min(255, roundHalfEven(f(r * 255)));
  out[at + 1] = Math.min(255, roundHalfEven(f(g * 255)));
  out[at + 2] = Math.min(255, roundHalfEven(f(b * 255)));
}

/** An 8-bit HSV image (H 0..179, S and V 0..255) back to RGB, bit for bit as cv2 4.6 on x86 with AVX2. */
export function hsvToRgb(hsv: RawImage<'u8'>): RawImage<'u8'> {
  if (hsv.channels !== 3) throw new RangeError(`HSV to RGB needs 3 channels, got ${hsv.channels}.`);
  const { width, height, data } = hsv;
  const out = createRawImage('u8', width, height, 3);
  const vectorPixels = width - (width % VECTOR_BLOCK_PIXELS);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      const pixel = x < vectorPixels ? vectorPixel : scalarPixel;
      pixel(data[at] as number, data[at + 1] as number, data[at + 2] as number, out.data, at);
    }
  }
  return out;
}
