/**
 * The HTTP side: /api/v10 routes (JSON or multipart), the "CDN" serving hosted files, injected 429s, the bot-token
 * check, and a record of every request with the answer it got. The gateway shares this server (upgrade requests).
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscordApiFailure, notFound, unauthorized } from './api-errors.js';
import { parseBody, type UploadedFile } from './multipart.js';
import type { RateLimiter } from './rate-limits.js';
import type { EmulatorState } from './state.js';
import type { RecordedRequest } from './types.js';

const API_PREFIX = '/api/v10';

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  json: unknown;
  files: UploadedFile[];
}

export interface RestResponse {
  status: number;
  json?: unknown;
}

export type RouteHandler = (request: RestRequest, params: string[]) => RestResponse | Promise<RestResponse>;

export interface Route {
  method: string;
  pattern: RegExp;
  /** Webhook and interaction-callback routes authenticate by their token in the path instead. */
  auth: boolean;
  handler: RouteHandler;
}

/** `/channels/:c/messages/:m` → a route whose handler gets the `:` segments in order. */
export function defineRoute(method: string, template: string, handler: RouteHandler, auth = true): Route {
  const source = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '([^/]+)');
  return { method, pattern: new RegExp(`^${source}$`), auth, handler };
}

export interface RestServerContext {
  state: EmulatorState;
  routes: Route[];
  rateLimiter: RateLimiter;
  token: string;
}

/** A server on a random loopback port, with no handler yet: the state's URLs need the port first. */
export async function listenOnLoopback(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

export function serveRest(server: Server, context: RestServerContext): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(context, req, res);
  });
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decodePath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => decodeURIComponent(segment))
    .join('/');
}

async function handle(context: RestServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const raw = await readRaw(req);
  if (url.pathname.startsWith('/cdn/')) return serveFile(context.state, url.pathname, res);

  const path = decodePath(url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname);
  const record: RecordedRequest = { method, path, query: url.search, status: 0, at: Date.now() };
  context.state.requests.push(record);
  const answer = (status: number, json: unknown, headers: Record<string, string> = {}): void => {
    record.status = status;
    if (json !== undefined) record.response = json;
    res.writeHead(status, json === undefined ? headers : { 'content-type': 'application/json', ...headers });
    res.end(json === undefined ? undefined : JSON.stringify(json));
  };

  try {
    const body = await parseBody(req.headers['content-type'], raw);
    if (body.json !== undefined) record.json = body.json;
    if (body.files.length > 0) {
      record.files = body.files.map((f) => ({
        field: f.field,
        filename: f.filename,
        contentType: f.contentType,
        size: f.bytes.length,
      }));
    }
    const limited = context.rateLimiter.take(path);
    if (limited) return answer(limited.status, limited.json, limited.headers);

    const route = context.routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route || !url.pathname.startsWith(API_PREFIX)) throw notFound();
    if (route.auth && req.headers.authorization !== `Bot ${context.token}`) throw unauthorized();
    const params = route.pattern.exec(path)?.slice(1) ?? [];
    const request: RestRequest = {
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
      json: body.json,
      files: body.files,
    };
    const result = await route.handler(request, params);
    answer(result.status, result.json);
  } catch (error) {
    if (error instanceof DiscordApiFailure) return answer(error.status, error.body);
    if (error instanceof SyntaxError)
      return answer(400, { message: 'The request body contains invalid JSON.', code: 50109 });
    // A bug in the emulator: say so loudly rather than let discord.js retry a 500 three times.
    console.error('discord emulator: route failed', method, path, error);
    answer(400, { message: `Emulator error: ${String(error)}`, code: 0 });
  }
}

function serveFile(state: EmulatorState, pathname: string, res: ServerResponse): void {
  const id = pathname.split('/').at(-2) ?? '';
  const file = state.files.get(id);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('This content is no longer available.');
    return;
  }
  res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.size) });
  res.end(file.bytes);
}
