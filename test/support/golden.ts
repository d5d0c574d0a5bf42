/**
 * Where the golden reference cases live. The same tests run on any case set of the same format:
 * DEFORUM_GOLDEN_DIR points them elsewhere (default ../shared/golden, beside the repository).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const GOLDEN_DIR = path.resolve(
  process.env.DEFORUM_GOLDEN_DIR ?? path.join(import.meta.dirname, '../../../shared/golden'),
);

export function goldenPath(...parts: string[]): string {
  return path.join(GOLDEN_DIR, ...parts);
}

/** Reads a golden JSON file; the golden format writes ±inf as the strings "Infinity"/"-Infinity". */
export function readGoldenJson<T>(name: string): T {
  return JSON.parse(readFileSync(goldenPath(name), 'utf8'), (_key, value: unknown) =>
    value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value,
  ) as T;
}
