/**
 * Python's `random.Random` (MT19937) far enough to reproduce `random.seed(n); random.randint(a, b)`, which is how
 * Deforum's `random` seed behaviour picks the next seed.
 *
 * Matches CPython 3.11 `_randommodule.c` (`random_seed`: init_by_array over the 32-bit words of |n|, least
 * significant first; `getrandbits`) and `random.py` (`randint` → `randrange` → `_randbelow_with_getrandbits`,
 * which draws `n.bit_length()` bits and redraws while the value is ≥ n: for n = 2^32 that is 33 bits, so about
 * half the draws are rejected, and the golden chains only match with the rejection loop in place).
 */
import { Mt19937 } from '../diffusion/mt19937.js';

const TWO_POW_32 = 2 ** 32;
const MAX_BITS = 53;

export class PythonRandom {
  private readonly engine: Mt19937;

  /** `random.seed(seed)` for an integer seed; like CPython, the sign is ignored. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`PythonRandom: seed ${seed} is not a safe integer`);
    this.engine = Mt19937.fromKey(seedWords(Math.abs(seed)));
  }

  /** `random.getrandbits(k)` for 1 ≤ k ≤ 53: 32-bit words least significant first, the last one shifted down. */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 1 || k > MAX_BITS) throw new RangeError(`getrandbits: k must be 1..${MAX_BITS}`);
    let value = 0;
    let scale = 1;
    for (let left = k; left > 0; left -= 32) {
      const word = left < 32 ? this.engine.nextUint32() >>> (32 - left) : this.engine.nextUint32();
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
