/**
 * Wraps the UNet into what the samplers call, with classifier-free guidance. Reference: k-diffusion
 * `CompVisDenoiser` (eps: c_in = 1/sqrt(σ² + 1), x0 = x − σ·eps at t = sigma_to_t(σ)) and `CompVisVDenoiser`
 * (v: x0 = x/(σ² + 1) − σ/sqrt(σ² + 1)·v), Deforum's `CFGDenoiserWithGrad` without conditioning gradients
 * (x0 = x0_uncond + (x0_cond − x0_uncond)·scale), and ldm DDIM/PLMS's guidance in eps space at integer t (with
 * v converted to eps by sqrt(ᾱ)·v + sqrt(1 − ᾱ)·x).
 * Deliberate difference (spec §24 item 39, F): scale 1 makes one conditional call and no guidance; the original
 * k-samplers crash there, and DDIM/PLMS already do this.
 */
import { guidedX0, scaledTwice } from './denoiser-simd.js';
import type { DiscreteSchedule } from './noise-schedule.js';
import type { Denoise, PredictEps } from './samplers/sampler.js';
import { elementCount, type Latent } from './tensor.js';

export type Parameterization = 'eps' | 'v';

/** The UNet: for batch element b, x[b] at timestep t[b] with text conditioning cond[b] → eps or v. */
export type ModelFn = (x: Latent, t: Float32Array, cond: Latent) => Promise<Latent>;

export interface GuidanceOptions {
  model: ModelFn;
  parameterization: Parameterization;
  /** Text conditioning, batch first; its batch size equals the latent's. */
  cond: Latent;
  uncond: Latent;
  scale: number;
  /**
   * True: one model call on the batch [uncond, cond] (what the original does). False: two calls of the
   * latent's batch size, for a UNet exported with a fixed batch or to halve peak memory.
   */
  batchCondUncond: boolean;
}

function concatBatch(a: Latent, b: Latent): Latent {
  const data = new Float32Array(a.data.length + b.data.length);
  data.set(a.data);
  data.set(b.data, a.data.length);
  return { shape: [(a.shape[0] ?? 1) + (b.shape[0] ?? 1), ...a.shape.slice(1)], data };
}

function splitBatch(x: Latent): [Latent, Latent] {
  const half = x.data.length / 2;
  const shape = [(x.shape[0] ?? 2) / 2, ...x.shape.slice(1)];
  return [
    { shape, data: x.data.subarray(0, half) },
    { shape, data: x.data.subarray(half) },
  ];
}

function checkBatch(x: Latent, options: GuidanceOptions): void {
  for (const [name, cond] of [
    ['cond', options.cond],
    ['uncond', options.uncond],
  ] as const) {
    if (cond.shape[0] !== x.shape[0]) {
      throw new RangeError(
        `${name} has batch ${cond.shape[0]}, the latent ${x.shape[0]}: give one embedding per sample`,
      );
    }
  }
}

/**
 * The model's output for cond and uncond at one input (already scaled) and one t, batched or in two calls. The
 * batched context [uncond, cond] is the same at every step, so it is concatenated once per denoiser (measured:
 * copying SD's 2×77×768 floats every step cost about 5% of a 25 ms UNet call, bench/diffusion.bench.ts).
 */
function evaluator(
  options: GuidanceOptions,
): (input: Latent, t: number) => Promise<{ uncond: Latent; cond: Latent } | { cond: Latent }> {
  let pairContext: Latent | undefined;
  return (input, t) => evaluate(options, input, t, () => (pairContext ??= concatBatch(options.uncond, options.cond)));
}

async function evaluate(
  options: GuidanceOptions,
  input: Latent,
  t: number,
  pairContext: () => Latent,
): Promise<{ uncond: Latent; cond: Latent } | { cond: Latent }> {
  const batch = input.shape[0] ?? 1;
  const ts = (n: number): Float32Array => new Float32Array(n).fill(t);
  if (options.scale === 1) return { cond: await options.model(input, ts(batch), options.cond) };
  if (options.batchCondUncond) {
    const out = await options.model(concatBatch(input, input), ts(2 * batch), pairContext());
    const [uncond, cond] = splitBatch(out);
    return { uncond, cond };
  }
  const uncond = await options.model(input, ts(batch), options.uncond);
  return { uncond, cond: await options.model(input, ts(batch), options.cond) };
}

