import { describe, expect, it } from 'vitest';
import { MODAL_FIELD_SETTINGS, parseOverrideLines } from '../../../src/bot/request/index.js';

describe('parseOverrideLines', () => {
  it.each([
    ['a number', 'W = 576', { W: 576 }],
    ['a boolean', 'use_depth_warping = false', { use_depth_warping: false }],
    ['a JSON string', 'sampler = "euler"', { sampler: 'euler' }],
    ['a bare word', 'sampler = euler', { sampler: 'euler' }],
    ['a schedule, kept as text', 'zoom = 0:(1.02), 30:(1.0)', { zoom: '0:(1.02), 30:(1.0)' }],
    ['an expression schedule with = in it', 'angle = 0:(t%15 == 0)', { angle: '0:(t%15 == 0)' }],
    ['an array', 'grad_inject_timing = [1, 2]', { grad_inject_timing: [1, 2] }],
    ['null', 'dynamic_threshold = null', { dynamic_threshold: null }],
    ['comments and blank lines', '# camera\n\n  # more\nW = 512\r\nH = 768', { W: 512, H: 768 }],
    ['nothing', '', {}],
  ])('reads %s', (_, text, values) => {
    expect(parseOverrideLines(text)).toEqual({ ok: true, values });
  });

  it('reports every bad line at once, with the line, the right form and a suggestion', () => {
    expect(
      parseOverrideLines('W = 512\nstregth = 0.5\njust words\n= 3\nmask_file = https://x.example/m.png\nseed = 5', {
        setElsewhere: MODAL_FIELD_SETTINGS,
      }),
    ).toEqual({
      ok: false,
      problems: [
        { field: 'overrides', message: 'stregth is not a Deforum setting. Did you mean `strength`?' },
        {
          field: 'overrides',
          message: 'Line 3 `just words` is not `setting = value`. Write it like `zoom = 0:(1.02)`.',
        },
        { field: 'overrides', message: 'Line 4 `= 3` is not `setting = value`. Write it like `zoom = 0:(1.02)`.' },
        { field: 'overrides', message: expect.stringContaining('mask_file names a file on the server or a URL') },
        { field: 'overrides', message: 'seed is set in the Seed field, not in Overrides. Remove the `seed` line.' },
      ],
    });
  });

  it('refuses the settings set elsewhere only when asked to, so a preset may set its length, seed and prompts', () => {
    const text = 'max_frames = 48\nseed = 7\nprompts = {"0": "a fox"}\nneg_prompts = {"0": "blurry"}';
    expect(parseOverrideLines(text)).toEqual({
      ok: true,
      values: { max_frames: 48, seed: 7, prompts: { '0': 'a fox' }, neg_prompts: { '0': 'blurry' } },
    });
    expect(parseOverrideLines(text, { setElsewhere: MODAL_FIELD_SETTINGS })).toEqual({
      ok: false,
      problems: [
        {
          field: 'overrides',
          message: 'max_frames is set in the Max frames field, not in Overrides. Remove the `max_frames` line.',
        },
        { field: 'overrides', message: 'seed is set in the Seed field, not in Overrides. Remove the `seed` line.' },
        { field: 'overrides', message: expect.stringContaining('prompts is set in the Prompts field') },
        { field: 'overrides', message: expect.stringContaining('neg_prompts is set in the Prompts field') },
      ],
    });
  });

  it('names an unknown key with no close setting without a suggestion', () => {
    expect(parseOverrideLines('qqqqqqqqqq = 1')).toEqual({
      ok: false,
      problems: [
        { field: 'overrides', message: 'qqqqqqqqqq is not a Deforum setting. Check its spelling or remove the line.' },
      ],
    });
  });
});
