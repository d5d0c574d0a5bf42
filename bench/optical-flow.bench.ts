/**
 * Hybrid optical flow speed at 512×512: our DIS port (Medium, the notebook's default, and Fast, UltraFast)
 * against Farneback "normal" in opencv.js (the baseline), ms per frame pair, in one process.
 * For scale (runtime-notes A.2): cv2 DIS Medium ~25 ms, cv2 Farneback ~110 ms, opencv.js Farneback ~210 ms.
 * The pair is a deterministic textured pattern and the same pattern rotated 1.5°, zoomed 1.02× and shifted (3, 2).
 * Run: npx tsx bench/optical-flow.bench.ts — the last line is one JSON object.
 */
import { computeFlow, type FlowMethod } from '../src/core/image/hybrid/optical-flow.js';
import { createRawImage, type RawImage } from '../src/core/image/raw-image.js';
import { warpPerspective } from '../src/core/image/warp-perspective.js';

const SIZE = 512;
const PAIRS = 5;

function pattern(): RawImage<'u8'> {
  const image = createRawImage('u8', SIZE, SIZE, 3);
  let seed = 12345;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const noise = (seed >>> 24) % 24;
      const o = (y * SIZE + x) * 3;
      image.data[o] = (128 + 90 * Math.sin(x / 9) * Math.cos(y / 13) + noise) | 0;
      image.data[o + 1] = (128 + 80 * Math.sin((x + y) / 17) + noise) | 0;
      image.data[o + 2] = ((x ^ y) & 0xff) / 2 + noise;
    }
  }
  return image;
}

function moved(image: RawImage<'u8'>): RawImage<'u8'> {
  const a = (1.5 * Math.PI) / 180;
  const c = SIZE / 2;
  const cos = 1.02 * Math.cos(a);
  const sin = 1.02 * Math.sin(a);
  const m = Float64Array.of(cos, -sin, c - cos * c + sin * c + 3, sin, cos, c - sin * c - cos * c + 2, 0, 0, 1);
  return warpPerspective(image, m, 'replicate');
}

async function msPerPair(frame0: RawImage<'u8'>, frame1: RawImage<'u8'>, method: FlowMethod): Promise<number> {
  await computeFlow(frame0, frame1, method);
  const start = process.hrtime.bigint();
  for (let i = 0; i < PAIRS; i++) await computeFlow(frame0, frame1, method);
  return Number(process.hrtime.bigint() - start) / 1e6 / PAIRS;
}

const frame0 = pattern();
const frame1 = moved(frame0);
const farnebackMs = await msPerPair(frame0, frame1, 'Farneback');
const disMediumMs = await msPerPair(frame0, frame1, 'DIS Medium');
const disFastMs = await msPerPair(frame0, frame1, 'DIS Fast');
const disUltraFastMs = await msPerPair(frame0, frame1, 'DIS UltraFast');
console.log(`Farneback (opencv.js) ${farnebackMs.toFixed(1)} ms/pair`);
console.log(`DIS Medium (TS port)  ${disMediumMs.toFixed(1)} ms/pair`);
console.log(`DIS Fast              ${disFastMs.toFixed(1)} ms/pair`);
console.log(`DIS UltraFast         ${disUltraFastMs.toFixed(1)} ms/pair`);
console.log(
  JSON.stringify({
    size: SIZE,
    pairs: PAIRS,
    farnebackMs: +farnebackMs.toFixed(1),
    disMediumMs: +disMediumMs.toFixed(1),
    disFastMs: +disFastMs.toFixed(1),
    disUltraFastMs: +disUltraFastMs.toFixed(1),
    disMediumVsFarneback: +(disMediumMs / farnebackMs).toFixed(3),
  }),
);
