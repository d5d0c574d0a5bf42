import { describe, expect, it } from 'vitest';

import { Mt19937 } from '../../../src/core/diffusion/mt19937.js';

function nth(seed: number, n: number): number {
  const engine = new Mt19937(seed);
  let value = 0;
  for (let i = 0; i < n; i++) value = engine.nextUint32();
  return value;
}

describe('Mt19937 (init_genrand seeding, as torch.manual_seed)', () => {
  it.each([
    // C++ std::mt19937 with its default seed: the first output, and the 10000th that the standard requires.
    { seed: 5489, n: 1, expected: 3499211612 },
    { seed: 5489, n: 10000, expected: 4123659995 },
  ])('seed $seed, output #$n = $expected', ({ seed, n, expected }) => {
    expect(nth(seed, n)).toBe(expected);
  });

  it.each([-1, 2 ** 32, 1.5, Number.NaN])('rejects seed %s', (seed) => {
    expect(() => new Mt19937(seed)).toThrow(RangeError);
  });
});

/** MT19937's tempering, as `nextUint32` applies it. */
function temper(word: number): number {
  let y = word;
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  return (y ^ (y >>> 18)) >>> 0;
}

describe('Mt19937.fillUntempered', () => {
  it('gives the state words behind the outputs, across twists and after single draws', () => {
    const filled = new Mt19937(1234);
    const drawn = new Mt19937(1234);
    filled.nextUint32();
    drawn.nextUint32();
    const words = new Int32Array(2000);
    filled.fillUntempered(words, 3, 1900);
    const expected = Array.from({ length: 1897 }, () => drawn.nextUint32());
    expect(Array.from(words.subarray(3, 1900), temper)).toEqual(expected);
    expect(words[0]).toBe(0);
    expect(words[1900]).toBe(0);
    expect(filled.nextUint32()).toBe(drawn.nextUint32());
  });
});
