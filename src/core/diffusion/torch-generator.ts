/**
 * `torch.manual_seed(seed); torch.randn(shape)` on the CPU, bit for bit (float32), torch 1.13 as the notebook
 * pinned it (golden randn.json). Successive draws continue one stream, as successive `torch.randn` calls do.
 *
 * Matches ATen's CPU normal kernel (`native/cpu/DistributionTemplates.h` `normal_kernel`):
 * - 16 or more values: `normal_fill` — every value first gets a uniform `(u32 & 0xFFFFFF)·2^-24`, then each block
 *   of 16 is turned into normals by Box–Muller, pairing lane j with lane j + 8 (`1 − u` feeds the log). A length
 *   that is not a multiple of 16 redraws 16 fresh uniforms for the last 16 slots and transforms them again, so the
 *   values before the tail block's start are overwritten. The AVX2 build (the one x86 wheels run) evaluates log
 *   and sin/cos with avx_mathfun's float32 polynomials, reproduced in avx-mathfun.ts and, for speed, as a
 *   WebAssembly SIMD kernel in normal-fill-simd.ts.
 * - fewer than 16: `normal_distribution<double>` one value at a time — two 53-bit uniforms from two MT outputs
 *   each (high word first), `sqrt(−2·log(1 − u2))`, angle `2π·u1`, cos returned and sin cached in the generator for
 *   the next scalar draw (`manual_seed` clears the cache; the vectorised path neither reads nor clears it).
 */
import { Mt19937 } from './mt19937.js';
import { simdNormalFill } from './normal-fill-simd.js';
import type { Rng } from './rng.js';
import { elementCount } from './tensor.js';

const VECTOR_BLOCK = 16;
const UNIFORM_53 = 2 ** -53;
const TWO_POW_32 = 2 ** 32;

export class TorchGenerator implements Rng {
  private readonly engine: Mt19937;
  private cachedNormal: number | undefined;
  /**
   * Outputs skipped (`skipRandn`) and not yet advanced past. Advancing is twisting the state, the same work in one
   * go as in several, so it waits for the next draw: the churn samplers (and dpm_adaptive) skip a latent's worth
   * at every step, about 30 µs of twisting each, and draw nothing after the last.
   */
  private skipped = 0;

  /** `torch.manual_seed(seed)`: `seed` is an integer in [0, 2^32 − 1] (see animation/seeds.ts `generatorSeed`). */
  constructor(seed: number) {
    this.engine = new Mt19937(seed);
  }

  randn(shape: readonly number[]): Float32Array {
    const count = elementCount(shape);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`randn: bad shape [${shape.join(', ')}]`);
    if (this.skipped > 0) {
      this.engine.advance(this.skipped);
      this.skipped = 0;
    }
    const out = new Float32Array(count);
    if (count < VECTOR_BLOCK) {
      for (let i = 0; i < count; i++) out[i] = this.scalarNormal();
      return out;
    }
    // The kernel's memory holds a whole number of blocks, so blocks never straddle two chunks; the last chunk's
    // words past its last whole block are drawn (the stream consumes them) and their slots overwritten by the tail.
    const { capacity } = simdNormalFill;
    for (let start = 0; start < count; start += capacity) {
      out.set(this.drawBlocks(Math.min(capacity, count - start)), start);
    }
    if (count % VECTOR_BLOCK !== 0) out.set(this.drawBlocks(VECTOR_BLOCK), count - VECTOR_BLOCK);
    return out;
  }

  /**
   * The next `count` (at most the kernel's capacity) MT outputs, their whole blocks of 16 turned into normals, as a
   * view of the kernel's memory that the next draw overwrites.
   */
  private drawBlocks(count: number): Float32Array {
    this.engine.fillUntempered(simdNormalFill.words, 0, count);
    simdNormalFill.temper(count);
    simdNormalFill.transform(Math.floor(count / VECTOR_BLOCK));
    return simdNormalFill.normals.subarray(0, count);
  }

  /** `randn(shape)`'s effect on the stream alone: the same words consumed, no normals computed. */
  skipRandn(shape: readonly number[]): void {
    const count = elementCount(shape);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`randn: bad shape [${shape.join(', ')}]`);
    // Below 16 values the scalar path also reads and sets the cached normal: run it as it is.
    if (count < VECTOR_BLOCK) {
      this.randn(shape);
      return;
    }
    this.skipped += count % VECTOR_BLOCK === 0 ? count : count + VECTOR_BLOCK;
  }

  private uniform53(): number {
    const high = this.engine.nextUint32() & 0x1fffff;
    const low = this.engine.nextUint32();
    return (high * TWO_POW_32 + low) * UNIFORM_53;
  }

  private scalarNormal(): number {
    if (this.cachedNormal !== undefined) {
      const cached = this.cachedNormal;
      this.cachedNormal = undefined;
      return cached;
    }
    const u1 = this.uniform53();
    const u2 = this.uniform53();
    const radius = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = radius * Math.sin(theta);
    return radius * Math.cos(theta);
  }
}

/** A generator seeded as `torch.manual_seed(seed)` seeds torch's default CPU generator. */
export function createTorchGenerator(seed: number): TorchGenerator {
  return new TorchGenerator(seed);
}
