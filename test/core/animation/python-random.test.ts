import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../../../src/core/animation/python-random.js';

// Printed by CPython 3.11: r = random.Random(seed); [r.getrandbits(32), r.getrandbits(33), r.getrandbits(53),
// r.randint(0, 2**32 - 1), r.randint(5, 10), r.getrandbits(1)]
const CPYTHON: [seed: number, ...draws: number[]][] = [
  [0, 3626764237, 5949583294, 3788173568575106, 173879092, 9, 0],
  [1, 577090037, 6739679306, 6879471607037488, 271041745, 5, 0],
  [42, 2746317213, 478163327, 2477245831987451, 1051802512, 6, 1],
  [4294967295, 2728839433, 2661025012, 5470672568500137, 2243681748, 9, 0],
  [4294967296, 485306839, 1508871100, 150207610873042, 3274195809, 9, 1],
  [1099511627781, 2166296868, 2220160828, 8338746280685314, 200118061, 5, 1],
  [-42, 2746317213, 478163327, 2477245831987451, 1051802512, 6, 1],
];

describe('PythonRandom', () => {
  it.each(CPYTHON)('seed %i draws what CPython draws', (seed, ...expected) => {
    const r = new PythonRandom(seed);
    const draws = [
      r.getrandbits(32),
      r.getrandbits(33),
      r.getrandbits(53),
      r.randint(0, 2 ** 32 - 1),
      r.randint(5, 10),
      r.getrandbits(1),
    ];
    expect(draws).toEqual(expected);
  });

  it('regenerates its state after 624 words like MT19937', () => {
    const r = new PythonRandom(7);
    for (let i = 0; i < 700; i++) r.getrandbits(32);
    expect(r.getrandbits(32)).toBe(2724896942);
  });

  it('rejects draws at or above the range instead of folding them (randint over 2^32 draws 33 bits)', () => {
    // random.seed(2**32 - 1): the first 33-bit draw is ≥ 2^32, so the answer is the second draw, not the first word.
    expect(new PythonRandom(2 ** 32 - 1).randint(0, 2 ** 32 - 1)).toBe(872737089);
    expect(new PythonRandom(2 ** 32 - 1).getrandbits(32)).toBe(2728839433);
  });

  it('refuses seeds and ranges it cannot represent exactly', () => {
    expect(() => new PythonRandom(2 ** 53)).toThrow(RangeError);
    expect(() => new PythonRandom(1).getrandbits(54)).toThrow(RangeError);
    expect(() => new PythonRandom(1).randint(3, 2)).toThrow(RangeError);
  });
});
