/** /deforum preset save, list, show and delete end to end, with bad names and each settings source. */
import { describe, expect, it } from 'vitest';
import type { OptionValue } from '../../../discord-emulator/index.js';
import { smallSettings } from '../../../jobs/fixtures.js';
import { answerOf, autocomplete, slash, useTestBot } from '../../bot-harness.js';

const t = useTestBot({ label: 'preset_commands' });

async function preset(user: { id: string }, subcommand: string, options: Record<string, OptionValue> = {}) {
  const handle = await slash(t, {
    user,
    group: 'preset',
    subcommand,
    options,
  });
  const answer = await answerOf(t.emulator, handle);
  expect(handle.ephemeral()).toBe(true);
  return answer;
}

describe('/deforum preset save', () => {
  it('saves override text as a preset and refuses the name again unless replace is true', async () => {
    const saved = await preset(t.users.alice, 'save', {
      name: 'slow-zoom',
      description: 'a gentle push in',
      overrides: 'zoom = 0:(1.01); strength_schedule = 0:(0.6)',
    });
    expect(saved.content).toContain('Saved preset **slow-zoom** (version 1)');
    const stored = await t.deps.presets.get(t.users.alice.id, 'slow-zoom');
    expect(stored.settings).toEqual({ zoom: '0:(1.01)', strength_schedule: '0:(0.6)' });
    expect(stored.description).toBe('a gentle push in');

    const again = await preset(t.users.alice, 'save', { name: 'slow-zoom', overrides: 'zoom = 0:(1.02)' });
    expect(again.content).toContain('already have a preset named slow-zoom');
    const replaced = await preset(t.users.alice, 'save', {
      name: 'slow-zoom',
      overrides: 'zoom = 0:(1.02)',
      replace: true,
    });
    expect(replaced.content).toContain('(version 2)');
    expect((await t.deps.presets.get(t.users.alice.id, 'slow-zoom')).settings).toEqual({ zoom: '0:(1.02)' });
  });

  it('saves a length, a seed and prompts, which the animate modal takes in fields of their own', async () => {
    const saved = await preset(t.users.alice, 'save', {
      name: 'short-fox',
      overrides: 'max_frames = 24; seed = 7; prompts = {"0": "a red fox"}',
    });
    expect(saved.content).toContain('Saved preset **short-fox** (version 1)');
    expect((await t.deps.presets.get(t.users.alice.id, 'short-fox')).settings).toEqual({
      max_frames: 24,
      seed: 7,
      prompts: { '0': 'a red fox' },
    });
  });

  it('refuses a bad name, saying which names work', async () => {
    const answer = await preset(t.users.alice, 'save', { name: 'Bad Name!', overrides: 'zoom = 0:(1.0)' });
    expect(answer.content).toContain("'Bad Name!' is not a preset name");
    expect(await t.deps.presets.list(t.users.alice.id, 'bad')).toEqual([]);
  });

  it('reports every bad override line at once', async () => {
    const answer = await preset(t.users.alice, 'save', { name: 'typos', overrides: 'zoon = 0:(1.0); nonsense' });
    expect(answer.content).toContain('Did you mean `zoom`?');
    expect(answer.content).toContain('is not `setting = value`');
  });

  it('asks for exactly one source', async () => {
    const none = await preset(t.users.alice, 'save', { name: 'empty' });
    expect(none.content).toContain('Give exactly one of from_job, settings or overrides');
    const job = await t.deps.jobs.enqueue({ userId: t.users.alice.id, settings: smallSettings(), model: 'm' });
    const two = await preset(t.users.alice, 'save', { name: 'two', from_job: job.id, overrides: 'zoom = 1' });
    expect(two.content).toContain('you gave from_job and overrides');
    await t.deps.jobs.cancel(job.id, null);
  });

  it('imports an attached settings file, and refuses a file that is not one', async () => {
    const settings = t.emulator.hostFile({
      name: 'fox_settings.txt',
      contentType: 'text/plain',
      bytes: Buffer.from(JSON.stringify({ W: 640, H: 384, zoom: '0:(1.04)', animation_mode: '2D' })),
    });
    const saved = await preset(t.users.alice, 'save', { name: 'from-file', settings });
    expect(saved.content).toContain('Saved preset **from-file**');
    expect((await t.deps.presets.get(t.users.alice.id, 'from-file')).settings).toMatchObject({
      W: 640,
      H: 384,
      zoom: '0:(1.04)',
    });

    const png = t.emulator.hostFile({
      name: 'not_settings.txt',
      contentType: 'text/plain',
      bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
    });
    const refused = await preset(t.users.alice, 'save', { name: 'not-a-file', settings: png });
    expect(refused.content).toContain('not_settings.txt');
    expect(refused.content).not.toContain('error id');
    expect(await t.deps.presets.list(t.users.alice.id, 'not-a-file')).toEqual([]);
  });

  it('copies the settings of the user’s own job, not of someone else’s', async () => {
    const job = await t.deps.jobs.enqueue({
      userId: t.users.alice.id,
      settings: smallSettings({ W: 448 }),
      model: 'm',
    });
    const choices = await autocomplete(t, {
      user: t.users.alice,
      group: 'preset',
      subcommand: 'save',
      focused: 'from_job',
      options: { name: 'x', from_job: job.id.slice(0, 4) },
    });
    expect(choices.map((c) => c.value)).toContain(job.id);
    const saved = await preset(t.users.alice, 'save', { name: 'from-job', from_job: job.id });
    expect(saved.content).toContain('Saved preset **from-job**');
    expect((await t.deps.presets.get(t.users.alice.id, 'from-job')).settings['W']).toBe(448);
    const refused = await preset(t.users.bob, 'save', { name: 'stolen', from_job: job.id });
    expect(refused.content).toContain('belongs to someone else');
    expect(await t.deps.presets.list(t.users.bob.id)).toEqual([]);
    await t.deps.jobs.cancel(job.id, null);
  });
});

