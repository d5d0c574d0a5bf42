/**
 * `contrast_schedule`: the loop's `prev_img * contrast` (spec §6). Kept as the notebook has it (§24 item 15, B):
 * a gain about 0, not a stretch about mid-grey, and nothing is clipped or rounded here — the unsharp mask that
 * always follows does that (unsharp-mask.ts).
 * numpy's dtype rules are kept too: a uint8 frame times a Python float is float64; a float32 frame stays float32.
 */
import type { ChannelCount, RawImage } from './raw-image.js';

/** Pixels on the 0..255 scale (possibly beyond it) in float64, as numpy holds `prev_img * contrast`. */
export interface ContrastImage {
  readonly width: number;
  readonly height: number;
  readonly channels: ChannelCount;
  readonly data: Float64Array;
}

export function applyContrast(image: RawImage, contrast: number): ContrastImage {
  const source = image.data;
  const data = new Float64Array(source.length);
  if (image.format === 'u8') {
    for (let i = 0; i < source.length; i++) data[i] = (source[i] ?? 0) * contrast;
  } else {
    for (let i = 0; i < source.length; i++) data[i] = Math.fround((source[i] ?? 0) * contrast);
  }
  return { width: image.width, height: image.height, channels: image.channels, data };
}
