// The safety checker with the diffusers ONNX signature: one flag per frame, from a tiny checker that flags frames
// brighter than CLIP's mean colour (test/support/tiny-onnx.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRawImage, rawImageFrom } from '../../../../src/core/image/raw-image.js';
import { createSessionHost } from '../../../../src/core/diffusion/onnx/session.js';
import { loadSafetyChecker } from '../../../../src/core/diffusion/pipeline/load-optional-models.js';
import { writeTinyExport } from '../../../support/tiny-onnx.js';

const root = mkdtempSync(path.join(tmpdir(), 'deforum-safety-'));
const host = createSessionHost({ intraOpThreads: 1 });
afterAll(() => host.close());

describe('loadSafetyChecker', () => {
  it('flags each frame on its own, at any frame size', async () => {
    const loaded = await loadSafetyChecker(writeTinyExport(path.join(root, 'with'), { safetyChecker: true }), host);
    expect(loaded).not.toBeNull();
    const white = rawImageFrom('u8', 320, 192, 3, new Uint8Array(320 * 192 * 3).fill(255));
    const black = createRawImage('u8', 192, 256, 3);
    expect(await loaded?.checker.check([white, black, white])).toEqual([true, false, true]);
    await loaded?.release();
  });

  it('is null when the export has no safety_checker', async () => {
    expect(await loadSafetyChecker(writeTinyExport(path.join(root, 'without')), host)).toBeNull();
  });
});
