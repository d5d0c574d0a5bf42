import { describe, expect, it } from 'vitest';
import { planCadence, type CadenceStep, type TweenStep } from '../../../src/core/animation/cadence.js';
import { DeforumError } from '../../../src/core/errors.js';

const written = (steps: readonly CadenceStep[]): number[] =>
  steps.filter((s) => s.kind === 'tween' || s.writes).map((s) => s.frame);
const diffused = (steps: readonly CadenceStep[]): number[] =>
  steps.filter((s) => s.kind === 'diffuse').map((s) => s.frame);
const tweens = (steps: readonly CadenceStep[]): TweenStep[] => steps.filter((s): s is TweenStep => s.kind === 'tween');

/** One line per step: `d3<0` diffuses 3 from D0; `t4=D0*.33+D3*.67` writes frame 4 (warped images: `~`). */
function describePlan(steps: readonly CadenceStep[]): string[] {
  return steps.map((s) => {
    if (s.kind === 'diffuse') return `d${s.frame}<${s.initFrom ?? '-'}${s.writes ? ' write' : ''}`;
    const next = `${s.warpNext ? '~' : ''}D${s.next}`;
    if (s.prev === null) return `t${s.frame}=${next}${s.warpPrev ? ' (~prev)' : ''}`;
    const w = s.weightNext.toFixed(2).replace(/^0/, '');
    const wp = (1 - s.weightNext).toFixed(2).replace(/^0/, '');
    return `t${s.frame}=${s.warpPrev ? '~' : ''}D${s.prev}*${wp}+${next}*${w}`;
  });
}

describe('planCadence', () => {
  it('N=10, c=3: the spec §9.2 example, plus the final block for 9 (item 22)', () => {
    expect(describePlan(planCadence(10, 3))).toEqual([
      'd0<-',
      't0=D0',
      't1=~D0',
      't2=~D0',
      'd3<0',
      't3=~D0*.67+D3*.33',
      't4=~D0*.33+~D3*.67',
      't5=~D3 (~prev)',
      'd6<3',
      't6=~D3*.67+D6*.33',
      't7=~D3*.33+~D6*.67',
      't8=~D6 (~prev)',
      'd9<6',
      // The fix: the next pass of the original, cut at N, shows D9 at its own index with weight 1/c.
      't9=~D6*.67+D9*.33',
    ]);
  });

  it('N=9, c=3: the original writes 0–5 only; we also write 6–8 from D6 over D3', () => {
    const steps = planCadence(9, 3);
    expect(diffused(steps)).toEqual([0, 3, 6]);
    expect(written(steps)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(describePlan(steps).slice(-3)).toEqual(['t6=~D3*.67+D6*.33', 't7=~D3*.33+~D6*.67', 't8=~D6 (~prev)']);
  });

  it('cadence 1 diffuses and writes every frame, each from the previous one', () => {
    expect(describePlan(planCadence(4, 1))).toEqual(['d0<- write', 'd1<0 write', 'd2<1 write', 'd3<2 write']);
  });

  it.each<[number, number, string[]]>([
    [1, 4, ['d0<-', 't0=D0']],
    [3, 4, ['d0<-', 't0=D0', 't1=~D0', 't2=~D0']],
    [4, 4, ['d0<-', 't0=D0', 't1=~D0', 't2=~D0', 't3=~D0']],
    [5, 4, ['d0<-', 't0=D0', 't1=~D0', 't2=~D0', 't3=~D0', 'd4<0', 't4=~D0*.75+D4*.25']],
    [2, 2, ['d0<-', 't0=D0', 't1=~D0']],
    [3, 2, ['d0<-', 't0=D0', 't1=~D0', 'd2<0', 't2=~D0*.50+D2*.50']],
  ])('N=%i, c=%i (short animations)', (n, c, expected) => {
    expect(describePlan(planCadence(n, c))).toEqual(expected);
  });

  it('plans nothing for zero frames', () => {
    expect(planCadence(0, 3)).toEqual([]);
  });

  const sizes = [1, 2, 3, 5, 7, 8, 9, 10, 16, 17, 20, 33];
  const cases = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((c) => [...new Set([...sizes, c, c + 1])].map((n) => [n, c] as const));

  it.each(cases)('N=%i, c=%i: every frame written once, in order, with coherent steps', (n, c) => {
    const steps = planCadence(n, c);
    expect(written(steps)).toEqual(Array.from({ length: n }, (_, i) => i));

    const expectedDiffused = Array.from({ length: Math.ceil(n / c) }, (_, i) => i * c);
    expect(diffused(steps)).toEqual(expectedDiffused);

    const diffusedSoFar = new Set<number>();
    for (const s of steps) {
      if (s.kind === 'diffuse') {
        expect(s.initFrom).toBe(s.frame === 0 ? null : s.frame - c);
        diffusedSoFar.add(s.frame);
        continue;
      }
      // A tween only shows images already diffused, newer one last, aligned to its own frame.
      expect(diffusedSoFar.has(s.next)).toBe(true);
      expect(s.next).toBeLessThanOrEqual(s.frame);
      expect(s.frame - s.next).toBeLessThan(c);
      expect(s.weightNext).toBeGreaterThan(0);
      expect(s.weightNext).toBeLessThanOrEqual(1);
      expect(s.warpNext).toBe(s.frame > s.next);
      if (s.prev === null) {
        expect(s.weightNext === 1 || s.next === 0).toBe(true);
      } else {
        expect(s.prev).toBe(s.next - c);
        expect(s.weightNext).toBe((s.frame - s.next + 1) / c);
        expect(s.weightNext).toBeLessThan(1);
      }
    }
    // The last frame of every block shows the newer image alone: weight 1 one frame before the next diffusion (item 24).
    for (const s of tweens(steps)) {
      if ((s.frame + 1) % c === 0) expect(s.weightNext).toBe(1);
    }
  });

  it.each<[number, number, string]>([
    [-1, 2, 'max_frames'],
    [2.5, 2, 'max_frames'],
    [10, 0, 'diffusion_cadence'],
    [10, 1.5, 'diffusion_cadence'],
  ])('rejects N=%s, c=%s naming %s', (n, c, setting) => {
    const error = ((): unknown => {
      try {
        planCadence(n, c);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DeforumError);
    expect((error as DeforumError).details).toMatchObject({ code: 'settings_invalid', issues: [{ setting }] });
  });
});
