/**
 * Hybrid video in a 2D/3D render (spec §12): the motion of the source video laid onto the warped previous image
 * (and onto the cadence images that advance), then `hybrid_composite` with the frame's schedules. Video frames
 * come from a FrameSource (the caller extracts them), sized as the original reads them: cv2 bilinear for motion,
 * PIL Lanczos for compositing and colour (item 30, B).
 * - Motion pairs video frames f−1 → f for every motion, and with `hybrid_motion_use_prev_img` the image itself →
 *   video frame f (item 29, F, docs/deviations.md). Without prev-img one flow/matrix per frame serves every image
 *   it moves (spec §12.1 "with cadence").
 * - Compositing and the 'Video Input' colour reference read file `{f:05}.jpg`, i.e. video frame f − 1, as the
 *   original does (kept, B, docs/deviations.md).
 * - Extra frames (`hybrid_comp_save_extra_frames`) are returned as `image:file` events for the caller to write.
 */
import { DeforumError } from '../errors.js';
import { hybridComposite, type HybridCompositeParams } from '../image/hybrid/hybrid-composite.js';
import { applyFlow } from '../image/hybrid/flow-apply.js';
import { computeFlow } from '../image/hybrid/optical-flow.js';
import {
  applyHybridMotionMatrix,
  estimateHybridMotionMatrix,
  type HybridMatrixMotion,
} from '../image/hybrid/ransac-motion.js';
import type { PixelFormat, RawImage } from '../image/raw-image.js';
import { warpPerspective, type BorderMode } from '../image/warp-perspective.js';
import type { DeforumSettings } from '../settings/schema.js';
import type { AnimKeys } from './anim-keys.js';
import type { DepthPictures } from './depth-pictures.js';
import { truncateToBytes } from './cadence-images.js';
import { readSized, type FrameSource } from './frame-source.js';
import type { ImageFileEvent } from './render-events.js';

/** Moves one image (8-bit or float) by the hybrid motion of a frame. */
export type ImageMotion = <F extends PixelFormat>(image: RawImage<F>) => Promise<RawImage<F>>;

export interface HybridVideo {
  /** The motion of `frame` (> 0), or null when `hybrid_motion` is None or at frame 0. */
  motionAt(frame: number): Promise<ImageMotion | null>;
  /** Motion then compositing of the warped previous image of `frame`, with the extra frames to save. */
  apply(image: RawImage<'u8'>, frame: number): Promise<{ image: RawImage<'u8'>; files: ImageFileEvent[] }>;
  /** The colour-coherence reference frame of `frame` ('Video Input' coherence). */
  colorFrame(frame: number): Promise<RawImage<'u8'>>;
}

export interface HybridVideoInput {
  settings: DeforumSettings;
  video: FrameSource;
  keys: AnimKeys;
  /** Depth / Video Depth masks: the run's depth pictures (depth-pictures.ts). */
  depthPictures?: DepthPictures | null;
}

