/**
 * One leaf of /deforum: its definition, how dispatch first answers it, its checks and its behaviour in one
 * object (the discord.js guide's `data` + `execute`, plus KevinNovak's `deferType`; style.md B5).
 */
import type {
  ApplicationCommandOptionChoiceData,
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  SlashCommandSubcommandBuilder,
} from 'discord.js';
import type { BotDeps } from '../deps.js';

/**
 * How dispatch acknowledges the interaction before `execute` runs (Discord wants an answer within 3 s):
 * - 'modal': nothing; `execute` must show a modal as the first response (a deferred interaction cannot);
 * - 'defer' / 'defer-ephemeral': "thinking…", then `execute` answers with editReply;
 * - 'reply-ephemeral': nothing; `execute` replies itself, fast, privately.
 */
export type ResponseMode = 'modal' | 'defer' | 'defer-ephemeral' | 'reply-ephemeral';

export type SubcommandGroup = 'preset' | 'admin';

export interface Subcommand {
  name: string;
  group?: SubcommandGroup;
  describe(builder: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder;
  response: ResponseMode;
  /** A Discord permission the member needs; checked by dispatch before anything is answered. */
  requires?: 'manage-guild';
  /** The leaf starts a render: users banned in the server are refused before it runs. */
  renders?: boolean;
  /** Choices for the focused option: answered within 3 s, never deferred; dispatch keeps at most 25. */
  autocomplete?(interaction: AutocompleteInteraction, deps: BotDeps): Promise<ApplicationCommandOptionChoiceData[]>;
  execute(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<void>;
}

export function defineSubcommand(subcommand: Subcommand): Subcommand {
  return subcommand;
}
