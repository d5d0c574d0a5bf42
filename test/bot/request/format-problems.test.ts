import { describe, expect, it } from 'vitest';
import { formatProblems, type RequestProblem } from '../../../src/bot/request/index.js';

describe('formatProblems', () => {
  it('groups problems by field in the order of the modal', () => {
    const text = formatProblems([
      { field: 'seed', message: 'Seed is bad.' },
      { field: 'prompts', message: 'Line 1 is bad.' },
      { field: 'overrides', message: 'zoomm is not a setting.' },
      { field: 'prompts', message: 'Line 2 is bad.' },
    ]);
    expect(text).toBe(
      [
        'Your request has 4 problems. Fix them and submit again.',
        '**Prompts**',
        '• Line 1 is bad.',
        '• Line 2 is bad.',
        '**Overrides**',
        '• zoomm is not a setting.',
        '**Seed**',
        '• Seed is bad.',
      ].join('\n'),
    );
  });

  it('shows a refusal of the whole request first, under its own heading', () => {
    const text = formatProblems([
      { field: 'max_frames', message: 'Too long.' },
      { field: 'request', message: 'You have 3 jobs queued or rendering.' },
    ]);
    expect(text).toBe(
      [
        'Your request has 2 problems. Fix them and submit again.',
        '**Your request**',
        '• You have 3 jobs queued or rendering.',
        '**Max frames**',
        '• Too long.',
      ].join('\n'),
    );
  });

  it('says "problem" for one', () => {
    expect(formatProblems([{ field: 'video', message: 'No videos.' }])).toBe(
      'Your request has 1 problem. Fix it and submit again.\n**Video**\n• No videos.',
    );
  });

  it.each([50, 200])('stays within 2000 characters with %i long problems and says how many were left out', (count) => {
    const problems: RequestProblem[] = Array.from({ length: count }, (_, i) => ({
      field: i % 2 === 0 ? 'overrides' : 'prompts',
      message: `Problem ${i}: ${'x'.repeat(600)}`,
    }));
    const text = formatProblems(problems);
    expect(text.length).toBeLessThanOrEqual(2000);
    const shown = text.split('\n').filter((line) => line.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(0);
    expect(
      text.endsWith(`…and ${count - shown} more problems not shown; fix these and submit again to see them.`),
    ).toBe(true);
    expect(text).toContain('…');
  });

  it('shows every problem when they fit', () => {
    const problems = Array.from({ length: 10 }, (_, i) => ({
      field: 'prompts' as const,
      message: `Line ${i} is bad.`,
    }));
    const text = formatProblems(problems);
    expect(text).not.toContain('not shown');
    expect(text.split('\n').filter((line) => line.startsWith('• '))).toHaveLength(10);
  });
});
