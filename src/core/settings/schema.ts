/**
 * The one zod schema of every Deforum setting (notebook v0.7.1 names, spec §4-§20), assembled from the group
 * modules. Its input is a complete settings object (defaults merged in by parse-settings.ts); its output,
 * `DeforumSettings`, is what the rest of the engine sees: cadence as an integer and prompts as frame tables.
 */
import { z } from 'zod';
import { animationShape } from './schema-animation.js';
import { batchShape } from './schema-batch.js';
import { depthShape } from './schema-depth.js';
import { frameProcessingShape } from './schema-frame-processing.js';
import { guidanceShape } from './schema-guidance.js';
import { imageSamplingShape } from './schema-image-sampling.js';
import { initShape } from './schema-init.js';
import { promptsShape, toPromptTable } from './schema-prompts.js';
import { runModesShape } from './schema-run-modes.js';
import { videoCreationShape } from './schema-video-creation.js';
import { videoInputShape } from './schema-video-input.js';

export const settingsShape = {
  ...animationShape,
  ...frameProcessingShape,
  ...depthShape,
  ...videoInputShape,
  ...runModesShape,
  ...promptsShape,
  ...imageSamplingShape,
  ...batchShape,
  ...initShape,
  ...guidanceShape,
  ...videoCreationShape,
};

export const deforumSettingsSchema = z.object(settingsShape).transform((settings) => {
  const prompts = toPromptTable(settings.prompts);
  // A lone negative string goes with the first prompt key, as the notebook's Prompts class does (spec §3.1).
  const firstPromptKey = Object.keys(prompts)[0] ?? '0';
  return { ...settings, prompts, neg_prompts: toPromptTable(settings.neg_prompts, firstPromptKey) };
});

export type SettingName = keyof typeof settingsShape;
/** Every setting with its full input form (strings or integers for cadence, any prompt form). */
export type DeforumSettingsInput = z.input<typeof deforumSettingsSchema>;
/** The validated settings the engine works with. */
export type DeforumSettings = z.output<typeof deforumSettingsSchema>;

export const SETTING_NAMES = Object.keys(settingsShape) as SettingName[];

export function isSettingName(key: string): key is SettingName {
  return Object.hasOwn(settingsShape, key);
}
