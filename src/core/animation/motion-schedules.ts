/**
 * The camera path of a render: the motion schedules expanded once to per-frame values, read as `Motion2d` or
 * `Motion3d`. Only the schedules the mode's warp reads are expanded (in 2D the perspective-flip ones only when the
 * flip is on), so a broken schedule of an unused feature cannot stop a preview (spec §24 item 5, F).
 */
import type { Motion2d } from '../image/warp-2d.js';
import type { Motion3d } from '../image/warp-3d.js';
import { expandFiniteSchedule } from '../schedule/expand-finite.js';

export interface Motion2dSchedules {
  angle: string;
  zoom: string;
  translation_x: string;
  translation_y: string;
  flip_2d_perspective: boolean;
  perspective_flip_theta: string;
  perspective_flip_phi: string;
  perspective_flip_gamma: string;
  perspective_flip_fv: string;
}

export interface Motion3dSchedules {
  translation_x: string;
  translation_y: string;
  translation_z: string;
  rotation_3d_x: string;
  rotation_3d_y: string;
  rotation_3d_z: string;
}

/** Expands a schedule setting to one value per frame, or zeros when the warp does not read it. */
function scheduleExpander<S>(
  schedules: S,
  frameCount: number,
): (setting: keyof S & string, use?: boolean) => Float64Array {
  return (setting: keyof S & string, use = true): Float64Array =>
    use ? expandFiniteSchedule(String(schedules[setting]), frameCount, { setting }) : new Float64Array(frameCount);
}

export function expandMotion2d(schedules: Motion2dSchedules, frameCount: number): (frame: number) => Motion2d {
  const expand = scheduleExpander(schedules, frameCount);
  const flip = schedules.flip_2d_perspective;
  const angle = expand('angle');
  const zoom = expand('zoom');
  const translationX = expand('translation_x');
  const translationY = expand('translation_y');
  const theta = expand('perspective_flip_theta', flip);
  const phi = expand('perspective_flip_phi', flip);
  const gamma = expand('perspective_flip_gamma', flip);
  const fov = expand('perspective_flip_fv', flip);
  return (frame) => ({
    angleDeg: angle[frame] ?? 0,
    zoom: zoom[frame] ?? 1,
    translationX: translationX[frame] ?? 0,
    translationY: translationY[frame] ?? 0,
    perspectiveFlipThetaDeg: theta[frame] ?? 0,
    perspectiveFlipPhiDeg: phi[frame] ?? 0,
    perspectiveFlipGammaDeg: gamma[frame] ?? 0,
    perspectiveFlipFovDeg: fov[frame] ?? 0,
  });
}

export function expandMotion3d(schedules: Motion3dSchedules, frameCount: number): (frame: number) => Motion3d {
  const expand = scheduleExpander(schedules, frameCount);
  const translationX = expand('translation_x');
  const translationY = expand('translation_y');
  const translationZ = expand('translation_z');
  const rotationX = expand('rotation_3d_x');
  const rotationY = expand('rotation_3d_y');
  const rotationZ = expand('rotation_3d_z');
  return (frame) => ({
    translationX: translationX[frame] ?? 0,
    translationY: translationY[frame] ?? 0,
    translationZ: translationZ[frame] ?? 0,
    rotation3dXDeg: rotationX[frame] ?? 0,
    rotation3dYDeg: rotationY[frame] ?? 0,
    rotation3dZDeg: rotationZ[frame] ?? 0,
  });
}
