/**
 * interactionCreate → the leaf command, the modal or the button handler (style.md B5). What every interaction
 * needs is done once here: ignore bots, find the handler, check Manage Server and bans before anything is
 * answered (so a refusal is private even for leaves that answer publicly), acknowledge as the handler's response
 * mode says, run it, and turn any failure into a reply (replies.ts).
 */
import {
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import { DeforumError } from '../core/errors.js';
import type { ResponseMode, Subcommand } from './commands/define.js';
import { findSubcommand } from './commands/index.js';
import type { BotDeps } from './deps.js';
import { parseCustomId } from './interactions/custom-id.js';
import type { ComponentHandler } from './interactions/define.js';
import { COMPONENT_HANDLERS } from './interactions/index.js';
import { isHarmlessDiscordError, replyWithError } from './replies.js';

/** Discord's cap on autocomplete choices, and on a choice's name and value. */
const MAX_CHOICES = 25;
const MAX_CHOICE_CHARS = 100;

type Checks = Pick<Subcommand, 'requires' | 'renders' | 'response'>;

export async function dispatchInteraction(interaction: Interaction, deps: BotDeps): Promise<void> {
  if (interaction.user.bot) return;
  const log = deps.log.child({ interactionId: interaction.id, userId: interaction.user.id });
  const scoped: BotDeps = { ...deps, log };
  if (interaction.isAutocomplete()) {
    await answerAutocomplete(interaction, scoped);
    return;
  }
  if (!interaction.isRepliable()) return;
  try {
    if (interaction.isChatInputCommand()) await runCommand(interaction, scoped);
    else if (interaction.isModalSubmit() || interaction.isButton()) await runComponent(interaction, scoped);
  } catch (error) {
    await replyWithError(interaction, error, log);
  }
}

async function runCommand(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<void> {
  const leaf = findLeaf(interaction);
  if (leaf === undefined) {
    throw new DeforumError(
      { code: 'usage', argument: 'command', reason: 'not a command of this bot version' },
      'This bot does not know that command (its command list is out of date). Ask an admin to run ' +
        '`deforum bot deploy-commands`.',
    );
  }
  await checkAndAcknowledge(interaction, leaf, deps);
  await leaf.execute(interaction, deps);
}

async function runComponent(interaction: ModalSubmitInteraction | ButtonInteraction, deps: BotDeps): Promise<void> {
  const id = parseCustomId(interaction.customId);
  // Modal submits only come from the animate modal; a button with the animate kind (or the reverse) was not made
  // by this bot, and is treated like any other unknown id.
  if (id === null || (id.kind === 'animate') !== interaction.isModalSubmit()) {
    throw new DeforumError(
      { code: 'usage', argument: 'custom_id', reason: 'not made by this bot version' },
      'This button or form comes from an older version of the bot and no longer works. Run the command again.',
    );
  }
  // The map gives each kind its own handler type; the check above matched the interaction to the kind.
  const handler = COMPONENT_HANDLERS[id.kind] as ComponentHandler;
  await checkAndAcknowledge(interaction, handler, deps);
  await handler.handle(interaction, id, deps);
}

async function checkAndAcknowledge(interaction: RepliableInteraction, checks: Checks, deps: BotDeps): Promise<void> {
  if (!hasPermission(interaction, checks)) {
    throw new DeforumError(
      { code: 'permission_required', permission: 'ManageGuild' },
      'Only members with the Manage Server permission can use this, in a server. Ask a server admin.',
    );
  }
  if (checks.renders === true && (await deps.moderation.isBanned(interaction.guildId, interaction.user.id))) {
    throw new DeforumError(
      { code: 'user_banned', serverId: interaction.guildId ?? '', userId: interaction.user.id },
      "You are banned from rendering in this server. Ask the server's admins if you think this is a mistake.",
    );
  }
  await acknowledge(interaction, checks.response);
}

async function acknowledge(interaction: RepliableInteraction, response: ResponseMode): Promise<void> {
  if (response === 'defer') await interaction.deferReply();
  else if (response === 'defer-ephemeral') await interaction.deferReply({ flags: MessageFlags.Ephemeral });
}

async function answerAutocomplete(interaction: AutocompleteInteraction, deps: BotDeps): Promise<void> {
  const leaf = findLeaf(interaction);
  let choices: { name: string; value: string | number }[] = [];
  try {
    // Choices can name other members' jobs, so a leaf's permission gates its autocomplete too.
    const allowed = leaf !== undefined && hasPermission(interaction, leaf);
    choices = !allowed || leaf.autocomplete === undefined ? [] : await leaf.autocomplete(interaction, deps);
  } catch (error) {
    // Autocomplete has no way to show an error; an empty list lets the user type the value instead.
    deps.log.error({ err: error }, 'autocomplete failed');
  }
  try {
    await interaction.respond(
      choices.slice(0, MAX_CHOICES).map((choice) => ({
        name: choice.name.slice(0, MAX_CHOICE_CHARS),
        value: typeof choice.value === 'string' ? choice.value.slice(0, MAX_CHOICE_CHARS) : choice.value,
      })),
    );
  } catch (error) {
    if (isHarmlessDiscordError(error)) deps.log.warn({ err: error }, 'autocomplete answered too late');
    else deps.log.error({ err: error }, 'could not answer autocomplete');
  }
}

function hasPermission(interaction: Interaction, checks: Pick<Subcommand, 'requires'>): boolean {
  return (
    checks.requires !== 'manage-guild' || (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false)
  );
}

function findLeaf(interaction: ChatInputCommandInteraction | AutocompleteInteraction): Subcommand | undefined {
  return findSubcommand(
    interaction.commandName,
    interaction.options.getSubcommandGroup(false),
    interaction.options.getSubcommand(false),
  );
}
