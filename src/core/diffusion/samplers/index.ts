/**
 * The sampler registry, in the notebook's order (spec §17). Each entry says which contract its sampler follows:
 * `k-diffusion` samplers walk a σ list with an x0 denoiser; `compvis` samplers (DDIM, PLMS) walk integer DDPM
 * timesteps with an eps predictor. The settings schema builds its `sampler` enum from these keys.
 */
import type { CompVisSampler, Sampler } from './sampler.js';
import { ddim } from './ddim.js';
import { dpm2 } from './dpm-2.js';
import { dpm2Ancestral } from './dpm-2-ancestral.js';
import { dpmAdaptive } from './dpm-adaptive.js';
import { dpmFast } from './dpm-fast.js';
import { dpmpp2m } from './dpmpp-2m.js';
import { dpmpp2sAncestral } from './dpmpp-2s-ancestral.js';
import { euler } from './euler.js';
import { eulerAncestral } from './euler-ancestral.js';
import { heun } from './heun.js';
import { klms } from './lms.js';
import { plms } from './plms.js';

export type SamplerEntry = { kind: 'k-diffusion'; sample: Sampler } | { kind: 'compvis'; sample: CompVisSampler };

const k = (sample: Sampler) => ({ kind: 'k-diffusion', sample }) as const;
const compvis = (sample: CompVisSampler) => ({ kind: 'compvis', sample }) as const;

export const SAMPLERS = {
  klms: k(klms),
  dpm2: k(dpm2),
  dpm2_ancestral: k(dpm2Ancestral),
  heun: k(heun),
  euler: k(euler),
  euler_ancestral: k(eulerAncestral),
  dpm_fast: k(dpmFast),
  dpm_adaptive: k(dpmAdaptive),
  dpmpp_2s_a: k(dpmpp2sAncestral),
  dpmpp_2m: k(dpmpp2m),
  plms: compvis(plms),
  ddim: compvis(ddim),
} as const satisfies Record<string, SamplerEntry>;

export type SamplerName = keyof typeof SAMPLERS;
export type KDiffusionSamplerName = {
  [Name in SamplerName]: (typeof SAMPLERS)[Name]['kind'] extends 'k-diffusion' ? Name : never;
}[SamplerName];
