/**
 * The golden samplers' analytic toy model (golden README "samplers.json", `toy_model.formula`): the exact
 * E[eps | x_t] for latent data x0 ~ N(mu, s²) element-wise, with cond[b] = [mu, s]. Computed in float64 and
 * returned as float32, as the reference's ToyLDM.
 */
import type { ModelFn } from '../../src/core/diffusion/denoiser.js';
import type { Latent } from '../../src/core/diffusion/tensor.js';

export interface ModelCall {
  batch: number;
  t: number[];
}

export function toyModel(alphasCumprod: Float32Array, calls: ModelCall[] = []): ModelFn {
  const logSigmas = Float64Array.from(alphasCumprod, (ac) => Math.log(Math.sqrt((1 - ac) / ac)));
  return (x: Latent, t: Float32Array, cond: Latent) => {
    const batch = x.shape[0] ?? 1;
    const per = x.data.length / batch;
    calls.push({ batch, t: [...t] });
    const out = new Float32Array(x.data.length);
    for (let b = 0; b < batch; b++) {
      const tb = t[b] ?? 0;
      const lo = Math.floor(tb);
      const w = tb - lo;
      const logSigma = (1 - w) * (logSigmas[lo] ?? 0) + w * (logSigmas[Math.ceil(tb)] ?? 0);
      const abar = 1 / (1 + Math.exp(2 * logSigma));
      for (let i = 0; i < per; i++) {
        const mu = cond.data[b * 2 * per + i] ?? 0;
        const s = cond.data[b * 2 * per + per + i] ?? 0;
        const xi = x.data[b * per + i] ?? 0;
        out[b * per + i] = (Math.sqrt(1 - abar) * (xi - Math.sqrt(abar) * mu)) / (abar * s * s + 1 - abar);
      }
    }
    return Promise.resolve({ shape: [...x.shape], data: out });
  };
}