function pairShape(shape: readonly number[]): number[] {
  return [2 * (shape[0] ?? 1), ...shape.slice(1)];
}

/** The batched call on an input already doubled to [x, x]: its two halves' outputs, uncond first. */
async function evaluatePaired(
  options: GuidanceOptions,
  paired: Latent,
  t: number,
  pairContext: () => Latent,
): Promise<{ uncond: Latent; cond: Latent }> {
  const out = await options.model(paired, new Float32Array(paired.shape[0] ?? 2).fill(t), pairContext());
  const [uncond, cond] = splitBatch(out);
  return { uncond, cond };
}

/**
 * uncond + (cond − uncond)·scale (or cond alone when there is no unconditional output) as a new float32 array, in
 * one pass over the model outputs, which are only read.
 */
function guide(outputs: { uncond: Latent; cond: Latent } | { cond: Latent }, scale: number): Float32Array {
  const cond = outputs.cond.data;
  if (!('uncond' in outputs)) return new Float32Array(cond);
  const uncond = outputs.uncond.data;
  const out = new Float32Array(cond.length);
  for (let i = 0; i < out.length; i++) {
    const u = uncond[i] as number;
    out[i] = u + ((cond[i] as number) - u) * scale;
  }
  return out;
}

/** The k-diffusion denoiser: x at noise level σ → guided x0. */
export function guidedDenoiser(schedule: DiscreteSchedule, options: GuidanceOptions): Denoise {
  const evaluateAt = evaluator(options);
  let context: Latent | undefined;
  const pairContext = (): Latent => (context ??= concatBatch(options.uncond, options.cond));
  return async (x, sigma) => {
    checkBatch(x, options);
    const cIn = 1 / Math.sqrt(sigma * sigma + 1);
    const xs = x.data;
    const n = xs.length;
    const t = schedule.sigmaToT(sigma);
    let outputs: { uncond: Latent; cond: Latent } | { cond: Latent };
    if (options.scale !== 1 && options.batchCondUncond) {
      // The batched call's input cat([x·c_in, x·c_in]) written in one pass, without the scaled latent in between.
      const paired = scaledTwice(xs, cIn);
      outputs = await evaluatePaired(options, { shape: pairShape(x.shape), data: paired }, t, pairContext);
    } else {
      const scaled = new Float32Array(n);
      for (let i = 0; i < n; i++) scaled[i] = (xs[i] as number) * cIn;
      outputs = await evaluateAt({ shape: x.shape, data: scaled }, t);
    }
    const skip = options.parameterization === 'v' ? 1 / (sigma * sigma + 1) : 1;
    const out = options.parameterization === 'v' ? -sigma * cIn : -sigma;
    // One pass per output: x0 of each prediction rounded to float32 as its own tensor would be, then guided.
    const x0 = new Float32Array(n);
    const cond = outputs.cond.data;
    if (!('uncond' in outputs)) {
      for (let i = 0; i < n; i++) x0[i] = (xs[i] as number) * skip + (cond[i] as number) * out;
      return { shape: x.shape, data: x0 };
    }
    guidedX0(x0, xs, skip, outputs.uncond.data, cond, out, options.scale);
    return { shape: x.shape, data: x0 };
  };
}

/** The DDIM/PLMS eps predictor: x (variance preserving) at integer timestep t → guided eps. */
export function guidedEpsPredictor(alphasCumprod: Float32Array, options: GuidanceOptions): PredictEps {
  const evaluateAt = evaluator(options);
  return async (x, t) => {
    checkBatch(x, options);
    const outputs = await evaluateAt(x, t);
    // Guidance combines the raw outputs (v: then converted to eps in place, ldm p_sample_ddim).
    const guided = guide(outputs, options.scale);
    if (options.parameterization === 'eps') return { shape: x.shape, data: guided };
    const a = alphasCumprod[t] ?? Number.NaN;
    const sqrtA = Math.sqrt(a);
    const sqrtOneMinusA = Math.sqrt(1 - a);
    const xs = x.data;
    const n = Math.min(guided.length, elementCount(x.shape));
    for (let i = 0; i < n; i++) guided[i] = sqrtA * (guided[i] as number) + sqrtOneMinusA * (xs[i] as number);
    return { shape: x.shape, data: n === guided.length ? guided : guided.subarray(0, n) };
  };
}
