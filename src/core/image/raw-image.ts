/**
 * The engine's in-memory image: interleaved pixels, row-major, no padding (OpenCV's continuous Mat layout, which
 * is what every Deforum image operation works on).
 * Two sample formats exist because the reference has two: `u8` for frames as saved and diffused, `f32` for the
 * cadence in-betweens, which the notebook warps as float32 with values still on the 0..255 scale.
 * The format tag decides the array type, so a float image with a byte buffer cannot be built.
 */

export type PixelFormat = 'u8' | 'f32';

/** Gray, RGB or RGBA. */
export type ChannelCount = 1 | 3 | 4;

interface SampleArrays {
  u8: Uint8Array | Uint8ClampedArray;
  f32: Float32Array;
}

export type SampleArray<F extends PixelFormat = PixelFormat> = SampleArrays[F];

/** `RawImage` alone is the union of both formats; `RawImage<'u8'>` is one of them. */
export type RawImage<F extends PixelFormat = PixelFormat> = {
  [K in F]: {
    readonly format: K;
    readonly width: number;
    readonly height: number;
    readonly channels: ChannelCount;
    readonly data: SampleArrays[K];
  };
}[F];

function sampleCount(width: number, height: number, channels: ChannelCount): number {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`Image size must be positive integers, got ${width}×${height}.`);
  }
  return width * height * channels;
}

/** A zero-filled image. */
export function createRawImage<F extends PixelFormat>(
  format: F,
  width: number,
  height: number,
  channels: ChannelCount,
): RawImage<F> {
  const length = sampleCount(width, height, channels);
  const data = format === 'u8' ? new Uint8Array(length) : new Float32Array(length);
  return { format, width, height, channels, data } as RawImage<F>;
}

/** Wraps existing samples (no copy); the length must match the size exactly. */
export function rawImageFrom<F extends PixelFormat>(
  format: F,
  width: number,
  height: number,
  channels: ChannelCount,
  data: SampleArray<F>,
): RawImage<F> {
  const length = sampleCount(width, height, channels);
  if (data.length !== length) {
    throw new RangeError(`${width}×${height}×${channels} needs ${length} samples, got ${data.length}.`);
  }
  if ((format === 'f32') !== data instanceof Float32Array) {
    throw new TypeError(`Format ${format} does not match a ${data.constructor.name}.`);
  }
  return { format, width, height, channels, data } as RawImage<F>;
}

/** The same pixels as float32 on the 0..255 scale, as `img.astype(np.float32)` gives the cadence path. */
export function toFloat32(image: RawImage): RawImage<'f32'> {
  if (image.format === 'f32') return image;
  return rawImageFrom('f32', image.width, image.height, image.channels, Float32Array.from(image.data));
}
