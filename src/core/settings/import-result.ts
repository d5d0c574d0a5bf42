/** What every importer returns: a partial settings object in Deforum key names, plus what it could not carry. */

export type SettingsFormat = 'notebook' | 'a1111' | 'preset';

export interface UnmappedGroup {
  group: string;
  keys: string[];
}

export interface ImportedSettings {
  format: SettingsFormat;
  /** Deforum setting names → values as the file gave them (validated later by parseSettings). */
  settings: Record<string, unknown>;
  /** Translations a user may want to know about (a renamed option, a constant schedule turned into a number). */
  notes: string[];
  /** Keys of another tool with no equivalent here, grouped by feature. */
  unmapped: UnmappedGroup[];
  /** Run-time keys of a notebook file (timestring, outdir, …) that are known but not settings. */
  runtimeKeys: string[];
  /** Preset metadata, for preset files. */
  name?: string;
  description?: string;
}
