/**
 * Colour coherence: Deforum's `maintain_colors(prev_img, color_match_sample, mode)` (helpers/colors.py, spec §9
 * color_coherence). The previous image is histogram-matched to the reference per channel in RGB, in OpenCV's
 * 8-bit HSV (H 0..179) or in OpenCV's 8-bit Lab, then converted back to RGB. As in the original, 'Match Frame 0
 * RGB' and 'Match Frame 0 HSV' are recognised and every other mode string ('Match Frame 0 LAB', 'Video Input',
 * anything else) takes the Lab branch.
 * RGB→HSV, RGB→Lab and Lab→RGB run in opencv.js 4.12, identical to the notebook's cv2 4.6 (runtime-notes A.2;
 * the golden LAB case is bit-exact). HSV→RGB cannot: cv2's vector loop truncates where the WASM build rounds, so it
 * is our port (hsv-to-rgb.ts). Measured at 512² (bench/colors.bench.ts, a loaded 2-core machine): 2.5-2.8 ms to Lab
 * and 3.5-4.2 ms back including the WASM heap copies, against ~4 ms for the match itself; a hand port of OpenCV's
 * fixed-point Lab tables could save a few ms at a real risk to parity, so the Lab conversions stay in opencv.js.
 * A reference can be prepared once (`prepareColorTarget`): converted and reduced to its quantile tables, which
 * is all a match needs of it, so a render converts its reference once rather than every frame.
 * The conversions are per pixel, so they run in row chunks shared with the image threads (threads/row-pool.ts),
 * each of which loads its own opencv.js the first time it is handed a conversion.
 */
import {
  applyHistogramLookup,
  histogramLookup,
  matchHistograms,
  referenceHistogram,
  type ReferenceHistogram,
} from './histogram-match.js';
import { hsvToRgb } from './hsv-to-rgb.js';
import { defineRowKernel, runRows } from '../threads/row-pool.js';
import { loadOpenCv, withMats } from './opencv.js';
import { createRawImage, type RawImage } from './raw-image.js';

/** The space the histograms are matched in. */
export type ColorMatchSpace = 'RGB' | 'HSV' | 'LAB';

/** A reference reduced to what matching needs: the space and its per-channel quantile tables. */
export interface ColorTarget {
  readonly space: ColorMatchSpace;
  readonly histogram: ReferenceHistogram;
}

/** `maintain_colors`' if/elif/else on the mode string: unknown modes fall through to Lab. */
export function colorMatchSpace(mode: string): ColorMatchSpace {
  if (mode === 'Match Frame 0 RGB') return 'RGB';
  if (mode === 'Match Frame 0 HSV') return 'HSV';
  return 'LAB';
}

function requireRgb(image: RawImage<'u8'>, role: string): void {
  if (image.channels !== 3) {
    throw new RangeError(`Colour coherence works on RGB images; the ${role} has ${image.channels} channels.`);
  }
}

type ConversionCode = 'RGB2HSV' | 'RGB2Lab' | 'Lab2RGB';

/** This thread's opencv.js, once `prepare` has loaded it. */
let openCv: Awaited<ReturnType<typeof loadOpenCv>>['cv'] | undefined;

/**
 * Rows of one OpenCV 8-bit RGB conversion through opencv.js, called on RGB data as the notebook calls it; with a
 * `lookup` (`histogramLookup`), the rows are histogram-matched on their way into the WASM heap, so the matched
 * image is never built on its own. Eight chunks: each call costs a Mat pair and two heap copies (32 chunks added
 * ~1 ms per 512² conversion).
 */
export const CONVERT_COLOR_ROWS = defineRowKernel(
  'convertColor',
  (
    params: { readonly code: ConversionCode; readonly width: number },
    buffers: {
      readonly src: Uint8Array | Uint8ClampedArray;
      readonly dst: Uint8Array | Uint8ClampedArray;
      readonly lookup?: Uint8Array;
    },
    rowStart: number,
    rowEnd: number,
  ) => {
    const cv = openCv;
    if (cv === undefined) throw new Error('convertColor ran before opencv.js was loaded on this thread');
    const rowLength = params.width * 3;
    withMats((keep) => {
      const rows = buffers.src.subarray(rowStart * rowLength, rowEnd * rowLength);
      const src = keep(new cv.Mat(rowEnd - rowStart, params.width, cv.CV_8UC3));
      if (buffers.lookup === undefined) src.data.set(rows);
      else applyHistogramLookup(rows, buffers.lookup, 3, src.data);
      const dst = keep(new cv.Mat());
      cv.cvtColor(src, dst, cv[`COLOR_${params.code}`]);
      buffers.dst.set(dst.data, rowStart * rowLength);
    });
  },
  {
    chunks: 8,
    prepare: async () => {
      openCv ??= (await loadOpenCv()).cv;
    },
  },
);

/** `cvtColor(image, code)`, of the image matched through `lookup` when one is given. */
async function cvtColor(image: RawImage<'u8'>, code: ConversionCode, lookup?: Uint8Array): Promise<RawImage<'u8'>> {
  await CONVERT_COLOR_ROWS.prepare?.();
  const { width, height } = image;
  const out = createRawImage('u8', width, height, 3);
  runRows({
    kernel: CONVERT_COLOR_ROWS,
    params: { code, width },
    buffers: lookup === undefined ? { src: image.data, dst: out.data } : { src: image.data, dst: out.data, lookup },
    outputs: ['dst'],
    rows: height,
    pixels: width * height,
  });
  return out;
}

async function fromRgb(image: RawImage<'u8'>, space: ColorMatchSpace): Promise<RawImage<'u8'>> {
  if (space === 'RGB') return image;
  return cvtColor(image, space === 'HSV' ? 'RGB2HSV' : 'RGB2Lab');
}

async function toRgb(image: RawImage<'u8'>, space: ColorMatchSpace): Promise<RawImage<'u8'>> {
  if (space === 'RGB') return image;
  return space === 'HSV' ? hsvToRgb(image) : cvtColor(image, 'Lab2RGB');
}

/** Converts the reference into the mode's space once and keeps only its quantile tables. */
export async function prepareColorTarget(reference: RawImage<'u8'>, mode: string): Promise<ColorTarget> {
  requireRgb(reference, 'reference');
  const space = colorMatchSpace(mode);
  return { space, histogram: referenceHistogram(await fromRgb(reference, space)) };
}

/** Matches the RGB image `prev` to a prepared reference; the result is RGB, 8 bits, the size of `prev`. */
export async function matchColorsTo(prev: RawImage<'u8'>, target: ColorTarget): Promise<RawImage<'u8'>> {
  requireRgb(prev, 'image');
  const converted = await fromRgb(prev, target.space);
  if (target.space === 'LAB') return cvtColor(converted, 'Lab2RGB', histogramLookup(converted, target.histogram));
  return toRgb(matchHistograms(converted, target.histogram), target.space);
}

/** `maintain_colors(prev, reference, mode)`: both RGB, 8 bits; they may differ in size. */
export async function matchColors(
  prev: RawImage<'u8'>,
  reference: RawImage<'u8'>,
  mode: string,
): Promise<RawImage<'u8'>> {
  return matchColorsTo(prev, await prepareColorTarget(reference, mode));
}
