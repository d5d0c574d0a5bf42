/**
 * The built-in presets (presets/*.json, format in preset-file.ts): an explicit, typed list rather than a
 * directory scan (style.md B0), each validated by the same schema as any settings file when it is used.
 */
import fastPreview from '../../../presets/fast-preview.json' with { type: 'json' };
import filmGrayscale from '../../../presets/film-grayscale.json' with { type: 'json' };
import flyThrough3d from '../../../presets/fly-through-3d.json' with { type: 'json' };
import musicVideo from '../../../presets/music-video.json' with { type: 'json' };
import orbit3d from '../../../presets/orbit-3d.json' with { type: 'json' };
import promptInterpolation from '../../../presets/prompt-interpolation.json' with { type: 'json' };
import slowZoom2d from '../../../presets/slow-zoom-2d.json' with { type: 'json' };
import videoStylize from '../../../presets/video-stylize.json' with { type: 'json' };
import { DeforumError } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { parseSettings, settingsInvalidError, type SettingsParseResult } from './parse-settings.js';
import { presetFileSchema, type PresetFile } from './preset-file.js';
import type { DeforumSettings } from './schema.js';

const BUILT_IN: readonly PresetFile[] = [
  slowZoom2d,
  flyThrough3d,
  orbit3d,
  videoStylize,
  promptInterpolation,
  musicVideo,
  fastPreview,
  filmGrayscale,
].map((preset) => presetFileSchema.parse(preset));

export function listPresets(): { name: string; description: string }[] {
  return BUILT_IN.map(({ name, description }) => ({ name, description }));
}

export function findPreset(name: string): PresetFile {
  const preset = BUILT_IN.find((candidate) => candidate.name === name);
  if (preset !== undefined) return preset;
  const known = BUILT_IN.map((candidate) => candidate.name);
  const suggestion = didYouMean(name, known);
  throw new DeforumError(
    { code: 'preset_unknown', name, known },
    `There is no preset "${name}".${suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`} Known presets: ${known.join(', ')}.`,
  );
}

/** A preset's settings over the notebook defaults, then `overrides` (e.g. a user's prompts) over both. */
export function resolvePreset(name: string, overrides: Readonly<Record<string, unknown>> = {}): SettingsParseResult {
  return parseSettings({ ...findPreset(name).settings, ...overrides });
}

export function loadPreset(name: string, overrides: Readonly<Record<string, unknown>> = {}): DeforumSettings {
  const result = resolvePreset(name, overrides);
  if (result.ok) return result.settings;
  throw settingsInvalidError(result.errors, `preset ${name}`);
}
