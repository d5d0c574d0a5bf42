import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTACHMENT_RULES,
  checkAttachment,
  downloadAttachment,
  storeAttachments,
  type DiscordAttachmentRef,
  type UploadKind,
} from '../../../src/bot/services/attachments.js';
import { DeforumError } from '../../../src/core/errors.js';
import { LocalStorage } from '../../../src/storage/storage.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1)]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([40, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(32),
]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.alloc(64)]);
const MOV = Buffer.concat([Buffer.from([0, 0, 0, 20]), Buffer.from('ftypqt  '), Buffer.alloc(64)]);
const WEBM = Buffer.concat([
  Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]),
  Buffer.from('webm'),
  Buffer.alloc(32),
]);
const MKV = Buffer.concat([
  Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88]),
  Buffer.from('matroska'),
  Buffer.alloc(32),
]);
const JSON_TEXT = Buffer.from('{ "W": 512, "prompts": { "0": "a café" } }');
const MIB = 1024 * 1024;

const FILES: Record<string, { type: string; bytes: Buffer }> = {
  '/a.png': { type: 'image/png', bytes: PNG },
  '/a.jpg': { type: 'image/jpeg', bytes: JPEG },
  '/a.webp': { type: 'image/webp', bytes: WEBP },
  '/a.mp4': { type: 'video/mp4', bytes: MP4 },
  '/a.mov': { type: 'video/quicktime', bytes: MOV },
  '/a.webm': { type: 'video/webm', bytes: WEBM },
  '/a.json': { type: 'application/json', bytes: JSON_TEXT },
  '/lying.png': { type: 'image/png', bytes: Buffer.from('<html>not an image</html>') },
  '/mp4-as.png': { type: 'image/png', bytes: MP4 },
  '/matroska.webm': { type: 'video/webm', bytes: MKV },
  '/latin1.txt': { type: 'text/plain', bytes: Buffer.from([0x7b, 0xe9, 0x7d]) },
};

let server: Server;
let origin: string;
let streamedBytes = 0;
let streamClosed: Promise<void>;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? '';
    if (url === '/missing.png') {
      response.writeHead(404).end();
      return;
    }
    if (url === '/endless.json') {
      // Chunked, no Content-Length: only the byte count read so far can stop it.
      streamClosed = new Promise((resolve) => response.on('close', resolve));
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!response.destroyed && streamedBytes < 64 * MIB) {
          streamedBytes += chunk.length;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        response.end();
      };
      pump();
      return;
    }
    const file = FILES[url];
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length }).end(file.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function ref(name: string, o: Partial<DiscordAttachmentRef> = {}): DiscordAttachmentRef {
  const file = FILES[`/${name}`];
  return {
    url: `${origin}/${name}`,
    name,
    size: file?.bytes.length ?? 100,
    contentType: file?.type ?? null,
    ...o,
  };
}

async function rejection(promise: Promise<unknown>): Promise<DeforumError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DeforumError)) throw new Error(`expected a DeforumError, got ${String(error)}`);
  return error;
}

describe('checkAttachment', () => {
  it.each<[UploadKind, Partial<DiscordAttachmentRef>, string | null]>([
    ['init', { name: 'fox.png', contentType: 'image/png', size: 1000 }, null],
    ['mask', { name: 'mask.JPEG', contentType: 'image/jpeg', size: 1000 }, null],
    ['settings', { name: 's_settings.txt', contentType: 'text/plain; charset=utf-8', size: 1000 }, null],
    ['video', { name: 'clip.mov', contentType: null, size: 49 * MIB }, null],
    [
      'init',
      { name: 'fox.gif', contentType: 'image/gif', size: 1000 },
      'fox.gif (image/gif) cannot be used as the init image (PNG, JPEG or WebP). Attach a file ending in .png, .jpg, .jpeg, .webp.',
    ],
    [
      'init',
      { name: 'fox.png', contentType: 'application/pdf', size: 1000 },
      'fox.png (application/pdf) cannot be used as the init image',
    ],
    ['init', { name: 'noextension', contentType: null, size: 1000 }, 'noextension (.) cannot be used'],
    [
      'init',
      { name: 'big.png', contentType: 'image/png', size: 11 * MIB },
      'big.png is 11.0 MiB; the init image (PNG, JPEG or WebP) may be at most 10 MiB. Attach a smaller file.',
    ],
    ['video', { name: 'long.mp4', contentType: 'video/mp4', size: 51 * MIB }, 'may be at most 50 MiB'],
    ['settings', { name: 'big.json', contentType: 'application/json', size: 2 * MIB }, 'may be at most 1 MiB'],
  ])('%s %o → %s', (kind, o, expected) => {
    const problem = checkAttachment(kind, {
      url: 'https://cdn.discordapp.com/x',
      name: '',
      size: 0,
      contentType: null,
      ...o,
    });
    if (expected === null) expect(problem).toBeNull();
    else expect(problem?.message).toContain(expected);
    if (problem !== null) {
      expect(problem.field).toBe({ init: 'init_image', mask: 'mask', video: 'video', settings: 'settings' }[kind]);
    }
  });

  it('has the documented limits', () => {
    expect(ATTACHMENT_RULES.init.maxBytes).toBe(10 * MIB);
    expect(ATTACHMENT_RULES.video.maxBytes).toBe(50 * MIB);
    expect(ATTACHMENT_RULES.settings.maxBytes).toBe(MIB);
  });
});

