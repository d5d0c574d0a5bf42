/**
 * The discord.js client with its intents and partials in one place. No privileged intent is needed: commands,
 * buttons and modals arrive as interactions; reactions need GuildMessageReactions, and the partials let the bot
 * see 🔁 on job cards posted before it (re)started (discord.js guide, popular-topics/reactions).
 */
import { Client, GatewayIntentBits, Partials } from 'discord.js';
import type { BotConfig } from './config.js';

export function createBotClient(config: Pick<BotConfig, 'apiUrl'>): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessages],
    partials: [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User],
    // Prompts and names users type reach messages: they may mention users, never @everyone or roles.
    allowedMentions: { parse: ['users'] },
    ...(config.apiUrl !== null && { rest: { api: config.apiUrl } }),
  });
}
