// Golden parity for cadence.json (max_frames 20, cadence 1..8). Tolerance: exact, weights included (the README
// allows 1e-12; the plan computes them with the original's expressions, so they are equal).
// The original never writes its last cadence block (spec §24 item 22, fixed here): with cadence c > 1 the frames
// from k = c·floor((N − 1)/c), the last diffused frame, to N − 1 are missing. Those frames are set aside by that
// rule on the inputs (checked against frames_never_written), everything the original does is compared exactly,
// and the set-aside frames are checked against our fix: one final tween pass over k … N − 1.
import { describe, expect, it } from 'vitest';
import { droppedByOriginal } from '../support/cadence-set-aside.js';
import { planCadence, type CadenceStep, type TweenStep } from '../../src/core/animation/cadence.js';
import { readGoldenJson } from '../support/golden.js';

interface GoldenTween {
  tween_frame_idx: number;
  tween: number;
  advance_prev: boolean;
  advance_next: boolean;
  prev: string | null;
  prev_weight: number;
  next: string;
  next_weight: number;
  prev_warped_through: number[] | null;
  next_warped_through: number[];
}

interface CadenceCase {
  max_frames: number;
  cadence: number;
  diffused_frames: number[];
  frames_written_in_order: number[];
  frames_never_written: number[];
  iterations: { frame_idx: number; tweens: GoldenTween[]; init_from: string | null; diffused: boolean }[];
  real_loop_check: { diffused_frames: number[]; frames_written: number[]; warp_calls: [number, string][] };
}

const golden = readGoldenJson<{ cases: CadenceCase[] }>('cadence.json');

const label = (frame: number | null): string | null => (frame === null ? null : `D${frame}`);
const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

function writtenFrames(steps: readonly CadenceStep[]): number[] {
  return steps.filter((s) => s.kind === 'tween' || s.writes).map((s) => s.frame);
}

/** The warp calls of the real loop: a tween warps each advancing image, a diffusion warps its init (a tensor). */
function warpCalls(steps: readonly CadenceStep[]): [number, string][] {
  return steps.flatMap((s): [number, string][] =>
    s.kind === 'diffuse'
      ? s.initFrom === null
        ? []
        : [[s.frame, 'tensor']]
      : [
          ...(s.warpPrev ? [[s.frame, 'ndarray'] as [number, string]] : []),
          ...(s.warpNext ? [[s.frame, 'ndarray'] as [number, string]] : []),
        ],
  );
}

let setAsideCases = 0;
let setAsideFrames = 0;

describe('golden cadence.json', () => {
  it.each(golden.cases.map((c) => [`N=${c.max_frames} cadence=${c.cadence}`, c] as const))('%s', (_name, c) => {
    const { max_frames: n, cadence } = c;
    const dropped = droppedByOriginal(n, cadence);
    expect(dropped, 'the set-aside rule names exactly the frames the original drops').toEqual(c.frames_never_written);
    if (dropped.length > 0) setAsideCases++;
    setAsideFrames += dropped.length;

    const steps = planCadence(n, cadence);
    const firstDropped = dropped[0] ?? n;
    const isFix = (s: CadenceStep): boolean => s.kind === 'tween' && s.frame >= firstDropped;
    const original = steps.filter((s) => !isFix(s));
    const fix = steps.filter(isFix) as TweenStep[];

    // What the original does, exactly.
    const diffusions = original.filter((s) => s.kind === 'diffuse');
    expect(diffusions.map((s) => s.frame)).toEqual(c.diffused_frames);
    expect(diffusions.map((s) => s.frame)).toEqual(c.real_loop_check.diffused_frames);
    expect(writtenFrames(original)).toEqual(c.frames_written_in_order);
    expect(writtenFrames(original)).toEqual(c.real_loop_check.frames_written);
    expect(warpCalls(original)).toEqual(c.real_loop_check.warp_calls);

    const iterations = c.iterations.map((it, i) => {
      const diffuse = diffusions[i];
      const tweenFrames = it.tweens.map((t) => t.tween_frame_idx);
      return {
        it,
        diffuse,
        tweens: original.filter((s): s is TweenStep => s.kind === 'tween' && tweenFrames.includes(s.frame)),
      };
    });
    expect(iterations).toHaveLength(diffusions.length);
    for (const { it, diffuse, tweens } of iterations) {
      expect(diffuse?.frame).toBe(it.frame_idx);
      expect(label(diffuse?.initFrom ?? null), `init of frame ${it.frame_idx}`).toBe(it.init_from);
      expect(tweens).toHaveLength(it.tweens.length);
      it.tweens.forEach((g, i) => {
        const s = tweens[i];
        const where = `cadence ${cadence}, tween frame ${g.tween_frame_idx}`;
        expect(s?.frame, where).toBe(g.tween_frame_idx);
        if (s === undefined) return;
        expect(label(s.next), where).toBe(g.next);
        expect(label(s.prev), where).toBe(g.prev);
        expect(s.warpPrev, where).toBe(g.advance_prev);
        expect(s.warpNext, where).toBe(g.advance_next);
        // Same IEEE expressions as the original ((t − s + 1)/(f − s) and 1 − tween), so the weights match bit for bit.
        expect(s.weightNext, where).toBe(g.next_weight);
        expect(s.prev === null ? 0 : 1 - s.weightNext, where).toBe(g.prev_weight);
        if (s.prev !== null) {
          expect(s.weightNext, where).toBe(g.tween);
          expect(range(s.prev + 1, s.frame), where).toEqual(g.prev_warped_through);
        }
        expect(range(s.next + 1, s.frame), where).toEqual(g.next_warped_through);
      });
    }

    // The fix for the set-aside frames: written once each, in order, after the last diffusion, blending the last two
    // diffused frames with the same weights the original's next pass would have used.
    expect(fix.map((s) => s.frame)).toEqual(dropped);
    expect(writtenFrames(steps)).toEqual(range(0, n - 1));
    const last = c.diffused_frames.at(-1) ?? 0;
    for (const s of fix) {
      expect(s.next).toBe(last);
      expect(s.weightNext).toBeCloseTo((s.frame - last + 1) / cadence, 12);
      expect(s.prev).toBe(s.weightNext < 1 && last > 0 ? last - cadence : null);
    }
    expect(steps.at(-1)?.kind).toBe(cadence === 1 ? 'diffuse' : 'tween');
  });

  it('reports the set-aside cases', () => {
    console.log(
      `cadence.json: ${setAsideCases} of ${golden.cases.length} cases set aside ${setAsideFrames} frames the original never writes (item 22)`,
    );
    expect(setAsideCases).toBe(golden.cases.filter((c) => c.frames_never_written.length > 0).length);
  });
});
