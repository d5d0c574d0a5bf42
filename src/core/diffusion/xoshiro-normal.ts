/**
 * A fast seeded standard-normal generator for draws that need torch.randn's distribution but not its stream (the
 * loop's frame noise, docs/deviations.md item 17). Uniforms: xoshiro128** (Blackman & Vigna), its 128-bit state
 * filled from the 32-bit seed by splitmix32. Normals: Marsaglia & Tsang's ziggurat with 128 layers as Doornik
 * ("An Improved Ziggurat Method to Generate Normal Random Samples", 2005) corrects it — the layer index and the
 * uniform come from independent 32-bit outputs — computed in float64 and stored as float32. About 5 ns a value
 * against about 45 for the torch-exact port (bench/image.bench.ts, noise).
 * Deterministic per seed; successive `randn` calls continue one stream.
 */
import type { Rng } from './rng.js';
import { elementCount } from './tensor.js';

const LAYERS = 128;
/** Start of the tail and the common area of the layers for 128 layers (Doornik's ZIGNOR constants). */
const TAIL_START = 3.442619855899;
const LAYER_AREA = 9.91256303526217e-3;
const UNIT_32 = 2 ** -32;

/** x_i, the right edges of the layers (x_0 = V / f(R) for the base layer, x_1 = R, x_128 = 0), and x_{i+1}/x_i. */
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

export class XoshiroNormal implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed`: an integer in [0, 2^32 − 1] (use `generatorSeed` for the seeds a render shows). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`XoshiroNormal seed must be an integer in [0, 2^32 − 1], got ${seed}`);
    }
    let state = seed | 0;
    const next = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return z ^ (z >>> 16);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
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
    // The state lives in locals through the hot loop; the rare slow paths go through the fields.
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let n = 0; n < count; n++) {
      // Two outputs: the signed uniform u in (−1, 1) and, independently, the layer.
      let r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const u = ((r >>> 0) + 0.5) * (2 * UNIT_32) - 1;
      r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const layer = r & (LAYERS - 1);
      if (Math.abs(u) < (RATIO[layer] as number)) {
        out[n] = u * (EDGE[layer] as number);
        continue;
      }
      this.s0 = s0;
      this.s1 = s1;
      this.s2 = s2;
      this.s3 = s3;
      out[n] = this.slowNormal(u, layer);
      s0 = this.s0;
      s1 = this.s1;
      s2 = this.s2;
      s3 = this.s3;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    return out;
  }

  /** The rest of Doornik's `DRanNormalZig` once the first (rectangle) test of (u, layer) failed (~1.3 % of draws). */
  private slowNormal(firstU: number, firstLayer: number): number {
    let u = firstU;
    let layer = firstLayer;
    for (;;) {
      if (Math.abs(u) < (RATIO[layer] as number)) return u * (EDGE[layer] as number);
      if (layer === 0) return this.tail(u < 0);
      const edge = EDGE[layer] as number;
      const inner = EDGE[layer + 1] as number;
      const x = u * edge;
      const f0 = Math.exp(-0.5 * (edge * edge - x * x));
      const f1 = Math.exp(-0.5 * (inner * inner - x * x));
      if (f1 + this.uniformOpen() * (f0 - f1) < 1) return x;
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
