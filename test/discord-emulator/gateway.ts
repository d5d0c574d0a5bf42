/**
 * The gateway over WebSocket on the REST server's port: HELLO, IDENTIFY → READY then one GUILD_CREATE per guild,
 * heartbeat ACKs, RESUME with replay of the dispatches missed since the client's sequence number (or op 9 when the
 * session is unknown), and dispatches filtered by the intents the client identified with.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { guildCreatePayload, userPayload } from './payloads.js';
import type { EmulatorState } from './state.js';

const HEARTBEAT_INTERVAL_MS = 41_250;
/** Discord's "unknown error" close code: @discordjs/ws resumes after it. */
const RESUMABLE_CLOSE_CODE = 4000;

/** The intent bits that gate the events the emulator sends. */
export const INTENTS = {
  guilds: 1 << 0,
  guildMessages: 1 << 9,
  guildMessageReactions: 1 << 10,
  directMessages: 1 << 12,
  directMessageReactions: 1 << 13,
} as const;

/** Message and reaction events in DMs come under the DM intents, elsewhere under the guild ones. */
export function channelIntent(state: EmulatorState, channelId: string, kind: 'messages' | 'reactions'): number {
  const dm = state.channel(channelId)?.type === 1;
  if (kind === 'messages') return dm ? INTENTS.directMessages : INTENTS.guildMessages;
  return dm ? INTENTS.directMessageReactions : INTENTS.guildMessageReactions;
}

export interface Dispatcher {
  /** Sends (or queues for resume) an event; `intent` is the intent bit that gates it, if any. */
  dispatch(event: string, data: unknown, intent?: number): void;
}

interface Frame {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

interface Session {
  id: string;
  intents: number;
  seq: number;
  sent: Frame[];
  socket: WebSocket | undefined;
}

export class Gateway implements Dispatcher {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly identifiedListeners = new Set<() => void>();

  constructor(
    server: Server,
    private readonly state: EmulatorState,
    private readonly token: string,
    readonly url: string,
  ) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  dispatch(event: string, data: unknown, intent?: number): void {
    for (const session of this.sessions.values()) {
      if (intent !== undefined && (session.intents & intent) === 0) continue;
      this.send(session, event, data);
    }
  }

  /**
   * Resolves once a client has identified. A session whose socket dropped still counts: its dispatches wait for
   * the resume, as on Discord.
   */
  async identified(timeoutMs: number): Promise<void> {
    if (this.sessions.size > 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.identifiedListeners.delete(done);
        reject(
          new Error(
            `No bot connected to the emulator's gateway within ${timeoutMs} ms: call client.login(emulator.token) first.`,
          ),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.identifiedListeners.delete(done);
        resolve();
      };
      this.identifiedListeners.add(done);
    });
  }

  disconnect(): void {
    for (const session of this.sessions.values())
      session.socket?.close(RESUMABLE_CLOSE_CODE, 'Emulator dropped the connection');
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private markIdentified(): void {
    for (const listener of [...this.identifiedListeners]) listener();
  }

  private send(session: Session, event: string, data: unknown): void {
    session.seq += 1;
    const frame: Frame = { op: 0, d: data, s: session.seq, t: event };
    session.sent.push(frame);
    if (session.socket?.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify(frame));
  }

  private accept(ws: WebSocket): void {
    let session: Session | undefined;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS }, s: null, t: null }));
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | number | null };
      const d = typeof frame.d === 'object' && frame.d !== null ? frame.d : {};
      if (frame.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      else if (frame.op === 2) session = this.identify(ws, d);
      else if (frame.op === 6) session = this.resume(ws, d);
    });
    ws.on('close', (code) => {
      // A client that closes normally ends its session; anything else may come back and resume.
      if (session && (code === 1000 || code === 1001) && session.socket === ws) this.sessions.delete(session.id);
    });
  }

  private identify(ws: WebSocket, d: Record<string, unknown>): Session | undefined {
    if (d['token'] !== this.token) {
      ws.close(4004, 'Authentication failed.');
      return undefined;
    }
    const session: Session = {
      id: this.state.newId(),
      intents: Number(d['intents'] ?? 0),
      seq: 0,
      sent: [],
      socket: ws,
    };
    this.sessions.set(session.id, session);
    const guilds = [...this.state.guilds.values()];
    this.send(session, 'READY', {
      v: 10,
      user: userPayload(this.state.bot),
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.url,
      shard: [0, 1],
      application: { id: this.state.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
    });
    for (const guild of guilds) this.send(session, 'GUILD_CREATE', guildCreatePayload(this.state, guild));
    this.markIdentified();
    return session;
  }

  private resume(ws: WebSocket, d: Record<string, unknown>): Session | undefined {
    const session = this.sessions.get(String(d['session_id']));
    if (!session || d['token'] !== this.token) {
      ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return undefined;
    }
    session.socket = ws;
    const after = Number(d['seq'] ?? 0);
    for (const frame of session.sent) if ((frame.s ?? 0) > after) ws.send(JSON.stringify(frame));
    this.send(session, 'RESUMED', {});
    this.markIdentified();
    return session;
  }
}
