/**
 * `noise_schedule`: the loop's `add_noise(sample_from_cv2(frame), noise)` (helpers/generate.py,
 * helpers/animation.py; spec §2, §6) and the way back, `sample_to_cv2`.
 * - `sampleFromPixels`: `((x / 255) · 2) − 1` in float64, stored as float16, NCHW — only 256 possible values, so a
 *   table (golden noise.json `conversion_tables.sample_from_cv2`);
 * - `addFrameNoise`: `sample + randn(shape) · amount` in float32 (torch promotes half + float to float and casts the
 *   Python scalar to float32), then `.half()` as the loop keeps it; values are returned widened to float32. The
 *   float32 sum is the double sum stored into a Float32Array: for + of two float32 values double rounding is
 *   innocuous (53 ≥ 2·24 + 2 bits, Figueroa 1995), and the store saves a Math.fround per value (0.5 ms at 512²);
 * - `sampleToPixels`: `trunc(clip(s · 0.5 + 0.5, 0, 1) · 255)` in float32 — lossy after float16 (1 → 0, 7 → 6).
 * - `noisedSampleFromPixels`: the first two in one pass over the frame (what the loop runs on every frame);
 *   `drawFrameNoise` and `noisedSampleWithNoise` split it in two, as the normals depend on the seed alone: the loop
 *   draws a frame's noise while the generation before it runs and only adds it once the image is made.
 * Fixed (F, §24 item 17, docs/deviations.md): the original draws from torch's CPU generator as the previous frame's
 * generation left it, a stream no port can reproduce; `frameNoiseRng(seed)` is a fast generator of the same
 * distribution (xoshiro128** + ziggurat, diffusion/xoshiro-normal.ts) seeded with the frame's own seed, in blocks
 * of `NOISE_BLOCK` values each drawn from its own stream (seeded from the frame seed and the block's index), so
 * the image threads can draw the blocks of one frame in any order and give the same values (row-pool.ts).
 * Any `Rng` may be passed: the golden noise cases pass torch's generator and match bit for bit.
 */
import { generatorSeed } from '../animation/seeds.js';
import type { Rng } from '../diffusion/rng.js';
import { XoshiroNormal } from '../diffusion/xoshiro-normal.js';
import { elementCount, latent, type Latent } from '../diffusion/tensor.js';
import { defineRowKernel, runRows } from '../threads/row-pool.js';
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

/** The layout both conversions work on: `channels` planes of `width` × `height`, and interleaved pixels. */
interface PlaneLayout {
  readonly width: number;
  readonly plane: number;
  readonly channels: number;
}

/**
 * Rows of `sampleFromPixels`, one plane at a time (a strided read, a sequential write): ~20 % faster at 512² than
 * interleaving the planes.
 */
export const SAMPLE_FROM_PIXELS_ROWS = defineRowKernel(
  'sampleFromPixels',
  (
    params: PlaneLayout,
    buffers: { readonly source: Uint8Array | Uint8ClampedArray; readonly out: Float32Array },
    rowStart: number,
    rowEnd: number,
  ) => {
    const { width, plane, channels } = params;
    const { source, out } = buffers;
    for (let c = 0; c < channels; c++) {
      const end = c * plane + rowEnd * width;
      for (let o = c * plane + rowStart * width, i = rowStart * width * channels + c; o < end; o++, i += channels) {
        out[o] = SAMPLE_OF_BYTE[source[i] as number] as number;
      }
    }
  },
);

/** `sample_from_cv2`: an 8-bit H×W×C frame → a [1, C, H, W] float16-valued sample. */
export function sampleFromPixels(image: RawImage<'u8'>): Latent {
  const { width, height, channels } = image;
  const plane = width * height;
  const out = new Float32Array(plane * channels);
  runRows({
    kernel: SAMPLE_FROM_PIXELS_ROWS,
    params: { width, plane, channels },
    buffers: { source: image.data, out },
    outputs: ['out'],
    rows: height,
    pixels: plane,
  });
  return latent([1, channels, height, width], out);
}

/**
 * `add_noise(sample, amount)` followed by `.half()`: the init sample the next generation encodes. The sum is
 * rounded to float16 on its float32 bits (round the 13 low mantissa bits away, ties to even); magnitudes below
 * float16's normal range or at its top go through `roundToHalf`.
 */
export function addFrameNoise(sample: Latent, amount: number, rng: Rng): Latent {
  const base = sample.data;
  const scale = f32(amount);
  // The fresh noise array becomes the result: each value is read once, then overwritten by its noised sum.
  const out = rng.randn(sample.shape);
  for (let i = 0; i < out.length; i++) out[i] = (base[i] as number) + f32((out[i] as number) * scale);
  roundToHalfInPlace(out);
  return latent(sample.shape, out);
}

/**
 * Normals per block of the frame noise, each block its own stream: 16 KB of float32, drawn, summed and rounded
 * while in L1 beside the bytes read and written. Part of the noise's definition (changing it changes the values).
 */
