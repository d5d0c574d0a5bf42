/**
 * Deforum's 3D motion for one frame (`anim_frame_warp_3d` → `transform_image_3d` in helpers/animation.py,
 * spec §5.2): the grid of warp-3d-grid.ts sampled with PyTorch's `grid_sample` (grid-sample.ts), then clamped to
 * 0..255 and cast back to the input's sample type.
 * Reproduced on purpose (spec §24 item 10, B):
 * - `1/512 − 0.0001` is added to every sample before sampling (a leftover of code that worked in [0, 1]); it
 *   keeps a pixel sampled at its own position from truncating to one less;
 * - u8 output is truncated (`astype(uint8)`), not rounded; f32 input (cadence in-betweens) stays float.
 * The depth is used as given (spec §5.3: raw model output), apart from the depth floor of warp-3d-grid.ts.
 */
import { DeforumError } from '../errors.js';
import { defineRowKernel, runRows } from '../threads/row-pool.js';
import type { Camera3d } from './camera-3d.js';
import { sampleRowsClamped } from './grid-sample-simd.js';
import type { PaddingMode, SamplingMode } from './grid-sample.js';
import type { PixelFormat, RawImage } from './raw-image.js';
import { warp3dGridRows, warp3dProjections, type DepthMap, type Motion3d } from './warp-3d-grid.js';

export type { DepthMap, Motion3d } from './warp-3d-grid.js';

/** The 3D warp settings that do not change per frame (`near_plane`, `far_plane`, `fov`, `padding_mode`, ...). */
export interface Warp3dOptions extends Camera3d {
  paddingMode: PaddingMode;
  samplingMode: SamplingMode;
}

export interface Warp3dParams extends Motion3d, Warp3dOptions {}

/** `image_tensor.add(1 / 512 - 0.0001)`, as the float32 the tensor adds. */
const SAMPLE_OFFSET = Math.fround(1 / 512 - 0.0001);

interface Warp3dRowParams {
  readonly projections: ReturnType<typeof warp3dProjections>;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly mode: SamplingMode;
  readonly padding: PaddingMode;
}

/** `depth` absent is a flat scene at z = 1. */
interface Warp3dRowBuffers<S, D> {
  readonly [name: string]: S | D | Float32Array;
  readonly src: S;
  readonly dst: D;
  readonly depth?: Float32Array;
}

/**
 * Rows of the warp: `src` is the image (bytes or float32), read as its samples plus SAMPLE_OFFSET in float32
 * (grid-sample-simd.ts); the samples are clamped to 0..255 and stored into `dst`, of the image's format. Each
 * output pixel depends only on its own grid point, so the bytes do not depend on how the rows are split.
 */
function warp3dRows(
  params: Warp3dRowParams,
  buffers: Warp3dRowBuffers<Uint8Array | Uint8ClampedArray | Float32Array, Uint8Array | Float32Array>,
  rowStart: number,
  rowEnd: number,
): void {
  const { src, dst, depth } = buffers;
  const { projections, width, height, channels, mode, padding } = params;
  const source = { data: src, width, height, channels, offset: SAMPLE_OFFSET };
  const fillGrid = (start: number, end: number, grid: Float32Array): void =>
    warp3dGridRows(projections, width, height, depth ?? null, start, end, grid);
  sampleRowsClamped(source, { mode, padding }, rowStart, rowEnd, fillGrid, dst);
}

// Each chunk copies the source rows it reads, halo included, into its thread's kernel memory: fewer, larger chunks
// (8 rather than 32) made the pooled 512² warp 10–15 % faster on two cores.
export const WARP_3D_ROWS = defineRowKernel('warp3d', warp3dRows, { chunks: 8 });

function invalid(parameter: string, given: string, allowed: string): DeforumError {
  return new DeforumError(
    { code: 'warp_parameters_invalid', parameter, given, allowed },
    `3D warp: ${parameter} is ${given}; it must be ${allowed}.`,
  );
}

function checkParams(params: Warp3dParams): void {
  const motion: (keyof Motion3d)[] = [
    'translationX',
    'translationY',
    'translationZ',
    'rotation3dXDeg',
    'rotation3dYDeg',
    'rotation3dZDeg',
  ];
  for (const key of motion) {
    if (!Number.isFinite(params[key])) throw invalid(key, String(params[key]), 'a finite number (check the schedule)');
  }
  const { fovDeg, nearPlane, farPlane } = params;
  if (!(fovDeg > 0 && fovDeg < 180)) {
    throw invalid('fov', String(fovDeg), 'strictly between 0 and 180 degrees (the notebook default is 40)');
  }
  if (!(Number.isFinite(nearPlane) && Number.isFinite(farPlane) && nearPlane > 0 && nearPlane < farPlane)) {
    throw invalid(
      'near_plane/far_plane',
      `${nearPlane}/${farPlane}`,
      'finite with 0 < near_plane < far_plane (the notebook defaults are 200 and 10000)',
    );
  }
}

function checkSizes(image: { width: number; height: number }, depth: DepthMap | null): void {
  const { width, height } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw invalid('image size', `${width}×${height}`, 'at least 1×1 pixels');
  }
  if (depth === null) return;
  if (depth.width !== width || depth.height !== height || depth.data.length !== width * height) {
    throw invalid(
      'depth map size',
      `${depth.width}×${depth.height} (${depth.data.length} values)`,
      `the image size, ${width}×${height}; predict the depth from the image being warped`,
    );
  }
}

/**
 * Applies one frame of 3D motion to the previous frame; the output has the input's size and format. `depth` is
 * the depth model's prediction for `image`, or null for a flat scene at z = 1 (`use_depth_warping` off).
 */
export function warp3d<F extends PixelFormat>(
  image: RawImage<F>,
  depth: DepthMap | null,
  params: Warp3dParams,
): RawImage<F> {
  checkParams(params);
  checkSizes(image, depth);
  const { width, height, channels } = image;
  const job = {
    params: {
      projections: warp3dProjections(params, params),
      width,
      height,
      channels,
      mode: params.samplingMode,
      padding: params.paddingMode,
    },
    outputs: ['dst'] as const,
    rows: height,
    pixels: width * height,
  };
  const withDepth = depth === null ? {} : { depth: depth.data };
  const data = image.format === 'u8' ? new Uint8Array(image.data.length) : new Float32Array(image.data.length);
  // In row chunks shared with the image threads (row-pool.ts).
  runRows({ ...job, kernel: WARP_3D_ROWS, buffers: { src: image.data, dst: data, ...withDepth } });
  return { format: image.format, width, height, channels, data } as RawImage<F>;
}
