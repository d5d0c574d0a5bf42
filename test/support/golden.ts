/** Reading the golden reference cases (the folder comes from DEFORUM_GOLDEN_DIR, see shared-dirs.ts). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GOLDEN_DIR } from './shared-dirs.js';

export { GOLDEN_DIR };

export function goldenPath(...parts: string[]): string {
  return path.join(GOLDEN_DIR, ...parts);
}

/** Reads a golden JSON file; the golden format writes ±inf as the strings "Infinity"/"-Infinity". */
export function readGoldenJson<T>(name: string): T {
  return JSON.parse(readFileSync(goldenPath(name), 'utf8'), (_key, value: unknown) =>
    value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value,
  ) as T;
}
