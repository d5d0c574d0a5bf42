/** The job card as users read it: state, frame n/N with its bar, speed and ETA, diffused frames, buttons. */
import { describe, expect, test } from 'vitest';
import { parseCustomId } from '../../../src/bot/interactions/custom-id.js';
import { progressBar, renderJobCard, type JobCardInput } from '../../../src/bot/progress/job-card.js';
import type { JobRecord } from '../../../src/jobs/job-record.js';
import type { JobState } from '../../../src/jobs/job-state.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const JOB_ID = '0b6f3c2e-5d1a-4c7e-9f00-1234567890ab';

function job(state: JobState, changes: Partial<JobRecord> = {}): JobRecord {
  return {
    id: JOB_ID,
    userId: '111',
    serverId: '222',
    model: 'sd-1.5-onnx',
    preview: false,
    priority: 0,
    settings: { animation_mode: '2D', diffusion_cadence: 1, seed: 7 },
    state,
    maxFrames: 120,
    framesDone: 0,
    maxAttempts: 3,
    costUnits: 10,
    unitsReserved: 10,
    unitsUsed: 0,
    lastError: null,
    resultKey: null,
    progressMessage: null,
    request: null,
    uploadLimitBytes: null,
    gifKey: null,
    fitKey: null,
    flagged: false,
    resultMessage: null,
    deliveredAt: null,
    createdAt: NOW,
    updatedAt: NOW,
    startedAt: null,
    finishedAt: null,
    ...changes,
  };
}

const running: JobState = {
  status: 'running',
  attempts: 1,
  failedAttempts: 0,
  workerId: 'w1',
  leaseUntil: NOW,
  lastFrame: 50,
};

function card(input: Partial<JobCardInput> & { job: JobRecord }) {
  const payload = renderJobCard({ position: null, secondsPerFrame: null, now: NOW, hasPreview: false, ...input });
  const embed = payload.embeds[0];
  const buttons = payload.components.flatMap((row) => row.components);
  const ids = buttons.map((button) => ('custom_id' in button ? parseCustomId(button.custom_id) : null));
  return { payload, text: `${embed?.title ?? ''}\n${embed?.description ?? ''}`, embed, ids };
}

describe('progressBar', () => {
  test.each([
    [0, 120, '▱▱▱▱▱▱▱▱▱▱ 0%'],
    [50, 120, '▰▰▰▰▱▱▱▱▱▱ 41%'],
    [119, 120, '▰▰▰▰▰▰▰▰▰▱ 99%'],
    [120, 120, '▰▰▰▰▰▰▰▰▰▰ 100%'],
    [5, 0, '▱▱▱▱▱▱▱▱▱▱ 0%'],
  ])('%i of %i frames → %s', (done, total, bar) => {
    expect(progressBar(done, total)).toBe(bar);
  });
});

describe('renderJobCard', () => {
  test('a queued job shows its place in line and a Cancel button for itself', () => {
    const queued: JobState = { status: 'queued', attempts: 0, failedAttempts: 0, runAfter: NOW, lastFrame: 0 };
    const { text, ids } = card({ job: job(queued), position: 2 });
    expect(text).toContain('Queued: 3rd in line');
    expect(ids).toEqual([{ kind: 'cancel', jobId: JOB_ID }]);
  });

  test('a running job shows frame n/N, the bar, seconds per frame and the ETA as a Discord timestamp', () => {
    const { text, ids } = card({ job: job(running, { framesDone: 50 }), secondsPerFrame: 2 });
    expect(text).toContain('Frame 50/120  ▰▰▰▰▱▱▱▱▱▱ 41%');
    // 70 frames left at 2 s each: 140 s after NOW.
    expect(text).toContain(`2.0 s/frame · done <t:${NOW.getTime() / 1000 + 140}:R>`);
    expect(ids).toEqual([{ kind: 'cancel', jobId: JOB_ID }]);
  });

  test('no ETA before the speed is known', () => {
    expect(card({ job: job(running, { framesDone: 1 }) }).text).not.toContain('<t:');
  });

  test('with a cadence, the card counts diffused frames (every cadence-th frame is diffused)', () => {
    const settings = { animation_mode: '3D', diffusion_cadence: 4 };
    const { text } = card({ job: job(running, { framesDone: 9, settings }) });
    expect(text).toContain('Diffused 3/30 (cadence 4)');
  });

  test('Video Input ignores the cadence, so no diffused count is shown', () => {
    const settings = { animation_mode: 'Video Input', diffusion_cadence: 4 };
    expect(card({ job: job(running, { framesDone: 9, settings }) }).text).not.toContain('Diffused');
  });

  test('the preview is the attached frame.jpg, only when the card carries it', () => {
    expect(card({ job: job(running), hasPreview: true }).embed?.image?.url).toBe('attachment://frame.jpg');
    expect(card({ job: job(running), hasPreview: false }).embed?.image).toBeUndefined();
  });

  test('a failed job shows the reason and a Resume button', () => {
    const failed: JobState = {
      status: 'failed',
      attempts: 3,
      lastFrame: 40,
      error: { code: 'lease_expired', message: 'worker w1 stopped renewing its lease' },
    };
    const { text, ids } = card({ job: job(failed, { framesDone: 40 }) });
    expect(text).toContain('Failed: worker w1 stopped renewing its lease');
    expect(text).toContain('Frame 40/120');
    expect(ids).toEqual([{ kind: 'resume', jobId: JOB_ID }]);
  });

  test('a cancelled job offers Resume; a finished one links its result and has no buttons', () => {
    const cancelled = card({ job: job({ status: 'cancelled', attempts: 1, lastFrame: 3 }) });
    expect(cancelled.text).toContain('Cancelled');
    expect(cancelled.ids).toEqual([{ kind: 'resume', jobId: JOB_ID }]);
    const done = card({
      job: job({ status: 'succeeded', attempts: 1, outputKey: 'k' }, { framesDone: 120 }),
      resultUrl: 'https://discord.com/channels/1/2/3',
    });
    expect(done.text).toContain('Done: https://discord.com/channels/1/2/3');
    expect(done.text).toContain('Frame 120/120  ▰▰▰▰▰▰▰▰▰▰ 100%');
    expect(done.payload.components).toEqual([]);
  });

  test('a very long failure reason still fits an embed description', () => {
    const failed: JobState = {
      status: 'failed',
      attempts: 1,
      lastFrame: 0,
      error: { code: 'x', message: 'e'.repeat(10_000) },
    };
    expect(card({ job: job(failed) }).embed?.description?.length).toBeLessThanOrEqual(4096);
  });
});
