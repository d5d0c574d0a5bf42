/**
 * Downloads one file of a Hugging Face Hub repository (`{endpoint}/{repo}/resolve/{revision}/{path}`, the URL
 * scheme `huggingface_hub` uses) to disk: into `<file>.part`, resumed with an HTTP Range request when a part is
 * already there, hashed with sha256 while streaming, checked against the expected size and checksum, then renamed.
 * A file that fails its check is deleted, so the next run starts clean; an interrupted one is kept to resume.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DeforumError } from '../core/errors.js';
import type { HubFile } from './registry.js';

export interface HubFileRequest {
  endpoint: string;
  repo: string;
  revision: string;
  file: HubFile;
  /** Where the finished file goes; the part file sits beside it. */
  destination: string;
  /** Called after every chunk with the bytes on disk so far and the total when known. */
  onProgress?: (bytesDone: number, bytesTotal: number | null) => void;
}

export interface HubFileResult {
  status: 'downloaded' | 'already_present';
  bytes: number;
  /** Where the expected checksum came from; `none` when neither the registry nor the Hub gave one. */
  checkedBy: 'registry' | 'hub' | 'none';
  resumedFrom: number;
}

const MAX_REDIRECTS = 5;
const SHA256 = /^[0-9a-f]{64}$/;

export function hubFileUrl(endpoint: string, repo: string, revision: string, filePath: string): string {
  const encodedPath = filePath.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

function fail(
  url: string,
  reason: 'http_status' | 'interrupted' | 'size_mismatch' | 'checksum_mismatch',
  status: number | null,
  message: string,
  cause?: unknown,
): DeforumError {
  return new DeforumError(
    { code: 'download_failed', url, reason, status },
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** GET with manual redirects, so the Hub's LFS headers on the first hop are not lost. */
async function get(
  url: string,
  offset: number,
): Promise<{ response: Response; linkedEtag: string | null; linkedSize: number | null }> {
  let current = url;
  let linkedEtag: string | null = null;
  let linkedSize: number | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const response = await fetch(current, { headers, redirect: 'manual' });
    linkedEtag ??= response.headers.get('x-linked-etag')?.replaceAll('"', '') ?? null;
    const size = response.headers.get('x-linked-size');
    linkedSize ??= size === null ? null : Number(size);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).toString();
      continue;
    }
    return { response, linkedEtag, linkedSize };
  }
  throw fail(url, 'http_status', null, `Too many redirects fetching ${url}.`);
}

function statusMessage(url: string, status: number): string {
  if (status === 404) return `${url} was not found (HTTP 404). Check the model name, repository and revision.`;
  if (status === 401 || status === 403) {
    return `${url} refused the download (HTTP ${status}). The repository may be gated: accept its license on the Hub.`;
  }
  return `${url} answered HTTP ${status}. Try again later; a partial download is kept and resumed.`;
}

/** Downloads (or resumes) one Hub file; see the module comment for the guarantees. */
export async function downloadHubFile(request: HubFileRequest): Promise<HubFileResult> {
  const { file, destination } = request;
  const url = hubFileUrl(request.endpoint, request.repo, request.revision, file.path);
  const existing = await sizeOf(destination);
  if (existing !== null && (file.bytes === null || existing === file.bytes)) {
    if (file.sha256 === null) return { status: 'already_present', bytes: existing, checkedBy: 'none', resumedFrom: 0 };
    const hash = createHash('sha256');
    await hashFile(destination, hash);
    if (hash.digest('hex') === file.sha256) {
      return { status: 'already_present', bytes: existing, checkedBy: 'registry', resumedFrom: 0 };
    }
  }
  await mkdir(path.dirname(destination), { recursive: true });
  const partPath = `${destination}.part`;
  const offset = (await sizeOf(partPath)) ?? 0;
  const hash = createHash('sha256');
  if (offset > 0) await hashFile(partPath, hash);

  const { response, linkedEtag, linkedSize } = await get(url, offset);
  if (offset > 0 && (response.status === 416 || response.status === 200)) {
    // The server will not continue this part (it changed, or ignores Range): start over.
    await response.body?.cancel();
    await rm(partPath, { force: true });
    return downloadHubFile(request);
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    throw fail(url, 'http_status', response.status, statusMessage(url, response.status));
  }
  const length = response.headers.get('content-length');
  const total = file.bytes ?? linkedSize ?? (length === null ? null : offset + Number(length));
  const resumedFrom = offset;
  const handle = await open(partPath, offset > 0 ? 'a' : 'w');
  let written = offset;
  try {
    if (response.body) {
      for await (const chunk of response.body) {
        hash.update(chunk);
        await handle.write(chunk);
        written += chunk.byteLength;
        request.onProgress?.(written, total);
      }
    }
  } catch (cause) {
    throw fail(
      url,
      'interrupted',
      response.status,
      `The download of ${file.path} stopped after ${written} bytes. Run the same command again to resume it.`,
      cause,
    );
  } finally {
    await handle.close();
  }

  if (total !== null && written !== total) {
    await rm(partPath, { force: true });
    throw fail(
      url,
      'size_mismatch',
      response.status,
      `${file.path} is ${written} bytes, expected ${total}. The partial file was removed; run the command again.`,
    );
  }
  const expected = file.sha256 ?? (linkedEtag && SHA256.test(linkedEtag) ? linkedEtag : null);
  const actual = hash.digest('hex');
  if (expected !== null && actual !== expected) {
    await rm(partPath, { force: true });
    throw fail(
      url,
      'checksum_mismatch',
      response.status,
      `${file.path} has sha256 ${actual}, expected ${expected}. The file was removed; run the command again, and ` +
        'if it fails the same way the upstream file has changed.',
    );
  }
  await rename(partPath, destination);
  const checkedBy = file.sha256 !== null ? 'registry' : expected !== null ? 'hub' : 'none';
  return { status: 'downloaded', bytes: written, checkedBy, resumedFrom };
}
