/**
 * What dispatch does for every interaction: an internal failure becomes a reply whose error id matches exactly
 * one log line with the error; the database coming back after its connections were cut needs no restart;
 * autocomplete answers at most 25 choices; a custom id this bot did not make gets a private explanation.
 */
import { describe, expect, it } from 'vitest';
import type { OptionValue } from '../discord-emulator/index.js';
import { COMMANDS } from '../../src/bot/commands/index.js';
import { answerOf, autocomplete, MANAGE_GUILD, slash, useTestBot } from './bot-harness.js';

const t = useTestBot({ label: 'dispatch' });

async function quota(): Promise<string> {
  const handle = await slash(t, {
    user: t.users.alice,
    subcommand: 'quota',
  });
  const answer = await answerOf(t.emulator, handle);
  expect(handle.ephemeral()).toBe(true);
  return answer.content;
}

describe('failures', () => {
  it('an internal error gives an error id that matches one log line with the error', async () => {
    // A real database failure: the table the command reads is gone.
    await t.db.query('ALTER TABLE quota_usage RENAME TO quota_usage_away');
    let text: string;
    try {
      text = await quota();
    } finally {
      await t.db.query('ALTER TABLE quota_usage_away RENAME TO quota_usage');
    }
    const errorId = /error id `([0-9a-f]+)`/.exec(text)?.[1];
    expect(errorId, text).toBeDefined();
    expect(text).not.toContain('quota_usage');
    const lines = t.logs().filter((line) => line['errorId'] === errorId);
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0]?.['err'])).toContain('quota_usage');
    expect(lines[0]?.['userId']).toBe(t.users.alice.id);
    expect(await quota()).toContain('render units left');
  });

  it('keeps answering after Postgres dropped every connection', async () => {
    expect(await quota()).toContain('render units left');
    await t.db.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [t.db.name],
    );
    // The first query on a dropped connection may fail (the user gets the error-id reply); the bot lives on.
    const first = await quota();
    expect(first).toMatch(/render units left|error id/);
    expect(await quota()).toContain('render units left');
  });

  it('explains a button this bot did not make, privately', async () => {
    // A card an older bot version posted, whose button id this version does not parse.
    const channel = await t.bot.client.channels.fetch(t.channel.id);
    if (channel === null || !channel.isSendable()) throw new Error('the test channel is not sendable');
    const card = await channel.send({
      content: 'an old job card',
      components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Again', custom_id: 'legacy:rerender:1' }] }],
    });
    const message = card.id;
    const handle = await t.emulator.pressButton({
      user: t.users.alice,
      guildId: t.guild.id,
      channelId: t.channel.id,
      messageId: message,
      customId: 'legacy:rerender:1',
    });
    const answer = await answerOf(t.emulator, handle);
    expect(handle.ephemeral()).toBe(true);
    expect(answer.content).toContain('no longer works');
  });
});

describe('routing', () => {
  const leaves = COMMANDS.flatMap((command) => {
    const json = command.toJSON() as unknown as DeclaredOption;
    return command.subcommands.map((leaf) => {
      const parent = leaf.group === undefined ? json : json.options?.find((o) => o.name === leaf.group);
      const declared = parent?.options?.find((o) => o.name === leaf.name)?.options ?? [];
      return { command: command.name, leaf, required: declared.filter((o) => o.required === true) };
    });
  });
  it.each(leaves)('/$command $leaf.group $leaf.name reaches its leaf', async ({ command, leaf, required }) => {
    // Some value of the right type for each required option: enough to route, not to succeed.
    const options = Object.fromEntries(required.map((o) => [o.name, placeholder(o)]));
    const handle = await slash(t, {
      user: t.users.admin,
      permissions: MANAGE_GUILD,
      command,
      ...(leaf.group !== undefined && { group: leaf.group }),
      subcommand: leaf.name,
      options,
    });
    // Acknowledged as the leaf's response mode says (its options are missing, so it may then refuse).
    const expected = { modal: [9], defer: [5], 'defer-ephemeral': [5], 'reply-ephemeral': [4] }[leaf.response];
    expect(expected).toContain((await handle.callback()).type);
    const answer = leaf.response === 'modal' ? undefined : await answerOf(t.emulator, handle);
    expect(answer?.content ?? '').not.toContain('does not know that command');
  });
});

interface DeclaredOption {
  name: string;
  type: number;
  required?: boolean;
  choices?: { value: string | number }[];
  options?: DeclaredOption[];
}

function placeholder(option: DeclaredOption): OptionValue {
  const choice = option.choices?.[0]?.value;
  if (choice !== undefined) return choice;
  switch (option.type) {
    case 4:
    case 10:
      return 1;
    case 5:
      return false;
    case 6:
      return t.users.bob.id;
    case 11:
      return t.emulator.hostFile({ name: 'x.txt', contentType: 'text/plain', bytes: new Uint8Array([120]) });
    default:
      return 'x';
  }
}

describe('autocomplete', () => {
  it('answers at most 25 choices', async () => {
    const user = t.emulator.createUser({ username: 'hoarder' });
    for (let i = 0; i < 30; i += 1) {
      await t.deps.presets.save(user.id, { name: `p${String(i).padStart(2, '0')}`, settings: { W: 512 } });
    }
    const choices = await autocomplete(t, {
      user,
      group: 'preset',
      subcommand: 'show',
      focused: 'name',
      options: { name: 'p' },
    });
    expect(choices).toHaveLength(25);
    expect(choices[0]).toEqual({ name: 'p00', value: 'p00' });
  });
});
