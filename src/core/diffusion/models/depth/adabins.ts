/**
 * The AdaBins branch of DepthModel.predict (`helpers/depth.py`) and of AdaBins' `InferenceHelper.predict_pil` /
 * `predict` (`src/infer.py`, NYU model) around an injected network (spec §10):
 * - the image goes in with R and B swapped (`cv2.COLOR_RGB2BGR`, then read as RGB: spec §24 item 12, kept B);
 * - under 448² pixels it is enlarged with Pillow BICUBIC, over 500 000 shrunk with Pillow LANCZOS, sides truncated;
 * - the network sees it ImageNet-normalised, once as is and once mirrored; each prediction is clipped to
 *   [0.001, 10] m, the mirrored one flipped back, the two averaged, then bilinear (align_corners) to the input size;
 * - a resized input's depth goes back to the frame size with torch bicubic (`TF.resize`, no antialiasing).
 */
import { DeforumError } from '../../../errors.js';
import { rawImageFrom, type RawImage } from '../../../image/raw-image.js';
import type { DepthNetwork, DepthTensor } from './depth-network.js';
import { resizeCubic } from './resize-cubic.js';
import { resizePil } from './resize-pil.js';

const MAX_AREA = 500_000;
const MIN_AREA = 448 * 448;
const MIN_DEPTH = 1e-3;
const MAX_DEPTH = 10;
const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;

export interface AdabinsPrediction {
  /** What `predict_pil` returns: depth in metres at the AdaBins input size, shape [1, 1, h, w]. */
  raw: DepthTensor;
  /** The same depth at the frame's size, row-major. */
  depth: Float32Array;
}

/** The frame as AdaBins receives it: `astype(np.uint8)`, R and B swapped, resized into the allowed area. */
export function adabinsInputImage(image: RawImage): RawImage<'u8'> {
  const { width, height } = image;
  const swapped = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) {
      const value = image.data[i * 3 + (2 - c)] ?? 0;
      swapped[i * 3 + c] = Math.min(255, Math.max(0, Math.trunc(value)));
    }
  }
  const bgr = rawImageFrom('u8', width, height, 3, swapped);
  const area = width * height;
  if (area > MAX_AREA || area < MIN_AREA) {
    const scale = Math.sqrt(area > MAX_AREA ? MAX_AREA : MIN_AREA) / Math.sqrt(area);
    const filter = area > MAX_AREA ? 'lanczos' : 'bicubic';
    return resizePil(bgr, Math.trunc(width * scale), Math.trunc(height * scale), filter);
  }
  return bgr;
}

function normalise(image: RawImage<'u8'>): Float32Array {
  const plane = image.width * image.height;
  const data = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      data[c * plane + i] = ((image.data[i * 3 + c] ?? 0) / 255 - (MEAN[c] ?? 0)) / (STD[c] ?? 1);
    }
  }
  return data;
}

/** Mirrors every row of every plane (`[..., ::-1]`). */
function flipRows(data: Float32Array, width: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let row = 0; row < data.length; row += width) {
    for (let x = 0; x < width; x++) out[row + x] = data[row + width - 1 - x] ?? 0;
  }
  return out;
}

function clipDepth(value: number): number {
  return Math.min(MAX_DEPTH, Math.max(MIN_DEPTH, value));
}

/** torch `interpolate(mode='bilinear', align_corners=True)` of one plane. */
function resizeBilinearCorners(data: Float32Array, width: number, height: number, outW: number, outH: number) {
  if (width === outW && height === outH) return Float32Array.from(data);
  const scaleX = outW > 1 ? Math.fround((width - 1) / (outW - 1)) : 0;
  const scaleY = outH > 1 ? Math.fround((height - 1) / (outH - 1)) : 0;
  const out = new Float32Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    const sy = Math.fround(scaleY * y);
    const y0 = Math.min(Math.floor(sy), height - 1);
    const y1 = Math.min(y0 + 1, height - 1);
    const ly = sy - y0;
    for (let x = 0; x < outW; x++) {
      const sx = Math.fround(scaleX * x);
      const x0 = Math.min(Math.floor(sx), width - 1);
      const x1 = Math.min(x0 + 1, width - 1);
      const lx = sx - x0;
      const at = (yy: number, xx: number): number => data[yy * width + xx] ?? 0;
      out[y * outW + x] =
        (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1));
    }
  }
  return out;
}

/** The network's prediction as one plane; AdaBins returns [1, 1, h, w] (any leading dimensions of size 1). */
function plane(output: DepthTensor, what: string): { data: Float32Array; width: number; height: number } {
  const { shape, data } = output;
  const height = shape.at(-2) ?? 0;
  const width = shape.at(-1) ?? 0;
  if (shape.length < 2 || shape.slice(0, -2).some((d) => d !== 1) || data.length !== width * height || !width) {
    throw new DeforumError(
      {
        code: 'model_io_mismatch',
        model: 'AdaBins',
        input: what,
        expected: '[1, 1, h, w]',
        got: `[${shape.join(', ')}]`,
      },
      `The AdaBins depth network returned a tensor of shape [${shape.join(', ')}] for ${what}; expected [1, 1, h, w] ` +
        'with the depth prediction. Export AdaBins with its depth output (not the bin edges) as the first output.',
    );
  }
  return { data, width, height };
}

/** Runs the AdaBins branch for an RGB frame (0…255 samples). */
export async function predictAdabins(image: RawImage, network: DepthNetwork): Promise<AdabinsPrediction> {
  const input = adabinsInputImage(image);
  const shape = [1, 3, input.height, input.width];
  const normalised = normalise(input);
  const straight = plane(await network(normalised, shape), 'the input');
  const mirrored = plane(await network(flipRows(normalised, input.width), shape), 'the mirrored input');
  if (mirrored.width !== straight.width || mirrored.height !== straight.height) {
    throw new RangeError('AdaBins returned different sizes for an image and its mirror.');
  }
  const unflipped = flipRows(mirrored.data, mirrored.width);
  const averaged = new Float32Array(straight.data.length);
  for (let i = 0; i < averaged.length; i++) {
    averaged[i] = 0.5 * (clipDepth(straight.data[i] ?? 0) + clipDepth(unflipped[i] ?? 0));
  }
  const full = resizeBilinearCorners(averaged, straight.width, straight.height, input.width, input.height);
  for (let i = 0; i < full.length; i++) {
    const value = full[i] ?? 0;
    full[i] = Number.isNaN(value) ? MIN_DEPTH : clipDepth(value);
  }
  const raw = { data: full, shape: [1, 1, input.height, input.width] };
  const resized = input.width !== image.width || input.height !== image.height;
  const depth = resized ? resizeCubic(full, input.width, input.height, 1, image.width, image.height) : full;
  return { raw, depth };
}
