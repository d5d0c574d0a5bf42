/**
 * Colour-match guidance (Deforum `make_rgb_color_match_loss`, spec §18 `colormatch_*`), with its gradient.
 * The palette (k-means, `kmeans.ts`) gives colours c_j and pixel counts n_j. For each palette colour c_i the
 * target is P values: int(n_j·P/Σn) copies of ‖c_i − c_j‖ for each j, the rest 0, sorted ascending. The loss
 * sorts ‖x'(p) − c_i‖ over the pixels p of each image and takes the mean square difference to the target, with
 * x' = clamp(w·x + (1 − w)·gray(x), −1, 1), w = `ignore_sat_weight`, gray = 0.2989 R + 0.587 G + 0.114 B.
 * Kept (spec §24 item 44, B): w = 0, the default, compares luminance only.
 * Distances are sorted by their float32 value, as torch holds them. Gradients as torch's: through the sort by the permutation, ∂‖v‖/∂v = v/‖v‖ (0 at v = 0), and the clamp passes
 * the gradient only inside [−1, 1] (bounds included).
 */
import { planes, type DecodedImage, type ImageLoss } from './image-loss.js';
import type { Palette } from './kmeans.js';
import { luminancePlanes, type LuminancePlanes } from './luminance-simd.js';

const GRAY = [0.2989, 0.587, 0.114] as const;

/** The target distance distributions, [k][P], sorted ascending. */
export function colorDistanceTargets(palette: Palette, pixelCount: number): Float64Array[] {
  const total = palette.counts.reduce((a, b) => a + b, 0);
  const counts = palette.counts.map((n) => Math.trunc((n * pixelCount) / total));
  return palette.colors.map((ci) => {
    const row = new Float64Array(pixelCount);
    let at = 0;
    palette.colors.forEach((cj, j) => {
      const distance = Math.fround(
        Math.hypot((ci[0] ?? 0) - (cj[0] ?? 0), (ci[1] ?? 0) - (cj[1] ?? 0), (ci[2] ?? 0) - (cj[2] ?? 0)),
      );
      const end = Math.min(pixelCount, at + (counts[j] ?? 0));
      row.fill(distance, at, end);
      at = end;
    });
    return row.sort();
  });
}

export function colorMatchLoss(palette: Palette, ignoreSatWeight: number): ImageLoss {
  let targets: { pixels: number; segments: Segments[] } | null = null;
  const w = ignoreSatWeight;
  const colors = palette.colors.map(([cr = 0, cg = 0, cb = 0]) => [cr, cg, cb] as const);
  const batchLoss = w === 0 ? luminanceMatch(colors) : colourMatch(colors, w);
  const run = (image: DecodedImage, scale: number, into: Float64Array): number => {
    const { batch, channels, pixels } = planes(image.shape);
    if (channels !== 3) throw new RangeError(`colour matching needs an RGB image, got ${channels} channels`);
    if (targets?.pixels !== pixels) {
      targets = { pixels, segments: colorDistanceTargets(palette, pixels).map(segmentsOf) };
    }
    const pass: BatchPass = {
      data: image.data,
      pixels,
      count: colors.length * batch * pixels,
      scale,
      into,
      targets: targets.segments,
    };
    let value = 0;
    for (let b = 0; b < batch; b++) value += batchLoss(pass, b * 3 * pixels);
    return value / pass.count;
  };
  return {
    setting: 'colormatch_scale',
    evaluate(image: DecodedImage) {
      const gradient = new Float64Array(image.data.length);
      // 0 − (−1)·g = g: the gradient itself.
      const value = run(image, -1, gradient);
      return { value, gradient };
    },
    subtractScaledGradient(image, scale, into) {
      run(image, scale, into);
    },
  };
}

/** One call's inputs: the image, the loss's normaliser, and where `−scale ×` the gradient is added. */
interface BatchPass {
  data: Float64Array;
  /** Per plane. */
  pixels: number;
  count: number;
  scale: number;
  into: Float64Array;
  targets: readonly Segments[];
}

