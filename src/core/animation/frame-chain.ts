/**
 * The image chain that turns the previous frame into the next init, in the order of render_animation
 * (spec §22.2 step 3): previous sample as 8-bit pixels → depth → warp with frame f's motion →
 * hybrid motion and compositing (hybrid-video.ts) → overlay warps with the same depth (moving-overlay.ts) →
 * colour coherence (its reference from the video for hybrid 'Video Input' coherence) → forced grayscale →
 * contrast → unsharp mask (clips and rounds) → sample space → noise.
 */
import type { DepthModel } from '../diffusion/models/depth.js';
import type { Latent } from '../diffusion/tensor.js';
import { applyColorCoherence, needsVideoFrame, type ColorReference } from '../image/color-reference.js';
import { applyContrast } from '../image/contrast.js';
import {
  frameNoiseRng,
  noisedSampleFromPixels,
  noisedSampleWithNoise,
  sampleFromPixels,
  type DrawnFrameNoise,
} from '../image/frame-noise.js';
import { grayscaleCv2OnRgb } from '../image/grayscale.js';
import type { RawImage } from '../image/raw-image.js';
import { unsharpMask } from '../image/unsharp-mask.js';
import { warpFrame, type CameraPath } from './camera-path.js';
import type { HybridVideo } from './hybrid-video.js';
import { warpOverlay, type MovingOverlay } from './moving-overlay.js';
import type { ImageFileEvent } from './render-events.js';

/** The frame's values of the schedules the chain reads (kernel already `int()`-ed). */
export interface ChainKeys {
  contrast: number;
  kernel: number;
  sigma: number;
  amount: number;
  threshold: number;
  noise: number;
}

export interface FrameChainInput {
  /** The previous sample as 8-bit pixels (`sample_to_cv2`), shared with the frame written from it. */
  previous: RawImage<'u8'>;
  frame: number;
  camera: CameraPath;
  /** Predicts the depth of the frame being warped; null takes the no-depth path. */
  depthModel: DepthModel | null;
  color: ColorReference;
  forceGrayscale: boolean;
  keys: ChainKeys;
  /** The seed of the generation this init is for: it seeds the noise (frame-noise.ts, item 17). */
  seed: number;
  /** The noise drawn ahead, while the previous generation ran; used when drawn for this seed, else drawn here. */
  noise: DrawnFrameNoise | null;
  /** Hybrid video of the run, or null. */
  hybrid: HybridVideo | null;
  /** `use_mask` with `overlay_mask`: the overlay so far, or null. */
  overlay: MovingOverlay | null;
}

export interface PreparedInit {
  /** The 8-bit image the noise is added to (after unsharp): what a user would inspect as "the init". */
  image: RawImage<'u8'>;
  /** The init sample handed to the generator. */
  sample: Latent;
  /** The colour reference for the next frame. */
  color: ColorReference;
  /** The overlay moved by this frame's motion (null without one). */
  overlay: MovingOverlay | null;
  /** Hybrid extra frames to save (`hybrid_comp_save_extra_frames`). */
  files: ImageFileEvent[];
}

export async function prepareInit(input: FrameChainInput): Promise<PreparedInit> {
  const { frame, keys } = input;
  const pixels = input.previous;
  const depth = input.depthModel === null ? null : (await input.depthModel.predict(pixels)).depth;
  const warped = warpFrame(pixels, input.camera, frame, depth);
  const hybrid = input.hybrid === null ? { image: warped, files: [] } : await input.hybrid.apply(warped, frame);
  const overlay = input.overlay === null ? null : warpOverlay(input.overlay, input.camera, frame, depth);
  const videoColor =
    input.hybrid !== null && needsVideoFrame(input.color, frame) ? await input.hybrid.colorFrame(frame) : undefined;
  const matched = await applyColorCoherence(input.color, frame, hybrid.image, videoColor);
  const gray = input.forceGrayscale ? grayscaleCv2OnRgb(matched.image) : matched.image;
  const image = await unsharpMask(applyContrast(gray, keys.contrast), {
    kernel: keys.kernel,
    sigma: keys.sigma,
    amount: keys.amount,
    threshold: keys.threshold,
    frame,
  });
  const sample = noisedSample(image, keys.noise, input.seed, input.noise);
  return { image, sample, color: matched.reference, overlay, files: hybrid.files };
}

/**
 * `add_noise(sample_from_cv2(image), amount)`. With amount 0 the draw is skipped: it would add exact zeros, and
 * each frame's noise generator is seeded afresh (frame-noise.ts), so no later draw depends on it.
 */
function noisedSample(image: RawImage<'u8'>, amount: number, seed: number, drawn: DrawnFrameNoise | null): Latent {
  if (amount === 0) return sampleFromPixels(image);
  const rng = frameNoiseRng(seed);
  return drawn?.seed === rng.seed
    ? noisedSampleWithNoise(image, amount, drawn)
    : noisedSampleFromPixels(image, amount, rng);
}
