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
 */
import { matchHistograms, referenceHistogram, type ReferenceHistogram } from './histogram-match.js';
import { hsvToRgb } from './hsv-to-rgb.js';
import { loadOpenCv, withMats } from './opencv.js';
import { rawImageFrom, type RawImage } from './raw-image.js';

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

/** One OpenCV 8-bit conversion through opencv.js, called on RGB data as the notebook calls it. */
async function cvtColor(image: RawImage<'u8'>, code: 'RGB2HSV' | 'RGB2Lab' | 'Lab2RGB'): Promise<RawImage<'u8'>> {
  const { cv } = await loadOpenCv();
  const { width, height } = image;
  return withMats((keep) => {
    const src = keep(cv.matFromArray(height, width, cv.CV_8UC3, image.data));
    const dst = keep(new cv.Mat());
    cv.cvtColor(src, dst, cv[`COLOR_${code}`]);
    return rawImageFrom('u8', width, height, 3, Uint8Array.from(dst.data));
  });
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
