/**
 * The less common paths of the emulator with the real discord.js client: follow-ups, modals opened from buttons
 * and prefilled, DMs, per-interaction upload limits, global 429s and the remaining validation rules.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags, type TextChannel } from 'discord.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiError, isCommand, useConnectedClient } from './connected-client.js';

const world = useConnectedClient();
const { nextInteraction, invoke, submitModal, pressButton } = world;

async function sendButton(customId: string): Promise<string> {
  const channel = (await world.client.channels.fetch(world.channelId)) as TextChannel;
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId).setLabel('Open').setStyle(ButtonStyle.Primary),
  );
  return (await channel.send({ content: 'Draft saved', components: [row] })).id;
}

describe('responses', () => {
  it('keeps ephemeral follow-ups on the handle and public ones in the channel', async () => {
    const received = nextInteraction(isCommand);
    const handle = await invoke('queue');
    const interaction = await received;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply('3 jobs');
    await interaction.followUp({ content: 'only you', flags: MessageFlags.Ephemeral });
    await interaction.followUp('everyone');

    expect(handle.ephemeral()).toBe(true);
    expect(handle.followups().map((m) => m.content)).toEqual(['only you', 'everyone']);
    expect(world.emulator.messages(world.channelId).map((m) => m.content)).toEqual(['everyone']);
  });

  it('submits a modal opened from a button with its prefilled values and the button message', async () => {
    const messageId = await sendButton('deforum:reopen:d1');
    const pressed = nextInteraction((i) => i.isButton());
    await pressButton(messageId, 'deforum:reopen:d1');
    const label = (id: string, value: string) => ({
      type: 18,
      label: id,
      description: `The ${id}`,
      component: { type: 4, custom_id: id, style: 1, required: false, value },
    });
    await (
      await pressed
    ).showModal({
      title: 'Edit',
      custom_id: 'deforum:animate:d1',
      components: [label('prompts', '0: fox'), label('seed', '7')],
    });

    const submitted = nextInteraction((i) => i.isModalSubmit());
    const handle = await submitModal('deforum:animate:d1', { seed: '8' });
    const modal = await submitted;
    expect([modal.fields.getTextInputValue('prompts'), modal.fields.getTextInputValue('seed')]).toEqual([
      '0: fox',
      '8',
    ]);
    expect(modal.isFromMessage()).toBe(true);
    if (modal.isFromMessage()) await modal.update({ content: 'Queued', components: [] });
    expect((await handle.callback()).type).toBe(7);
    expect(world.emulator.message(messageId)?.content).toBe('Queued');
  });

  it('records direct messages in the DM channel the bot opens', async () => {
    const user = await world.client.users.fetch(world.user.id);
    const sent = await user.send('Your render finished');
    expect(world.emulator.messages(sent.channelId).map((m) => m.content)).toEqual(['Your render finished']);
    expect(world.emulator.messages(world.channelId)).toEqual([]);
  });

  it('refuses a DM to a user who does not accept them with 403 / 50007', async () => {
    const quiet = world.emulator.createUser({ username: 'quiet', acceptsDirectMessages: false });
    const user = await world.client.users.fetch(quiet.id);
    const error = await apiError(user.send('Your render finished'));
    expect([error.status, error.code, error.message]).toEqual([403, 50007, 'Cannot send messages to this user']);
  });
});

describe('limits', () => {
  it("applies the interaction's attachment_size_limit to its webhook uploads", async () => {
    const received = nextInteraction(isCommand);
    await invoke('animate', { attachmentSizeLimit: 50 });
    const interaction = await received;
    expect(interaction.attachmentSizeLimit).toBe(50);
    await interaction.deferReply();
    const error = await apiError(interaction.editReply({ files: [{ attachment: Buffer.alloc(51), name: 'a.gif' }] }));
    expect([error.status, error.code]).toEqual([413, 40005]);
  });

  it('answers 50035 for eleven embeds and a 101-character custom_id', async () => {
    const channel = (await world.client.channels.fetch(world.channelId)) as TextChannel;
    const embeds = Array.from({ length: 11 }, (_, i) => ({ title: `#${i}` }));
    const tooMany = await apiError(channel.send({ embeds }));
    expect(tooMany.rawError).toMatchObject({
      code: 50035,
      errors: { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
    });

    const row = { type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'x'.repeat(101) }] };
    const longId = await apiError(channel.send({ content: 'card', components: [row] }));
    expect(longId.rawError).toMatchObject({
      code: 50035,
      errors: {
        components: { 0: { components: { 0: { custom_id: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } },
      },
    });
  });

  it('refuses an update response to a slash command', async () => {
    const received = nextInteraction(isCommand);
    await invoke('queue');
    const { id, token } = await received;
    const error = await apiError(
      world.client.rest.post(`/interactions/${id}/${token}/callback`, {
        body: { type: 7, data: { content: 'x' } },
        auth: false,
      }),
    );
    expect([error.status, error.code]).toEqual([400, 50035]);
  });

  it('answers a global 429 that discord.js waits out before sending', async () => {
    const channel = (await world.client.channels.fetch(world.channelId)) as TextChannel;
    world.emulator.rateLimit({ route: /\/channels\/\d+\/messages$/, count: 1, retryAfterMs: 100, global: true });
    await channel.send('after a global limit');
    const posts = world.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(posts[0]?.response).toMatchObject({ global: true, retry_after: 0.1 });
    expect(world.emulator.messages(world.channelId).map((m) => m.content)).toEqual(['after a global limit']);
  });
});

describe('registered commands', () => {
  beforeEach(async () => {
    await world.client.application?.commands.set([
      {
        name: 'deforum',
        description: 'Animate',
        options: [
          {
            type: 1,
            name: 'animate',
            description: 'New animation',
            options: [
              { type: 10, name: 'strength', description: 'Strength', required: true },
              { type: 3, name: 'preset', description: 'Preset', autocomplete: true },
              { type: 3, name: 'size', description: 'Size', choices: [{ name: '512', value: '512' }] },
              { type: 6, name: 'for', description: 'Render for' },
              { type: 7, name: 'in', description: 'Post in' },
            ],
          },
        ],
      },
    ]);
  });

  it('types options as registered, so a whole number reaches a number option', async () => {
    const received = nextInteraction(isCommand);
    await world.emulator.slashCommand({
      user: world.user,
      channelId: world.channelId,
      subcommand: 'animate',
      options: { strength: 1 },
    });
    expect((await received).options.getNumber('strength')).toBe(1);
  });

  it('resolves user and channel options for getUser, getMember and getChannel', async () => {
    const received = nextInteraction(isCommand);
    await world.emulator.slashCommand({
      user: world.user,
      channelId: world.channelId,
      subcommand: 'animate',
      options: { strength: 0.5, for: world.user.id, in: world.channelId },
    });
    const { options } = await received;
    expect(options.getUser('for')?.username).toBe('ada');
    expect(options.getMember('for')).not.toBeNull();
    expect(options.getChannel('in')?.id).toBe(world.channelId);
  });

  it('refuses invocations the Discord client would not send', async () => {
    const base = { user: world.user, channelId: world.channelId };
    await expect(world.emulator.slashCommand({ ...base, subcommand: 'render' })).rejects.toThrow(
      /no subcommand "render"/,
    );
    await expect(world.emulator.slashCommand({ ...base, subcommand: 'animate' })).rejects.toThrow(/missing: strength/);
    await expect(
      world.emulator.slashCommand({ ...base, subcommand: 'animate', options: { strength: 1, size: '640' } }),
    ).rejects.toThrow(/must be one of 512/);
    await expect(
      world.emulator.autocomplete({ ...base, subcommand: 'animate', options: { strength: 1 }, focused: 'size' }),
    ).rejects.toThrow(/has no autocomplete/);
  });
});
