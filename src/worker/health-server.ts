/**
 * The worker's HTTP port: `GET /health` (200 while the worker runs, 503 once it is stopping, for load balancers
 * and container health checks) and `GET /metrics` in Prometheus text format.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthSource {
  health(): { ok: boolean; body: Record<string, unknown> };
  metrics(): Promise<string>;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(port: number, source: HealthSource): Promise<HealthServer> {
  const server = http.createServer((request, response) => {
    const url = request.url?.split('?')[0];
    if (request.method === 'GET' && url === '/health') {
      const { ok, body } = source.health();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    if (request.method === 'GET' && url === '/metrics') {
      source.metrics().then(
        (text) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
        (error: unknown) => response.writeHead(500).end(error instanceof Error ? error.message : String(error)),
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('GET /health or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
