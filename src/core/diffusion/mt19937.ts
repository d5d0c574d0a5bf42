/**
 * The 32-bit Mersenne Twister as torch's CPU generator runs it (ATen `core/MT19937RNGEngine.h`): seeded with
 * `init_genrand` from the low 32 bits of the seed (what `torch.manual_seed` does), tempered 32-bit outputs.
 * Python's `random` seeds the same engine differently (init_by_array), see animation/python-random.ts.
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

  private twist(): void {
    const state = this.state;
    // Split at the wrap points instead of indexing modulo N: the refill is a third of a randn call's time.
    let i = 0;
    for (; i < N - M; i++) state[i] = mix(state[i] ?? 0, state[i + 1] ?? 0, state[i + M] ?? 0);
    for (; i < N - 1; i++) state[i] = mix(state[i] ?? 0, state[i + 1] ?? 0, state[i + M - N] ?? 0);
    state[N - 1] = mix(state[N - 1] ?? 0, state[0] ?? 0, state[M - 1] ?? 0);
    this.index = 0;
  }
}

function mix(current: number, next: number, far: number): number {
  const y = (current & UPPER_MASK) | (next & LOWER_MASK);
  return (far ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) | 0;
}
