/**
 * The server's caps on size, steps and length, checked on the final settings so the user hears about all of
 * them with the modal still open; job-store.ts checks the same caps again at enqueue, inside its transaction.
 * The values are read before validation (a value that is not a number is the schema's problem, not a cap's), so
 * a request over a cap hears about it together with its other problems.
 */
import type { QuotaLimits } from '../../jobs/store-config.js';
import type { RequestProblem } from './animate-request.js';

export function capProblems(settings: Readonly<Record<string, unknown>>, limits: QuotaLimits): RequestProblem[] {
  const caps = [
    ['W', settings['W'], limits.maxWidth],
    ['H', settings['H'], limits.maxHeight],
    ['steps', settings['steps'], limits.maxSteps],
    ['max_frames', settings['max_frames'], limits.maxFrames],
  ] as const;
  return caps
    .flatMap(([setting, given, limit]) =>
      typeof given === 'number' && given > limit ? [[setting, given, limit] as const] : [],
    )
    .map(([setting, given, limit]) => ({
      field: setting === 'max_frames' ? 'max_frames' : 'overrides',
      message:
        `${setting} is ${given}, over this server's limit of ${limit}. ` +
        (setting === 'max_frames'
          ? `Set Max frames to ${limit} or less.`
          : `Set ${setting} = ${limit} or less in Overrides.`),
    }));
}
