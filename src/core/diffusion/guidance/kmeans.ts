/**
 * The colour palette of colour-match guidance: scikit-learn's `KMeans(n_clusters = k, random_state = 0).fit(X)`
 * as Deforum calls it (`get_color_palette`, spec §18), reproduced algorithmically: numpy's legacy
 * `RandomState(0)` (MT19937 keyed by `init_genrand`, `randint` by masked rejection, `random_sample` with 53 bits),
 * greedy k-means++ with 2 + ⌊ln k⌋ local trials, 10 initialisations drawn in turn from that one state (the
 * scikit-learn 1.2 defaults of the notebook's era), Lloyd iterations to `max_iter` 300 with tolerance
 * 1e-4 × the mean per-feature variance, empty clusters moved to the farthest points, and the run of lowest
 * inertia kept. Same seed, same palette, every time; float rounding differs from the reference (float64 here,
 * no centring of the data), so a centre may differ in its last digits.
 */
import { Mt19937 } from '../mt19937.js';

export interface Palette {
  /** k colours, [k][3]. */
  colors: number[][];
  /** Pixels assigned to each colour. */
  counts: number[];
}

const N_INIT = 10;
const MAX_ITER = 300;
const TOL = 1e-4;

/** numpy's legacy `RandomState`, only the draws k-means++ makes. */
class LegacyRandomState {
  private readonly engine: Mt19937;
  constructor(seed: number) {
    this.engine = new Mt19937(seed);
  }
  /** `randint(n)`: masked rejection on 32-bit outputs (n ≤ 2^32). */
  randint(n: number): number {
    const range = n - 1;
    if (range <= 0) return 0;
    let mask = range;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    for (;;) {
      const value = (this.engine.nextUint32() & mask) >>> 0;
      if (value <= range) return value;
    }
  }
  randomSample(): number {
    const a = this.engine.nextUint32() >>> 5;
    const b = this.engine.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}

function squaredDistance(points: Float64Array, i: number, center: ArrayLike<number>, j = 0): number {
  const dr = (points[3 * i] ?? 0) - (center[3 * j] ?? 0);
  const dg = (points[3 * i + 1] ?? 0) - (center[3 * j + 1] ?? 0);
  const db = (points[3 * i + 2] ?? 0) - (center[3 * j + 2] ?? 0);
  return dr * dr + dg * dg + db * db;
}

function kmeansPlusPlus(points: Float64Array, n: number, k: number, random: LegacyRandomState): Float64Array {
  const centers = new Float64Array(3 * k);
  const trials = 2 + Math.floor(Math.log(k));
  const first = random.randint(n);
  centers.set(points.subarray(3 * first, 3 * first + 3), 0);
  let closest: Float64Array = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) potential += closest[i] = squaredDistance(points, i, centers);
  for (let c = 1; c < k; c++) {
    const cumulative = new Float64Array(n);
    let running = 0;
    for (let i = 0; i < n; i++) cumulative[i] = running += closest[i] ?? 0;
    let best: { potential: number; distances: Float64Array; id: number } | null = null;
    const candidates = Array.from({ length: trials }, () => random.randomSample() * potential).map((r) =>
      Math.min(searchSorted(cumulative, r), n - 1),
    );
    for (const id of candidates) {
      const distances = new Float64Array(n);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i] ?? 0, squaredDistance(points, i, points, id));
        distances[i] = d;
        sum += d;
      }
      if (best === null || sum < best.potential) best = { potential: sum, distances, id };
    }
    if (best === null) break;
    potential = best.potential;
    closest = best.distances;
    centers.set(points.subarray(3 * best.id, 3 * best.id + 3), 3 * c);
  }
  return centers;
}

/** numpy `searchsorted(side='left')`: the first index whose value is ≥ v. */
function searchSorted(sorted: Float64Array, v: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] ?? 0) < v) low = mid + 1;
    else high = mid;
  }
  return low;
}

