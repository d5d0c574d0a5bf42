/**
 * `deforum models check` and `deforum models fetch` run as a user runs them (a child process), with fetch pointed
 * at a local server (DEFORUM_HF_ENDPOINT) that serves a tiny export under the Hub's `/{repo}/resolve/{revision}/
 * {path}` scheme, with the Hub's LFS headers, Range support, and switches to break it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KNOWN_MODELS } from '../../src/models/registry.js';
import { REPO_ROOT } from '../support/shared-dirs.js';
import { STACK_TRACE, type CliRun } from '../support/run-cli.js';

const MODEL = KNOWN_MODELS[0];
if (!MODEL) throw new Error('the registry has no model');

/** Deterministic contents per file; the UNet weights are large enough to be cut mid-file. */
const FILES = new Map(
  MODEL.files.map((file, index) => {
    const size = file.path === 'unet/weights.pb' ? 256 * 1024 : 100 + index;
    return [file.path, Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + index) % 251))] as const;
  }),
);

interface Behaviour {
  /** Close the connection after this many bytes of this file, once. */
  cutFile?: string;
  cutAfter?: number;
  /** Advertise a wrong sha256 for this file. */
  wrongHashFile?: string;
}

let server: Server;
let endpoint: string;
let behaviour: Behaviour = {};
const requests: { path: string; headers: IncomingHttpHeaders }[] = [];

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    const prefix = `/${MODEL.repo}/resolve/${MODEL.revision}/`;
    const filePath = decodeURIComponent((req.url ?? '').startsWith(prefix) ? (req.url ?? '').slice(prefix.length) : '');
    const body = FILES.get(filePath);
    if (!body) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    const etag = behaviour.wrongHashFile === filePath ? sha256(Buffer.from('other')) : sha256(body);
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const part = body.subarray(start);
    res.writeHead(start > 0 ? 206 : 200, {
      'content-length': part.length,
      'x-linked-etag': `"${etag}"`,
      'x-linked-size': body.length,
      ...(start > 0 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (behaviour.cutFile === filePath && behaviour.cutAfter !== undefined) {
      const cut = behaviour.cutAfter;
      behaviour = {};
      res.write(part.subarray(0, cut), () => res.destroy());
      return;
    }
    res.end(part);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  behaviour = {};
  requests.length = 0;
});

/** spawnSync would block the in-process server, so the CLI runs asynchronously here. */
function deforum(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/deforum.js'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DEFORUM_HF_ENDPOINT: endpoint, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function freshDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'deforum-models-'));
}

function expectComplete(dir: string): void {
  for (const [filePath, body] of FILES) {
    expect(readFileSync(path.join(dir, filePath)).equals(body), filePath).toBe(true);
    expect(existsSync(path.join(dir, `${filePath}.part`)), `${filePath}.part left behind`).toBe(false);
  }
}

describe('deforum models fetch', () => {
  it('downloads every file of the export, verified against the Hub sha256, into a folder that checks', async () => {
    const dir = freshDir();
    const result = await deforum(['models', 'fetch', MODEL.name, '--to', dir]);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.status).toBe(0);
    expectComplete(dir);
    expect(result.stdout).toContain('unet/weights.pb: 262144 bytes, sha256 from the hub');
    expect(result.stdout).toMatch(/complete diffusers ONNX export \(unet: unet\/weights\.pb\)/);
  });

  it('resumes an interrupted download with a Range request instead of starting over', async () => {
    const dir = freshDir();
    behaviour = { cutFile: 'unet/weights.pb', cutAfter: 100_000 };
    const first = await deforum(['models', 'fetch', MODEL.name, '--to', dir]);
    expect(first.status).toBe(1);
    expect(first.stderr).toMatch(
      /^error: The download of unet\/weights\.pb stopped after \d+ bytes\. Run the same command again to resume it\./m,
    );
    const partSize = readFileSync(path.join(dir, 'unet/weights.pb.part')).length;
    expect(partSize).toBeGreaterThan(0);

    requests.length = 0;
    const second = await deforum(['models', 'fetch', MODEL.name, '--to', dir]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`unet/weights.pb: 262144 bytes, sha256 from the hub, resumed at ${partSize} bytes`);
    expect(second.stdout).toContain('model_index.json: already present');
    const unetRequest = requests.find((r) => r.path.endsWith('/unet/weights.pb'));
    expect(unetRequest?.headers.range).toBe(`bytes=${partSize}-`);
    expectComplete(dir);
  });

  it('removes a file whose checksum does not match and says so', async () => {
    const dir = freshDir();
    behaviour = { wrongHashFile: 'text_encoder/model.onnx' };
    const result = await deforum(['models', 'fetch', MODEL.name, '--to', dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^error: text_encoder\/model\.onnx has sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\. The file was removed/m,
    );
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(path.join(dir, 'text_encoder/model.onnx'))).toBe(false);
    expect(existsSync(path.join(dir, 'text_encoder/model.onnx.part'))).toBe(false);
  });

  it('reports a 404 with the URL and what to check', async () => {
    const dir = freshDir();
    const result = await deforum(['models', 'fetch', MODEL.name, '--to', dir], {
      DEFORUM_HF_ENDPOINT: `${endpoint}/missing`,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^error: http:\/\/127\.0\.0\.1:\d+\/missing\/.+\/model_index\.json was not found \(HTTP 404\)\. Check the model name/m,
    );
  });

  it('rejects an unknown model name, listing the known ones', async () => {
    const result = await deforum(['models', 'fetch', 'sd-9', '--to', freshDir()]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`error: Unknown model 'sd-9'. Known models: ${MODEL.name}`);
  });
});

describe('deforum models check', () => {
  it('lists every missing file with what it is for, and exits 1', async () => {
    const dir = freshDir();
    mkdirSync(path.join(dir, 'unet'));
    writeFileSync(path.join(dir, 'model_index.json'), '{}');
    writeFileSync(path.join(dir, 'unet/model.onnx'), '');
    const result = await deforum(['models', 'check', dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('vae_encoder/model.onnx  (the VAE encoder');
    expect(result.stderr).toContain('text_encoder/model.onnx  (the CLIP text encoder)');
    expect(result.stderr).not.toContain('unet/model.onnx');
  });

  it('fails clearly for a folder that does not exist', async () => {
    const result = await deforum(['models', 'check', path.join(freshDir(), 'nope')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: Cannot read the model folder .*nope/m);
  });
});
