/**
 * Dense optical flow between two frames for hybrid motion (`hybrid_flow_method`, spec §12.1): the notebook's
 * `get_flow_from_images` in helpers/hybrid_video.py. Both frames become 8-bit gray with cv2's BGR2GRAY on the
 * BGR arrays `cv2.imread` gave the original, then:
 * - DIS Medium / Fast / UltraFast: `cv2.DISOpticalFlow_create(preset)`, ported (`optical-flow-dis.ts`);
 * - Farneback: `calcOpticalFlowFarneback(…, 0.5, 5, 21, 5, 7, 1.2, 0)` ("normal"), Farneback Fine:
 *   `(…, 0.5, 13, 77, 13, 15, 0.8, 0)`, both through opencv.js, which gave cv2's flow to 1e-4 (runtime-notes A.2);
 * - DenseRLOF and SF (SimpleFlow) are opencv-contrib functions that no JavaScript build ships: refused with a
 *   DeforumError that names the methods that work.
 * The result is `flow[y, x] = (dx, dy)`, frame `prev` → frame `next`, interleaved float32 (H, W, 2).
 */
import { DeforumError } from '../../errors.js';
import { loadOpenCv, withMats } from '../opencv.js';
import type { RawImage } from '../raw-image.js';
import { DIS_PRESETS, disOpticalFlow, type DisPreset } from './optical-flow-dis.js';

export type FlowMethod = DisPreset | 'Farneback' | 'Farneback Fine' | 'DenseRLOF' | 'SF';

/** `calcOpticalFlowFarneback` arguments after `flow`: pyr_scale, levels, winsize, iterations, poly_n, poly_sigma, flags. */
const FARNEBACK_PARAMS = {
  Farneback: [0.5, 5, 21, 5, 7, 1.2, 0],
  'Farneback Fine': [0.5, 13, 77, 13, 15, 0.8, 0],
} as const;

type FarnebackMethod = keyof typeof FARNEBACK_PARAMS;

/** The methods `computeFlow` runs, in the order the error message lists them. */
export const AVAILABLE_FLOW_METHODS = [
  'DIS Medium',
  'DIS Fast',
  'DIS UltraFast',
  'Farneback',
  'Farneback Fine',
] as const satisfies readonly FlowMethod[];

/**
 * OpenCV 4.6's `RGB2Gray<uchar>` in 15-bit fixed point with rounding, applied to pixels in the order the weights
 * expect: our frames are RGB, the original's were BGR from `cv2.imread`, so R takes 0.299 here just as it did
 * there. A one-channel image is taken as gray already (a caller reproducing a conversion of its own).
 */
export function flowGray(image: RawImage<'u8'>): Uint8Array {
  const { data, channels, width, height } = image;
  if (channels === 1) return Uint8Array.from(data);
  const gray = new Uint8Array(width * height);
  for (let k = 0, o = 0; k < gray.length; k++, o += channels) {
    gray[k] = (9798 * (data[o] ?? 0) + 19235 * (data[o + 1] ?? 0) + 3735 * (data[o + 2] ?? 0) + 16384) >> 15;
  }
  return gray;
}

function isDis(method: FlowMethod): method is DisPreset {
  return method in DIS_PRESETS;
}

function isFarneback(method: FlowMethod): method is FarnebackMethod {
  return method in FARNEBACK_PARAMS;
}

/** Dense flow from `prev` to `next` (8-bit RGB or gray, same size) with one of the notebook's methods. */
export async function computeFlow(
  prev: RawImage<'u8'>,
  next: RawImage<'u8'>,
  method: FlowMethod,
): Promise<Float32Array> {
  if (!isDis(method) && !isFarneback(method)) {
    throw new DeforumError(
      { code: 'flow_method_unavailable', method, available: [...AVAILABLE_FLOW_METHODS] },
      `hybrid_flow_method '${method}' needs OpenCV's contrib optflow module, which this engine does not have. ` +
        `Choose one of ${AVAILABLE_FLOW_METHODS.join(', ')} (DIS Medium is the notebook's default).`,
    );
  }
  if (prev.width !== next.width || prev.height !== next.height) {
    throw new RangeError(
      `Optical flow needs two frames of the same size, got ${prev.width}×${prev.height} and ${next.width}×${next.height}.`,
    );
  }
  const { width, height } = prev;
  const gray0 = flowGray(prev);
  const gray1 = flowGray(next);
  const { cv } = await loadOpenCv();
  if (isDis(method)) return disOpticalFlow(cv, gray0, gray1, width, height, DIS_PRESETS[method]);
  const [pyrScale, levels, winSize, iterations, polyN, polySigma, flags] = FARNEBACK_PARAMS[method];
  return withMats((keep) => {
    const m0 = keep(cv.matFromArray(height, width, cv.CV_8UC1, gray0));
    const m1 = keep(cv.matFromArray(height, width, cv.CV_8UC1, gray1));
    const flow = keep(new cv.Mat());
    cv.calcOpticalFlowFarneback(m0, m1, flow, pyrScale, levels, winSize, iterations, polyN, polySigma, flags);
    return Float32Array.from(flow.data32F);
  });
}