/**
 * The unnormalised loss of the batch element at `base` (its R plane), `−scale ×` its gradient added to `into`.
 * The target is a step function of the rank, so only each pixel's step matters: it follows from the elements at
 * the steps' ranks in the sort's order (float32 distance, then pixel), found by a histogram select
 * (`selectThresholds`), without sorting the pixels.
 */
type BatchLoss = (pass: BatchPass, base: number) => number;

/**
 * w = 0, the default: the three blended channels are one clamped grey value g, so ‖(g, g, g) − c‖ =
 * √(3(g − μ)² + ρ) with μ the mean of c's channels and ρ = ‖c‖² − 3μ², and the gradient on g is the sum of the
 * three channels' — one plane to read and accumulate instead of three (2× faster at 64×64; the same values up to
 * rounding, which the float32 sort keys mostly absorb). The per-pixel passes run as SIMD kernels
 * (luminance-simd.ts) on planes that countKeys and the select view in place.
 */
function luminanceMatch(colors: readonly (readonly [number, number, number])[]): BatchLoss {
  const [gr, gg, gb] = GRAY;
  const centres = colors.map(([r, g, b]) => (r + g + b) / 3);
  const offsets = colors.map(([r, g, b], i) => Math.max(0, r * r + g * g + b * b - 3 * (centres[i] as number) ** 2));
  // Kept across steps (the guided steps of a frame all have one size).
  let buffers: LuminanceBuffers | null = null;
  return ({ data, pixels, count, scale, into, targets }, base) => {
    if (buffers?.planes.pixels !== pixels) {
      const planes = luminancePlanes(pixels);
      buffers = {
        planes,
        select: selectBuffers(planes.keys, colors.length),
        passes: new Uint8Array(pixels),
        white: new Uint32Array(pixels),
        black: new Uint32Array(pixels),
      };
    }
    const { planes, select, passes, white, black } = buffers;
    const { grey, gradient } = planes;
    const p2 = 2 * pixels;
    let whites = 0;
    let blacks = 0;
    for (let p = 0; p < pixels; p++) {
      const gray =
        gr * (data[base + p] as number) +
        gg * (data[base + pixels + p] as number) +
        gb * (data[base + p2 + p] as number);
      grey[p] = gray < -1 ? -1 : gray > 1 ? 1 : gray;
      passes[p] = gray >= -1 && gray <= 1 ? 1 : 0;
      if (gray > 1) white[whites++] = p;
      else if (gray < -1) black[blacks++] = p;
    }
    gradient.fill(0);
    // ∂/∂g of (d − target)² / count, d = √(3(g − μ)² + ρ): 2(d − target)/count · 3(g − μ)/d.
    const gradientFactor = 6 / count;
    let value = 0;
    for (let i = 0; i < colors.length; i++) {
      const centre = centres[i] as number;
      const offset = offsets[i] as number;
      const { lowKey, shift } = bucketsFor([centre], 3, offset);
      planes.distancesTo({ centre, offset });
      countKeys(select, lowKey, shift);
      const { ends, levels } = targets[i] as Segments;
      const steps = ends.length - 1;
      // Saturated pixels (blown-out highlights and shadows) all share the distances of grey ±1: two tie blocks
      // that can hold most pixels, found here without gathering them.
      const ties = [
        { key: keyOf(Math.sqrt(3 * (1 - centre) * (1 - centre) + offset)), pixels: white.subarray(0, whites) },
        { key: keyOf(Math.sqrt(3 * (-1 - centre) * (-1 - centre) + offset)), pixels: black.subarray(0, blacks) },
      ];
      selectThresholds(select, lowKey, shift, ends, steps, ties);
      value += planes.addSlopes({ centre, offset }, select.thresholds, levels, steps, gradientFactor);
    }
    for (let p = 0; p < pixels; p++) {
      const grayGrad = passes[p] === 1 ? (gradient[p] as number) : 0;
      into[base + p] = (into[base + p] as number) - scale * gr * grayGrad;
      into[base + pixels + p] = (into[base + pixels + p] as number) - scale * gg * grayGrad;
      into[base + p2 + p] = (into[base + p2 + p] as number) - scale * gb * grayGrad;
    }
    return value;
  };
}

