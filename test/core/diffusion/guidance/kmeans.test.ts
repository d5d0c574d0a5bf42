import { describe, expect, it } from 'vitest';
import { colorDistanceTargets } from '../../../../src/core/diffusion/guidance/color-match-loss.js';
import { kmeansPalette } from '../../../../src/core/diffusion/guidance/kmeans.js';

/** Three tight clusters of 50, 30 and 20 pixels around known colours. */
function clustered(): Float64Array {
  const centres = [
    [0.8, -0.2, 0.1],
    [-0.6, 0.5, -0.4],
    [0.1, 0.1, 0.9],
  ];
  const sizes = [50, 30, 20];
  const out: number[] = [];
  let state = 9;
  const jitter = () => ((state = (state * 48271) % 2147483647) / 2147483647 - 0.5) * 0.02;
  centres.forEach((c, j) => {
    for (let i = 0; i < (sizes[j] ?? 0); i++) out.push(...c.map((v) => v + jitter()));
  });
  return Float64Array.from(out);
}

describe('kmeansPalette', () => {
  it('finds the clusters and their pixel counts', () => {
    const { colors, counts } = kmeansPalette(clustered(), 3);
    const found = colors.map((c, j) => ({ c, n: counts[j] })).sort((a, b) => (b.n ?? 0) - (a.n ?? 0));
    expect(found.map((f) => f.n)).toEqual([50, 30, 20]);
    expect(found[0]?.c[0]).toBeCloseTo(0.8, 1);
    expect(found[1]?.c[1]).toBeCloseTo(0.5, 1);
    expect(found[2]?.c[2]).toBeCloseTo(0.9, 1);
  });

  it('is deterministic (random state 0) and depends on the seed only through the initialisation', () => {
    const pixels = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i * 12.9898) * 0.9);
    expect(kmeansPalette(pixels, 4)).toEqual(kmeansPalette(pixels, 4));
  });

  it('builds the target distance distributions with int(n·P/Σn) copies, sorted, zeros for the rest', () => {
    const targets = colorDistanceTargets(
      {
        colors: [
          [0, 0, 0],
          [0.3, 0.4, 0],
        ],
        counts: [1, 2],
      },
      4,
    );
    // counts → int(1·4/3) = 1 and int(2·4/3) = 2: one slot left at 0.
    expect([...(targets[0] ?? [])]).toEqual([0, 0, Math.fround(0.5), Math.fround(0.5)]);
    expect([...(targets[1] ?? [])]).toEqual([0, 0, 0, Math.fround(0.5)]);
  });
});
