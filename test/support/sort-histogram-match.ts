/**
 * skimage 0.19.3 `_match_cumulative_cdf` written the straightforward way: `np.unique` by sorting a copy of each
 * channel, `np.interp` by bisection, truncation to uint8. The reference the fast `matchHistograms` is tested
 * against, and the baseline of bench/colors.bench.ts.
 */
import { createRawImage, type RawImage } from '../../src/core/image/raw-image.js';

function unique(values: Uint8Array): { values: number[]; counts: number[] } {
  const sorted = values.slice().sort();
  const out: number[] = [];
  const counts: number[] = [];
  for (const v of sorted) {
    if (out.at(-1) === v) counts[counts.length - 1] = (counts.at(-1) ?? 0) + 1;
    else {
      out.push(v);
      counts.push(1);
    }
  }
  return { values: out, counts };
}

function quantiles(counts: number[], size: number): number[] {
  let sum = 0;
  return counts.map((c) => (sum += c) / size);
}

/** numpy `interp(x, xp, fp)` with bisection, as numpy's C code does it. */
function interp(x: number, xp: number[], fp: number[]): number {
  const last = xp.length - 1;
  if (x < (xp[0] ?? 0)) return fp[0] ?? 0;
  if (x >= (xp[last] ?? 0)) return fp[last] ?? 0;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((xp[mid] ?? 0) <= x) lo = mid;
    else hi = mid;
  }
  const x0 = xp[lo] ?? 0;
  const y0 = fp[lo] ?? 0;
  if (x0 === x) return y0;
  const slope = ((fp[lo + 1] ?? 0) - y0) / ((xp[lo + 1] ?? 0) - x0);
  return slope * (x - x0) + y0;
}

function channel(image: RawImage<'u8'>, c: number): Uint8Array {
  const out = new Uint8Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) out[i] = image.data[i * image.channels + c] ?? 0;
  return out;
}

export function sortHistogramMatch(image: RawImage<'u8'>, reference: RawImage<'u8'>): RawImage<'u8'> {
  const out = createRawImage('u8', image.width, image.height, image.channels);
  for (let c = 0; c < image.channels; c++) {
    const src = channel(image, c);
    const ref = channel(reference, c);
    const s = unique(src);
    const r = unique(ref);
    const srcQ = quantiles(s.counts, src.length);
    const refQ = quantiles(r.counts, ref.length);
    const mapped = new Map(s.values.map((v, k) => [v, Math.trunc(interp(srcQ[k] ?? 0, refQ, r.values))]));
    src.forEach((v, i) => (out.data[i * image.channels + c] = mapped.get(v) ?? 0));
  }
  return out;
}
