/**
 * The conditioning step of Deforum's `CFGDenoiserWithGrad.cond_model_fn_` (spec §18.1) for one prediction D of
 * the latent x at σ: decode D, sum −∂(scale·loss)/∂ over the active losses in the notebook's order, pull the sum
 * back to D (or through the denoiser to x), NaN → 0 (±∞ kept), clamp (`grad_threshold_type`), then
 * x ← x + g·σ in place (the sampler continues from it, as the original's `x.copy_`) and D ← D + g·σ
 * (`gradient_wrt = 'x0_pred'`) or D ← the model at the new x (`'x'`).
 * The gradients of all losses are summed on the decoded image and pulled back once; the decoder is linear per
 * pixel, so this equals the original's per-loss pullbacks up to rounding, NaN positions included.
 * A gradient model plugs in here: `DifferentiableDecoder` (autoencoder decoding), `DenoiserPullback`
 * (`gradient_wrt = 'x'`) and `ImageLoss` (CLIP, aesthetics), each an interface; nothing in the samplers changes.
 */
import type { Latent } from '../tensor.js';
import type { GradientClamp } from './grad-threshold.js';
import type { ScaledLoss } from './image-loss.js';
import type { DifferentiableDecoder } from './linear-decoder.js';

/**
 * The vector–Jacobian product of the denoiser: for x at σ and a gradient on its prediction, the gradient on x
 * (backpropagation through the UNet; an exported gradient graph would provide it).
 */
export type DenoiserPullback = (x: Latent, sigma: number, predictionGradient: Float64Array) => Promise<Float64Array>;

export type GradientWrt = { kind: 'x0_pred' } | { kind: 'x'; pullback: DenoiserPullback };

/**
 * Where the gradient goes: `combined` (cond_uncond_sync, on the CFG-combined prediction) or, with separate cond
 * and uncond calls, `gradient_add_to`.
 */
export type GuidanceTarget = 'combined' | 'cond' | 'uncond' | 'both';

export interface ConditioningHook {
  readonly target: GuidanceTarget;
  /** Whether the model call at σ is a conditioning step (`grad_inject_timing`). */
  appliesAt(sigma: number): boolean;
  /**
   * Conditions `denoised`, the prediction of `x` at σ: updates `x.data` in place and returns the new prediction.
   * `reevaluate` is the model at the updated x (used with `gradient_wrt = 'x'`).
   */
  condition(x: Latent, sigma: number, denoised: Latent, reevaluate: () => Promise<Latent>): Promise<Latent>;
}

export interface ConditioningParts {
  target: GuidanceTarget;
  appliesAt: (sigma: number) => boolean;
  /** Active losses (scale ≠ 0) in the notebook's order. */
  losses: readonly ScaledLoss[];
  decoder: DifferentiableDecoder;
  clamp: GradientClamp;
  wrt: GradientWrt;
}

export function createConditioningHook(parts: ConditioningParts): ConditioningHook {
  const gradient = async (x: Latent, sigma: number, denoised: Latent): Promise<Float32Array> => {
    const image = await parts.decoder.decode(denoised);
    const imageGradient = new Float64Array(image.data.length);
    const n = imageGradient.length;
    for (const { loss, scale } of parts.losses) {
      // Fused where the loss offers it: no gradient array per loss (same values, fewer passes and allocations).
      if (loss.subtractScaledGradient) {
        loss.subtractScaledGradient(image, scale, imageGradient);
        continue;
      }
      const { gradient: lossGradient } = await loss.evaluate(image);
      for (let i = 0; i < n; i++) imageGradient[i] = (imageGradient[i] as number) - scale * (lossGradient[i] ?? 0);
    }
    const onPrediction = await parts.decoder.pullback(denoised, imageGradient);
    const total = parts.wrt.kind === 'x' ? await parts.wrt.pullback(x, sigma, onPrediction) : onPrediction;
    const g = new Float32Array(total.length);
    for (let i = 0; i < g.length; i++) {
      const v = total[i] as number;
      g[i] = v === v ? v : 0;
    }
    parts.clamp(g, x.shape, sigma);
    return g;
  };

  return {
    target: parts.target,
    appliesAt: parts.appliesAt,
    async condition(x, sigma, denoised, reevaluate) {
      const g = await gradient(x, sigma, denoised);
      const s = Math.fround(sigma);
      for (let i = 0; i < g.length; i++) x.data[i] = (x.data[i] ?? 0) + Math.fround((g[i] ?? 0) * s);
      if (parts.wrt.kind === 'x') return reevaluate();
      const data = new Float32Array(denoised.data.length);
      for (let i = 0; i < data.length; i++) data[i] = (denoised.data[i] ?? 0) + Math.fround((g[i] ?? 0) * s);
      return { shape: denoised.shape, data };
    },
  };
}
