/**
 * `noise_schedule`: the loop's `add_noise(sample_from_cv2(frame), noise)` (helpers/generate.py,
 * helpers/animation.py; spec §2, §6) and the way back, `sample_to_cv2`.
 * - `sampleFromPixels`: `((x / 255) · 2) − 1` in float64, stored as float16, NCHW — only 256 possible values, so a
 *   table (golden noise.json `conversion_tables.sample_from_cv2`);
 * - `addFrameNoise`: `sample + randn(shape) · amount` in float32 (torch promotes half + float to float and casts the
 *   Python scalar to float32), then `.half()` as the loop keeps it; values are returned widened to float32;
 * - `sampleToPixels`: `trunc(clip(s · 0.5 + 0.5, 0, 1) · 255)` in float32 — lossy after float16 (1 → 0, 7 → 6).
 * - `noisedSampleFromPixels`: the first two in one pass over the frame (what the loop runs on every frame).
 * Fixed (F, §24 item 17, docs/deviations.md): the original draws from torch's CPU generator as the previous frame's
 * generation left it, a stream no port can reproduce; `frameNoiseRng(seed)` is a fast generator of the same
 * distribution (xoshiro128** + ziggurat, diffusion/xoshiro-normal.ts) freshly seeded with the frame's own seed.
 * Any `Rng` may be passed: the golden noise cases pass torch's generator and match bit for bit.
 */
import { generatorSeed } from '../animation/seeds.js';
import type { Rng } from '../diffusion/rng.js';
import { XoshiroNormal } from '../diffusion/xoshiro-normal.js';
import { latent, type Latent } from '../diffusion/tensor.js';
import { createRawImage, type ChannelCount, type RawImage } from './raw-image.js';

const f32 = Math.fround;

/** Rounds a double to the nearest float16 value (ties to even), the way numpy's `astype(np.float16)` does. */
function roundToHalf(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude >= 65520) return value > 0 ? Infinity : -Infinity;
  // Below 2^-14 float16 is subnormal with a fixed step of 2^-24; above, the step is 2^(exponent − 10).
  const exponent = magnitude < 2 ** -14 ? -14 : Math.floor(Math.log2(magnitude));
  let step = 2 ** (exponent - 10);
  if (magnitude >= step * 2048) step *= 2;
  else if (magnitude < step * 1024 && exponent > -14) step /= 2;
  const scaled = magnitude / step;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const units = diff > 0.5 || (diff === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return Math.sign(value) * units * step;
}

const SAMPLE_OF_BYTE = Float32Array.from({ length: 256 }, (_, x) => roundToHalf((x / 255) * 2 - 1));

/** `sample_from_cv2`: an 8-bit H×W×C frame → a [1, C, H, W] float16-valued sample. */
export function sampleFromPixels(image: RawImage<'u8'>): Latent {
  const { width, height, channels } = image;
  const plane = width * height;
  const out = new Float32Array(plane * channels);
  const source = image.data;
  // One plane at a time (a strided read, a sequential write): ~20 % faster at 512² than interleaving the planes.
  for (let c = 0; c < channels; c++) {
    for (let p = 0, i = c, o = c * plane; p < plane; p++, i += channels, o++) {
      out[o] = SAMPLE_OF_BYTE[source[i] as number] as number;
    }
  }
  return latent([1, channels, height, width], out);
}

/**
 * `add_noise(sample, amount)` followed by `.half()`: the init sample the next generation encodes. The sum is
 * rounded to float16 on its float32 bits (round the 13 low mantissa bits away, ties to even); magnitudes below
 * float16's normal range or at its top go through `roundToHalf`. With the frame-noise generator (`XoshiroNormal`)
 * the normals are drawn a cache-sized chunk at a time into a reused buffer, summed and rounded there, and only the
 * result is written out (the same values as the generic path: the chunks continue one stream).
 */
export function addFrameNoise(sample: Latent, amount: number, rng: Rng): Latent {
  const base = sample.data;
  const scale = f32(amount);
  if (rng instanceof XoshiroNormal) {
    const out = new Float32Array(base.length);
    const outBits = new Uint32Array(out.buffer);
    for (let start = 0; start < out.length; start += CHUNK) {
      const length = Math.min(CHUNK, out.length - start);
      const noise = length === CHUNK ? NOISE : NOISE.subarray(0, length);
      rng.randnInto(noise);
      for (let j = 0; j < length; j++) NOISE[j] = f32((base[start + j] as number) + f32((NOISE[j] as number) * scale));
      storeHalves(start, length, out, outBits);
    }
    return latent(sample.shape, out);
  }
  // The fresh noise array becomes the result: each value is read once, then overwritten by its noised sum.
  const out = rng.randn(sample.shape);
  for (let i = 0; i < out.length; i++) out[i] = f32((base[i] as number) + f32((out[i] as number) * scale));
  roundToHalfInPlace(out);
  return latent(sample.shape, out);
}

