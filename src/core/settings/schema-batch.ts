/**
 * Batch and seed settings (spec §16). `seed_behavior: 'schedule'` and `seed_schedule` are the A1111
 * extension's additions, kept so its files import with their meaning: the seed of each diffused frame is the
 * schedule's value there, with `s` = the run's first seed and `max_f` = max_frames − 1 as variables.
 */
import { choiceField, flagField, integerField, stringScheduleField, textField } from './field-types.js';

export const SEED_BEHAVIORS = ['iter', 'fixed', 'random', 'ladder', 'alternate', 'schedule'] as const;

export const FILENAME_FORMATS = ['{timestring}_{index}_{prompt}.png', '{timestring}_{index}_{seed}.png'] as const;

export const batchShape = {
  n_batch: integerField(1),
  n_samples: integerField(1),
  batch_name: textField(),
  filename_format: choiceField(FILENAME_FORMATS),
  seed_behavior: choiceField(SEED_BEHAVIORS),
  seed_iter_N: integerField(1),
  seed_schedule: stringScheduleField().describe('a keyframe schedule of seeds, e.g. "0:(s), 10:(s+1)" (s = seed)'),
  make_grid: flagField(),
  grid_rows: integerField(1),
};
