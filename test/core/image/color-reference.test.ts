import { describe, expect, it } from 'vitest';

import { matchColors } from '../../../src/core/image/color-coherence.js';
import {
  applyColorCoherence,
  createColorReference,
  needsVideoFrame,
  resumeColorReference,
  type ColorCoherenceSettings,
  type ColorReference,
} from '../../../src/core/image/color-reference.js';
import { rawImageFrom, type RawImage } from '../../../src/core/image/raw-image.js';

const SIZE = 8;

/** A deterministic RGB test image whose colours depend on `seed`. */
function image(seed: number): RawImage<'u8'> {
  const data = new Uint8Array(SIZE * SIZE * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * (37 + seed * 11) + seed * 53) % 256;
  return rawImageFrom('u8', SIZE, SIZE, 3, data);
}

const LAB: ColorCoherenceSettings = { mode: 'Match Frame 0 LAB', videoEveryNFrames: 1, hybridVideo: false };
const VIDEO: ColorCoherenceSettings = { mode: 'Video Input', videoEveryNFrames: 3, hybridVideo: true };

async function run(reference: ColorReference, frames: { frame: number; image: RawImage<'u8'> }[]) {
  const out = [];
  for (const { frame, image: prepared } of frames) {
    const video = needsVideoFrame(reference, frame) ? image(100 + frame) : undefined;
    const step = await applyColorCoherence(reference, frame, prepared, video);
    reference = step.reference;
    out.push(step.image);
  }
  return out;
}

describe('ColorReference', () => {
  it('stores the first prepared image as the reference without matching it, then matches later frames to it', async () => {
    const frames = [1, 2, 3].map((frame) => ({ frame, image: image(frame) }));
    const [first, second, third] = await run(createColorReference(LAB), frames);
    expect(first).toBe(frames[0]?.image);
    expect(second?.data).toEqual((await matchColors(image(2), image(1), 'Match Frame 0 LAB')).data);
    expect(third?.data).toEqual((await matchColors(image(3), image(1), 'Match Frame 0 LAB')).data);
    expect(second?.data).not.toEqual(image(2).data);
  });

  it("leaves every image alone with 'None'", async () => {
    const settings = { ...LAB, mode: 'None' };
    const out = await run(createColorReference(settings), [
      { frame: 1, image: image(1) },
      { frame: 2, image: image(2) },
    ]);
    expect(out.map((img) => img.data)).toEqual([image(1).data, image(2).data]);
  });

  it('matches from the first step on after a resume, against the last saved frame', async () => {
    const [first] = await run(await resumeColorReference(LAB, image(9)), [{ frame: 5, image: image(5) }]);
    expect(first?.data).toEqual((await matchColors(image(5), image(9), 'Match Frame 0 LAB')).data);
  });

  it("'Video Input' with hybrid video refreshes the reference from the video every N frames", async () => {
    const reference = createColorReference(VIDEO);
    expect([1, 2, 3, 4, 5, 6].map((f) => needsVideoFrame(reference, f))).toEqual([
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
    const frames = [1, 2, 3, 4, 5, 6].map((frame) => ({ frame, image: image(frame) }));
    const out = await run(reference, frames);
    const lab = (f: number, ref: number) => matchColors(image(f), image(ref), 'Video Input');
    // Frame 1 stores itself; 2 matches it; 3 takes video frame 3 (image 103) and matches it; 4-5 keep it; 6
    // refreshes again.
    expect(out[0]?.data).toEqual(image(1).data);
    expect(out[1]?.data).toEqual((await lab(2, 1)).data);
    expect(out[2]?.data).toEqual((await lab(3, 103)).data);
    expect(out[3]?.data).toEqual((await lab(4, 103)).data);
    expect(out[4]?.data).toEqual((await lab(5, 103)).data);
    expect(out[5]?.data).toEqual((await lab(6, 106)).data);
  });

  it("'Video Input' without hybrid video is Lab matching against the stored first image", async () => {
    const reference = createColorReference({ ...VIDEO, hybridVideo: false });
    expect(needsVideoFrame(reference, 3)).toBe(false);
    const out = await run(reference, [
      { frame: 1, image: image(1) },
      { frame: 3, image: image(3) },
    ]);
    expect(out[1]?.data).toEqual((await matchColors(image(3), image(1), 'Match Frame 0 LAB')).data);
  });

  it('says what is wrong when the video frame is missing or not wanted, and rejects N < 1', async () => {
    await expect(applyColorCoherence(createColorReference(VIDEO), 3, image(3))).rejects.toThrow(/pass the extracted/);
    await expect(applyColorCoherence(createColorReference(LAB), 3, image(3), image(4))).rejects.toThrow(
      /pass no video frame/,
    );
    expect(() => createColorReference({ ...VIDEO, videoEveryNFrames: 0 })).toThrow(/≥ 1/);
  });
});
