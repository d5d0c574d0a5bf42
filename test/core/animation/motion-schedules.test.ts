import { describe, expect, it } from 'vitest';
import {
  expandMotion2d,
  expandMotion3d,
  type Motion2dSchedules,
  type Motion3dSchedules,
} from '../../../src/core/animation/motion-schedules.js';
import { DeforumError } from '../../../src/core/errors.js';

const STILL: Motion2dSchedules = {
  angle: '0:(0)',
  zoom: '0:(1)',
  translation_x: '0:(0)',
  translation_y: '0:(0)',
  flip_2d_perspective: false,
  perspective_flip_theta: '0:(0)',
  perspective_flip_phi: '0:(0)',
  perspective_flip_gamma: '0:(0)',
  perspective_flip_fv: '0:(53)',
};

describe('expandMotion2d', () => {
  it('reads each schedule at the frame asked for', () => {
    const motionAt = expandMotion2d(
      { ...STILL, angle: '0:(0), 4:(8)', zoom: '0:(1+t/100)', translation_y: '0:(t%3)' },
      6,
    );
    expect(motionAt(2)).toMatchObject({ angleDeg: 4, zoom: 1.02, translationY: 2 });
    expect(motionAt(5)).toMatchObject({ angleDeg: 8, zoom: 1.05, translationY: 2 });
  });

  it('expands the perspective-flip schedules only when the flip is on', () => {
    const broken = { ...STILL, perspective_flip_phi: '0:(t%15' };
    expect(expandMotion2d(broken, 3)(1).perspectiveFlipPhiDeg).toBe(0);
    expect(() => expandMotion2d({ ...broken, flip_2d_perspective: true }, 3)).toThrow(DeforumError);
    const flipped = expandMotion2d({ ...STILL, flip_2d_perspective: true, perspective_flip_phi: '0:(t%15)' }, 20);
    expect(flipped(16)).toMatchObject({ perspectiveFlipPhiDeg: 1, perspectiveFlipFovDeg: 53 });
  });

  it('refuses a value the warp cannot use', () => {
    expect(() => expandMotion2d({ ...STILL, zoom: '0:(1/t)' }, 3)).toThrow(/zoom: the value is infinite/);
  });
});

const STILL_3D: Motion3dSchedules = {
  translation_x: '0:(0)',
  translation_y: '0:(0)',
  translation_z: '0:(0)',
  rotation_3d_x: '0:(0)',
  rotation_3d_y: '0:(0)',
  rotation_3d_z: '0:(0)',
};

describe('expandMotion3d', () => {
  it('reads each 3D schedule at the frame asked for', () => {
    const motionAt = expandMotion3d(
      { ...STILL_3D, translation_z: '0:(10), 4:(2)', rotation_3d_y: '0:(t/2)', translation_x: '0:(-3)' },
      6,
    );
    expect(motionAt(2)).toEqual({
      translationX: -3,
      translationY: 0,
      translationZ: 6,
      rotation3dXDeg: 0,
      rotation3dYDeg: 1,
      rotation3dZDeg: 0,
    });
    expect(motionAt(5)).toMatchObject({ translationZ: 2, rotation3dYDeg: 2.5 });
  });

  it('refuses a value the warp cannot use, naming the setting', () => {
    expect(() => expandMotion3d({ ...STILL_3D, rotation_3d_x: '0:(1/t)' }, 3)).toThrow(
      /rotation_3d_x: the value is infinite/,
    );
  });
});
