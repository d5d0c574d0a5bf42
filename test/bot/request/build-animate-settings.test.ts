import { describe, expect, it } from 'vitest';
import {
  buildAnimateSettings,
  type AnimateFields,
  type AnimateInput,
  type RequestProblem,
} from '../../../src/bot/request/index.js';
import { findPreset, listPresets } from '../../../src/core/settings/presets.js';
import { DEFAULT_JOB_STORE_CONFIG } from '../../../src/jobs/store-config.js';

const BASE = {
  animation_mode: '2D',
  max_frames: 60,
  W: 512,
  H: 512,
  steps: 20,
  seed: -1,
  zoom: '0:(1.02)',
  strength_schedule: '0:(0.6)',
  prompts: { '0': 'a quiet village' },
  neg_prompts: { '0': 'text' },
};

const EMPTY: AnimateFields = { prompts: '', negative: '', overrides: '', max_frames: '', seed: '' };

function input(fields: Partial<AnimateFields>, more: Partial<AnimateInput> = {}): AnimateInput {
  return {
    base: BASE,
    fields: { ...EMPTY, ...fields },
    limits: DEFAULT_JOB_STORE_CONFIG.serverDefaults,
    blockedTerms: ['gore', 'red fox'],
    attachments: { init: false, mask: false, video: false },
    ...more,
  };
}