export const NOISE_BLOCK = 4096;
/** Per-thread buffer of one block's normals and sums. */
const NOISE = new Float32Array(NOISE_BLOCK);
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
  if (rng instanceof FrameNoise) {
    const out = new Float32Array(plane * channels);
    const blocks = Math.ceil(out.length / NOISE_BLOCK);
    runRows({
      kernel: NOISED_SAMPLE_ROWS,
      params: { seed: rng.seed, firstBlock: rng.takeBlocks(out.length), scale, plane, channels },
      buffers: { source, out },
      outputs: ['out'],
      rows: blocks,
      pixels: plane,
    });
    return latent(shape, out);
  }
  const out = rng.randn(shape);
  for (let c = 0; c < channels; c++) {
    for (let p = 0, i = c, o = c * plane; p < plane; p++, i += channels, o++) {
      out[o] = (SAMPLE_OF_BYTE[source[i] as number] as number) + f32((out[o] as number) * scale);
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

/** murmur3's 32-bit finaliser: a bijection on 32-bit integers that spreads every input bit over the output. */
function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Fills `out` (at most `NOISE_BLOCK` values) with block `block` of the frame noise for generator seed `seed`.
 * The block seeds of one frame are distinct (mix32 is a bijection), and hashing keeps neighbouring blocks'
 * splitmix32 seedings from overlapping as seed + block·step would.
 */
function drawBlock(seed: number, block: number, out: Float32Array): void {
  new XoshiroNormal(mix32(seed + mix32(block))).randnInto(out);
}

/**
 * The frame noise generator (see header): standard normals in blocks of `NOISE_BLOCK`, block b from its own
 * xoshiro stream. Successive draws continue with the next unused blocks.
 */
export class FrameNoise implements Rng {
  private nextBlock = 0;

  /** `seed`: an integer in [0, 2^32 − 1] (`generatorSeed` of the frame's seed). */
  constructor(readonly seed: number) {}

  /** Reserves the blocks a draw of `count` values uses and returns the first one. */
  takeBlocks(count: number): number {
    const first = this.nextBlock;
    this.nextBlock += Math.ceil(count / NOISE_BLOCK);
    return first;
  }

  randn(shape: readonly number[]): Float32Array {
    const count = elementCount(shape);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`randn: bad shape [${shape.join(', ')}]`);
    const out = new Float32Array(count);
    const first = this.takeBlocks(count);
    for (let start = 0, block = first; start < count; start += NOISE_BLOCK, block++) {
      drawBlock(this.seed, block, out.subarray(start, Math.min(start + NOISE_BLOCK, count)));
    }
    return out;
  }
}

/** The generator a frame's noise is drawn from: `FrameNoise` seeded with the frame's seed (see header). */
export function frameNoiseRng(seed: number): FrameNoise {
  return new FrameNoise(generatorSeed(seed));
}

interface NoisedSampleParams {
  readonly seed: number;
  readonly firstBlock: number;
  readonly scale: number;
  readonly plane: number;
  readonly channels: number;
}

/** The first normals a fresh `frameNoiseRng(seed)` draws, drawn before the image they noise exists. */
export interface DrawnFrameNoise {
  /** The generator seed (`generatorSeed` of the frame's seed). */
  readonly seed: number;
  readonly normals: Float32Array;
}

/** Blocks [rowStart, rowEnd) of a frame's noise from its first block on, each from its own stream. */
export const FRAME_NOISE_ROWS = defineRowKernel(
  'frameNoise',
  (
    params: { readonly seed: number },
    buffers: { readonly normals: Float32Array },
    rowStart: number,
    rowEnd: number,
  ) => {
    const { normals } = buffers;
    for (let block = rowStart; block < rowEnd; block++) {
      const start = block * NOISE_BLOCK;
      drawBlock(params.seed, block, normals.subarray(start, Math.min(start + NOISE_BLOCK, normals.length)));
    }
  },
);

/**
 * The normals `frameNoiseRng(seed)` first draws for a [1, C, H, W] sample: what `noisedSampleFromPixels` adds to a
 * frame of that shape.
 */
export function drawFrameNoise(seed: number, shape: readonly [1, number, number, number]): DrawnFrameNoise {
  const rng = frameNoiseRng(seed);
  const [, channels, height, width] = shape;
  const normals = new Float32Array(channels * height * width);
  runRows({
    kernel: FRAME_NOISE_ROWS,
    params: { seed: rng.seed },
    buffers: { normals },
    outputs: ['normals'],
    rows: Math.ceil(normals.length / NOISE_BLOCK),
    pixels: height * width,
  });
  return { seed: rng.seed, normals };
}

/**
 * `noisedSampleFromPixels(image, amount, frameNoiseRng(seed))` with that generator's normals drawn ahead
 * (`drawFrameNoise(seed, …)` of the sample's size): the same values, written over the normals (each block is read
 * before it is written), so `noise` is used up.
 */
export function noisedSampleWithNoise(image: RawImage<'u8'>, amount: number, noise: DrawnFrameNoise): Latent {
  const { width, height, channels } = image;
  const plane = width * height;
  const out = noise.normals;
  if (out.length !== plane * channels) {
    throw new RangeError(`${out.length} normals drawn ahead cannot noise ${plane * channels} values`);
  }
  runRows({
    kernel: NOISED_SAMPLE_ROWS,
    params: { seed: noise.seed, firstBlock: 0, scale: f32(amount), plane, channels },
    buffers: { source: image.data, out, normals: out },
    outputs: ['out'],
    rows: Math.ceil(out.length / NOISE_BLOCK),
    pixels: plane,
  });
  return latent([1, channels, height, width], out);
}

/**
 * Blocks [rowStart, rowEnd) of `noisedSampleFromPixels` with `FrameNoise`: block b holds output values
 * [b·NOISE_BLOCK, (b + 1)·NOISE_BLOCK) of the NCHW sample, noised with block firstBlock + b of the stream — the
 * values of the generic path, `randn` then add, whichever thread draws which block. With `normals` (drawn ahead by
 * `drawFrameNoise`, from block 0) the blocks are read from there instead of drawn.
 */
export const NOISED_SAMPLE_ROWS = defineRowKernel(
  'noisedSample',
  (
    params: NoisedSampleParams,
    buffers: {
      readonly source: Uint8Array | Uint8ClampedArray;
      readonly out: Float32Array;
      readonly normals?: Float32Array;
    },
    rowStart: number,
    rowEnd: number,
  ) => {
    const { seed, firstBlock, scale, plane, channels } = params;
    const { source, out, normals } = buffers;
    const outBits = new Uint32Array(out.buffer, out.byteOffset, out.length);
    for (let block = rowStart; block < rowEnd; block++) {
      const start = block * NOISE_BLOCK;
      const length = Math.min(NOISE_BLOCK, out.length - start);
      if (normals === undefined) {
        drawBlock(seed, firstBlock + block, length === NOISE_BLOCK ? NOISE : NOISE.subarray(0, length));
      } else {
        NOISE.set(normals.subarray(start, start + length));
      }
      // Output value o is channel ⌊o / plane⌋ of pixel o mod plane; a block may cross from one plane to the next.
      let channel = Math.floor(start / plane);
      let pixel = start - channel * plane;
      for (let j = 0; j < length; channel++, pixel = 0) {
        const end = Math.min(length, j + plane - pixel);
        for (let i = pixel * channels + channel; j < end; j++, i += channels) {
          NOISE[j] = (SAMPLE_OF_BYTE[source[i] as number] as number) + f32((NOISE[j] as number) * scale);
        }
      }
      storeHalves(start, length, out, outBits);
    }
  },
);

/**
 * Rows of `sampleToImage`, one plane at a time (sequential reads); a Uint8Array store truncates (NaN → 0) as
 * `astype(np.uint8)` does: 3.7 against 4.9 ms at 512² for the pixel-major loop with Math.trunc. A float32 target
 * keeps the value (the cadence images), at no cost to the byte path (measured: the same 1.5 ms either way).
 */
export const SAMPLE_TO_PIXELS_ROWS = defineRowKernel(
  'sampleToPixels',
  (
    params: PlaneLayout,
    buffers: { readonly source: Float32Array; readonly target: Uint8Array | Uint8ClampedArray | Float32Array },
    rowStart: number,
    rowEnd: number,
  ) => {
    const { width, plane, channels } = params;
    const { source, target } = buffers;
    for (let c = 0; c < channels; c++) {
      const end = c * plane + rowEnd * width;
      for (let o = c * plane + rowStart * width, i = rowStart * width * channels + c; o < end; o++, i += channels) {
        const unit = f32(f32((source[o] as number) * 0.5) + 0.5);
        target[i] = f32((unit < 0 ? 0 : unit > 1 ? 1 : unit) * 255);
      }
    }
  },
);

/**
 * `sample_to_cv2`: a [1, C, H, W] sample → an H×W×C frame, `clip(s·0.5 + 0.5, 0, 1)·255` in float32, then as 8-bit
 * truncated like `astype(np.uint8)` or (`f32`, the cadence images' `type=np.float32`) kept.
 */
export function sampleToImage<F extends 'u8' | 'f32'>(sample: Latent, format: F): RawImage<F> {
  const [batch, channels, height, width] = sample.shape;
  if (sample.shape.length !== 4 || batch !== 1 || !(channels === 1 || channels === 3 || channels === 4)) {
    throw new RangeError(`a frame sample is [1, 1|3|4, H, W], got [${sample.shape.join(', ')}]`);
  }
  const image = createRawImage(format, width ?? 0, height ?? 0, channels as ChannelCount);
  const plane = image.width * image.height;
  runRows({
    kernel: SAMPLE_TO_PIXELS_ROWS,
    params: { width: image.width, plane, channels },
    buffers: { source: sample.data, target: image.data },
    outputs: ['target'],
    rows: image.height,
    pixels: plane,
  });
  return image;
}

/** `sample_to_cv2` of a frame written as 8-bit. */
export function sampleToPixels(sample: Latent): RawImage<'u8'> {
  return sampleToImage(sample, 'u8');
}
