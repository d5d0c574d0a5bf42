/**
 * The `presets` table: a user's own named settings (beside the built-in presets/*.json). Names are per user,
 * lower-case `a-z0-9_-` up to 32 characters (also a CHECK in SQL); saving an existing name is refused unless the
 * caller asks to replace it, which bumps the version (♻️ re-renders use the latest version).
 */
import { DeforumError } from '../core/errors.js';
import { parseSettings } from '../core/settings/parse-settings.js';
import { settingsInvalidError } from '../core/settings/parse-settings.js';
import type { JobDatabase } from './database.js';
import { Prisma } from './generated/prisma/client.js';

export interface UserPreset {
  name: string;
  description: string;
  /** The overrides the user saved (Deforum key names), valid over the notebook defaults. */
  settings: Readonly<Record<string, unknown>>;
  version: number;
  updatedAt: Date;
}

const PRESET_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export class PresetStore {
  constructor(private readonly db: JobDatabase) {}

  async save(
    userId: string,
    preset: { name: string; description?: string; settings: Readonly<Record<string, unknown>> },
    options: { replace?: boolean } = {},
  ): Promise<UserPreset> {
    const name = checkName(preset.name);
    const parsed = parseSettings(preset.settings);
    if (!parsed.ok) throw settingsInvalidError(parsed.errors, `preset ${name}`);
    const settings = preset.settings as Prisma.InputJsonObject;
    const description = preset.description ?? '';
    await this.db.user.upsert({ where: { id: userId }, create: { id: userId }, update: {} });
    try {
      const saved =
        options.replace === true
          ? await this.db.preset.upsert({
              where: { userId_name: { userId, name } },
              create: { userId, name, description, settings },
              update: { description, settings, version: { increment: 1 }, updatedAt: new Date() },
            })
          : await this.db.preset.create({ data: { userId, name, description, settings } });
      return toUserPreset(saved);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new DeforumError(
          { code: 'preset_name_taken', name },
          `You already have a preset named ${name}. Pick another name, or replace it.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async get(userId: string, name: string): Promise<UserPreset> {
    const found = await this.db.preset.findUnique({ where: { userId_name: { userId, name } } });
    if (found === null) throw presetNotFound(name);
    return toUserPreset(found);
  }

  /** The user's presets by name; `prefix` narrows them for autocomplete. */
  async list(userId: string, prefix = ''): Promise<UserPreset[]> {
    const rows = await this.db.preset.findMany({
      where: { userId, name: { startsWith: prefix.toLowerCase() } },
      orderBy: { name: 'asc' },
      take: 100,
    });
    return rows.map(toUserPreset);
  }

  async delete(userId: string, name: string): Promise<void> {
    const deleted = await this.db.preset.deleteMany({ where: { userId, name } });
    if (deleted.count === 0) throw presetNotFound(name);
  }
}

function checkName(name: string): string {
  if (!PRESET_NAME.test(name)) {
    throw new DeforumError(
      { code: 'preset_name_invalid', name },
      `'${name}' is not a preset name: use 1 to 32 lower-case letters, digits, '-' or '_', starting with a ` +
        'letter or digit.',
    );
  }
  return name;
}

function presetNotFound(name: string): DeforumError {
  return new DeforumError({ code: 'preset_not_found', name }, `You have no preset named ${name}.`);
}

function toUserPreset(row: {
  name: string;
  description: string;
  settings: Prisma.JsonValue;
  version: number;
  updatedAt: Date;
}): UserPreset {
  const settings = row.settings;
  return {
    name: row.name,
    description: row.description,
    settings: typeof settings === 'object' && settings !== null && !Array.isArray(settings) ? settings : {},
    version: row.version,
    updatedAt: row.updatedAt,
  };
}