function assign(points: Float64Array, n: number, centers: Float64Array, k: number, labels: Int32Array): Float64Array {
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      const d = squaredDistance(points, i, centers, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    labels[i] = best;
    distances[i] = bestDistance;
  }
  return distances;
}

function lloyd(points: Float64Array, n: number, start: Float64Array, k: number, tol: number) {
  let centers = start;
  const labels = new Int32Array(n);
  const previous = new Int32Array(n).fill(-1);
  let distances = assign(points, n, centers, k, labels);
  for (let iteration = 0; iteration < MAX_ITER; iteration++) {
    const sums = new Float64Array(3 * k);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i] ?? 0;
      counts[c] = (counts[c] ?? 0) + 1;
      for (let d = 0; d < 3; d++) sums[3 * c + d] = (sums[3 * c + d] ?? 0) + (points[3 * i + d] ?? 0);
    }
    relocateEmpty(points, n, counts, sums, labels, distances);
    const next = new Float64Array(3 * k);
    let shift = 0;
    for (let c = 0; c < k; c++) {
      for (let d = 0; d < 3; d++) {
        next[3 * c + d] = (counts[c] ?? 0) > 0 ? (sums[3 * c + d] ?? 0) / (counts[c] ?? 1) : (centers[3 * c + d] ?? 0);
        shift += ((next[3 * c + d] ?? 0) - (centers[3 * c + d] ?? 0)) ** 2;
      }
    }
    centers = next;
    previous.set(labels);
    distances = assign(points, n, centers, k, labels);
    if (labels.every((label, i) => label === previous[i]) || shift <= tol) break;
  }
  let inertia = 0;
  for (const d of distances) inertia += d;
  return { centers, labels, inertia };
}

/** scikit-learn `_relocate_empty_clusters`: each empty cluster takes one of the points farthest from its centre. */
function relocateEmpty(
  points: Float64Array,
  n: number,
  counts: Float64Array,
  sums: Float64Array,
  labels: Int32Array,
  distances: Float64Array,
): void {
  const empty = [...counts.keys()].filter((c) => counts[c] === 0);
  if (empty.length === 0) return;
  const farthest = [...Array(n).keys()]
    .sort((a, b) => (distances[b] ?? 0) - (distances[a] ?? 0))
    .slice(0, empty.length);
  empty.forEach((c, index) => {
    const i = farthest[index] ?? 0;
    const old = labels[i] ?? 0;
    for (let d = 0; d < 3; d++) {
      const v = points[3 * i + d] ?? 0;
      sums[3 * old + d] = (sums[3 * old + d] ?? 0) - v;
      sums[3 * c + d] = v;
    }
    counts[old] = (counts[old] ?? 0) - 1;
    counts[c] = 1;
    labels[i] = c;
  });
}

/** `pixels`: interleaved RGB triples. */
export function kmeansPalette(pixels: Float64Array, k: number, seed = 0): Palette {
  const n = pixels.length / 3;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`colormatch_n_colors must be a whole number ≥ 1, got ${k}`);
  if (n < k) throw new RangeError(`k-means needs at least ${k} pixels, got ${n}`);
  let variance = 0;
  for (let d = 0; d < 3; d++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += pixels[3 * i + d] ?? 0;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += ((pixels[3 * i + d] ?? 0) - mean) ** 2;
    variance += v / n;
  }
  const tol = (variance / 3) * TOL;
  const random = new LegacyRandomState(seed);
  let best: ReturnType<typeof lloyd> | null = null;
  for (let run = 0; run < N_INIT; run++) {
    const result = lloyd(pixels, n, kmeansPlusPlus(pixels, n, k, random), k, tol);
    if (best === null || result.inertia < best.inertia) best = result;
  }
  const chosen = best ?? lloyd(pixels, n, kmeansPlusPlus(pixels, n, k, random), k, tol);
  const counts = new Array<number>(k).fill(0);
  for (const label of chosen.labels) counts[label] = (counts[label] ?? 0) + 1;
  const colors = Array.from({ length: k }, (_, c) => [...chosen.centers.subarray(3 * c, 3 * c + 3)]);
  return { colors, counts };
}
