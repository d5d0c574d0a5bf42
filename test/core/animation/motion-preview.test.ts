import { describe, expect, it } from 'vitest';

import { motionPreview, type PreviewFrame, type PreviewMotion } from '../../../src/core/animation/motion-preview.js';
import { createRawImage, type RawImage } from '../../../src/core/image/raw-image.js';
import { warp2d, type Motion2d } from '../../../src/core/image/warp-2d.js';
import { warp3d, type Motion3d } from '../../../src/core/image/warp-3d.js';

function motionAt(frame: number): Motion2d {
  return {
    angleDeg: frame * 2,
    zoom: 1 + frame * 0.01,
    translationX: frame,
    translationY: -frame / 2,
    perspectiveFlipThetaDeg: 0,
    perspectiveFlipPhiDeg: 0,
    perspectiveFlipGammaDeg: 0,
    perspectiveFlipFovDeg: 53,
  };
}

function checker(): RawImage<'u8'> {
  const image = createRawImage('u8', 32, 24, 3);
  for (let i = 0; i < 32 * 24; i++)
    image.data.fill((((i % 32) >> 2) + (Math.floor(i / 32) >> 2)) % 2 ? 230 : 20, i * 3, i * 3 + 3);
  return image;
}

async function collect<F extends 'u8' | 'f32'>(frames: AsyncIterable<PreviewFrame<F>>): Promise<PreviewFrame<F>[]> {
  const out: PreviewFrame<F>[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

describe('motionPreview', () => {
  const base = {
    frameCount: 4,
    motion: { mode: '2D', border: 'replicate', flip2dPerspective: false, motionAt } satisfies PreviewMotion,
  };

  it('starts with the init and warps each frame from the previous one with that frame’s motion', async () => {
    const init = checker();
    const frames = await collect(motionPreview({ ...base, init }));
    expect(frames.map((f) => f.frame)).toEqual([0, 1, 2, 3]);
    expect(frames[0]?.image).toBe(init);
    const options = { flip2dPerspective: false, border: 'replicate' as const };
    const first = warp2d(init, { ...motionAt(1), ...options });
    const second = warp2d(first, { ...motionAt(2), ...options });
    expect(frames[1]?.image.data).toEqual(first.data);
    expect(frames[2]?.image.data).toEqual(second.data);
    // Incremental, not absolute: one warp with frame 2's motion would differ.
    expect(frames[2]?.image.data).not.toEqual(warp2d(init, { ...motionAt(2), ...options }).data);
  });

  it('warps 3D frames with the 3D warp and no depth (z = 1), each from the previous frame', async () => {
    const init = checker();
    const motion3dAt = (frame: number): Motion3d => ({
      translationX: frame,
      translationY: 0,
      translationZ: 10,
      rotation3dXDeg: 0,
      rotation3dYDeg: 0,
      rotation3dZDeg: frame,
    });
    const options = {
      nearPlane: 200,
      farPlane: 10000,
      fovDeg: 40,
      paddingMode: 'border',
      samplingMode: 'bicubic',
    } as const;
    const frames = await collect(
      motionPreview({ init, frameCount: 3, motion: { mode: '3D', options, motionAt: motion3dAt } }),
    );
    const first = warp3d(init, null, { ...motion3dAt(1), ...options });
    const second = warp3d(first, null, { ...motion3dAt(2), ...options });
    expect(frames[0]?.image).toBe(init);
    expect(frames[1]?.image.data).toEqual(first.data);
    expect(frames[2]?.image.data).toEqual(second.data);
    expect(frames[1]?.image.data).not.toEqual(init.data);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = async (): Promise<void> => {
      for await (const { frame } of motionPreview({
        ...base,
        frameCount: 100,
        init: checker(),
        signal: controller.signal,
      })) {
        seen.push(frame);
        if (frame === 1) controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([0, 1]);
  });
});
