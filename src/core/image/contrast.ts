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

/**
 * A uint8 frame's product, kept as its bytes and the gain: `data` is computed on first read (and cached), and the
 * unsharp mask, which always follows, takes the bytes to WASM and multiplies there (unsharp-mask.ts) — no 6 MB
 * float64 array on the JavaScript side. The bytes are copied, so later changes to the frame do not leak in.
 */
class ScaledBytes implements ContrastImage {
  private values: Float64Array | undefined;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly channels: ChannelCount,
    readonly bytes: Uint8Array,
    readonly contrast: number,
  ) {}

  get data(): Float64Array {
    if (this.values === undefined) {
      const { bytes, contrast } = this;
      const data = new Float64Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) data[i] = (bytes[i] as number) * contrast;
      this.values = data;
    }
    return this.values;
  }
}

/** The uint8 bytes and gain behind a `ContrastImage` made by `applyContrast` from a uint8 frame, if it was. */
export function contrastSource(image: ContrastImage): { bytes: Uint8Array; contrast: number } | undefined {
  return image instanceof ScaledBytes ? { bytes: image.bytes, contrast: image.contrast } : undefined;
}

export function applyContrast(image: RawImage, contrast: number): ContrastImage {
  if (image.format === 'u8') {
    return new ScaledBytes(image.width, image.height, image.channels, new Uint8Array(image.data), contrast);
  }
  const source = image.data;
  const data = new Float64Array(source.length);
  for (let i = 0; i < source.length; i++) data[i] = Math.fround((source[i] ?? 0) * contrast);
  return { width: image.width, height: image.height, channels: image.channels, data };
}
