/**
 * Injected 429s. Each rule answers its next `count` matching requests the way Discord does: a JSON body with
 * `retry_after` in (fractional) seconds and the X-RateLimit-* headers @discordjs/rest reads to wait and retry.
 * Retry-After carries the same fractional seconds (Discord rounds it up to whole seconds) so tests stay fast;
 * @discordjs/rest multiplies it by 1000 either way.
 */
import type { RateLimitRule } from './types.js';

export interface RateLimitAnswer {
  status: 429;
  headers: Record<string, string>;
  json: { message: string; retry_after: number; global: boolean; code?: number };
}

interface ActiveRule {
  rule: RateLimitRule;
  remaining: number;
}

export class RateLimiter {
  private readonly active: ActiveRule[] = [];

  add(rule: RateLimitRule): void {
    this.active.push({ rule, remaining: rule.count });
  }

  /** Uses up one 429 of the first rule matching `path`, or answers undefined when the request may pass. */
  take(path: string): RateLimitAnswer | undefined {
    const hit = this.active.find((entry) => entry.remaining > 0 && entry.rule.route.test(path));
    if (!hit) return undefined;
    hit.remaining -= 1;
    const seconds = hit.rule.retryAfterMs / 1000;
    const global = hit.rule.global ?? false;
    const headers: Record<string, string> = {
      'retry-after': String(seconds),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String((Date.now() + hit.rule.retryAfterMs) / 1000),
      'x-ratelimit-reset-after': String(seconds),
      'x-ratelimit-bucket': `emulated-${hit.rule.route.source.replace(/[^\w]/g, '').slice(0, 24) || 'bucket'}`,
      'x-ratelimit-scope': global ? 'global' : 'user',
    };
    // @discordjs/rest treats the mere presence of X-RateLimit-Global as "global", whatever its value.
    if (global) headers['x-ratelimit-global'] = 'true';
    return { status: 429, headers, json: { message: 'You are being rate limited.', retry_after: seconds, global } };
  }
}
