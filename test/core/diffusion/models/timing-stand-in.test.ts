// The benchmark stand-ins: they fit where Components' models go, count their calls and keep the generator's draws.
import { describe, expect, it } from 'vitest';
import { createTimingStandIn } from '../../../../src/core/diffusion/models/timing-stand-in.js';
import { latent } from '../../../../src/core/diffusion/tensor.js';
import { recordingRng } from '../../../support/test-rng.js';

describe('createTimingStandIn', () => {
  it('returns outputs of the real shapes, counts calls, and draws the posterior noise', async () => {
    const standIn = createTimingStandIn({ unetCallMs: 1, vaeDecodeMs: 1, vaeEncodeMs: 1 });
    const rng = recordingRng(1);
    const encoded = await standIn.vaeEncoder.encode(latent([1, 3, 64, 48]), rng);
    expect(encoded.shape).toEqual([1, 4, 8, 6]);
    expect(rng.draws).toEqual([[1, 4, 8, 6]]);
    expect((await standIn.unet.predict(latent([2, 4, 8, 6]), 500, latent([2, 77, 768]))).shape).toEqual([2, 4, 8, 6]);
    expect((await standIn.vaeDecoder.decode(encoded)).shape).toEqual([1, 3, 64, 48]);
    expect(standIn.calls).toEqual({ unet: 1, vaeEncode: 1, vaeDecode: 1 });
  });
});
