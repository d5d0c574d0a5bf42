/** Validation of command-line arguments shared by the commands: one wording for every usage error. */
import { DeforumError } from '../core/errors.js';

/** The largest frame count a command accepts (a year of video at 30 fps is far below it). */
export const MAX_FRAMES = 1_000_000;

export function usageError(argument: string, reason: string): DeforumError {
  return new DeforumError({ code: 'usage', argument, reason }, `${argument}: ${reason}.`);
}

/** A commander argument parser for a whole number in 1…max, e.g. `--frames 120`. */
export function wholeNumberOption(argument: string, max = MAX_FRAMES): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text.trim()))
      throw usageError(argument, `'${text}' is not a whole number; give e.g. ${argument} 120`);
    const value = Number(text);
    if (value < 1 || value > max)
      throw usageError(argument, `${text} is out of range; give a number from 1 to ${String(max)}`);
    return value;
  };
}