/** Normals per chunk of the fused paths: 16 KB of float32, well inside L1 beside the bytes read and written. */
const CHUNK = 4096;
const NOISE = new Float32Array(CHUNK);
const NOISE_BITS = new Uint32Array(NOISE.buffer);

/** NOISE[0, length) (float32 sums) → the nearest float16 values, stored at out[start, start + length). */
function storeHalves(start: number, length: number, out: Float32Array, outBits: Uint32Array): void {
  for (let j = 0; j < length; j++) {
    const raw = NOISE_BITS[j] as number;
    // Exponent field in float16's normal range [2^-14, 65504): round the 13 low mantissa bits away.
    const exponent = (raw >>> 23) & 0xff;
    if (exponent >= 113 && exponent < 142) outBits[start + j] = (raw + 0xfff + ((raw >>> 13) & 1)) & ~0x1fff;
    else out[start + j] = roundToHalf(NOISE[j] as number);
  }
}

/**
 * `add_noise(sample_from_cv2(image), amount).half()` in one pass: the same values as
 * `addFrameNoise(sampleFromPixels(image), amount, rng)`, without the intermediate sample.
 */
export function noisedSampleFromPixels(image: RawImage<'u8'>, amount: number, rng: Rng): Latent {
  const { width, height, channels } = image;
  const plane = width * height;
  const shape = [1, channels, height, width];
  const source = image.data;
  const scale = f32(amount);
  if (rng instanceof XoshiroNormal) {
    const out = new Float32Array(plane * channels);
    const outBits = new Uint32Array(out.buffer);
    for (let c = 0; c < channels; c++) {
      for (let start = c * plane, end = start + plane, i = c; start < end; start += CHUNK) {
        const length = Math.min(CHUNK, end - start);
        rng.randnInto(length === CHUNK ? NOISE : NOISE.subarray(0, length));
        for (let j = 0; j < length; j++, i += channels) {
          NOISE[j] = f32((SAMPLE_OF_BYTE[source[i] as number] as number) + f32((NOISE[j] as number) * scale));
        }
        storeHalves(start, length, out, outBits);
      }
    }
    return latent(shape, out);
  }
  const out = rng.randn(shape);
  for (let c = 0; c < channels; c++) {
    for (let p = 0, i = c, o = c * plane; p < plane; p++, i += channels, o++) {
      out[o] = f32((SAMPLE_OF_BYTE[source[i] as number] as number) + f32((out[o] as number) * scale));
    }
  }
  roundToHalfInPlace(out);
  return latent(shape, out);
}

/** float32 → nearest float16 value (ties to even), in place on the float32 bits. */
function roundToHalfInPlace(out: Float32Array): void {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < out.length; i++) {
    const raw = bits[i] as number;
    // Exponent field in float16's normal range [2^-14, 65504): round the 13 low mantissa bits away.
    const exponent = (raw >>> 23) & 0xff;
    if (exponent >= 113 && exponent < 142) {
      bits[i] = (raw + 0xfff + ((raw >>> 13) & 1)) & ~0x1fff;
    } else {
      out[i] = roundToHalf(out[i] as number);
    }
  }
}

/** The generator a frame's noise is drawn from: a fast normal generator seeded with the frame's seed (see header). */
export function frameNoiseRng(seed: number): Rng {
  return new XoshiroNormal(generatorSeed(seed));
}

/** `sample_to_cv2`: a [1, C, H, W] sample → an 8-bit H×W×C frame, truncating like `astype(np.uint8)`. */
export function sampleToPixels(sample: Latent): RawImage<'u8'> {
  const [batch, channels, height, width] = sample.shape;
  if (sample.shape.length !== 4 || batch !== 1 || !(channels === 1 || channels === 3 || channels === 4)) {
    throw new RangeError(`sampleToPixels needs a [1, 1|3|4, H, W] sample, got [${sample.shape.join(', ')}]`);
  }
  const image = createRawImage('u8', width ?? 0, height ?? 0, channels as ChannelCount);
  const plane = image.width * image.height;
  const target = image.data;
  for (let p = 0, i = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++, i++) {
      const unit = f32(f32((sample.data[c * plane + p] ?? 0) * 0.5) + 0.5);
      target[i] = Math.trunc(f32((unit < 0 ? 0 : unit > 1 ? 1 : unit) * 255));
    }
  }
  return image;
}