/** 0 < w: x' = clamp(w·x + (1 − w)·gray(x), −1, 1) per channel, distances in RGB. */
function colourMatch(colors: readonly (readonly [number, number, number])[], w: number): BatchLoss {
  const [gr, gg, gb] = GRAY;
  // Kept across steps (the guided steps of a frame all have one size).
  let buffers: ColourBuffers | null = null;
  return ({ data, pixels, count, scale, into, targets }, base) => {
    if (buffers?.select.pixels !== pixels) buffers = colourBuffers(pixels, colors.length);
    const { select, blended, passes, distances, rounded, slopes, gradBlend } = buffers;
    const p2 = 2 * pixels;
    for (let p = 0; p < pixels; p++) {
      const r = data[base + p] as number;
      const g = data[base + pixels + p] as number;
      const bl = data[base + p2 + p] as number;
      const gray = (1 - w) * (gr * r + gg * g + gb * bl);
      const mr = w * r + gray;
      const mg = w * g + gray;
      const mb = w * bl + gray;
      blended[p] = mr < -1 ? -1 : mr > 1 ? 1 : mr;
      blended[pixels + p] = mg < -1 ? -1 : mg > 1 ? 1 : mg;
      blended[p2 + p] = mb < -1 ? -1 : mb > 1 ? 1 : mb;
      passes[p] = mr >= -1 && mr <= 1 ? 1 : 0;
      passes[pixels + p] = mg >= -1 && mg <= 1 ? 1 : 0;
      passes[p2 + p] = mb >= -1 && mb <= 1 ? 1 : 0;
    }
    gradBlend.fill(0);
    // ∂/∂b of (d − target)² / count, d = ‖b − c‖: 2(d − target)/count · (b − c)/d.
    const gradientFactor = 2 / count;
    let value = 0;
    for (let i = 0; i < colors.length; i++) {
      const [cr, cg, cb] = colors[i] ?? [0, 0, 0];
      const { lowKey, shift } = bucketsFor([cr, cg, cb], 1, 0);
      for (let p = 0; p < pixels; p++) {
        const dr = (blended[p] as number) - cr;
        const dg = (blended[pixels + p] as number) - cg;
        const db = (blended[p2 + p] as number) - cb;
        const d = Math.sqrt(dr * dr + dg * dg + db * db);
        distances[p] = d;
        rounded[p] = d;
      }
      countKeys(select, lowKey, shift);
      const { ends, levels } = targets[i] as Segments;
      const steps = ends.length - 1;
      selectThresholds(select, lowKey, shift, ends, steps);
      value += targetSlopes(select, distances, slopes, levels, steps);
      for (let p = 0; p < pixels; p++) {
        const factor = gradientFactor * (slopes[p] as number);
        gradBlend[p] = (gradBlend[p] as number) + factor * ((blended[p] as number) - cr);
        gradBlend[pixels + p] = (gradBlend[pixels + p] as number) + factor * ((blended[pixels + p] as number) - cg);
        gradBlend[p2 + p] = (gradBlend[p2 + p] as number) + factor * ((blended[p2 + p] as number) - cb);
      }
    }
    for (let p = 0; p < pixels; p++) {
      const r = passes[p] === 1 ? (gradBlend[p] as number) : 0;
      const g = passes[pixels + p] === 1 ? (gradBlend[pixels + p] as number) : 0;
      const bl = passes[p2 + p] === 1 ? (gradBlend[p2 + p] as number) : 0;
      const grayGrad = (1 - w) * (r + g + bl);
      into[base + p] = (into[base + p] as number) - scale * (w * r + gr * grayGrad);
      into[base + pixels + p] = (into[base + pixels + p] as number) - scale * (w * g + gg * grayGrad);
      into[base + p2 + p] = (into[base + p2 + p] as number) - scale * (w * bl + gb * grayGrad);
    }
    return value;
  };
}

