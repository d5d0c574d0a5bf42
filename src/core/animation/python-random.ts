/**
 * Python's `random.Random` (MT19937) far enough to reproduce `random.seed(n); random.randint(a, b)`, which is how
 * Deforum's `random` seed behaviour picks the next seed.
 *
 * Matches CPython 3.11 `_randommodule.c` (`random_seed`: init_by_array over the 32-bit words of |n|, least
 * significant first; `getrandbits`) and `random.py` (`randint` → `randrange` → `_randbelow_with_getrandbits`,
 * which draws `n.bit_length()` bits and redraws while the value is ≥ n: for n = 2^32 that is 33 bits, so about
 * half the draws are rejected, and the golden chains only match with the rejection loop in place).
 */

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const TWO_POW_32 = 2 ** 32;
const MAX_BITS = 53;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /** `random.seed(seed)` for an integer seed; like CPython, the sign is ignored. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`PythonRandom: seed ${seed} is not a safe integer`);
    this.initByArray(seedWords(Math.abs(seed)));
  }

  /** `random.getrandbits(k)` for 1 ≤ k ≤ 53: 32-bit words least significant first, the last one shifted down. */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 1 || k > MAX_BITS) throw new RangeError(`getrandbits: k must be 1..${MAX_BITS}`);
    let value = 0;
    let scale = 1;
    for (let left = k; left > 0; left -= 32) {
      const word = left < 32 ? this.nextUint32() >>> (32 - left) : this.nextUint32();
      value += word * scale;
      scale *= TWO_POW_32;
    }
    return value;
  }

  /** `random.randint(a, b)`: uniform over a … b inclusive. */
  randint(a: number, b: number): number {
    const n = b - a + 1;
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`randint: empty or too wide range ${a}..${b}`);
    const bits = bitLength(n);
    let r = this.getrandbits(bits);
    while (r >= n) r = this.getrandbits(bits);
    return a + r;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ?? 0;
      mt[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i;
    }
    this.index = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ?? 0;
      mt[i] = ((mt[i] ?? 0) ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + (key[j] ?? 0) + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1] ?? 0;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ?? 0;
      mt[i] = ((mt[i] ?? 0) ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1] ?? 0;
        i = 1;
      }
    }
    mt[0] = UPPER_MASK;
  }

  private nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let kk = 0; kk < N; kk++) {
        const y = ((mt[kk] ?? 0) & UPPER_MASK) | ((mt[(kk + 1) % N] ?? 0) & LOWER_MASK);
        mt[kk] = (mt[(kk + M) % N] ?? 0) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++] ?? 0;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** CPython keys init_by_array with |n| split into 32-bit words; zero still gives one word. */
function seedWords(n: number): number[] {
  const words = [n % TWO_POW_32];
  for (let rest = Math.floor(n / TWO_POW_32); rest > 0; rest = Math.floor(rest / TWO_POW_32)) {
    words.push(rest % TWO_POW_32);
  }
  return words;
}

/** `int.bit_length()`; via the binary digits because `Math.log2` rounds just below powers of two. */
function bitLength(n: number): number {
  return n.toString(2).length;
}
