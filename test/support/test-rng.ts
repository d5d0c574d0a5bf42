/** A small seeded Rng for tests that records every draw's shape (the order of draws is part of parity). */
import type { Rng } from '../../src/core/diffusion/rng.js';

export interface RecordingRng extends Rng {
  readonly draws: number[][];
}

export function recordingRng(seed: number): RecordingRng {
  let state = seed >>> 0;
  const uniform = () => {
    // xorshift32: deterministic and dependency-free; the values only need to be reproducible.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 2 ** 32;
  };
  const draws: number[][] = [];
  return {
    draws,
    randn(shape) {
      draws.push([...shape]);
      const count = shape.reduce((a, b) => a * b, 1);
      return Float32Array.from(
        { length: count },
        () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
      );
    },
  };
}