/** A sorted target row as runs: rank r < ends[0] has levels[0], then up to ends[1] levels[1], …; the last end is P. */
interface Segments {
  ends: number[];
  levels: number[];
}

function segmentsOf(row: Float64Array): Segments {
  const ends: number[] = [];
  const levels: number[] = [];
  for (let r = 0; r < row.length; r++) {
    const v = row[r] as number;
    if (levels.length === 0 || !Object.is(levels[levels.length - 1], v)) {
      if (levels.length > 0) ends.push(r);
      levels.push(v);
    }
  }
  ends.push(row.length);
  return { ends, levels };
}

/** Buckets of the select's histogram: about one pixel per bucket at a 64×64 latent. */
const BUCKET_BITS = 12;
const BUCKETS = 1 << BUCKET_BITS;
const FLOAT = new Float32Array(1);
const FLOAT_BITS = new Uint32Array(FLOAT.buffer);

/** The float32 bits of a distance: its sort key (ordered like the distance for d ≥ 0). */
function keyOf(distance: number): number {
  FLOAT[0] = distance;
  return FLOAT_BITS[0] as number;
}

/**
 * The histogram's buckets for one colour: keys from `lowKey` on, 2^shift keys per bucket, spread over the
 * distances √(weight · Σ (b − c)² + offset) can take with every blended channel b in [−1, 1] (computed the way the
 * loops compute them, so no distance falls outside). Known before the distances, the histogram is filled in the
 * loop that computes them.
 */
function bucketsFor(centre: readonly number[], weight: number, offset: number): { lowKey: number; shift: number } {
  let near = 0;
  let far = 0;
  for (const c of centre) {
    const inside = c < -1 ? -1 - c : c > 1 ? c - 1 : 0;
    const outside = Math.max(Math.abs(-1 - c), Math.abs(1 - c));
    near += inside * inside;
    far += outside * outside;
  }
  // A few keys of margin either side: a bound off by an ulp only costs resolution.
  const lowKey = Math.max(0, keyOf(Math.sqrt(weight * near + offset)) - 4);
  const span = keyOf(Math.sqrt(weight * far + offset)) + 4 - lowKey;
  return { lowKey, shift: span < BUCKETS ? 0 : 32 - Math.clz32(span) - BUCKET_BITS };
}

/** Past the range: NaN distances (from a NaN image), which sort last. */
const OVERFLOW = BUCKETS;

function bucketOf(key: number, lowKey: number, shift: number): number {
  const bucket = (key - lowKey) >>> shift;
  return bucket < BUCKETS ? bucket : OVERFLOW;
}

/**
 * With d(p) − t(p), the gap between a pixel's distance and the target at its rank (the level of its step: the
 * number of thresholds at or below its composite key): slopes[p] ← (d − t)/d, the factor of its distance's
 * gradient (0 where d = 0, as torch's gradient of the norm there); returns Σ (d − t)².
 */
function targetSlopes(
  select: SelectBuffers,
  distances: Float64Array,
  slopes: Float64Array,
  levels: readonly number[],
  steps: number,
): number {
  const { pixels, keys, thresholds } = select;
  let sum = 0;
  for (let p = 0; p < pixels; p++) {
    const c = (keys[p] as number) * pixels + p;
    let level = 0;
    while (level < steps && c >= (thresholds[level] as number)) level++;
    const d = distances[p] as number;
    const gap = d - (levels[level] as number);
    slopes[p] = d === 0 ? 0 : gap / d;
    sum += gap * gap;
  }
  return sum;
}

