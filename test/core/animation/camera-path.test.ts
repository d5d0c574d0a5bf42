import { describe, expect, it } from 'vitest';

import { cameraPathOf, prepareWarps, warpFrame } from '../../../src/core/animation/camera-path.js';
import { createRawImage } from '../../../src/core/image/raw-image.js';
import { warp2d } from '../../../src/core/image/warp-2d.js';
import { parseSettingsOrThrow } from '../../../src/core/settings/parse-settings.js';

function path2d(width: number, height: number) {
  const settings = parseSettingsOrThrow(
    { animation_mode: '2D', W: width, H: height, max_frames: 12, angle: '0:(t)', zoom: '0:(1+0.01*t)' },
    'test settings',
  );
  return cameraPathOf({ ...settings, animation_mode: '2D' });
}

describe('warpFrame in 2D', () => {
  it('warps as warp2d with the frame motion, with plans made ahead, kept, dropped and rebuilt', () => {
    // Cadence 1 keeps 4 plans: past them, the oldest are dropped and their buffers reused.
    const path = path2d(128, 64);
    if (path.mode !== '2D') throw new Error('2D expected');
    const image = createRawImage('u8', 128, 64, 3);
    for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 31 + (i >> 7) * 7) & 255;
    const bytes = (frame: number) =>
      Buffer.from(warp2d(image, { ...path.motionAt(frame), flip2dPerspective: false, border: path.border }).data);
    prepareWarps(path, [1, 2], 128, 64);
    for (const frame of [1, 2, 3, 4, 5, 6, 1]) {
      expect(Buffer.from(warpFrame(image, path, frame, null).data).equals(bytes(frame))).toBe(true);
    }
  });
});
