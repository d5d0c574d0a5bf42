/**
 * Polls a condition until it yields a value: the way tests wait for the bot's asynchronous effects (a message edit,
 * a request) without sleeping for a guessed time.
 */
import type { WaitForOptions } from './types.js';

const POLL_MS = 10;

export async function waitFor<T>(check: () => T | undefined | false, o: WaitForOptions = {}): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${o.message ?? 'Condition not met'} (waited ${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
