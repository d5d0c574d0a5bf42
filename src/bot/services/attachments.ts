/**
 * Files attached to a request: checked from Discord's description before download, fetched from Discord's CDN
 * (its signed links expire, so files are copied into the job's storage at submit) and stored under keys made from
 * the job id. Only Discord's CDN hosts are fetched, plus origins the caller names (the emulator's CDN in tests),
 * never a URL a user typed. A file's type is decided by its bytes, not its name: a download stops as soon as it
 * passes the size limit, and a file whose bytes are not what its kind accepts is refused.
 */
import { DeforumError } from '../../core/errors.js';
import type { AttachmentInput } from '../../jobs/job-store.js';
import { jobFileKey, type Storage } from '../../storage/storage-keys.js';
import type { RequestField, RequestProblem } from '../request/animate-request.js';

export type UploadKind = 'init' | 'mask' | 'video' | 'settings';

export interface AttachmentRule {
  types: readonly string[];
  extensions: readonly string[];
  maxBytes: number;
  label: string;
}

const MIB = 1024 * 1024;
const IMAGE = { types: ['image/png', 'image/jpeg', 'image/webp'], extensions: ['png', 'jpg', 'jpeg', 'webp'] };

export const ATTACHMENT_RULES: Readonly<Record<UploadKind, AttachmentRule>> = {
  init: { ...IMAGE, maxBytes: 10 * MIB, label: 'init image (PNG, JPEG or WebP)' },
  mask: { ...IMAGE, maxBytes: 10 * MIB, label: 'mask (PNG, JPEG or WebP)' },
  video: {
    types: ['video/mp4', 'video/webm', 'video/quicktime'],
    extensions: ['mp4', 'webm', 'mov'],
    maxBytes: 50 * MIB,
    label: 'video (MP4, WebM or MOV)',
  },
  settings: {
    types: ['application/json', 'text/plain'],
    extensions: ['json', 'txt'],
    maxBytes: 1 * MIB,
    label: 'settings file (.json or .txt)',
  },
};

const FIELDS: Readonly<Record<UploadKind, RequestField>> = {
  init: 'init_image',
  mask: 'mask',
  video: 'video',
  settings: 'settings',
};

const DISCORD_CDN_HOSTS: readonly string[] = ['cdn.discordapp.com', 'media.discordapp.net'];

/** An attachment as Discord describes it (discord.js `Attachment`: url, name, size, contentType). */
export interface DiscordAttachmentRef {
  url: string;
  name: string;
  size: number;
  contentType: string | null;
}

export interface DownloadedAttachment {
  bytes: Buffer;
  /** From the file's bytes, not its name or Discord's description. */
  contentType: string;
  extension: string;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Origins fetched besides Discord's CDN, e.g. `http://127.0.0.1:5123` for the emulator. */
  extraOrigins?: readonly string[];
}

export interface StoredUpload extends DownloadedAttachment {
  kind: 'init' | 'mask' | 'video';
}

/** What Discord says about the file (size, name, type) against the kind's rule, before anything is downloaded. */
export function checkAttachment(kind: UploadKind, ref: DiscordAttachmentRef): RequestProblem | null {
  const rejection = ruleViolation(kind, ref);
  return rejection === null ? null : { field: FIELDS[kind], message: rejection.message };
}

export async function downloadAttachment(
  kind: UploadKind,
  ref: DiscordAttachmentRef,
  options: DownloadOptions = {},
): Promise<DownloadedAttachment> {
  const violation = ruleViolation(kind, ref);
  if (violation !== null) throw violation;
  const rule = ATTACHMENT_RULES[kind];
  if (!isAllowedUrl(ref.url, options.extraOrigins ?? [])) {
    throw rejected(
      kind,
      ref,
      'untrusted_url',
      `${ref.name} is not a file uploaded to Discord. Attach the file itself.`,
    );
  }
  const response = await fetchFile(ref, options.signal);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > rule.maxBytes) throw tooLarge(kind, ref);
  const bytes = await readAtMost(response, rule.maxBytes, () => tooLarge(kind, ref));
  const sniffed = kind === 'settings' ? sniffText(bytes, ref.name) : sniffMedia(bytes);
  if (sniffed === null || !rule.types.includes(sniffed.contentType)) {
    throw rejected(
      kind,
      ref,
      'content_mismatch',
      `${ref.name} is not a ${rule.label}: its contents are ${sniffed?.contentType ?? 'something else'}, whatever its name says. Attach the ${rule.label} itself.`,
    );
  }
  return { bytes, ...sniffed };
}