/** The histogram of the keys (`counts`). Its own loop: folded into the distances' loop, it cost 3× more. */
function countKeys(select: SelectBuffers, lowKey: number, shift: number): void {
  const { pixels, keys, counts } = select;
  counts.fill(0);
  for (let p = 0; p < pixels; p++) {
    const bucket = bucketOf(keys[p] as number, lowKey, shift);
    counts[bucket] = (counts[bucket] as number) + 1;
  }
}

/**
 * thresholds[s] ← the composite key (float32 bits · P + pixel) of the element at rank ends[s] in ascending
 * (distance as float32, pixel) order, for s < steps, from the histogram of the keys (`counts`, filled by the
 * caller): each rank's bucket follows from the counts, and only the few elements of those buckets are gathered
 * and sorted. Equal keys are gathered in pixel order, so the composite keeps the sort's tie order. About 3×
 * faster than quickselect on the composites at 4096 pixels.
 */
function selectThresholds(
  select: SelectBuffers,
  lowKey: number,
  shift: number,
  ends: readonly number[],
  steps: number,
  ties: readonly TieBlock[] = [],
): void {
  const { pixels, keys, counts, slotOfBucket, gathered, thresholds } = select;
  // Each step's bucket and the elements before it; consecutive steps may share a bucket (one slot).
  const buckets: number[] = [];
  const slotStart: number[] = [];
  const slotBefore: number[] = [];
  const stepSlot: number[] = [];
  let bucket = 0;
  let before = 0;
  let gatheredSize = 0;
  for (let s = 0; s < steps; s++) {
    const rank = ends[s] as number;
    while (before + (counts[bucket] as number) <= rank) before += counts[bucket++] as number;
    const tie = ties.find((t) => bucketOf(t.key, lowKey, shift) === bucket && t.pixels.length === counts[bucket]);
    if (tie !== undefined) {
      // The bucket is exactly a tie block: its pixels are in the sort's order already.
      thresholds[s] = tie.key * pixels + (tie.pixels[rank - before] as number);
      stepSlot.push(-1);
      continue;
    }
    if (slotOfBucket[bucket] === 0) {
      buckets.push(bucket);
      slotStart.push(gatheredSize);
      slotBefore.push(before);
      gatheredSize += counts[bucket] as number;
      slotOfBucket[bucket] = buckets.length;
    }
    stepSlot.push((slotOfBucket[bucket] as number) - 1);
  }
  if (buckets.length === 0) return;
  const fill = slotStart.slice();
  for (let p = 0; p < pixels; p++) {
    const key = keys[p] as number;
    const slot = slotOfBucket[bucketOf(key, lowKey, shift)] as number;
    if (slot !== 0) gathered[(fill[slot - 1] as number)++] = p;
  }
  for (const bucket of buckets) slotOfBucket[bucket] = 0;
  for (let s = 0; s < steps; s++) {
    const slot = stepSlot[s] as number;
    if (slot < 0) continue;
    const bucket = buckets[slot] as number;
    const elements = gathered.subarray(slotStart[slot], fill[slot]);
    const rank = (ends[s] as number) - (slotBefore[slot] as number);
    // NaN keys are past the range and share the overflow bucket with no order among them: sorted as they are.
    thresholds[s] =
      bucket === OVERFLOW ? sortedComposite(select, elements, rank) : elementAtRank(select, elements, rank);
  }
}

/** Pixels known to share one key, in pixel order: those of the blended image clamped to the same grey. */
interface TieBlock {
  key: number;
  pixels: Uint32Array;
}

/** Elements of a bucket up to this many are sorted; a larger one is narrowed by another histogram first. */
const SORTED_BUCKET = 64;

/**
 * The composite key of rank `rank` among `elements`, pixels in ascending order. Many pixels can share one
 * distance (every pixel clamped to the same grey has the same distances), so a large bucket is narrowed by a
 * histogram over its own key range until it is small or holds a single key, whose pixels are already in the
 * sort's order.
 */
