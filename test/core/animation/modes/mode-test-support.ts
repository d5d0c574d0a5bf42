/** Shared pieces of the mode tests: settings, a recording generator, frames and an event collector. */
import type { FrameGenerator, GenerateRequest } from '../../../../src/core/animation/frame-generator.js';
import type { FrameSource } from '../../../../src/core/animation/frame-source.js';
import type { RenderEvent } from '../../../../src/core/animation/render-events.js';
import { latent } from '../../../../src/core/diffusion/tensor.js';
import { createRawImage, type RawImage } from '../../../../src/core/image/raw-image.js';
import { parseSettingsOrThrow } from '../../../../src/core/settings/parse-settings.js';
import type { DeforumSettings } from '../../../../src/core/settings/schema.js';

export const SIZE = 64;

export function settingsWith(overrides: Record<string, unknown>): DeforumSettings {
  return parseSettingsOrThrow(
    { W: SIZE, H: SIZE, seed: 10, prompts: { 0: 'a lake', 2: 'a forest' }, neg_prompts: { 0: 'fog' }, ...overrides },
    'test settings',
  );
}

export function flatImage(value: number, width = SIZE, height = SIZE, channels: 3 | 4 = 3): RawImage<'u8'> {
  const image = createRawImage('u8', width, height, channels);
  image.data.fill(value);
  return image;
}

/** A video of `count` flat frames at 2× the render size: frame i has grey level 10·(i + 1). */
export function flatVideo(count: number): FrameSource & { reads: number[] } {
  const reads: number[] = [];
  return {
    count,
    reads,
    read: (index) => {
      reads.push(index);
      return Promise.resolve(flatImage(10 * (index + 1), 2 * SIZE, 2 * SIZE));
    },
  };
}

/** Records every request and answers with the init back (or mid-grey without one). */
export function recordingGenerator(): { generate: FrameGenerator; requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  const grey = latent([1, 3, SIZE, SIZE]);
  const generate: FrameGenerator = (request) => {
    requests.push(request);
    return Promise.resolve({ sample: request.init?.sample ?? grey });
  };
  return { generate, requests };
}

export async function collect(events: AsyncIterable<RenderEvent>): Promise<RenderEvent[]> {
  const out: RenderEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}
