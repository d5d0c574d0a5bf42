/**
 * The reference folders beside the repository. The same tests run on any case set of the same format:
 * DEFORUM_GOLDEN_DIR and DEFORUM_REAL_DIR point them elsewhere (defaults ../shared/golden and ../shared/real).
 */
import path from 'node:path';

export const REPO_ROOT = path.join(import.meta.dirname, '../..');

export const GOLDEN_DIR = path.resolve(process.env.DEFORUM_GOLDEN_DIR ?? path.join(REPO_ROOT, '../shared/golden'));

export const REAL_DIR = path.resolve(process.env.DEFORUM_REAL_DIR ?? path.join(REPO_ROOT, '../shared/real'));
