/**
 * Turns the generator's `onStep` callbacks into `step` events while the generation runs, so a consumer of the
 * render loop sees sampler progress as it happens rather than in a burst when the frame is done. Steps reported
 * after the consumer fell behind are queued, never dropped.
 */
import type { FrameGenerator, GenerateRequest, GenerateResult } from './frame-generator.js';
import type { StepEvent } from './render-events.js';

export async function* generateWithSteps(
  generate: FrameGenerator,
  request: Omit<GenerateRequest, 'onStep'>,
): AsyncGenerator<StepEvent, GenerateResult, undefined> {
  const queue: StepEvent[] = [];
  let wake: (() => void) | undefined;
  let settled = false;
  const onStep = (step: number, total: number): void => {
    queue.push({ type: 'step', frame: request.frame, step, total });
    wake?.();
  };
  const result = generate({ ...request, onStep }).finally(() => {
    settled = true;
    wake?.();
  });
  try {
    for (;;) {
      const event = queue.shift();
      if (event !== undefined) {
        yield event;
        continue;
      }
      if (settled) return await result;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    // A consumer that stops listening mid-frame still waits for the generation, so its failure is not lost.
    if (!settled) await result;
  }
}
