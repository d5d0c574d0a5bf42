/**
 * The emulator against the real discord.js 14.28 client: the test plays both the user (through the emulator) and
 * a tiny inline bot (through the client's interaction objects), and checks what Discord would have recorded.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Events,
  MessageFlags,
  Routes,
  type MessageReaction,
  type PartialMessageReaction,
  type TextChannel,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { apiError, isCommand, sleep, useConnectedClient } from './connected-client.js';

const world = useConnectedClient();
const { nextInteraction, invoke, submitModal, pressButton } = world;

describe('interactions', () => {
  it('delivers a slash command whose deferred reply is then edited in the channel', async () => {
    const received = nextInteraction(isCommand);
    const handle = await invoke('queue', { group: 'admin', options: { limit: 3 } });
    const interaction = await received;
    expect(interaction.commandName).toBe('deforum');
    expect(interaction.options.getSubcommandGroup()).toBe('admin');
    expect(interaction.options.getSubcommand()).toBe('queue');
    expect(interaction.options.getInteger('limit')).toBe(3);
    expect(interaction.channel?.id).toBe(world.channelId);
    expect(interaction.guild?.name).toBe('Deforum Lab');

    await interaction.deferReply();
    expect(await handle.callback()).toMatchObject({ type: 5 });
    expect(handle.original()?.flags).toBe(128);
    await interaction.editReply('Rendering 120 frames');

    const original = handle.original();
    expect(original).toMatchObject({
      content: 'Rendering 120 frames',
      editCount: 1,
      authorId: world.emulator.botUser.id,
      flags: 0,
    });
    expect(world.emulator.messages(world.channelId).map((m) => m.id)).toEqual([original?.id]);
    expect(world.emulator.requests.map((r) => `${r.method} ${r.path}`)).toContain(
      `PATCH /webhooks/${world.emulator.applicationId}/${handle.token}/messages/@original`,
    );
  });

  it('shows a modal and delivers its submit, answered ephemerally off the channel', async () => {
    const opened = nextInteraction(isCommand);
    const command = await invoke('animate');
    await (
      await opened
    ).showModal({
      title: 'New animation',
      custom_id: 'deforum:animate:d1',
      components: [
        { type: 1, components: [{ type: 4, custom_id: 'prompts', label: 'Prompts', style: 2, required: true }] },
      ],
    });
    expect((await command.callback()).type).toBe(9);

    const submitted = nextInteraction((i) => i.isModalSubmit());
    const handle = await submitModal('deforum:animate:d1', { prompts: '0: a red fox' });
    const modal = await submitted;
    expect(modal.customId).toBe('deforum:animate:d1');
    await modal.reply({
      content: `Queued: ${modal.fields.getTextInputValue('prompts')}`,
      flags: MessageFlags.Ephemeral,
    });

    expect(handle.ephemeral()).toBe(true);
    expect(handle.original()?.content).toBe('Queued: 0: a red fox');
    expect(world.emulator.messages(world.channelId)).toEqual([]);
  });

  it('refuses a modal submit that Discord would not let the user send', async () => {
    const opened = nextInteraction(isCommand);
    await invoke('animate');
    await (
      await opened
    ).showModal({
      title: 'New animation',
      custom_id: 'deforum:animate:d2',
      components: [
        { type: 1, components: [{ type: 4, custom_id: 'prompts', label: 'Prompts', style: 2, required: true }] },
      ],
    });
    const base = { user: world.user, channelId: world.channelId, customId: 'deforum:animate:d2' };
    await expect(world.emulator.modalSubmit({ ...base, fields: {} })).rejects.toThrow(/required field "prompts"/);
    await expect(world.emulator.modalSubmit({ ...base, fields: { prompts: 'x', seed: '1' } })).rejects.toThrow(
      /no text input "seed"/,
    );
  });

  it('delivers a button press on a channel message and applies the update', async () => {
    const channel = (await world.client.channels.fetch(world.channelId)) as TextChannel;
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('deforum:cancel:job1').setLabel('Cancel').setStyle(ButtonStyle.Danger),
    );
    const card = await channel.send({ content: 'Job 1: frame 3/120', components: [row] });

    const pressed = nextInteraction((i) => i.isButton());
    const handle = await pressButton(card.id, 'deforum:cancel:job1');
    const button = await pressed;
    expect(button.message.id).toBe(card.id);
    await button.update({ content: 'Job 1: cancelled', components: [] });

    await expect(handle.callback()).resolves.toMatchObject({ type: 7 });
    expect(world.emulator.message(card.id)).toMatchObject({
      content: 'Job 1: cancelled',
      components: [],
      editCount: 1,
    });
    await expect(pressButton(card.id, 'deforum:cancel:job1')).rejects.toThrow(/no button/);
  });

  it('passes an uploaded attachment to the bot and stores the bytes the bot uploads', async () => {
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3, 4]);
    const init = world.emulator.hostFile({ name: 'init.png', contentType: 'image/png', bytes });
    const received = nextInteraction(isCommand);
    const handle = await invoke('animate', { options: { init_image: init } });
    const interaction = await received;
    const attachment = interaction.options.getAttachment('init_image', true);
    expect(attachment).toMatchObject({ name: 'init.png', contentType: 'image/png', size: 8 });
    const downloaded = new Uint8Array(await (await fetch(attachment.url)).arrayBuffer());
    expect(downloaded).toEqual(bytes);

    await interaction.deferReply();
    await interaction.editReply({
      content: 'Frame 1',
      files: [{ attachment: Buffer.from(downloaded), name: 'frame_0001.png' }],
    });
    const [file] = handle.original()?.attachments ?? [];
    expect(file).toMatchObject({ filename: 'frame_0001.png', size: 8 });
    expect(new Uint8Array(file?.bytes ?? [])).toEqual(bytes);

    await interaction.editReply({
      content: 'Frame 2',
      files: [{ attachment: Buffer.from([9]), name: 'frame_0002.png' }],
    });
    expect(handle.original()?.attachments.map((a) => a.filename)).toEqual(['frame_0002.png']);
  });

  it('answers autocomplete with the choices the bot sends', async () => {
    world.client.once(Events.InteractionCreate, (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const typed = interaction.options.getFocused();
      void interaction.respond(
        ['fox', 'forest'].filter((p) => p.startsWith(typed)).map((p) => ({ name: p, value: p })),
      );
    });
    const choices = await world.emulator.autocomplete({
      user: world.user,
      channelId: world.channelId,
      subcommand: 'animate',
      options: { preset: 'fo' },
      focused: 'preset',
    });
    expect(choices).toEqual([
      { name: 'fox', value: 'fox' },
      { name: 'forest', value: 'forest' },
    ]);
  });

  it('stores the commands the bot registers', async () => {
    await world.client.application?.commands.set(
      [{ name: 'deforum', description: 'Animate', options: [{ type: 1, name: 'queue', description: 'Your jobs' }] }],
      world.guildId,
    );
    expect(world.emulator.registeredCommands(world.guildId)).toMatchObject([
      { name: 'deforum', guild_id: world.guildId },
    ]);
    expect(world.emulator.registeredCommands()).toEqual([]);
  });
});

describe("Discord's rules", () => {
  it('answers 10062 Unknown interaction once the ack window has passed', async () => {
    world.emulator.rules.ackTimeoutMs = 50;
    const received = nextInteraction(isCommand);
    const handle = await invoke('queue');
    const interaction = await received;
    await sleep(120);
    const error = await apiError(interaction.deferReply());
    expect([error.status, error.code, error.message]).toEqual([404, 10062, 'Unknown interaction']);
    await expect(handle.callback()).rejects.toThrow(/did not answer/);
  });

  it('answers 40060 to a second callback', async () => {
    const received = nextInteraction(isCommand);
    await invoke('queue');
    const { id, token } = await received;
    const callback = () =>
      world.client.rest.post(Routes.interactionCallback(id, token), { body: { type: 5 }, auth: false });
    await callback();
    const error = await apiError(callback());
    expect([error.status, error.code, error.message]).toEqual([
      400,
      40060,
      'Interaction has already been acknowledged.',
    ]);
  });

  it('answers 50027 Invalid Webhook Token once the token has expired', async () => {
    world.emulator.rules.tokenLifetimeMs = 100;
    const received = nextInteraction(isCommand);
    await invoke('queue');
    const interaction = await received;
    await interaction.deferReply();
    await sleep(150);
    const error = await apiError(interaction.editReply('too late'));
    expect([error.status, error.code, error.message]).toEqual([401, 50027, 'Invalid Webhook Token']);
  });

  it('answers 50035 Invalid Form Body for 2001 characters of content', async () => {
    const received = nextInteraction(isCommand);
    const handle = await invoke('queue');
    const interaction = await received;
    const error = await apiError(interaction.reply('x'.repeat(2001)));
    expect([error.status, error.code]).toEqual([400, 50035]);
    expect(error.rawError).toMatchObject({
      errors: { data: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } },
    });
    // A refused callback does not acknowledge: the bot may still answer in time.
    await interaction.reply('x'.repeat(2000));
    expect(handle.original()?.content).toHaveLength(2000);
  });

  it('answers 50035 for a modal with six rows', async () => {
    const received = nextInteraction(isCommand);
    await invoke('animate');
    const interaction = await received;
    const row = (i: number) => ({ type: 1, components: [{ type: 4, custom_id: `f${i}`, label: 'Field', style: 1 }] });
    const error = await apiError(
      interaction.showModal({
        title: 'Too many',
        custom_id: 'deforum:animate:d3',
        components: [0, 1, 2, 3, 4, 5].map(row),
      }),
    );
    expect([error.status, error.code]).toEqual([400, 50035]);
    expect(error.rawError).toMatchObject({
      errors: { data: { components: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] } } },
    });
  });

  it('answers 413 / 40005 for an attachment over the upload limit', async () => {
    world.emulator.rules.uploadLimitBytes = 1000;
    const channel = (await world.client.channels.fetch(world.channelId)) as TextChannel;
    const error = await apiError(channel.send({ files: [{ attachment: Buffer.alloc(1001), name: 'big.mp4' }] }));
    expect([error.status, error.code, error.message]).toEqual([413, 40005, 'Request entity too large']);
    await channel.send({ files: [{ attachment: Buffer.alloc(1000), name: 'fits.mp4' }] });
    expect(world.emulator.messages(world.channelId).map((m) => m.attachments[0]?.size)).toEqual([1000]);
  });

  it('rate-limits with 429 and retry_after, and discord.js retries until the edit lands', async () => {
    const received = nextInteraction(isCommand);
    const handle = await invoke('queue');
    const interaction = await received;
    await interaction.deferReply();
    world.emulator.rateLimit({ route: /\/messages\/@original$/, count: 2, retryAfterMs: 100 });
    await interaction.editReply('after the limit');

    expect(handle.original()?.content).toBe('after the limit');
    const edits = world.emulator.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/@original'));
    expect(edits.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(edits[0]?.response).toEqual({ message: 'You are being rate limited.', retry_after: 0.1, global: false });
  });
});

describe('gateway', () => {
  it('dispatches a reaction on an uncached message as a partial the bot can fetch', async () => {
    const posted = (await world.client.rest.post(Routes.channelMessages(world.channelId), {
      body: { content: 'Job 7 finished' },
    })) as { id: string };
    const reacted = new Promise<MessageReaction | PartialMessageReaction>((resolve) =>
      world.client.once(Events.MessageReactionAdd, (reaction) => resolve(reaction)),
    );
    await world.emulator.react({ user: world.user, channelId: world.channelId, messageId: posted.id, emoji: '🔁' });
    const reaction = await reacted;
    expect(reaction.message.partial).toBe(true);
    expect(reaction.emoji.name).toBe('🔁');
    const message = await reaction.message.fetch();
    expect(message.content).toBe('Job 7 finished');
    expect(world.emulator.message(posted.id)?.reactions).toEqual([{ emoji: '🔁', userIds: [world.user.id] }]);
  });

  it('lets the client resume after the connection drops, replaying what it missed', async () => {
    const resumed = new Promise((resolve) => world.client.once(Events.ShardResume, resolve));
    const received = nextInteraction(isCommand);
    world.emulator.disconnectGateway();
    const handle = await invoke('queue');
    await resumed;
    const interaction = await received;
    expect(world.emulator.requests.filter((r) => r.path === '/gateway/bot')).toHaveLength(1);
    await interaction.reply('still here');
    expect(handle.original()?.content).toBe('still here');
  });
});
