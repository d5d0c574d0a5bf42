/** Storage in a local directory (the default): one machine, or a volume every worker mounts. */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkJobId, checkKey, checkPrefix, type JobFolder, type Storage } from './storage-keys.js';

const PARTIAL = '.partial-';

export class LocalStorage implements Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename: a reader (or a resumed worker) never sees half a file.
    const partial = `${file}${PARTIAL}${process.pid}`;
    await writeFile(partial, bytes);
    await rename(partial, file);
  }

  async get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const folder = path.join(this.root, ...checkPrefix(prefix).split('/'));
    let entries;
    try {
      entries = await readdir(folder, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isFile() && !entry.name.includes(PARTIAL))
      .map((entry) => path.relative(this.root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
      .sort();
  }

  async deleteJob(jobId: string): Promise<void> {
    await rm(path.join(this.root, 'jobs', checkJobId(jobId)), { recursive: true, force: true });
  }

  async deleteJobFolder(jobId: string, folder: JobFolder): Promise<void> {
    await rm(path.join(this.root, 'jobs', checkJobId(jobId), folder), { recursive: true, force: true });
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...checkKey(key).split('/'));
  }
}
