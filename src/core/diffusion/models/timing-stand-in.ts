/**
 * Stand-ins for the UNet and the VAE that cost only time, for benchmarks (issue 5, point 11): each call waits the
 * published cost of SD 1.5 at 512² on an H100 on a timer, using no CPU, so a benchmark's CPU figures are our own
 * work around the models, as a GPU worker would see it. Use them in place of `Components`' `unet`, `vaeEncoder`
 * and `vaeDecoder`: `{ ...components, ...createTimingStandIn() }`.
 * Outputs are zeros of the right shape (ε = 0, a grey frame); the encoder still draws its posterior noise so the
 * generator's later draws stay where the real encoder leaves them.
 */
import type { Rng } from '../rng.js';
import { latent, type Latent } from '../tensor.js';
import type { UNet } from './unet.js';
import type { VaeDecoder, VaeEncoder } from './vae.js';

export interface ModelCosts {
  /** One UNet call, the CFG pair batched. */
  unetCallMs: number;
  vaeDecodeMs: number;
  vaeEncodeMs: number;
}

/** SD 1.5, 512×512, fp16, one H100. */
export const H100_SD15_COSTS: ModelCosts = { unetCallMs: 10.5, vaeDecodeMs: 16, vaeEncodeMs: 7 };

export interface TimingStandIn {
  readonly unet: UNet;
  readonly vaeEncoder: VaeEncoder;
  readonly vaeDecoder: VaeDecoder;
  /** Calls so far, per model. */
  readonly calls: { unet: number; vaeEncode: number; vaeDecode: number };
}

export function createTimingStandIn(costs: ModelCosts = H100_SD15_COSTS): TimingStandIn {
  const wait = carryingTimer();
  const calls = { unet: 0, vaeEncode: 0, vaeDecode: 0 };
  return {
    calls,
    unet: {
      batchesPair: true,
      contextSize: undefined,
      async predict(x: Latent) {
        calls.unet++;
        await wait(costs.unetCallMs);
        return latent(x.shape);
      },
    },
    vaeEncoder: {
      async encode(image: Latent, rng: Rng) {
        calls.vaeEncode++;
        const [batch = 1, , height = 0, width = 0] = image.shape;
        const shape = [batch, 4, height / 8, width / 8];
        rng.randn(shape);
        await wait(costs.vaeEncodeMs);
        return latent(shape);
      },
    },
    vaeDecoder: {
      async decode(latentIn: Latent) {
        calls.vaeDecode++;
        const [batch = 1, , height = 0, width = 0] = latentIn.shape;
        await wait(costs.vaeDecodeMs);
        return latent([batch, 3, height * 8, width * 8]);
      },
    },
  };
}

/**
 * Waits on setTimeout, whose delays are whole milliseconds and late by up to one: each wait is shortened by what
 * the earlier ones overshot, so a run of calls takes their exact total to within one timer tick, never spinning.
 */
function carryingTimer(): (ms: number) => Promise<void> {
  let overshootMs = 0;
  return async (ms) => {
    const started = performance.now();
    const target = ms - overshootMs;
    if (target >= 1) await new Promise((resolve) => setTimeout(resolve, Math.round(target)));
    overshootMs = performance.now() - started - target;
  };
}
