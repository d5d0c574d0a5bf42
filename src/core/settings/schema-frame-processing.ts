/**
 * What happens to the previous frame before it becomes the next init (spec §6-§9): noise, strength and
 * contrast schedules, sampler scheduling, the unsharp mask, colour coherence and diffusion cadence.
 */
import { z } from 'zod';
import { choiceField, flagField, integerField, scheduleField, stringScheduleField } from './field-types.js';

export const COLOR_COHERENCE_MODES = [
  'None',
  'Match Frame 0 HSV',
  'Match Frame 0 LAB',
  'Match Frame 0 RGB',
  'Video Input',
] as const;

const CADENCE_TEXT = ['1', '2', '3', '4', '5', '6', '7', '8'] as const;

/**
 * The notebook's form stores cadence as the string '1'..'8' and uses int() of it; the A1111 extension writes
 * an integer. Both are accepted and the engine sees the integer; export writes the notebook's string back.
 */
const cadenceField = z
  .union([z.enum(CADENCE_TEXT), z.number().int().min(1).max(8)])
  .transform((value) => Number(value))
  .describe("'1' to '8' (or the integer 1 to 8)");

export const frameProcessingShape = {
  noise_schedule: scheduleField(),
  strength_schedule: scheduleField(),
  contrast_schedule: scheduleField(),
  enable_schedule_samplers: flagField(),
  sampler_schedule: stringScheduleField(),
  kernel_schedule: scheduleField(),
  sigma_schedule: scheduleField(),
  amount_schedule: scheduleField(),
  threshold_schedule: scheduleField(),
  color_coherence: choiceField(COLOR_COHERENCE_MODES),
  color_coherence_video_every_N_frames: integerField(1),
  color_force_grayscale: flagField(),
  diffusion_cadence: cadenceField,
};
