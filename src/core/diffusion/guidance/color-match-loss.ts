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
  let targets: { pixels: number; rows: Float64Array[] } | null = null;
  let work: WorkBuffers | null = null;
  const w = ignoreSatWeight;
  const [gr, gg, gb] = GRAY;
  return {
    setting: 'colormatch_scale',
    evaluate(image: DecodedImage) {
      const { batch, channels, pixels } = planes(image.shape);
      if (channels !== 3) throw new RangeError(`colour matching needs an RGB image, got ${channels} channels`);
      if (targets?.pixels !== pixels) targets = { pixels, rows: colorDistanceTargets(palette, pixels) };
      const k = palette.colors.length;
      const count = k * batch * pixels;
      const data = image.data;
      const gradient = new Float64Array(data.length);
      // Work buffers are kept across steps (the guided steps of a frame all have one size).
      if (work?.pixels !== pixels) work = workBuffers(pixels);
      const { blended, passes, distances, rounded, keys, order, sorter, gradBlend } = work;
      let value = 0;
      for (let b = 0; b < batch; b++) {
        const base = b * 3 * pixels;
        for (let p = 0; p < pixels; p++) {
          const r = data[base + p] as number;
          const g = data[base + pixels + p] as number;
          const bl = data[base + 2 * pixels + p] as number;
          const gray = (1 - w) * (gr * r + gg * g + gb * bl);
          for (let c = 0; c < 3; c++) {
            const mixed = w * (c === 0 ? r : c === 1 ? g : bl) + gray;
            blended[c * pixels + p] = mixed < -1 ? -1 : mixed > 1 ? 1 : mixed;
            passes[c * pixels + p] = mixed >= -1 && mixed <= 1 ? 1 : 0;
          }
        }
        gradBlend.fill(0);
        for (let i = 0; i < k; i++) {
          const color = palette.colors[i] ?? [0, 0, 0];
          const [cr = 0, cg = 0, cb = 0] = color;
          const target = targets.rows[i] ?? new Float64Array(pixels);
          for (let p = 0; p < pixels; p++) {
            const dr = (blended[p] as number) - cr;
            const dg = (blended[pixels + p] as number) - cg;
            const db = (blended[2 * pixels + p] as number) - cb;
            const d = Math.sqrt(dr * dr + dg * dg + db * db);
            distances[p] = d;
            // The float32 value's bits (ordered like the value for d ≥ 0) through a shared buffer: `keys` views it.
            rounded[p] = d;
          }
          sorter(keys, order);
          for (let rank = 0; rank < pixels; rank++) {
            const p = order[rank] as number;
            const d = distances[p] as number;
            const diff = d - (target[rank] as number);
            value += diff * diff;
            if (d === 0) continue;
            const scale = (2 * diff) / count / d;
            gradBlend[p] = (gradBlend[p] as number) + scale * ((blended[p] as number) - cr);
            gradBlend[pixels + p] = (gradBlend[pixels + p] as number) + scale * ((blended[pixels + p] as number) - cg);
            gradBlend[2 * pixels + p] =
              (gradBlend[2 * pixels + p] as number) + scale * ((blended[2 * pixels + p] as number) - cb);
          }
        }
        for (let p = 0; p < pixels; p++) {
          const r = passes[p] === 1 ? (gradBlend[p] as number) : 0;
          const g = passes[pixels + p] === 1 ? (gradBlend[pixels + p] as number) : 0;
          const bl = passes[2 * pixels + p] === 1 ? (gradBlend[2 * pixels + p] as number) : 0;
          const grayGrad = (1 - w) * (r + g + bl);
          gradient[base + p] = w * r + gr * grayGrad;
          gradient[base + pixels + p] = w * g + gg * grayGrad;
          gradient[base + 2 * pixels + p] = w * bl + gb * grayGrad;
        }
      }
      return { value: value / count, gradient };
    },
  };
}

interface WorkBuffers {
  pixels: number;
  blended: Float64Array;
  passes: Uint8Array;
  distances: Float64Array;
  rounded: Float32Array;
  keys: Uint32Array;
  order: Uint32Array;
  sorter: (keys: Uint32Array, order: Uint32Array) => void;
  gradBlend: Float64Array;
}

function workBuffers(pixels: number): WorkBuffers {
  const rounded = new Float32Array(pixels);
  return {
    pixels,
    blended: new Float64Array(3 * pixels),
    passes: new Uint8Array(3 * pixels),
    distances: new Float64Array(pixels),
    rounded,
    keys: new Uint32Array(rounded.buffer),
    order: new Uint32Array(pixels),
    sorter: radixSorter(pixels),
    gradBlend: new Float64Array(3 * pixels),
  };
}

/**
 * A stable LSD radix sort of pixel indices by 32-bit keys (three 11-bit passes): the pixel order of ascending
 * distance, ties by pixel. About 20× faster than sorting indices with a comparator at 4096 pixels.
 */
function radixSorter(length: number): (keys: Uint32Array, order: Uint32Array) => void {
  const scratch = new Uint32Array(length);
  const counts = new Uint32Array(2048);
  return (keys, order) => {
    for (let p = 0; p < length; p++) order[p] = p;
    let from: Uint32Array = order;
    let to: Uint32Array = scratch;
    for (let shift = 0; shift < 33; shift += 11) {
      counts.fill(0);
      for (let i = 0; i < length; i++) {
        const bucket = ((keys[from[i] as number] as number) >>> shift) & 2047;
        counts[bucket] = (counts[bucket] as number) + 1;
      }
      let total = 0;
      for (let b = 0; b < 2048; b++) {
        const c = counts[b] as number;
        counts[b] = total;
        total += c;
      }
      for (let i = 0; i < length; i++) {
        const p = from[i] as number;
        const bucket = ((keys[p] as number) >>> shift) & 2047;
        to[counts[bucket] as number] = p;
        counts[bucket] = (counts[bucket] as number) + 1;
      }
      [from, to] = [to, from];
    }
    if (from !== order) order.set(from);
  };
}
