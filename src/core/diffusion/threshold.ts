/**
 * Deforum's latent thresholds (spec §17 `dynamic_threshold`, `static_threshold`), applied in place to the current
 * latent from the sampler callback, as Deforum's SamplerCallback does (`dynamic_thresholding_`, then
 * `torch.clamp_`). Dynamic: s = max(1, max over batch elements of the p-th percentile of |x|) with numpy's
 * linear percentile, then clamp to [−s, s] and divide by s. Static: clamp to [−v, v].
 */
import type { Latent } from './tensor.js';

export interface ThresholdSettings {
  dynamic_threshold: number | null;
  static_threshold: number | null;
}

function percentile(sorted: Float32Array, p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const lowValue = sorted[low] ?? 0;
  return lowValue + (rank - low) * ((sorted[Math.min(low + 1, sorted.length - 1)] ?? lowValue) - lowValue);
}

export function applyThresholds(x: Latent, settings: ThresholdSettings): void {
  const data = x.data;
  if (settings.dynamic_threshold !== null) {
    const batch = x.shape[0] ?? 1;
    const perSample = data.length / batch;
    let s = 1;
    for (let b = 0; b < batch; b++) {
      const magnitudes = data
        .slice(b * perSample, (b + 1) * perSample)
        .map(Math.abs)
        .sort();
      s = Math.max(s, percentile(magnitudes, settings.dynamic_threshold));
    }
    for (let i = 0; i < data.length; i++) data[i] = Math.min(s, Math.max(-s, data[i] ?? 0)) / s;
  }
  if (settings.static_threshold !== null) {
    const v = settings.static_threshold;
    for (let i = 0; i < data.length; i++) data[i] = Math.min(v, Math.max(-v, data[i] ?? 0));
  }
}
