/**
 * The kernels of avx-mathfun.ts write every fused multiply-add as `f32(a * b + c)`; that is exact only on the
 * arguments torch's normal sampler passes (the header's claim, checked exhaustively once over all 2^24 of each).
 * This keeps a strided sample of that check: an oracle with the same steps but every fused place through `fma32`
 * (the formulation torch's FMA build was matched with, before the kernels were specialised) must agree bit for bit
 * on 1 − k·2^-24 and f32(2π·k·2^-24).
 */
import { describe, expect, it } from 'vitest';

import { fma32, logCephes, logCephesOneMinusUniform24, sinCosCephes } from '../../../src/core/diffusion/avx-mathfun.js';
import { simdNormalFill } from '../../../src/core/diffusion/normal-fill-simd.js';

const f32 = Math.fround;
const LOG = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f32);
const LOG_Q1 = f32(-2.1219444e-4);
const LOG_Q2 = f32(0.693359375);
const DP = [-0.78515625, -2.4187564849853515625e-4, -3.774894977445941e-8].map(f32);
const SIN = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f32);
const COS = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f32);
const at = (values: number[], i: number): number => values[i] as number;

function oracleLog(value: number): number {
  let e = Math.floor(Math.log2(value)) + 1;
  let x = value / 2 ** e;
  if (x < f32(Math.SQRT1_2)) {
    e -= 1;
    x = x - 1 + x;
  } else {
    x -= 1;
  }
  const z = f32(x * x);
  let y = at(LOG, 0);
  for (let i = 1; i < LOG.length; i++) y = fma32(y, x, at(LOG, i));
  y = f32(y * x);
  y = fma32(y, z, f32(e * LOG_Q1));
  y = f32(y - z * 0.5);
  return fma32(e, LOG_Q2, f32(x + y));
}

function oracleSinCos(value: number): [number, number] {
  let j = Math.trunc(f32(value * f32(1.27323954473516)));
  j = (j + 1) & ~1;
  let x = value;
  for (const dp of DP) x = fma32(j, dp, x);
  const z = f32(x * x);
  const cos = f32(fma32(f32(fma32(fma32(at(COS, 0), z, at(COS, 1)), z, at(COS, 2)) * z), z, -z * 0.5) + 1);
  const sin = fma32(f32(fma32(fma32(at(SIN, 0), z, at(SIN, 1)), z, at(SIN, 2)) * z), x, x);
  const [s, c] = (j & 2) === 0 ? [sin, cos] : [cos, sin];
  return [(j & 4) !== 0 ? -s : s, (~(j - 2) & 4) !== 0 ? -c : c];
}

/** Every 211th k, plus both ends of the range, where the exponent and the quadrant change. */
function sampleKs(): number[] {
  const ks: number[] = [];
  for (let k = 0; k < 2 ** 24; k += 211) ks.push(k);
  for (let k = 0; k < 4096; k++) ks.push(k, 2 ** 24 - 1 - k);
  return ks;
}

describe('avx-mathfun kernels on the normal sampler’s arguments', () => {
  const ks = sampleKs();

  it('logCephes(1 − k·2^-24) equals the fma32 formulation', () => {
    const bad = ks.filter((k) => {
      const value = f32(1 - k * 2 ** -24);
      return !Object.is(logCephes(value), oracleLog(value));
    });
    expect(bad.slice(0, 5), `${bad.length} of ${ks.length} differ`).toEqual([]);
  });

  it('sinCosCephes(f32(2π·k·2^-24)) equals the fma32 formulation', () => {
    const out = new Float64Array(2);
    const bad = ks.filter((k) => {
      const value = f32(f32(2 * Math.PI) * (k * 2 ** -24));
      sinCosCephes(value, out);
      const [sin, cos] = oracleSinCos(value);
      return !Object.is(out[0], sin) || !Object.is(out[1], cos);
    });
    expect(bad.slice(0, 5), `${bad.length} of ${ks.length} differ`).toEqual([]);
  });

  it('the SIMD normal_fill_16 kernel equals the lane-by-lane kernels', () => {
    // Each lane pairs a log argument k with an angle argument, both from the sample and with junk in the high byte
    // the kernel must mask; lanes j and j + 8 of a block are the pair. The kernel's memory takes them in chunks.
    const { capacity, words, normals } = simdNormalFill;
    const perChunk = capacity / 2;
    const sinCos = new Float64Array(2);
    const bad: number[] = [];
    for (let first = 0; first < ks.length; first += perChunk) {
      const chunk = ks.slice(first, first + perChunk);
      chunk.forEach((k, n) => {
        const at = 16 * Math.floor(n / 8) + (n % 8);
        words[at] = (k | 0xa5000000) >>> 0;
        words[at + 8] = (2 ** 24 - 1 - k) | 0x3c000000;
      });
      simdNormalFill.transform(Math.ceil(chunk.length / 8));
      chunk.forEach((k, n) => {
        const at = 16 * Math.floor(n / 8) + (n % 8);
        const radius = f32(Math.sqrt(-2 * logCephesOneMinusUniform24(k)));
        sinCosCephes(f32(f32(2 * Math.PI) * ((2 ** 24 - 1 - k) * 2 ** -24)), sinCos);
        const cos = f32(radius * (sinCos[1] as number));
        const sin = f32(radius * (sinCos[0] as number));
        if (!Object.is(normals[at], cos) || !Object.is(normals[at + 8], sin)) bad.push(k);
      });
    }
    expect(bad.slice(0, 5), `${bad.length} of ${ks.length} differ`).toEqual([]);
  });
});