describe('downloadAttachment', () => {
  it.each<[UploadKind, string, string, string]>([
    ['init', 'a.png', 'image/png', 'png'],
    ['init', 'a.jpg', 'image/jpeg', 'jpg'],
    ['mask', 'a.webp', 'image/webp', 'webp'],
    ['video', 'a.mp4', 'video/mp4', 'mp4'],
    ['video', 'a.mov', 'video/quicktime', 'mov'],
    ['video', 'a.webm', 'video/webm', 'webm'],
    ['settings', 'a.json', 'application/json', 'json'],
  ])('fetches a %s %s from an allowed origin and types it by its bytes', async (kind, name, contentType, extension) => {
    const file = await downloadAttachment(kind, ref(name), { extraOrigins: [origin] });
    expect(file).toEqual({ bytes: FILES[`/${name}`]?.bytes, contentType, extension });
  });

  it.each<[UploadKind, string, string]>([
    ['init', 'lying.png', 'its contents are something else'],
    ['init', 'mp4-as.png', 'its contents are video/mp4'],
    ['video', 'matroska.webm', 'is not a video (MP4, WebM or MOV)'],
    ['settings', 'latin1.txt', 'is not a settings file'],
  ])('refuses a %s whose bytes are not what %s says', async (kind, name, expected) => {
    const error = await rejection(downloadAttachment(kind, ref(name), { extraOrigins: [origin] }));
    expect(error.details).toMatchObject({ code: 'attachment_rejected', reason: 'content_mismatch', name });
    expect(error.message).toContain(expected);
  });

  it.each([
    ['an origin nobody allowed', (name: string) => `${origin}/${name}`, []],
    ['another host over https', () => 'https://example.com/a.png', []],
    ['a Discord host over http', () => 'http://cdn.discordapp.com/a.png', []],
    ['a look-alike host', () => 'https://cdn.discordapp.com.evil.example/a.png', []],
    ['a file URL', () => 'file:///etc/passwd.png', []],
  ])('never fetches %s', async (_, url, extraOrigins: string[]) => {
    const error = await rejection(downloadAttachment('init', ref('a.png', { url: url('a.png') }), { extraOrigins }));
    expect(error.details).toMatchObject({ code: 'attachment_rejected', reason: 'untrusted_url' });
  });

  it('stops reading a body that grows past the limit, whatever Discord said its size was', async () => {
    const error = await rejection(
      downloadAttachment('settings', ref('endless.json', { size: 100, contentType: 'application/json' }), {
        extraOrigins: [origin],
      }),
    );
    expect(error.details).toMatchObject({ code: 'attachment_rejected', reason: 'too_large', limitBytes: MIB });
    expect(error.message).toBe(
      'endless.json is larger than it claimed; the settings file (.json or .txt) may be at most 1 MiB. Attach a smaller file.',
    );
    await streamClosed;
    expect(streamedBytes).toBeLessThan(64 * MIB);
  });

  it('refuses before downloading what Discord already says is too large or of the wrong type', async () => {
    const tooBig = await rejection(
      downloadAttachment('init', ref('a.png', { size: 20 * MIB }), { extraOrigins: [origin] }),
    );
    expect(tooBig.details).toMatchObject({ reason: 'too_large', limitBytes: 10 * MIB });
    const wrong = await rejection(downloadAttachment('video', ref('a.png'), { extraOrigins: [origin] }));
    expect(wrong.details).toMatchObject({ reason: 'wrong_type' });
  });

  it('reports a file the CDN no longer serves as a failed download to attach again', async () => {
    const error = await rejection(downloadAttachment('init', ref('missing.png'), { extraOrigins: [origin] }));
    expect(error.details).toMatchObject({ code: 'download_failed', reason: 'http_status', status: 404 });
    expect(error.message).toBe(
      'missing.png could not be fetched from Discord (HTTP 404). Attach it again and resubmit.',
    );
  });
});

describe('storeAttachments', () => {
  it("copies each file into the job's storage and returns the rows to enqueue", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'deforum-attachments-'));
    try {
      const storage = new LocalStorage(root);
      const jobId = '0b6f6a52-5c1e-4f7e-9d0a-2f1d3c4b5a69';
      const rows = await storeAttachments(storage, jobId, [
        { kind: 'init', bytes: PNG, contentType: 'image/png', extension: 'png' },
        { kind: 'mask', bytes: JPEG, contentType: 'image/jpeg', extension: 'jpg' },
      ]);
      expect(rows).toEqual([
        { kind: 'init', storageKey: `jobs/${jobId}/init.png`, sizeBytes: PNG.length, contentType: 'image/png' },
        { kind: 'mask', storageKey: `jobs/${jobId}/mask.jpg`, sizeBytes: JPEG.length, contentType: 'image/jpeg' },
      ]);
      expect(await readFile(path.join(root, 'jobs', jobId, 'init.png'))).toEqual(PNG);
      expect(await storage.get(`jobs/${jobId}/mask.jpg`)).toEqual(JPEG);
      await expect(
        storeAttachments(storage, jobId, [
          { kind: 'init', bytes: PNG, contentType: 'image/png', extension: 'png' },
          { kind: 'init', bytes: JPEG, contentType: 'image/jpeg', extension: 'jpg' },
        ]),
      ).rejects.toThrow('a job takes one file of each kind');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
