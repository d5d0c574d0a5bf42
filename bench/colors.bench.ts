/**
 * Colour coherence speed at 512×512 RGB, 'Match Frame 0 LAB' (the default): our path per part (RGB→Lab through
 * opencv.js, the counting-sort histogram match against a prepared reference, Lab→RGB) and in total, against the
 * same conversions with the straightforward sort-based skimage port (test/support/sort-histogram-match.ts), which
 * also converts the reference every frame as `maintain_colors` does, in one process. HSV and RGB totals and the
 * HSV→RGB port are printed too. `notebookLabMs` is the figure quoted for the notebook's own LAB match (cv2 +
 * skimage 0.19) on this kind of machine, ~31 ms per 512² frame; it is not measured here (no Python in this process).
 * Run: npx tsx bench/colors.bench.ts — the last line is one JSON object.
 */
import { colorMatchSpace, matchColors, matchColorsTo, prepareColorTarget } from '../src/core/image/color-coherence.js';
import { matchHistograms, referenceHistogram } from '../src/core/image/histogram-match.js';
import { hsvToRgb } from '../src/core/image/hsv-to-rgb.js';
import { loadOpenCv, withMats } from '../src/core/image/opencv.js';
import { createRawImage, rawImageFrom, type RawImage } from '../src/core/image/raw-image.js';
import { sortHistogramMatch } from '../test/support/sort-histogram-match.js';

const SIZE = 512;
const FRAMES = 30;

async function msPerFrame(run: () => unknown, frames = FRAMES): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const start = process.hrtime.bigint();
  for (let i = 0; i < frames; i++) await run();
  return Number(process.hrtime.bigint() - start) / 1e6 / frames;
}

function pattern(seed: number): RawImage<'u8'> {
  const img = createRawImage('u8', SIZE, SIZE, 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 3;
      const noise = ((i + seed) * 2654435761) >>> 27;
      img.data[i] = (x / 2 + seed * 17 + noise) & 255;
      img.data[i + 1] = (y / 2 + 40 + noise) & 255;
      img.data[i + 2] = ((x + y) / 4 + seed * 5 + noise) & 255;
    }
  }
  return img;
}

const { cv } = await loadOpenCv();
function cvt(image: RawImage<'u8'>, code: number): RawImage<'u8'> {
  return withMats((keep) => {
    const src = keep(cv.matFromArray(SIZE, SIZE, cv.CV_8UC3, image.data));
    const dst = keep(new cv.Mat());
    cv.cvtColor(src, dst, code);
    return rawImageFrom('u8', SIZE, SIZE, 3, Uint8Array.from(dst.data));
  });
}

const prev = pattern(1);
const reference = pattern(7);
const lab = cvt(prev, cv.COLOR_RGB2Lab);
const referenceLab = cvt(reference, cv.COLOR_RGB2Lab);
const target = await prepareColorTarget(reference, 'Match Frame 0 LAB');
const histogram = referenceHistogram(referenceLab);
const matchedLab = matchHistograms(lab, histogram);
const hsv = cvt(prev, cv.COLOR_RGB2HSV);

const parts = {
  rgbToLabMs: await msPerFrame(() => cvt(prev, cv.COLOR_RGB2Lab)),
  matchMs: await msPerFrame(() => matchHistograms(lab, histogram)),
  labToRgbMs: await msPerFrame(() => cvt(matchedLab, cv.COLOR_Lab2RGB)),
  rgbToHsvMs: await msPerFrame(() => cvt(prev, cv.COLOR_RGB2HSV)),
  hsvToRgbPortMs: await msPerFrame(() => hsvToRgb(hsv)),
  hsvToRgbOpenCvJsMs: await msPerFrame(() => cvt(hsv, cv.COLOR_HSV2RGB)),
  sortMatchMs: await msPerFrame(() => sortHistogramMatch(lab, referenceLab), 5),
};
const oursPrepared = await msPerFrame(() => matchColorsTo(prev, target));
const oursUnprepared = await msPerFrame(() => matchColors(prev, reference, 'Match Frame 0 LAB'));
const baseline = await msPerFrame(
  () => cvt(sortHistogramMatch(cvt(prev, cv.COLOR_RGB2Lab), cvt(reference, cv.COLOR_RGB2Lab)), cv.COLOR_Lab2RGB),
  5,
);
const hsvTotal = await msPerFrame(async () =>
  matchColorsTo(prev, await prepareColorTarget(reference, 'Match Frame 0 HSV')),
);
const rgbTotal = await msPerFrame(() => matchColors(prev, reference, 'Match Frame 0 RGB'));

const round = (ms: number) => +ms.toFixed(2);
console.log(`colour coherence 512×512×3 (${colorMatchSpace('Match Frame 0 LAB')}), ms/frame`);
console.log(
  JSON.stringify({
    ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v)])),
    labPreparedReferenceMs: round(oursPrepared),
    labMatchColorsMs: round(oursUnprepared),
    labSortBaselineMs: round(baseline),
    hsvMatchColorsMs: round(hsvTotal),
    rgbMatchColorsMs: round(rgbTotal),
    notebookLabMs: 31,
    ratioLabToBaseline: +(oursUnprepared / baseline).toFixed(3),
    ratioLabPreparedToNotebook: +(oursPrepared / 31).toFixed(3),
  }),
);
