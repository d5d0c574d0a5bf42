/**
 * The `frame:done` event of a video frame, shared by every animation mode: the 8-bit image, its preview and, for
 * a diffused frame with `bit_depth_output` 16, the sample on the float 0…255 scale that the caller writes as a
 * 16-bit PNG (spec §2, §17; 65535 peak: item 46, F). Forced grayscale applies to the saved image with PIL's
 * formula (spec §22.2 step 8); the loop refuses 16/32-bit output with forced grayscale (render-support.ts).
 * With 32 it carries the float 0…1 image the caller writes as OpenEXR (spec §2).
 */
import type { Latent } from '../diffusion/tensor.js';
import { sampleToPixels } from '../image/frame-noise.js';
import { grayscalePil } from '../image/grayscale.js';
import { rawImageFrom, type ChannelCount, type RawImage } from '../image/raw-image.js';
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

/** A generated sample written as video frame `frame`; `image` is its 8-bit conversion when the caller has it. */
export function diffusedFrameDone(
  frame: number,
  sample: Latent,
  settings: OutputSettings,
  image: RawImage<'u8'> = sampleToPixels(sample),
): FrameDoneEvent {
  const event = frameDone(frame, 'diffused', settings.color_force_grayscale ? grayscalePil(image) : image);
  if (settings.bit_depth_output === 32) return { ...event, image32: sampleToUnitPixels(sample) };
  return settings.bit_depth_output === 16 ? { ...event, image16: sampleToFloatPixels(sample) } : event;
}

/** A [1, C, H, W] sample → the H×W×C float32 image `clamp((x + 1)/2, 0, 1)` the notebook writes as EXR (spec §2). */
export function sampleToUnitPixels(sample: Latent): RawImage<'f32'> {
  const [, channels = 0, height = 0, width = 0] = sample.shape;
  const plane = width * height;
  const data = new Float32Array(plane * channels);
  for (let p = 0, i = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++, i++) {
      const unit = Math.fround(Math.fround((sample.data[c * plane + p] ?? 0) + 1) / 2);
      data[i] = unit < 0 ? 0 : unit > 1 ? 1 : unit;
    }
  }
  return rawImageFrom('f32', width, height, channels as ChannelCount, data);
}