function problemsOf(fields: Partial<AnimateFields>, more: Partial<AnimateInput> = {}): RequestProblem[] {
  const result = buildAnimateSettings(input(fields, more));
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

function settingsOf(fields: Partial<AnimateFields>, more: Partial<AnimateInput> = {}) {
  const result = buildAnimateSettings(input(fields, more));
  if (!result.ok) throw new Error(`expected settings, got ${JSON.stringify(result.problems)}`);
  return result;
}

describe('buildAnimateSettings', () => {
  it('turns good fields into the exact settings: prompts keyed by frame, negative applied, schedules kept as text', () => {
    const result = settingsOf({
      prompts: '0: a lighthouse at dawn | fog\n\n 30 : a lighthouse at night\n45:a storm --neg calm sea',
      negative: 'blurry, watermark',
      overrides:
        '# camera\nzoom = 0:(1.02), 30:(1.0)\nW = 576\nsampler = "dpmpp_2m"\nstrength_schedule = 0: (0.55)\nuse_depth_warping = false',
      max_frames: '48',
      seed: '1234',
    });
    expect(result.settings.prompts).toEqual({
      '0': 'a lighthouse at dawn',
      '30': 'a lighthouse at night',
      '45': 'a storm',
    });
    expect(result.settings.neg_prompts).toEqual({
      '0': 'fog, blurry, watermark',
      '30': 'blurry, watermark',
      '45': 'calm sea, blurry, watermark',
    });
    expect(result.settings).toMatchObject({
      zoom: '0:(1.02), 30:(1.0)',
      strength_schedule: '0: (0.55)',
      W: 576,
      H: 512,
      sampler: 'dpmpp_2m',
      max_frames: 48,
      seed: 1234,
      animation_mode: '2D',
      use_init: false,
    });
    expect(result.overrides).toEqual({
      zoom: '0:(1.02), 30:(1.0)',
      W: 576,
      sampler: 'dpmpp_2m',
      strength_schedule: '0: (0.55)',
      use_depth_warping: false,
    });
    expect(result.warnings).toEqual([]);
  });

  it("keeps the base's prompts when the Prompts field is empty, adding the Negative field to every frame", () => {
    const result = settingsOf({ negative: 'blurry' });
    expect(result.settings.prompts).toEqual({ '0': 'a quiet village' });
    expect(result.settings.neg_prompts).toEqual({ '0': 'text, blurry' });
    expect(result.settings.max_frames).toBe(60);
    expect(result.settings.seed).toBe(-1);
  });

  it('warns about a key frame past the end and about a size the render rounds down', () => {
    const result = settingsOf({ prompts: '0: a cat\n90: a dog', overrides: 'W = 500', max_frames: '60' });
    expect(result.warnings).toEqual([
      'The prompt for frame 90 is never shown: the animation has 60 frames (0–59).',
      'W 500 is not a multiple of 64; the render uses 448',
    ]);
  });

  it('reports every kind of bad input at once, each on the field to fix', () => {
    const problems = problemsOf({
      prompts: '0: a cat\na dog without a frame\n0: a second frame zero\n10: a red  Fox in gore',
      overrides: [
        'zoomm = 0:(1.1)',
        'init_image = /etc/passwd',
        'W = 2048',
        'not a line',
        'bit_depth_output = 16',
        'color_force_grayscale = true',
      ].join('\n'),
      max_frames: 'ten',
      seed: '-7',
    });
    expect(problems).toEqual([
      { field: 'overrides', message: 'zoomm is not a Deforum setting. Did you mean `zoom`?' },
      {
        field: 'overrides',
        message:
          'init_image names a file on the server or a URL, which the bot never reads. Remove the `init_image` line ' +
          'and attach the file instead (the init_image, mask or video option of /deforum animate).',
      },
      { field: 'overrides', message: 'Line 4 `not a line` is not `setting = value`. Write it like `zoom = 0:(1.02)`.' },
      {
        field: 'max_frames',
        message:
          "Max frames is `ten`; it must be a whole number of at least 1 (e.g. 120), or empty for the preset's length.",
      },
      {
        field: 'seed',
        message: 'Seed is `-7`; it must be a whole number from 0 to 4294967295, or -1 or empty for a random seed.',
      },
      {
        field: 'prompts',
        message:
          'Line 2 `a dog without a frame` has no frame number. Write each line as `0: a red fox in the snow | blurry`.',
      },
      {
        field: 'prompts',
        message: 'Line 3 `0: a second frame zero` gives frame 0 a second prompt. Keep one line per frame number.',
      },
      {
        field: 'overrides',
        message: "W is 2048, over this server's limit of 1024. Set W = 1024 or less in Overrides.",
      },
      {
        field: 'prompts',
        message: '“gore” is blocked on this server and appears in the prompt of frame 10. Remove it from the prompts.',
      },
      {
        field: 'prompts',
        message:
          '“red fox” is blocked on this server and appears in the prompt of frame 10. Remove it from the prompts.',
      },
      {
        field: 'overrides',
        message:
          'color_force_grayscale is true: forced grayscale is applied to 8-bit frames only; set bit_depth_output to 8, or turn it off.',
      },
      {
        field: 'overrides',
        message: expect.stringContaining('bit_depth_output = 16 is not stored by the worker fleet'),
      },
    ]);
  });

  it('reports values the schema refuses with what is allowed, a suggestion and the line to fix', () => {
    expect(problemsOf({ overrides: 'sampler = "eular"\nstrength = 1.5\nzoom = 0:(1.0' })).toEqual([
      {
        field: 'overrides',
        message: expect.stringMatching(
          /^sampler must be one of .*\(given "eular"\)\. Did you mean `euler`\? Fix the `sampler` line in Overrides\.$/,
        ),
      },
      {
        field: 'overrides',
        message: 'strength must be a number ≥ 0 and ≤ 1 (given 1.5). Fix the `strength` line in Overrides.',
      },
      { field: 'overrides', message: expect.stringMatching(/^zoom.*Fix the `zoom` line in Overrides\.$/) },
    ]);
  });

  it('checks every cap, and the blocklist in every frame of the prompts and negatives', () => {
    const problems = problemsOf({
      prompts: '0: a Red  Fox in the snow | gore\n5: a GORE scene',
      overrides: 'H = 2048\nsteps = 81',
      max_frames: '601',
    });
    expect(problems).toEqual([
      {
        field: 'overrides',
        message: "H is 2048, over this server's limit of 1024. Set H = 1024 or less in Overrides.",
      },
      {
        field: 'overrides',
        message: "steps is 81, over this server's limit of 80. Set steps = 80 or less in Overrides.",
      },
      {
        field: 'max_frames',
        message: "max_frames is 601, over this server's limit of 600. Set Max frames to 600 or less.",
      },
      {
        field: 'prompts',
        message:
          '“red fox” is blocked on this server and appears in the prompt of frame 0. Remove it from the prompts.',
      },
      {
        field: 'prompts',
        message:
          '“gore” is blocked on this server and appears in the prompt of frame 5, the negative prompt of frame 0. Remove it from the prompts.',
      },
    ]);
  });

  it('matches blocked terms as whole words only', () => {
    expect(settingsOf({ prompts: '0: gorgeous redfox, red foxes' }).settings.prompts).toEqual({
      '0': 'gorgeous redfox, red foxes',
    });
  });

  it.each([
    ['a server path', 'mask_file = /srv/masks/a.png', 'mask_file names a file on the server'],
    ['a URL in a media setting', 'video_init_path = https://example.com/v.mp4', 'video_init_path names a file'],
    ['an output folder', 'ffmpeg_outdir = out', 'ffmpeg_outdir names a folder or file on the server'],
    ['the notebook outdir', 'outdir = /content/out', 'outdir names a folder or file'],
    ['an imported soundtrack', 'soundtrack_path = song.mp3', 'soundtrack_path names a folder or file'],
    ['a URL in a text setting', 'batch_name = https://evil.example/x', 'looks like a URL or a server path'],
    ['a Windows path', 'batch_name = C:\\Users\\me', 'looks like a URL or a server path'],
    ['a setting with its own field', 'max_frames = 10', 'max_frames is set in the Max frames field'],
    ['a repeated key', 'zoom = 0:(1)\nzoom = 0:(2)', 'zoom is set twice'],
  ])('refuses %s in overrides', (_, overrides, expected) => {
    const problems = problemsOf({ overrides });
    expect(problems).toEqual([{ field: 'overrides', message: expect.stringContaining(expected) }]);
  });

  it('refuses what the worker cannot render, naming the setting and the fix', () => {
    expect(problemsOf({ overrides: 'animation_mode = Video Input' })).toEqual([
      {
        field: 'overrides',
        message:
          'animation_mode is Video Input: this bot renders 2D and 3D animations only. Set animation_mode = 2D or 3D in Overrides.',
      },
    ]);
    expect(problemsOf({ overrides: 'hybrid_motion = Optical Flow' })).toEqual([
      {
        field: 'overrides',
        message:
          'Hybrid video (hybrid_motion or hybrid_composite) follows a video: attach one with the video option, or ' +
          'set hybrid_composite = false and hybrid_motion = None in Overrides.',
      },
    ]);
    expect(problemsOf({ overrides: 'bit_depth_output = 16\ncolor_force_grayscale = true' })).toEqual([
      { field: 'overrides', message: expect.stringContaining('color_force_grayscale is true: forced grayscale') },
      { field: 'overrides', message: expect.stringContaining('bit_depth_output = 16 is not stored') },
    ]);
  });

  it('refuses what the worker fleet cannot store, on the field that set it', () => {
    expect(problemsOf({ overrides: 'bit_depth_output = 16' })).toEqual([
      {
        field: 'overrides',
        message:
          'bit_depth_output = 16 is not stored by the worker fleet yet (it keeps 8-bit PNG frames only): set ' +
          'bit_depth_output = 8, or render this one locally with `deforum render`.',
      },
    ]);
    expect(problemsOf({}, { base: { ...BASE, save_depth_maps: true } })).toEqual([
      { field: 'preset', message: expect.stringContaining('set save_depth_maps = false') },
    ]);
    const depthMask = 'hybrid_composite = true\nhybrid_comp_mask_type = Depth';
    expect(problemsOf({ overrides: depthMask }, { attachments: { init: false, mask: false, video: true } })).toEqual([
      { field: 'overrides', message: expect.stringContaining('hybrid_comp_mask_type = Depth is not stored') },
    ]);
  });

  it("points a base's bad value at the preset or the settings file", () => {
    const bad = { ...BASE, sampler: 'nope' };
    expect(problemsOf({}, { base: bad })[0]).toMatchObject({ field: 'preset' });
    const fromFile = problemsOf({}, { base: bad, baseField: 'settings' })[0];
    expect(fromFile?.field).toBe('settings');
    expect(fromFile?.message).toContain('The settings file sets it');
    expect(settingsOf({ overrides: 'sampler = euler' }, { base: bad }).settings.sampler).toBe('euler');
  });

  it('switches on the init and the mask for attached files', () => {
    const both = settingsOf({}, { attachments: { init: true, mask: true, video: false } }).settings;
    expect(both).toMatchObject({ use_init: true, init_image: null, use_mask: true, mask_file: '', strength: 0.65 });
    expect(problemsOf({}, { attachments: { init: false, mask: true, video: false } })).toEqual([
      { field: 'mask', message: expect.stringContaining('attach an init image too') },
    ]);
    expect(problemsOf({ overrides: 'use_init = true' })).toEqual([
      { field: 'init_image', message: expect.stringContaining('use_init = true needs an init image') },
    ]);
    expect(problemsOf({ overrides: 'use_mask = true' })).toEqual([
      { field: 'mask', message: expect.stringContaining('use_mask = true needs a mask image') },
    ]);
    const fromPreset = settingsOf({}, { base: { ...BASE, use_init: true, init_image: '/content/x.png' } });
    expect(fromPreset.settings.use_init).toBe(false);
    expect(fromPreset.warnings).toEqual([
      'The preset turns on use_init, but files are read only from attachments: attach an init image to use one.',
    ]);
  });

  it("reads the mask from the init's alpha only when an init is attached", () => {
    const alpha = 'use_mask = true\nuse_alpha_as_mask = true';
    expect(
      settingsOf({ overrides: alpha }, { attachments: { init: true, mask: false, video: false } }).settings,
    ).toMatchObject({ use_mask: true, use_alpha_as_mask: true, use_init: true });
    expect(problemsOf({ overrides: alpha })).toEqual([
      { field: 'mask', message: expect.stringContaining('attach an init image too') },
    ]);
  });

  it('uses an attached video for hybrid video, and says how when nothing uses it', () => {
    const video = { init: false, mask: false, video: true };
    const hybrid = settingsOf({ overrides: 'hybrid_motion = Optical Flow' }, { attachments: video }).settings;
    expect(hybrid).toMatchObject({ hybrid_motion: 'Optical Flow', video_init_path: '' });
    expect(problemsOf({}, { attachments: video })).toEqual([
      { field: 'video', message: expect.stringContaining('Add `hybrid_motion = Optical Flow`') },
    ]);
    // The video's first frame is frame 0's init (hybrid_use_first_frame_as_init_image), so a mask has an init.
    const masked = settingsOf(
      { overrides: 'hybrid_composite = true' },
      { attachments: { init: false, mask: true, video: true } },
    ).settings;
    expect(masked).toMatchObject({
      use_mask: true,
      hybrid_composite: true,
      hybrid_use_first_frame_as_init_image: true,
    });
  });

  it('accepts every built-in 2D/3D preset as it is, and names the mode of the others', () => {
    for (const { name } of listPresets()) {
      const preset = findPreset(name);
      const result = buildAnimateSettings(input({}, { base: preset.settings }));
      const mode = String(preset.settings['animation_mode']);
      if (mode === '2D' || mode === '3D') {
        expect(result.ok ? [] : result.problems, preset.name).toEqual([]);
      } else {
        expect(result.ok ? [] : result.problems, preset.name).toEqual([
          {
            field: 'preset',
            message: expect.stringContaining(`animation_mode is ${mode}: this bot renders 2D and 3D`),
          },
        ]);
      }
    }
  });
});