export function createHybridVideo({ settings, video, keys, depthPictures }: HybridVideoInput): HybridVideo {
  const size = { width: settings.W, height: settings.H };
  const border: BorderMode = settings.border;
  const motion = settings.hybrid_motion;
  const motionFrame = (index: number): Promise<RawImage<'u8'>> => readSized(video, index, size, 'bilinear');
  // File `{f:05}.jpg` is video frame f − 1 (0-based), as the original opens it for compositing and colour.
  const lanczosFileFrame = (frame: number): Promise<RawImage<'u8'>> => readSized(video, frame - 1, size, 'lanczos');

  async function motionAt(frame: number): Promise<ImageMotion | null> {
    if (motion === 'None' || frame === 0) return null;
    const target = await motionFrame(frame);
    if (motion === 'Optical Flow') {
      const method = settings.hybrid_flow_method;
      if (settings.hybrid_motion_use_prev_img) {
        return async (image) => applyFlow(image, await computeFlow(bytesOf(image), target, method), border);
      }
      const flow = await computeFlow(await motionFrame(frame - 1), target, method);
      return (image) => applyFlow(image, flow, border);
    }
    if (settings.hybrid_motion_use_prev_img) {
      return async (image) =>
        applyMatrix(image, await estimateHybridMotionMatrix(bytesOf(image), target, motion), motion, border);
    }
    const matrix = await estimateHybridMotionMatrix(await motionFrame(frame - 1), target, motion);
    return (image) => applyMatrix(image, matrix, motion, border);
  }

  async function apply(image: RawImage<'u8'>, frame: number) {
    const move = await motionAt(frame);
    const moved = move === null ? image : await move(image);
    if (!settings.hybrid_composite) return { image: moved, files: [] };
    const videoFrame = await lanczosFileFrame(frame);
    const name = (what: string): string => `hybridframes/${what}${String(frame).padStart(5, '0')}.jpg`;
    const files: ImageFileEvent[] = [];
    const depth = await maskDepth(videoFrame, (image) =>
      files.push({ type: 'image:file', file: name('vid-depth'), image }),
    );
    const inputs = { prev: moved, video: videoFrame, ...(depth !== null && { depth }) };
    const result = hybridComposite(inputs, compositeParams(frame));
    if (settings.hybrid_comp_save_extra_frames) {
      if (result.savedMask !== null) files.push({ type: 'image:file', file: name('mask'), image: result.savedMask });
      if (result.comp !== null) files.push({ type: 'image:file', file: name('comp'), image: result.comp });
      files.push({ type: 'image:file', file: name('prev'), image: result.image });
    }
    return { image: result.image, files };
  }

  /**
   * Depth: the newest saved depth picture (frame f − 1's); Video Depth: the video frame's depth, normalised with
   * the run's running range and saved as `hybridframes/vid-depth{f:05}.jpg` (spec §12.2). We composite with the
   * picture itself, not the JPEG read back (docs/deviations.md).
   */
  async function maskDepth(
    videoFrame: RawImage<'u8'>,
    save: (image: RawImage<'u8'>) => void,
  ): Promise<RawImage<'u8'> | null> {
    const type = settings.hybrid_comp_mask_type;
    if (type !== 'Depth' && type !== 'Video Depth') return null;
    if (depthPictures === undefined || depthPictures === null) {
      throw new RangeError(`hybrid_comp_mask_type ${type} needs the depth model; none was given to the render.`);
    }
    if (type === 'Depth') {
      if (depthPictures.last === null) throw new RangeError("the Depth mask needs the previous frame's depth picture");
      return depthPictures.last;
    }
    const picture = depthPictures.picture((await depthPictures.model.predict(videoFrame)).depth, false).image;
    save(picture);
    return picture;
  }

  function compositeParams(frame: number): HybridCompositeParams {
    const series = keys.series;
    const at = (values: Float64Array): number => values[frame] ?? NaN;
    const frameKeys = keys.frame(frame);
    return {
      maskType: settings.hybrid_comp_mask_type,
      inverse: settings.hybrid_comp_mask_inverse,
      equalize: settings.hybrid_comp_mask_equalize,
      autoContrast: settings.hybrid_comp_mask_auto_contrast,
      alpha: at(series.hybrid_comp_alpha_schedule),
      maskBlendAlpha: at(series.hybrid_comp_mask_blend_alpha_schedule),
      maskContrast: at(series.hybrid_comp_mask_contrast_schedule),
      autoContrastCutoffLow: frameKeys.maskAutoContrastCutoffLow,
      autoContrastCutoffHigh: frameKeys.maskAutoContrastCutoffHigh,
    };
  }

  return { motionAt, apply, colorFrame: lanczosFileFrame };
}

/** The hybrid video of a run, or null when hybrid is off; a hybrid run without video frames is a usage error. */
export function hybridVideoOf(
  settings: DeforumSettings,
  active: boolean,
  video: FrameSource | null,
  keys: AnimKeys,
  depthPictures: DepthPictures | null = null,
): HybridVideo | null {
  if (!active) return null;
  if (video === null || video.count === 0) {
    throw new DeforumError(
      { code: 'usage', argument: 'video_init_path', reason: 'hybrid video needs the extracted video frames' },
      'Hybrid video (hybrid_motion or hybrid_composite) needs the frames of video_init_path in inputframes/; ' +
        'set hybrid_generate_inputframes to true to extract them.',
    );
  }
  if (video.count < settings.max_frames) {
    throw new RangeError(`hybrid video: ${settings.max_frames} frames to render but ${video.count} video frames`);
  }
  return createHybridVideo({ settings, video, keys, depthPictures });
}

/** The 8-bit picture an estimation reads; a float cadence image is truncated as the original's uint8 cast does. */
function bytesOf<F extends PixelFormat>(image: RawImage<F>): RawImage<'u8'> {
  const widened = image as RawImage;
  return widened.format === 'u8' ? widened : truncateToBytes(widened);
}

/**
 * `image_transform_ransac` for either pixel format: 8-bit through the golden-matched OpenCV path; float cadence
 * images through the perspective warp for both motions (an affine matrix is a perspective one with last row 0 0 1).
 */
async function applyMatrix<F extends PixelFormat>(
  image: RawImage<F>,
  matrix: Float64Array,
  motion: HybridMatrixMotion,
  border: BorderMode,
): Promise<RawImage<F>> {
  const widened = image as RawImage;
  if (widened.format === 'u8') return (await applyHybridMotionMatrix(widened, matrix, motion, border)) as RawImage<F>;
  return warpPerspective(image, matrix, border);
}
