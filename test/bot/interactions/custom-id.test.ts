/** Custom ids: every kind round-trips, stays within Discord's 100 characters, and foreign strings parse to null. */
import { describe, expect, it } from 'vitest';
import {
  DRAFT_ID_KINDS,
  encodeCustomId,
  JOB_ID_KINDS,
  MAX_CUSTOM_ID_LENGTH,
  parseCustomId,
  type CustomId,
} from '../../../src/bot/interactions/custom-id.js';

const UUID = '0b6f5e4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5';

const ALL: CustomId[] = [
  ...DRAFT_ID_KINDS.map((kind) => ({ kind, draftId: UUID })),
  ...JOB_ID_KINDS.map((kind) => ({ kind, jobId: UUID })),
];

describe('custom ids', () => {
  it.each(ALL)('$kind round-trips within Discord’s limit', (id) => {
    const encoded = encodeCustomId(id);
    expect(encoded).toBe(`deforum:${id.kind}:${UUID}`);
    expect(encoded.length).toBeLessThanOrEqual(MAX_CUSTOM_ID_LENGTH);
    expect(parseCustomId(encoded)).toEqual(id);
  });

  it('refuses to encode a target that is not a lower-case UUID', () => {
    expect(() => encodeCustomId({ kind: 'cancel', jobId: 'x:y' })).toThrow(RangeError);
    expect(() => encodeCustomId({ kind: 'animate', draftId: UUID.toUpperCase() })).toThrow(RangeError);
  });

  it.each([
    '',
    'deforum',
    `deforum:explode:${UUID}`,
    `other:cancel:${UUID}`,
    `deforum:cancel:${UUID}:extra`,
    'deforum:cancel:not-a-uuid',
    `deforum:cancel:${UUID.toUpperCase()}`,
    `deforum:cancel:${UUID}${'x'.repeat(100)}`,
  ])('parses the foreign id %j to null', (raw) => {
    expect(parseCustomId(raw)).toBeNull();
  });
});
