/**
 * Frames that come from outside the loop, one by one: the extracted video frames of Video Input and hybrid video
 * (`inputframes/00001.jpg`, …) and the mask video's (`maskframes/`). The caller does the extraction and the file
 * reads (cli/video-frames.ts), so the loop stays free of I/O; the loop sizes each frame the way the original's
 * reader for that purpose does (spec §12: PIL Lanczos for inits, compositing and colour; cv2 bilinear for hybrid
 * motion, §24 item 30 kept: B).
 */
import { resizePil } from '../diffusion/models/depth/resize-pil.js';
import type { RawImage } from '../image/raw-image.js';
import { resizeBilinearCv } from '../image/resize-cv.js';

export interface FrameSource {
  /** How many frames there are (the JPEGs in the folder: the run's max_frames, spec §11.1). */
  readonly count: number;
  /** Frame `index` (0-based: file `{index + 1:05}.jpg`) as decoded, 8-bit RGB at its own size. */
  read(index: number): Promise<RawImage<'u8'>>;
}

export type FrameFilter = 'lanczos' | 'bilinear';

/** Frame `index` of `source` stretched to width×height with the filter of its use; a frame of that size is kept. */
export async function readSized(
  source: FrameSource,
  index: number,
  size: { width: number; height: number },
  filter: FrameFilter,
): Promise<RawImage<'u8'>> {
  if (!Number.isInteger(index) || index < 0 || index >= source.count) {
    throw new RangeError(`video frame ${index} is outside 0…${source.count - 1}`);
  }
  const frame = await source.read(index);
  const { width, height } = size;
  if (frame.width === width && frame.height === height) return frame;
  return filter === 'lanczos' ? resizePil(frame, width, height, 'lanczos') : resizeBilinearCv(frame, width, height);
}