function elementAtRank(select: SelectBuffers, elements: Uint32Array, rank: number): number {
  const { pixels, keys, counts, refined } = select;
  let items = elements;
  let at = rank;
  while (items.length > SORTED_BUCKET) {
    let low = 0xffffffff;
    let high = 0;
    for (let i = 0; i < items.length; i++) {
      const key = keys[items[i] as number] as number;
      if (key < low) low = key;
      if (key > high) high = key;
    }
    if (low === high) break;
    const span = high - low;
    const shift = span < BUCKETS ? 0 : 32 - Math.clz32(span) - BUCKET_BITS;
    counts.fill(0, 0, (span >>> shift) + 1);
    for (let i = 0; i < items.length; i++) {
      const bucket = ((keys[items[i] as number] as number) - low) >>> shift;
      counts[bucket] = (counts[bucket] as number) + 1;
    }
    let bucket = 0;
    while ((counts[bucket] as number) <= at) at -= counts[bucket++] as number;
    let kept = 0;
    for (let i = 0; i < items.length; i++) {
      const p = items[i] as number;
      if (((keys[p] as number) - low) >>> shift === bucket) refined[kept++] = p;
    }
    items = refined.subarray(0, kept);
  }
  if (items.length <= SORTED_BUCKET) return sortedComposite(select, items, at);
  const p = items[at] as number;
  return (keys[p] as number) * pixels + p;
}

/** The composite key of rank `rank` among the pixels `items`, by sorting their composites. */
function sortedComposite(select: SelectBuffers, items: Uint32Array, rank: number): number {
  const { pixels, keys, composites } = select;
  const sorted = composites.subarray(0, items.length);
  for (let i = 0; i < items.length; i++) {
    const p = items[i] as number;
    sorted[i] = (keys[p] as number) * pixels + p;
  }
  return sorted.sort()[rank] as number;
}

/**
 * The select's buffers over the distances' float32 keys. Each path keeps its buffers across steps (the guided
 * steps of a frame all have one size).
 */
interface SelectBuffers {
  pixels: number;
  keys: Uint32Array;
  counts: Uint32Array;
  slotOfBucket: Uint32Array;
  /** Pixel indices, bucket by bucket, each in pixel order. */
  gathered: Uint32Array;
  refined: Uint32Array;
  composites: Float64Array;
  thresholds: Float64Array;
}

function selectBuffers(keys: Uint32Array, colorCount: number): SelectBuffers {
  const pixels = keys.length;
  return {
    pixels,
    keys,
    counts: new Uint32Array(BUCKETS + 1),
    slotOfBucket: new Uint32Array(BUCKETS + 1),
    gathered: new Uint32Array(pixels),
    refined: new Uint32Array(pixels),
    composites: new Float64Array(pixels),
    thresholds: new Float64Array(colorCount),
  };
}

/** Luminance matching: the kernels' planes, and the pixels whose grey is clamped to 1 and to −1. */
interface LuminanceBuffers {
  planes: LuminancePlanes;
  select: SelectBuffers;
  passes: Uint8Array;
  white: Uint32Array;
  black: Uint32Array;
}

/** Colour matching: the blended channels, the distances (`keys` views `rounded`), slopes and gradient. */
interface ColourBuffers {
  select: SelectBuffers;
  blended: Float64Array;
  passes: Uint8Array;
  distances: Float64Array;
  rounded: Float32Array;
  slopes: Float64Array;
  gradBlend: Float64Array;
}

function colourBuffers(pixels: number, colorCount: number): ColourBuffers {
  const rounded = new Float32Array(pixels);
  return {
    select: selectBuffers(new Uint32Array(rounded.buffer), colorCount),
    blended: new Float64Array(3 * pixels),
    passes: new Uint8Array(3 * pixels),
    distances: new Float64Array(pixels),
    rounded,
    slopes: new Float64Array(pixels),
    gradBlend: new Float64Array(3 * pixels),
  };
}
