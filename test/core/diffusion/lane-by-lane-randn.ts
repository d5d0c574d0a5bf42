/**
 * torch's vectorised `randn` computed the slow, obvious way: one MT output at a time, each lane of each block of 16
 * through the lane-by-lane kernels of avx-mathfun.ts, the tail block redrawn (ATen `normal_fill`). The reference
 * torch-generator.ts's SIMD path is tested against, and bench/samplers.bench.ts's baseline for it.
 */
import { logCephesOneMinusUniform24, sinCosCephes } from '../../../src/core/diffusion/avx-mathfun.js';
import { Mt19937 } from '../../../src/core/diffusion/mt19937.js';

export function laneByLaneRandn(seed: number, count: number): Float32Array {
  const engine = new Mt19937(seed);
  const words = Array.from({ length: count }, () => engine.nextUint32());
  const out = new Float32Array(count);
  const sinCos = new Float64Array(2);
  const transform = (block: readonly number[], at: number): void => {
    for (let lane = 0; lane < 8; lane++) {
      const radius = Math.fround(Math.sqrt(-2 * logCephesOneMinusUniform24((block[lane] as number) & 0xffffff)));
      const u2 = ((block[lane + 8] as number) & 0xffffff) * 2 ** -24;
      sinCosCephes(Math.fround(Math.fround(2 * Math.PI) * u2), sinCos);
      out[at + lane] = radius * (sinCos[1] as number);
      out[at + lane + 8] = radius * (sinCos[0] as number);
    }
  };
  for (let at = 0; at + 16 <= count; at += 16) transform(words.slice(at, at + 16), at);
  if (count % 16 !== 0)
    transform(
      Array.from({ length: 16 }, () => engine.nextUint32()),
      count - 16,
    );
  return out;
}
