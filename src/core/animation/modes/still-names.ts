/**
 * File names of still images (spec §16 `filename_format`, `make_grid`). Kept (spec §24 item 49, B): the format is
 * not a template; only the exact prompt variant `{timestring}_{index}_{prompt}.png` names files by prompt (ASCII
 * letters and spaces kept, spaces as `_`, at most 160 characters), anything else names them by seed.
 */
const PROMPT_FORMAT = '{timestring}_{index}_{prompt}.png';
const INDEX_DIGITS = 5;
const PROMPT_CHARACTERS = 160;

export interface StillName {
  timestring: string;
  /** Counts across all prompts and batches of the run, from 0. */
  index: number;
  prompt: string;
  seed: number;
}

export function stillFileName(format: string, still: StillName): string {
  const index = String(still.index).padStart(INDEX_DIGITS, '0');
  const tail =
    format === PROMPT_FORMAT
      ? still.prompt
          .replace(/[^A-Za-z ]/g, '')
          .replace(/ /g, '_')
          .slice(0, PROMPT_CHARACTERS)
      : String(still.seed);
  return `${still.timestring}_${index}_${tail}.png`;
}

/** `{timestring}_{promptIndex:05}_grid_{seed}.png`, the seed after the prompt's last advance. */
export function gridFileName(timestring: string, promptIndex: number, seed: number): string {
  return `${timestring}_${String(promptIndex).padStart(INDEX_DIGITS, '0')}_grid_${seed}.png`;
}
