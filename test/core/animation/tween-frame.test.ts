import { describe, expect, it } from 'vitest';

import { advanceTween } from '../../../src/core/animation/tween-frame.js';
import { planRender } from '../../../src/core/animation/render-plan.js';
import { checkRenderable } from '../../../src/core/animation/render-support.js';
import { grayscaleCv2OnRgb } from '../../../src/core/image/grayscale.js';
import { rawImageFrom } from '../../../src/core/image/raw-image.js';
import { parseSettingsOrThrow } from '../../../src/core/settings/parse-settings.js';

const f32 = Math.fround;
const camera = planRender(
  checkRenderable(
    parseSettingsOrThrow({ animation_mode: '2D', W: 64, H: 64, seed: 1, max_frames: 4 }, 'test settings'),
  ),
).camera;
// Values on a fine grid across 0…255 and a little beyond, so truncation and clipping both show.
const image = (offset: number) =>
  rawImageFrom(
    'f32',
    64,
    64,
    3,
    Float32Array.from({ length: 64 * 64 * 3 }, (_, i) => ((i * 0.37 + offset) % 270) - 5),
  );

describe('advanceTween', () => {
  const older = image(0);
  const newer = image(101.3);
  const step = {
    kind: 'tween',
    frame: 2,
    next: 3,
    prev: 0,
    weightNext: 1 / 3,
    warpPrev: false,
    warpNext: false,
  } as const;

  it("cross-fades in float32 as numpy does and truncates to 8 bits (the frame's bytes)", async () => {
    const tween = await advanceTween({
      step,
      next: newer,
      camera,
      depthModel: null,
      forceGrayscale: false,
      hybrid: null,
      overlay: null,
    });
    const weightPrev = f32(1 - step.weightNext);
    const weightNext = f32(step.weightNext);
    const expected = older.data.map((a, i) => {
      const v = f32(f32(a * weightPrev) + f32((newer.data[i] as number) * weightNext));
      return v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
    });
    expect(Array.from(tween.frameWith(older).data)).toEqual(Array.from(expected));
  });

  it('grayscales the float cross-fade before truncating when forced', async () => {
    const tween = await advanceTween({
      step,
      next: newer,
      camera,
      depthModel: null,
      forceGrayscale: true,
      hybrid: null,
      overlay: null,
    });
    const weightPrev = f32(1 - step.weightNext);
    const weightNext = f32(step.weightNext);
    const blend = older.data.map((a, i) => f32(f32(a * weightPrev) + f32((newer.data[i] as number) * weightNext)));
    const gray = grayscaleCv2OnRgb(rawImageFrom('f32', 64, 64, 3, blend)).data;
    expect(Array.from(tween.frameWith(older).data)).toEqual(
      Array.from(gray, (v) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v))),
    );
  });
});
