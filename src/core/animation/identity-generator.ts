/**
 * A FrameGenerator that does no diffusion: it returns the init sample it is given, or the sample of a fixed first
 * frame when a generation has no init. It is the golden README's "identity diffusion stub" of render_loop.json,
 * and with it the render loop becomes the motion preview (motion-preview.ts).
 */
import { DeforumError } from '../errors.js';
import { sampleFromPixels } from '../image/frame-noise.js';
import type { RawImage } from '../image/raw-image.js';
import type { FrameGenerator } from './frame-generator.js';

export function identityGenerator(firstFrame: RawImage<'u8'> | null = null): FrameGenerator {
  const first = firstFrame === null ? null : sampleFromPixels(firstFrame);
  return (request) => {
    request.signal?.throwIfAborted();
    const sample = request.init?.sample ?? first;
    if (sample === null) {
      throw new DeforumError(
        { code: 'usage', argument: '--init', reason: 'a render without diffusion needs a first frame' },
        `frame ${request.frame} has no init image, and a render without diffusion cannot make one; give an init image.`,
      );
    }
    return Promise.resolve({ sample });
  };
}
