/**
 * Every row kernel the image pool's helper threads can run, found by name (row-worker.ts). A kernel missing here
 * still runs, on the caller's thread only.
 */
import { BYTES_VIA_HALF_SAMPLE_ROWS } from '../animation/cadence-images.js';
import { CONVERT_COLOR_ROWS } from '../image/color-coherence.js';
import {
  FRAME_NOISE_ROWS,
  NOISED_SAMPLE_ROWS,
  SAMPLE_FROM_PIXELS_ROWS,
  SAMPLE_TO_PIXELS_ROWS,
} from '../image/frame-noise.js';
import { SCALED_UNSHARP_ROWS } from '../image/unsharp-mask.js';
import { WARP_3D_ROWS } from '../image/warp-3d.js';
import { WARP_PERSPECTIVE_ROWS, WARP_PLAN_ROWS } from '../image/warp-perspective.js';

export const ROW_KERNELS = [
  WARP_3D_ROWS,
  NOISED_SAMPLE_ROWS,
  CONVERT_COLOR_ROWS,
  SCALED_UNSHARP_ROWS,
  SAMPLE_FROM_PIXELS_ROWS,
  SAMPLE_TO_PIXELS_ROWS,
  WARP_PERSPECTIVE_ROWS,
  WARP_PLAN_ROWS,
  FRAME_NOISE_ROWS,
  BYTES_VIA_HALF_SAMPLE_ROWS,
] as const;
