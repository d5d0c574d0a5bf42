/**
 * Reads a settings file from disk and parses its JSON: the file-system edge of the settings commands (core
 * stays free of fs). A missing or unreadable file becomes a `settings_unreadable` DeforumError.
 */
import { readFile } from 'node:fs/promises';
import { DeforumError } from '../core/errors.js';
import { parseJsonText } from '../core/settings/json-text.js';

export async function readSettingsFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const reason =
      isNodeError(cause) && cause.code === 'ENOENT'
        ? 'no such file'
        : cause instanceof Error
          ? cause.message
          : String(cause);
    throw new DeforumError({ code: 'settings_unreadable', source: file, reason }, `cannot read ${file}: ${reason}`, {
      cause,
    });
  }
  return parseJsonText(text, file);
}

function isNodeError(value: unknown): value is NodeJS.ErrnoException {
  return value instanceof Error && 'code' in value;
}
