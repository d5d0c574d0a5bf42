/**
 * A fast seeded standard-normal generator for draws that need torch.randn's distribution but not its stream (the
 * loop's frame noise, docs/deviations.md item 17). Uniforms: xoshiro128** (Blackman & Vigna), its 128-bit state
 * filled from the 32-bit seed by splitmix32. Normals: Marsaglia & Tsang's ziggurat with 256 layers as Doornik
 * ("An Improved Ziggurat Method to Generate Normal Random Samples", 2005) corrects it — the layer index and the
 * uniform come from disjoint bits (the low 8 and the high 24) of one 32-bit output, so they are independent —
 * with Marsaglia & Tsang's one-exp wedge test,
 * computed in float64 and stored as float32. About 4 ns a value against about 45 for the torch-exact port
 * (bench/image.bench.ts, noise).
 * Deterministic per seed; successive `randn` calls continue one stream.
 */
import type { Rng } from './rng.js';
import { elementCount } from './tensor.js';

const LAYERS = 256;
/** Start of the tail and the common area of the layers for 256 layers (Marsaglia & Tsang's constants). */
const TAIL_START = 3.6541528853610088;
const LAYER_AREA = 4.92867323399e-3;
const UNIT_32 = 2 ** -32;
const UNIT_23 = 2 ** -23;

/** x_i, the right edges of the layers (x_0 = V / f(R) for the base layer, x_1 = R, x_256 = 0), and x_{i+1}/x_i. */
const EDGE = new Float64Array(LAYERS + 1);
const RATIO = new Float64Array(LAYERS);
{
  let f = Math.exp(-0.5 * TAIL_START * TAIL_START);
  EDGE[0] = LAYER_AREA / f;
  EDGE[1] = TAIL_START;
  EDGE[LAYERS] = 0;
  for (let i = 2; i < LAYERS; i++) {
    const x = Math.sqrt(-2 * Math.log(LAYER_AREA / (EDGE[i - 1] as number) + f));
    EDGE[i] = x;
    f = Math.exp(-0.5 * x * x);
  }
  for (let i = 0; i < LAYERS; i++) RATIO[i] = (EDGE[i + 1] as number) / (EDGE[i] as number);
}
/**
 * The fast path's tables for u = (j + ½)·2^-24 (j the signed 25-bit integer): |u| < RATIO[i] exactly when
 * |j + ½| − ½ < INNER[i], and then the value is (j + ½)·STEP[i] = u·EDGE[i].
 */
const INNER = Int32Array.from(RATIO, (ratio) => Math.ceil(ratio * 2 ** 23 - 0.5));
const STEP = Float64Array.from({ length: LAYERS }, (_, i) => (EDGE[i] as number) * UNIT_23);
/** f(x_i) = exp(−x_i²/2), for the wedge test (f(x_0) is unused: layer 0 goes to the tail). */
const DENSITY = Float64Array.from(EDGE, (x) => Math.exp(-0.5 * x * x));

export class XoshiroNormal implements Rng {
  /** xoshiro128**'s four 32-bit words. */
  private readonly state = new Int32Array(4);

  /** `seed`: an integer in [0, 2^32 − 1] (use `generatorSeed` for the seeds a render shows). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`XoshiroNormal seed must be an integer in [0, 2^32 − 1], got ${seed}`);
    }
    let mix = seed | 0;
    const next = (): number => {
      mix = (mix + 0x9e3779b9) | 0;
      let z = mix;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return z ^ (z >>> 16);
    };
    const state = this.state;
    for (let i = 0; i < 4; i++) state[i] = next();
    if (((state[0] as number) | (state[1] as number) | (state[2] as number) | (state[3] as number)) === 0) state[0] = 1;
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const state = this.state;
    let s0 = state[0] as number;
    let s1 = state[1] as number;
    let s2 = state[2] as number;
    let s3 = state[3] as number;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
    return result >>> 0;
  }

  /** A uniform in (0, 1), never 0 or 1. */
  private uniformOpen(): number {
    return (this.nextUint32() + 0.5) * UNIT_32;
  }

  randn(shape: readonly number[]): Float32Array {
    const count = elementCount(shape);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`randn: bad shape [${shape.join(', ')}]`);
    const out = new Float32Array(count);
    this.randnInto(out);
    return out;
  }

  /**
   * Fills `out` with the next `out.length` normals of the stream: the same values `randn([out.length])` returns, so
   * a caller may draw a large tensor chunk by chunk into a small reused buffer (frame-noise.ts does).
   */
  randnInto(out: Float32Array): void {
    const state = this.state;
    const count = out.length;
    // The state lives in locals through the hot loop; the rare slow paths go through `state`.
    let s0 = state[0] as number;
    let s1 = state[1] as number;
    let s2 = state[2] as number;
    let s3 = state[3] as number;
    for (let n = 0; n < count; n++) {
      // One output: its low 8 bits pick the layer, its high 24 bits j (signed) give u = (j + ½)·2^-23 in (−1, 1) —
      // disjoint bits, so layer and uniform are independent as Doornik requires.
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const j = r >> 8;
      const layer = r & (LAYERS - 1);
      // |u| < x_{i+1}/x_i, in integers: j ^ (j >> 31) is |j + ½| − ½.
      if ((j ^ (j >> 31)) < (INNER[layer] as number)) {
        out[n] = (j + 0.5) * (STEP[layer] as number);
        continue;
      }
      state[0] = s0;
      state[1] = s1;
      state[2] = s2;
      state[3] = s3;
      out[n] = this.slowNormal((j + 0.5) * UNIT_23, layer);
      s0 = state[0] as number;
      s1 = state[1] as number;
      s2 = state[2] as number;
      s3 = state[3] as number;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
  }

  /** The rest of Doornik's `DRanNormalZig` once the first (rectangle) test of (u, layer) failed (~1 % of draws). */
  private slowNormal(firstU: number, firstLayer: number): number {
    let u = firstU;
    let layer = firstLayer;
    for (;;) {
      if (Math.abs(u) < (RATIO[layer] as number)) return u * (EDGE[layer] as number);
      if (layer === 0) return this.tail(u < 0);
      const x = u * (EDGE[layer] as number);
      const below = DENSITY[layer] as number;
      const above = DENSITY[layer + 1] as number;
      if (above + this.uniformOpen() * (below - above) < Math.exp(-0.5 * x * x)) return x;
      u = 2 * this.uniformOpen() - 1;
      layer = this.nextUint32() & (LAYERS - 1);
    }
  }

  /** Marsaglia's tail beyond R. */
  private tail(negative: boolean): number {
    for (;;) {
      const x = Math.log(this.uniformOpen()) / TAIL_START;
      const y = Math.log(this.uniformOpen());
      if (-2 * y >= x * x) return negative ? x - TAIL_START : TAIL_START - x;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
