/**
 * Turns the generator's `onStep` callbacks into `step` events while the generation runs, so a consumer of the
 * render loop sees sampler progress as it happens rather than in a burst when the frame is done. Steps reported
 * after the consumer fell behind are queued, never dropped.
 * A `lead` lets the loop start a generation before it has handed out the events that come before it: the work
 * behind those events (in-betweens, previews, the consumer's saving) is what no model call waits for, so it runs
 * while the generation is in flight: the first piece as soon as the generation waits on its first model call, then
 * one piece after each sampler step (each piece then overlaps the model call of the next step). The order of
 * events is unchanged: the lead's events, then `then`, then the steps. Its `ahead` work (for later generations,
 * handing nothing out) runs before the first piece.
 */
import type { FrameGenerator, GenerateRequest, GenerateResult } from './frame-generator.js';
import type { RenderEvent, StepEvent } from './render-events.js';

/** Events whose work can wait until a later generation is under way; pieces run once each, in order. */
export type DeferredEvents = () => RenderEvent[] | Promise<RenderEvent[]>;

export interface GenerationLead {
  /** Work for a later generation that no event waits for (init-ahead.ts). */
  ahead?: () => void;
  deferred: readonly DeferredEvents[];
  /** Yielded after the deferred events, before the first step (the frame's own files and `frame:started`). */
  then: readonly RenderEvent[];
}

export async function* generateWithSteps(
  generate: FrameGenerator,
  request: Omit<GenerateRequest, 'onStep'>,
  lead: GenerationLead = { deferred: [], then: [] },
): AsyncGenerator<RenderEvent, GenerateResult, undefined> {
  const queue: StepEvent[] = [];
  let wake: (() => void) | undefined;
  let settled = false;
  const onStep = (step: number, total: number): void => {
    queue.push({ type: 'step', frame: request.frame, step, total });
    wake?.();
  };
  const sleep = async (): Promise<void> => {
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  };
  // A consumer that stops or aborts before `then` never asked for this generation: it is stopped, not awaited.
  const early = lead.deferred.length === 0 ? null : new AbortController();
  const signal =
    early === null || request.signal === undefined
      ? (early?.signal ?? request.signal)
      : AbortSignal.any([request.signal, early.signal]);
  const result = generate({ ...request, ...(signal !== undefined && { signal }), onStep }).finally(() => {
    settled = true;
    wake?.();
  });
  // Awaited below; this keeps a failure while the lead's events are out from counting as unhandled meanwhile.
  result.catch(() => undefined);
  let started = false;
  try {
    // The first piece runs once the generation has issued its first model call (its preparation up to the init's
    // encode is synchronous or waits on a model), each later one after the next sampler step.
    let stepsSeen = -1;
    const { ahead } = lead;
    const pieces: DeferredEvents[] = ahead === undefined ? [...lead.deferred] : [toPiece(ahead), ...lead.deferred];
    for (const piece of pieces) {
      if (stepsSeen < 0) await new Promise((resolve) => setImmediate(resolve));
      else while (!settled && queue.length <= stepsSeen) await sleep();
      stepsSeen = queue.length;
      for (const event of await piece()) {
        yield event;
        // The loop checks the signal between frames; with frames handed out here, so is it.
        request.signal?.throwIfAborted();
      }
    }
    started = true;
    yield* lead.then;
    for (;;) {
      const event = queue.shift();
      if (event !== undefined) {
        yield event;
        continue;
      }
      if (settled) return await result;
      await sleep();
    }
  } finally {
    if (!started) {
      early?.abort();
      await result.catch(() => undefined);
    } else if (!settled) {
      // A consumer that stops listening mid-frame still waits for the generation, so its failure is not lost.
      await result;
    }
  }
}

function toPiece(work: () => void): DeferredEvents {
  return () => {
    work();
    return [];
  };
}