describe('/deforum preset list, show and delete', () => {
  it('lists names with descriptions, shows settings, and deletes', async () => {
    const user = t.emulator.createUser({ username: 'collector' });
    await t.deps.presets.save(user.id, { name: 'alpha', description: 'first one', settings: { zoom: '0:(1.03)' } });
    await t.deps.presets.save(user.id, { name: 'beta', settings: { angle: '0:(2)' } });

    const list = await preset(user, 'list');
    expect(list.content).toContain('**alpha** (v1) — first one');
    expect(list.content).toContain('**beta** (v1)');

    const choices = await autocomplete(t, {
      user,
      group: 'preset',
      subcommand: 'show',
      focused: 'name',
      options: { name: 'al' },
    });
    expect(choices).toEqual([{ name: 'alpha — first one', value: 'alpha' }]);

    const shown = await preset(user, 'show', { name: 'alpha' });
    expect(shown.content).toContain('"zoom": "0:(1.03)"');

    const deleted = await preset(user, 'delete', { name: 'beta' });
    expect(deleted.content).toContain('Deleted your preset **beta**');
    expect((await t.deps.presets.list(user.id)).map((p) => p.name)).toEqual(['alpha']);

    const missing = await preset(user, 'delete', { name: 'beta' });
    expect(missing.content).toContain('You have no preset named beta');
    const badName = await preset(user, 'show', { name: '../etc' });
    expect(badName.content).toContain('You have no preset named ../etc');
  });

  it('sends long settings as a JSON file', async () => {
    const user = t.emulator.createUser({ username: 'verbose' });
    const prompts = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [String(i * 10), `scene ${i} `.repeat(8)]));
    await t.deps.presets.save(user.id, { name: 'long', settings: { prompts } });
    const shown = await preset(user, 'show', { name: 'long' });
    expect(shown.content).toContain('attached file');
    const file = shown.attachments[0];
    expect(file?.filename).toBe('long.json');
    expect(JSON.parse(file?.bytes.toString('utf8') ?? '')).toEqual({ prompts });
  });

  it('says how to start when there are none', async () => {
    const user = t.emulator.createUser({ username: 'nopresets' });
    const list = await preset(user, 'list');
    expect(list.content).toContain('You have no presets yet');
  });
});
