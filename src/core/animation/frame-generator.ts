/**
 * What the animation loop asks of the diffusion runtime for one diffused frame: the notebook's `generate()` call
 * with the values the loop sets per frame. Settings that stay fixed for a render (ddim_eta, thresholds, guidance)
 * are given when the generator is built, so the loop never sees a model. Masks travel with the request because the
 * loop changes them between frames (a mask video, the overlay warped with the camera, spec §15).
 */
import type { GuidanceImages } from '../diffusion/guidance/guidance-settings.js';
import type { Latent } from '../diffusion/tensor.js';
import type { MaskPlane } from '../image/mask.js';
import type { SamplerName } from '../settings/samplers.js';

export interface GenerateRequest {
  readonly frame: number;
  readonly seed: number;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly scale: number;
  readonly width: number;
  readonly height: number;
  /** The prepared previous frame (or the init image) in sample space, [1, 3, H, W] in −1…1, and its strength. */
  readonly init?: { readonly sample: Latent; readonly strength: number };
  /** `use_mask`; needs an init. */
  readonly mask?: RequestMask;
  /**
   * Interpolation mode: the conditioning of `prompt`/`negativePrompt` moved linearly towards this pair's by `weight`
   * (0 = the request's own prompts, 1 = this pair), as the notebook blends `c_k` and `c_{k+1}` (spec §13).
   */
  readonly promptBlend?: { readonly prompt: string; readonly negativePrompt: string; readonly weight: number };
  /**
   * Guidance images of this frame in place of the render-fixed ones (spec §12): with
   * `hybrid_use_video_as_mse_image` the frame's video frame is its `init_mse_image`.
   */
  readonly guidanceImages?: Partial<GuidanceImages>;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: number, total: number) => void;
}

/** The masks of one generation (spec §15): 1 keeps the init, 0 lets diffusion repaint. */
export interface RequestMask {
  /** The latent mask at (W/8)×(H/8). */
  readonly latent: MaskPlane;
  /**
   * `overlay_mask`: the W×H overlay mask (binarised and blurred) and what it keeps after decoding: `init`, the
   * request's init after `init_noise` (stills, Video Input, animation frame 0), or a given sample (the first
   * generated frame warped along with the camera in 2D/3D). Null when overlay_mask is off.
   */
  readonly overlay: { readonly mask: MaskPlane; readonly original: Latent | 'init' } | null;
}

export interface GenerateResult {
  /** The decoded frame in sample space, [1, 3, H, W] in −1…1 (the loop's "previous sample"). */
  readonly sample: Latent;
}

export type FrameGenerator = (request: GenerateRequest) => Promise<GenerateResult>;
