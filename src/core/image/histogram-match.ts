/**
 * Per-channel histogram specification of 8-bit images: scikit-image 0.19.3 `match_histograms(image, reference,
 * multichannel=True)`, which Deforum's `maintain_colors` calls (spec §9 color_coherence, §24 item 21).
 * Each channel is matched on its own: the cumulative quantile of every distinct source value is looked up by
 * linear interpolation (numpy's `np.interp`, clamped at the table ends) in the reference's table of quantile →
 * value, and the result is truncated to uint8 because skimage 0.19 writes it into an array of the input dtype.
 * The reference's quantile table is a value of its own (`ReferenceHistogram`) so a render can build it once and
 * match every frame against it.
 */
import { createRawImage, type RawImage } from './raw-image.js';

const LEVELS = 256;

/** One channel's distinct values (ascending) and their cumulative quantiles, the `np.interp` table. */
interface QuantileTable {
  readonly values: Float64Array;
  readonly quantiles: Float64Array;
}

/** The per-channel quantile tables of a reference image. */
export interface ReferenceHistogram {
  readonly channels: number;
  readonly tables: readonly QuantileTable[];
}

/**
 * Counts every channel in one pass: `counts[c * 256 + v]`. A counting sort over the 256 levels replaces
 * skimage's `np.unique` (a full sort), which is most of the speed-up over the reference.
 */
function channelCounts(image: RawImage<'u8'>): Uint32Array {
  const { data, channels } = image;
  const counts = new Uint32Array(channels * LEVELS);
  const n = data.length;
  if (channels === 3) {
    for (let i = 0; i < n; i += 3) {
      counts[data[i] as number] = (counts[data[i] as number] as number) + 1;
      const g = LEVELS + (data[i + 1] as number);
      counts[g] = (counts[g] as number) + 1;
      const b = 2 * LEVELS + (data[i + 2] as number);
      counts[b] = (counts[b] as number) + 1;
    }
    return counts;
  }
  for (let i = 0; i < n; i += channels) {
    for (let c = 0; c < channels; c++) {
      const k = c * LEVELS + (data[i + c] as number);
      counts[k] = (counts[k] as number) + 1;
    }
  }
  return counts;
}

/** `np.unique(..., return_counts=True)` then `np.cumsum(counts) / size`, from one channel's counts. */
function quantileTable(counts: Uint32Array, channel: number, pixels: number): QuantileTable {
  const values: number[] = [];
  const quantiles: number[] = [];
  let cumulative = 0;
  for (let v = 0; v < LEVELS; v++) {
    const count = counts[channel * LEVELS + v] as number;
    if (count === 0) continue;
    cumulative += count;
    values.push(v);
    quantiles.push(cumulative / pixels);
  }
  return { values: Float64Array.from(values), quantiles: Float64Array.from(quantiles) };
}

/** The quantile tables of a reference image, to match any number of images against. */
export function referenceHistogram(reference: RawImage<'u8'>): ReferenceHistogram {
  const counts = channelCounts(reference);
  const pixels = reference.width * reference.height;
  const tables = Array.from({ length: reference.channels }, (_, c) => quantileTable(counts, c, pixels));
  return { channels: reference.channels, tables };
}

/**
 * numpy's `interp(x, xp, fp)` for increasing `x` (so the bracket search walks forward instead of bisecting):
 * `fp[0]` below the table, `fp[last]` at or above its end, `fp[j]` on an exact knot, otherwise
 * `slope * (x - xp[j]) + fp[j]` with `slope = (fp[j+1] - fp[j]) / (xp[j+1] - xp[j])`, the same operations in the
 * same order as numpy, so the doubles (and their truncation) are identical.
 */
function interpolateAscending(x: Float64Array, table: QuantileTable): Float64Array {
  const { quantiles: xp, values: fp } = table;
  const last = xp.length - 1;
  const out = new Float64Array(x.length);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    if (xi < (xp[0] as number)) {
      out[i] = fp[0] as number;
      continue;
    }
    if (xi >= (xp[last] as number)) {
      out[i] = fp[last] as number;
      continue;
    }
    while ((xp[j + 1] as number) <= xi) j++;
    const x0 = xp[j] as number;
    const y0 = fp[j] as number;
    if (x0 === xi) {
      out[i] = y0;
      continue;
    }
    const slope = ((fp[j + 1] as number) - y0) / ((xp[j + 1] as number) - x0);
    out[i] = slope * (xi - x0) + y0;
  }
  return out;
}

/** Source value → matched value for one channel, as a 256-entry table (absent values map to 0, never read). */
function channelLookup(counts: Uint32Array, channel: number, pixels: number, reference: QuantileTable): Uint8Array {
  const source = quantileTable(counts, channel, pixels);
  const mapped = interpolateAscending(source.quantiles, reference);
  const lookup = new Uint8Array(LEVELS);
  // Truncation, not rounding: skimage 0.19 assigns the float64 result into a uint8 array.
  source.values.forEach((value, k) => (lookup[value] = Math.trunc(mapped[k] as number)));
  return lookup;
}

/**
 * Matches each channel of `image` to the same channel of `reference` (an image, or its precomputed
 * `referenceHistogram`). The two may differ in size but not in channel count.
 */
export function matchHistograms(image: RawImage<'u8'>, reference: RawImage<'u8'> | ReferenceHistogram): RawImage<'u8'> {
  const target = 'tables' in reference ? reference : referenceHistogram(reference);
  const { width, height, channels, data } = image;
  if (target.channels !== channels) {
    throw new RangeError(
      `Histogram matching needs the same channel count in both images, got ${channels} and ${target.channels}.`,
    );
  }
  const counts = channelCounts(image);
  const lookup = new Uint8Array(channels * LEVELS);
  target.tables.forEach((table, c) => lookup.set(channelLookup(counts, c, width * height, table), c * LEVELS));
  const out = createRawImage('u8', width, height, channels);
  const dst = out.data;
  if (channels === 3) {
    // Unrolled: the generic loop below is about twice as slow on a 512² RGB frame.
    const g = lookup.subarray(LEVELS, 2 * LEVELS);
    const b = lookup.subarray(2 * LEVELS);
    for (let i = 0; i < data.length; i += 3) {
      dst[i] = lookup[data[i] as number] as number;
      dst[i + 1] = g[data[i + 1] as number] as number;
      dst[i + 2] = b[data[i + 2] as number] as number;
    }
    return out;
  }
  for (let i = 0; i < data.length; i += channels) {
    for (let c = 0; c < channels; c++) dst[i + c] = lookup[c * LEVELS + (data[i + c] as number)] as number;
  }
  return out;
}
