import { describe, expect, it } from 'vitest';
import { motionPreview } from '../../../src/core/animation/motion-preview.js';
import type { RawImage } from '../../../src/core/image/raw-image.js';
import { createRawImage } from '../../../src/core/image/raw-image.js';
import { sampleFromPixels, sampleToPixels } from '../../../src/core/image/frame-noise.js';
import { warp2d } from '../../../src/core/image/warp-2d.js';
import { warp3d } from '../../../src/core/image/warp-3d.js';
import { parseSettingsOrThrow } from '../../../src/core/settings/parse-settings.js';

function checker(): RawImage<'u8'> {
  const image = createRawImage('u8', 64, 64, 3);
  for (let i = 0; i < 64 * 64; i++)
    image.data.fill((((i % 64) >> 2) + (Math.floor(i / 64) >> 2)) % 2 ? 230 : 20, i * 3, i * 3 + 3);
  return image;
}

/** The loop carries frames as float16 samples: what a frame looks like after one pass through sample space. */
const throughSample = (image: RawImage<'u8'>): RawImage<'u8'> => sampleToPixels(sampleFromPixels(image));

async function frames(overrides: Record<string, unknown>): Promise<RawImage<'u8'>[]> {
  const settings = parseSettingsOrThrow(
    {
      W: 64,
      H: 64,
      seed: 1,
      max_frames: 3,
      color_coherence: 'None',
      noise_schedule: '0:(0.5)',
      translation_x: '0:(0)',
      translation_y: '0:(0)',
      rotation_3d_x: '0:(0)',
      rotation_3d_y: '0:(0)',
      ...overrides,
    },
    'preview test',
  );
  const out: RawImage<'u8'>[] = [];
  for await (const event of motionPreview({ settings, init: checker() })) {
    if (event.type === 'frame:done') out.push(event.image);
  }
  return out;
}

describe('motionPreview (the render loop without diffusion)', () => {
  it('2D: frame f is frame f − 1 warped by frame f’s motion, with no noise, contrast or sharpening', async () => {
    const got = await frames({
      animation_mode: '2D',
      angle: '0:(t*2)',
      zoom: '0:(1.05)',
      contrast_schedule: '0:(0.5)',
    });
    const params = (frame: number) => ({
      angleDeg: frame * 2,
      zoom: 1.05,
      translationX: 0,
      translationY: 0,
      perspectiveFlipThetaDeg: 0,
      perspectiveFlipPhiDeg: 0,
      perspectiveFlipGammaDeg: 0,
      perspectiveFlipFovDeg: 53,
      flip2dPerspective: false,
      border: 'replicate' as const,
    });
    const first = throughSample(checker());
    const second = throughSample(warp2d(first, params(1)));
    const third = throughSample(warp2d(second, params(2)));
    expect(got.map((f) => Buffer.from(f.data))).toEqual([first, second, third].map((f) => Buffer.from(f.data)));
  });

  it('3D without a depth model warps a flat scene at z = 1', async () => {
    const got = await frames({ animation_mode: '3D', translation_z: '0:(10)', rotation_3d_z: '0:(2)' });
    const options = {
      nearPlane: 200,
      farPlane: 10000,
      fovDeg: 40,
      paddingMode: 'border',
      samplingMode: 'bicubic',
    } as const;
    const motion = {
      translationX: 0,
      translationY: 0,
      translationZ: 10,
      rotation3dXDeg: 0,
      rotation3dYDeg: 0,
      rotation3dZDeg: 2,
    };
    const first = throughSample(checker());
    const second = throughSample(warp3d(first, null, { ...motion, ...options }));
    expect(Buffer.from(got[1]?.data ?? [])).toEqual(Buffer.from(second.data));
  });

  it('with cadence writes every frame once, in order', async () => {
    expect(await frames({ animation_mode: '2D', max_frames: 5, diffusion_cadence: '2' })).toHaveLength(5);
  });
});
