/**
 * Parity with the notebook's hybrid optical flow (golden/hybrid.json `flow` and `flow_apply`, README
 * "hybrid.json + hybrid/"). Tolerances from the README:
 * - flows, for a port of the same OpenCV algorithm: max |Δ| ≤ 0.05 px and mean |Δ| ≤ 0.005 px against the golden
 *   flow. Farneback runs in opencv.js and DIS is a port of OpenCV's DISOpticalFlow, so both take this rule, plus
 *   the looser "faithful implementation" figures as a report (interior EPE vs golden ≤ 0.5 px, interior EPE vs
 *   the true flow ≤ golden `epe_vs_true_inner_mean` + 0.25 px);
 * - DenseRLOF and SF are opencv-contrib methods this engine refuses: their cases are set aside by that rule and
 *   must get the refusal, a DeforumError naming the methods that work;
 * - `flow_apply` outputs given the golden flow: like warp2d, max ≤ 4, mean ≤ 0.25, ≤ 1 % of values > 2. The padding
 *   and remap are opencv.js's own, so on top of that every case must be bit-exact.
 */
import { describe, expect, it } from 'vitest';
import { diffStats } from '../support/image-diff.js';

import { DeforumError } from '../../src/core/errors.js';
import { decodeImage } from '../../src/core/image/codec.js';
import { applyFlow } from '../../src/core/image/hybrid/flow-apply.js';
import { AVAILABLE_FLOW_METHODS, computeFlow, type FlowMethod } from '../../src/core/image/hybrid/optical-flow.js';
import type { RawImage } from '../../src/core/image/raw-image.js';
import { goldenPath, readGoldenJson } from '../support/golden.js';
import { readNpy } from '../support/npy.js';

interface FlowCase {
  method: FlowMethod;
  ok: boolean;
  shape: [number, number, number];
  flow: string;
  stats: { epe_vs_true_inner_mean: number };
}

interface FlowPair {
  id: string;
  frame0: string;
  frame1: string;
  true_flow: string;
  flows: FlowCase[];
}

interface ApplyCase {
  id: string;
  flow: string;
  border: 'replicate' | 'wrap';
  input: string;
  output: string;
}

interface HybridGolden {
  flow: { pairs: FlowPair[] };
  flow_apply: { cases: ApplyCase[] };
}

const golden = readGoldenJson<HybridGolden>('hybrid.json');
/** README: EPE "in the interior" leaves an 8-px margin. */
const INNER_MARGIN = 8;
const REFUSED: readonly string[] = ['DenseRLOF', 'SF'];

async function readU8(file: string): Promise<RawImage<'u8'>> {
  const image = await decodeImage(goldenPath(file));
  if (image.format !== 'u8') throw new Error(`${file} is not an 8-bit image.`);
  return image;
}

function readFlow(file: string): Float32Array {
  const npy = readNpy(goldenPath(file));
  if (npy.dtype !== 'float32') throw new Error(`${file} is ${npy.dtype}, expected float32.`);
  return npy.data;
}

function innerEpe(a: Float32Array, b: Float32Array, width: number, height: number): number {
  let sum = 0;
  let count = 0;
  for (let y = INNER_MARGIN; y < height - INNER_MARGIN; y++) {
    for (let x = INNER_MARGIN; x < width - INNER_MARGIN; x++) {
      const k = 2 * (y * width + x);
      sum += Math.hypot((a[k] ?? NaN) - (b[k] ?? NaN), (a[k + 1] ?? NaN) - (b[k + 1] ?? NaN));
      count++;
    }
  }
  return sum / count;
}

const flowCases = golden.flow.pairs.flatMap((pair) => pair.flows.map((c) => ({ pair, c })));
const computed = flowCases.filter(({ c }) => !REFUSED.includes(c.method));
const refused = flowCases.filter(({ c }) => REFUSED.includes(c.method));

describe('hybrid optical flow golden parity', () => {
  it('covers every method the engine offers, and sets aside only the contrib ones', () => {
    console.info(`hybrid flow: ${computed.length} cases compared, ${refused.length} set aside (DenseRLOF, SF)`);
    expect(new Set(computed.map(({ c }) => c.method))).toEqual(new Set(AVAILABLE_FLOW_METHODS));
    expect(refused.length).toBe(2 * golden.flow.pairs.length);
  });

  it.each(computed.map(({ pair, c }) => [`${pair.id} ${c.method}`, pair, c] as const))(
    '%s matches the notebook',
    async (name, pair, c) => {
      const [height, width] = c.shape;
      const flow = await computeFlow(await readU8(pair.frame0), await readU8(pair.frame1), c.method);
      const expected = readFlow(c.flow);
      const { max, mean } = diffStats(flow, expected);
      const epeGolden = innerEpe(flow, expected, width, height);
      const epeTrue = innerEpe(flow, readFlow(pair.true_flow), width, height);
      console.info(
        `${name}: max |Δ| ${max.toExponential(2)} px, mean ${mean.toExponential(2)} px, ` +
          `inner EPE vs golden ${epeGolden.toFixed(4)}, vs true ${epeTrue.toFixed(4)} ` +
          `(golden ${c.stats.epe_vs_true_inner_mean.toFixed(4)})`,
      );
      expect(flow.length, name).toBe(expected.length);
      expect(max, `${name} max |Δ|`).toBeLessThanOrEqual(0.05);
      expect(mean, `${name} mean |Δ|`).toBeLessThanOrEqual(0.005);
      expect(epeGolden, `${name} inner EPE vs golden`).toBeLessThanOrEqual(0.5);
      expect(epeTrue, `${name} inner EPE vs true flow`).toBeLessThanOrEqual(c.stats.epe_vs_true_inner_mean + 0.25);
    },
  );

  it.each(refused.map(({ pair, c }) => [`${pair.id} ${c.method}`, pair, c] as const))(
    '%s is refused with the methods that work',
    async (name, pair, c) => {
      const error = await computeFlow(await readU8(pair.frame0), await readU8(pair.frame1), c.method).catch(
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(DeforumError);
      const { details, message } = error as DeforumError;
      expect(details).toEqual({
        code: 'flow_method_unavailable',
        method: c.method,
        available: [...AVAILABLE_FLOW_METHODS],
      });
      expect(message).toContain('DIS Medium');
      expect(message).toContain(c.method);
    },
  );
});

describe('hybrid flow application golden parity', () => {
  it.each(golden.flow_apply.cases.map((c) => [c.id, c] as const))('%s matches the notebook', async (id, c) => {
    const input = await readU8(c.input);
    const flow = readFlow(c.flow);
    const before = Float32Array.from(flow);
    const out = await applyFlow(input, flow, c.border);
    const expected = await readU8(c.output);
    const { max, mean, outliers: over2 } = diffStats(out.data, expected.data, 2);
    console.info(`flow_apply ${id}: max ${max}, mean ${mean.toFixed(4)}, > 2: ${over2}`);
    expect([out.width, out.height, out.channels]).toEqual([expected.width, expected.height, expected.channels]);
    expect(max, `${id} max`).toBeLessThanOrEqual(4);
    expect(mean, `${id} mean`).toBeLessThanOrEqual(0.25);
    expect(over2 / expected.data.length, `${id} share > 2`).toBeLessThanOrEqual(0.01);
    expect(max, `${id} bit-exact`).toBe(0);
    expect(flow, `${id}: the caller's flow is left as it was`).toEqual(before);
  });
});
