import { describe, expect, expectTypeOf, test } from 'vitest';
import {
  cancelJob,
  claimJob,
  completeJob,
  failAttempt,
  isLegalTransition,
  JOB_STATUSES,
  JOB_TRANSITIONS,
  releaseJob,
  resumeJob,
  retryDelaySeconds,
  type CancelledState,
  type FailedState,
  type JobState,
  type QueuedState,
  type RunningState,
  type SucceededState,
} from '../../src/jobs/job-state.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const POLICY = { maxAttempts: 3, backoffBaseSeconds: 10, backoffMaxSeconds: 25 };
const queued: QueuedState = { status: 'queued', attempts: 0, failedAttempts: 0, runAfter: NOW, lastFrame: 0 };
const running = (failedAttempts = 0): RunningState => ({
  status: 'running',
  attempts: failedAttempts + 1,
  failedAttempts,
  workerId: 'w1',
  leaseUntil: NOW,
  lastFrame: 7,
});
const boom = { code: 'worker_crashed', message: 'segfault' };

describe('JobState types', () => {
  test('transitions accept only the states they leave from', () => {
    expectTypeOf(claimJob).parameter(0).toEqualTypeOf<QueuedState>();
    expectTypeOf(completeJob).parameter(0).toEqualTypeOf<RunningState>();
    expectTypeOf(releaseJob).parameter(0).toEqualTypeOf<RunningState>();
    expectTypeOf(failAttempt).parameter(0).toEqualTypeOf<RunningState>();
    expectTypeOf(cancelJob).parameter(0).toEqualTypeOf<QueuedState | RunningState>();
    expectTypeOf(resumeJob).parameter(0).toEqualTypeOf<FailedState | CancelledState>();
    expectTypeOf(completeJob).returns.toEqualTypeOf<SucceededState>();
    expectTypeOf(failAttempt).returns.toEqualTypeOf<QueuedState | FailedState>();
    // @ts-expect-error a succeeded job cannot be claimed again
    claimJob({ status: 'succeeded', attempts: 1, outputKey: 'k' }, 'w', NOW);
  });

  test('the status narrows the union', () => {
    const describeState = (state: JobState): string => {
      switch (state.status) {
        case 'running':
          expectTypeOf(state).toEqualTypeOf<RunningState>();
          return state.workerId;
        case 'succeeded':
          return state.outputKey;
        case 'failed':
          return state.error.code;
        case 'queued':
        case 'cancelled':
          return state.status;
        default: {
          const unreachable: never = state;
          return unreachable;
        }
      }
    };
    expect(describeState(running())).toBe('w1');
  });
});

describe('transitions', () => {
  test('a claim takes the next attempt number and keeps the checkpoint', () => {
    const claimed = claimJob({ ...queued, attempts: 2, lastFrame: 12 }, 'w9', NOW);
    expect(claimed).toEqual({
      status: 'running',
      attempts: 3,
      failedAttempts: 0,
      workerId: 'w9',
      leaseUntil: NOW,
      lastFrame: 12,
    });
  });

  test('a clean stop requeues at once without counting a failure', () => {
    expect(releaseJob(running(1), NOW)).toEqual({
      status: 'queued',
      attempts: 2,
      failedAttempts: 1,
      runAfter: NOW,
      lastFrame: 7,
    });
  });

  test.each([
    { failedBefore: 0, status: 'queued', delaySeconds: 0 },
    { failedBefore: 1, status: 'queued', delaySeconds: 10 },
    { failedBefore: 2, status: 'failed', delaySeconds: null },
  ])('failure after $failedBefore failed attempts → $status', ({ failedBefore, status, delaySeconds }) => {
    const next = failAttempt(running(failedBefore), boom, { retryable: true, now: NOW, policy: POLICY });
    expect(next.status).toBe(status);
    if (next.status === 'queued') expect(next.runAfter.getTime() - NOW.getTime()).toBe((delaySeconds ?? 0) * 1000);
    else expect(next).toEqual({ status: 'failed', attempts: 3, lastFrame: 7, error: boom });
  });

  test('a non-retryable failure fails on the first attempt', () => {
    expect(failAttempt(running(), boom, { retryable: false, now: NOW, policy: POLICY }).status).toBe('failed');
  });

  test('backoff: first retry at once, then doubling up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelaySeconds(n, POLICY))).toEqual([0, 10, 20, 25, 25]);
  });

  test('resume keeps the frames done and resets the retry budget', () => {
    const failed: FailedState = { status: 'failed', attempts: 5, lastFrame: 40, error: boom };
    expect(resumeJob(failed, NOW)).toEqual({
      status: 'queued',
      attempts: 5,
      failedAttempts: 0,
      runAfter: NOW,
      lastFrame: 40,
    });
  });

  test('cancel keeps the frames done', () => {
    expect(cancelJob(running())).toEqual({ status: 'cancelled', attempts: 1, lastFrame: 7 });
  });

  test('the transition table: finished jobs only move by resume, succeeded never', () => {
    const legal = JOB_STATUSES.flatMap((from) =>
      JOB_STATUSES.filter((to) => isLegalTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(legal).toEqual([
      'queued→running',
      'queued→cancelled',
      'running→queued',
      'running→succeeded',
      'running→failed',
      'running→cancelled',
      'failed→queued',
      'cancelled→queued',
    ]);
    expect(JOB_TRANSITIONS.succeeded).toEqual([]);
  });
});
