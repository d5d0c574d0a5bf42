/**
 * The `frame:done` event of a video frame, shared by every animation mode: the 8-bit image, its preview and, for
 * a diffused frame with `bit_depth_output` 16, the sample on the float 0…255 scale that the caller writes as a
 * 16-bit PNG (spec §2, §17; 65535 peak: item 46, F). Forced grayscale applies to the saved image with PIL's
 * formula (spec §22.2 step 8); the loop refuses 16-bit output with forced grayscale (render-support.ts).
 */
import type { Latent } from '../diffusion/tensor.js';
import { sampleToPixels } from '../image/frame-noise.js';
import { grayscalePil } from '../image/grayscale.js';
import type { RawImage } from '../image/raw-image.js';
import { thumbnail } from '../image/thumbnail.js';
import { sampleToFloatPixels } from './cadence-images.js';
import type { FrameDoneEvent } from './render-events.js';

/** The longest side of the preview in `frame:done` events, small enough for a chat progress message. */
export const PREVIEW_MAX_SIDE = 256;

export interface OutputSettings {
  bit_depth_output: 8 | 16 | 32;
  color_force_grayscale: boolean;
}

export function frameDone(frame: number, kind: FrameDoneEvent['kind'], image: RawImage<'u8'>): FrameDoneEvent {
  return { type: 'frame:done', frame, kind, image, preview: thumbnail(image, PREVIEW_MAX_SIDE) };
}

/** A generated sample written as video frame `frame`. */
export function diffusedFrameDone(frame: number, sample: Latent, settings: OutputSettings): FrameDoneEvent {
  const image = sampleToPixels(sample);
  const event = frameDone(frame, 'diffused', settings.color_force_grayscale ? grayscalePil(image) : image);
  return settings.bit_depth_output === 16 ? { ...event, image16: sampleToFloatPixels(sample) } : event;
}
