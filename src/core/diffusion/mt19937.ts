/**
 * The 32-bit Mersenne Twister shared by the two generators the reference uses: torch's CPU generator (ATen
 * `core/MT19937RNGEngine.h`: `init_genrand` from the low 32 bits of the seed, what `torch.manual_seed` does) and
 * Python's `random` (the same engine keyed with `init_by_array`, see animation/python-random.ts).
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df | 0;
const UPPER_MASK = 0x80000000 | 0;
const LOWER_MASK = 0x7fffffff;

export class Mt19937 {
  // Int32 storage keeps every word a small integer for V8; outputs are made unsigned at the end.
  private readonly state = new Int32Array(N);
  private index = N;

  /** `seed` must be an integer in [0, 2^32 − 1] (use `generatorSeed` for the seeds a render shows). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`MT19937 seed must be an integer in [0, 2^32 − 1], got ${seed}`);
    }
    const state = this.state;
    state[0] = seed;
    for (let i = 1; i < N; i++) {
      const prev = state[i - 1] ?? 0;
      state[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) | 0;
    }
  }

  /** Python's `init_by_array`: the engine keyed with 32-bit words (how `random.seed(int)` seeds it). */
  static fromKey(key: readonly number[]): Mt19937 {
    const engine = new Mt19937(19650218);
    engine.mixInKey(key);
    return engine;
  }

  /** The next tempered 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++] ?? 0;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * Writes the state words behind the next `end − start` outputs into `target[start..end)` and advances past them:
   * the outputs before tempering, which is a fixed per-word bijection a caller can apply to many words at once
   * (normal-fill-simd.ts does, with SIMD). The copies are plain memory copies: about 2 µs per 16384 words, where
   * tempering them one by one here took about 40 (the twists, about 30 µs, are the same either way).
   */
  fillUntempered(target: Int32Array, start = 0, end = target.length): void {
    const state = this.state;
    let i = start;
    while (i < end) {
      if (this.index >= N) this.twist();
      const take = Math.min(end - i, N - this.index);
      target.set(state.subarray(this.index, this.index + take), i);
      this.index += take;
      i += take;
    }
  }

  /** Advances past the next `count` outputs without tempering them (the state twists as often as drawing would). */
  advance(count: number): void {
    let remaining = count;
    while (remaining > 0) {
      if (this.index >= N) this.twist();
      const take = Math.min(remaining, N - this.index);
      this.index += take;
      remaining -= take;
    }
  }

  private mixInKey(key: readonly number[]): void {
    const state = this.state;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = state[i - 1] ?? 0;
      state[i] = ((state[i] ?? 0) ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + (key[j] ?? 0) + j;
      i++;
      j++;
      if (i >= N) {
        state[0] = state[N - 1] ?? 0;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = state[i - 1] ?? 0;
      state[i] = ((state[i] ?? 0) ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i;
      i++;
      if (i >= N) {
        state[0] = state[N - 1] ?? 0;
        i = 1;
      }
    }
    state[0] = UPPER_MASK;
  }

  private twist(): void {
    const state = this.state;
    // Split at the wrap points instead of indexing modulo N: the refill is a third of a randn call's time.
    let i = 0;
    for (; i < N - M; i++) {
      const y = ((state[i] as number) & UPPER_MASK) | ((state[i + 1] as number) & LOWER_MASK);
      state[i] = (state[i + M] as number) ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < N - 1; i++) {
      const y = ((state[i] as number) & UPPER_MASK) | ((state[i + 1] as number) & LOWER_MASK);
      state[i] = (state[i + M - N] as number) ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    state[N - 1] = mix(state[N - 1] as number, state[0] as number, state[M - 1] as number);
    this.index = 0;
  }
}

function mix(current: number, next: number, far: number): number {
  const y = (current & UPPER_MASK) | (next & LOWER_MASK);
  return far ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
}
