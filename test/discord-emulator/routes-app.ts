/**
 * The application's own endpoints: gateway discovery, the bot user, the application, and command registration
 * (bulk overwrite assigns ids the way Discord does, so interactions can carry `data.id`).
 */
import { unknownUser } from './api-errors.js';
import { userPayload } from './payloads.js';
import { defineRoute, type Route } from './rest-server.js';
import type { EmulatorState } from './state.js';
import type { Json } from './json.js';

function storeCommands(state: EmulatorState, list: unknown[], target: unknown[], guildId?: string): unknown[] {
  const stored = list.map((command) => ({
    ...(command as Json),
    id: state.newId(),
    application_id: state.applicationId,
    version: state.newId(),
    type: (command as Json)['type'] ?? 1,
    ...(guildId ? { guild_id: guildId } : {}),
  }));
  target.splice(0, target.length, ...stored);
  return stored;
}

/** POST creates or, for an existing name, replaces one command (Discord's upsert). */
function upsertCommand(state: EmulatorState, body: unknown, target: unknown[], guildId?: string): unknown {
  const name = (body as Json | undefined)?.['name'];
  const [stored] = storeCommands(state, [body], [], guildId);
  const at = target.findIndex((command) => (command as Json)['name'] === name);
  if (at >= 0) target.splice(at, 1, stored);
  else target.push(stored);
  return stored;
}

function guildCommandList(state: EmulatorState, guildId: string): unknown[] {
  const existing = state.guildCommands.get(guildId);
  if (existing) return existing;
  const created: unknown[] = [];
  state.guildCommands.set(guildId, created);
  return created;
}

export function appRoutes(state: EmulatorState, gatewayUrl: string): Route[] {
  return [
    defineRoute('GET', '/gateway/bot', () => ({
      status: 200,
      json: {
        url: gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      },
    })),
    defineRoute('GET', '/gateway', () => ({ status: 200, json: { url: gatewayUrl } })),
    defineRoute('GET', '/users/@me', () => ({ status: 200, json: userPayload(state.bot) })),
    defineRoute('GET', '/users/:user', (_req, [id = '']) => {
      const user = state.users.get(id);
      if (!user) throw unknownUser();
      return { status: 200, json: userPayload(user) };
    }),
    defineRoute('GET', '/applications/@me', () => ({
      status: 200,
      json: {
        id: state.applicationId,
        name: state.bot.username,
        icon: null,
        description: '',
        bot_public: true,
        bot_require_code_grant: false,
        flags: 0,
        bot: userPayload(state.bot),
        owner: userPayload(state.bot),
      },
    })),
    defineRoute('GET', '/applications/:app/commands', () => ({ status: 200, json: state.globalCommands })),
    defineRoute('PUT', '/applications/:app/commands', (req) => ({
      status: 200,
      json: storeCommands(state, Array.isArray(req.json) ? req.json : [], state.globalCommands),
    })),
    defineRoute('POST', '/applications/:app/commands', (req) => ({
      status: 201,
      json: upsertCommand(state, req.json, state.globalCommands),
    })),
    defineRoute('POST', '/applications/:app/guilds/:guild/commands', (req, [, guildId = '']) => ({
      status: 201,
      json: upsertCommand(state, req.json, guildCommandList(state, guildId), guildId),
    })),
    defineRoute('GET', '/applications/:app/guilds/:guild/commands', (_req, [, guildId = '']) => ({
      status: 200,
      json: guildCommandList(state, guildId),
    })),
    defineRoute('PUT', '/applications/:app/guilds/:guild/commands', (req, [, guildId = '']) => ({
      status: 200,
      json: storeCommands(state, Array.isArray(req.json) ? req.json : [], guildCommandList(state, guildId), guildId),
    })),
  ];
}