/** Copies downloaded files into the job's storage; the rows to store with the job (job-store.ts enqueue). */
export async function storeAttachments(
  storage: Storage,
  jobId: string,
  files: readonly StoredUpload[],
): Promise<AttachmentInput[]> {
  const kinds = files.map((file) => file.kind);
  if (new Set(kinds).size !== kinds.length)
    throw new RangeError(`a job takes one file of each kind, got ${kinds.join(', ')}`);
  const stored: AttachmentInput[] = [];
  for (const file of files) {
    const storageKey = jobFileKey(jobId, file.kind, file.extension);
    await storage.put(storageKey, file.bytes);
    stored.push({ kind: file.kind, storageKey, sizeBytes: file.bytes.length, contentType: file.contentType });
  }
  return stored;
}

function ruleViolation(kind: UploadKind, ref: DiscordAttachmentRef): DeforumError | null {
  const rule = ATTACHMENT_RULES[kind];
  if (ref.size > rule.maxBytes) return tooLarge(kind, ref);
  const extension = /\.([a-z0-9]+)$/i.exec(ref.name)?.[1]?.toLowerCase() ?? '';
  const type = ref.contentType?.split(';')[0]?.trim().toLowerCase() ?? null;
  if (!rule.extensions.includes(extension) || (type !== null && !rule.types.includes(type))) {
    return rejected(
      kind,
      ref,
      'wrong_type',
      `${ref.name} (${type ?? `.${extension}`}) cannot be used as the ${rule.label}. Attach a file ending in ${rule.extensions.map((e) => `.${e}`).join(', ')}.`,
    );
  }
  return null;
}

function isAllowedUrl(text: string, extraOrigins: readonly string[]): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'https:' && DISCORD_CDN_HOSTS.includes(url.hostname)) || extraOrigins.includes(url.origin);
}

async function fetchFile(ref: DiscordAttachmentRef, signal: AbortSignal | undefined): Promise<Response> {
  const failed = (reason: 'http_status' | 'interrupted', status: number | null, cause?: unknown): DeforumError =>
    new DeforumError(
      { code: 'download_failed', url: ref.url, reason, status },
      `${ref.name} could not be fetched from Discord (${status === null ? 'connection failed' : `HTTP ${status}`}). Attach it again and resubmit.`,
      { cause },
    );
  let response: Response;
  try {
    // No redirects: a CDN answer that points elsewhere is not followed to a host we did not check.
    response = await fetch(ref.url, { redirect: 'error', ...(signal !== undefined && { signal }) });
  } catch (error) {
    if (signal?.aborted === true) throw error;
    throw failed('interrupted', null, error);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw failed('http_status', response.status);
  }
  return response;
}

/** Reads the body, stopping (and closing the connection) as soon as it passes `maxBytes`. */
async function readAtMost(response: Response, maxBytes: number, tooBig: () => Error): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (reader === undefined) return Buffer.alloc(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, total);
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooBig();
    }
    chunks.push(value);
  }
}

/** The container format from the file's first bytes (PNG, JPEG, WebP RIFF, ISO-BMFF `ftyp`, WebM EBML). */
function sniffMedia(bytes: Buffer): { contentType: string; extension: string } | null {
  const ascii = (start: number, end: number): string => bytes.subarray(start, end).toString('latin1');
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { contentType: 'image/png', extension: 'png' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return { contentType: 'image/jpeg', extension: 'jpg' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { contentType: 'image/webp', extension: 'webp' };
  if (ascii(4, 8) === 'ftyp') {
    return ascii(8, 12) === 'qt  '
      ? { contentType: 'video/quicktime', extension: 'mov' }
      : { contentType: 'video/mp4', extension: 'mp4' };
  }
  // EBML is shared by Matroska; its DocType element names `webm` near the start of a WebM file.
  if (bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])) && ascii(4, 64).includes('webm')) {
    return { contentType: 'video/webm', extension: 'webm' };
  }
  return null;
}

/** A settings file is UTF-8 text without NUL bytes; JSON or text by its name (its contents are parsed later). */
function sniffText(bytes: Buffer, name: string): { contentType: string; extension: string } | null {
  if (bytes.includes(0)) return null;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  return name.toLowerCase().endsWith('.json')
    ? { contentType: 'application/json', extension: 'json' }
    : { contentType: 'text/plain', extension: 'txt' };
}

function tooLarge(kind: UploadKind, ref: DiscordAttachmentRef): DeforumError {
  const { maxBytes, label } = ATTACHMENT_RULES[kind];
  const size = ref.size > maxBytes ? `is ${(ref.size / MIB).toFixed(1)} MiB` : 'is larger than it claimed';
  return rejected(
    kind,
    ref,
    'too_large',
    `${ref.name} ${size}; the ${label} may be at most ${maxBytes / MIB} MiB. Attach a smaller file.`,
    maxBytes,
  );
}

function rejected(
  kind: UploadKind,
  ref: DiscordAttachmentRef,
  reason: 'too_large' | 'wrong_type' | 'content_mismatch' | 'untrusted_url',
  message: string,
  limitBytes?: number,
): DeforumError {
  return new DeforumError(
    { code: 'attachment_rejected', kind, name: ref.name, reason, ...(limitBytes !== undefined && { limitBytes }) },
    message,
  );
}
