/**
 * The motion preview: the render loop itself with no diffusion, so a user can check a camera path in seconds
 * (issue 6: "warps, colour and cadence only"). The identity generator hands each init back unchanged, and the
 * steps that only prepare an init for diffusion are made neutral through their settings rather than skipped in
 * the loop: contrast 1 and unsharp amount 0 leave 8-bit pixels as they are, noise 0 adds nothing. Warps, colour
 * coherence, forced grayscale and cadence run exactly as in a render; 3D without a depth model takes the
 * original's no-depth path (spec §10). Like a render, every frame passes through the float16 sample the loop
 * carries, so dark values can drop by one level per frame (sampleToPixels: 1 → 0, 7 → 6), a few levels in all.
 */
import type { RawImage } from '../image/raw-image.js';
import type { DeforumSettings } from '../settings/schema.js';
import { identityGenerator } from './identity-generator.js';
import type { RenderEvent } from './render-events.js';
import { renderAnimation } from './render-loop.js';

export interface MotionPreviewInput {
  settings: DeforumSettings;
  /** The first frame, W×H 8-bit RGB. */
  init: RawImage<'u8'>;
  signal?: AbortSignal;
}

/** The settings with the diffusion-only steps neutral and the outputs a preview does not write switched off. */
export function motionPreviewSettings(settings: DeforumSettings): DeforumSettings {
  return {
    ...settings,
    contrast_schedule: '0:(1)',
    amount_schedule: '0:(0)',
    threshold_schedule: '0:(0)',
    kernel_schedule: '0:(5)',
    sigma_schedule: '0:(1)',
    noise_schedule: '0:(0)',
    bit_depth_output: 8,
    save_depth_maps: false,
    resume_from_timestring: false,
  };
}

export function motionPreview(input: MotionPreviewInput): AsyncGenerator<RenderEvent, void, undefined> {
  return renderAnimation({
    settings: motionPreviewSettings(input.settings),
    init: input.init,
    generate: identityGenerator(),
    ...(input.signal && { signal: input.signal }),
  });
}
