/**
 * The shared contract of every command in the registry (style.md B5, B8), with no special cases: names and
 * descriptions within Discord's limits, every leaf reachable through dispatch's lookup, and the deploy JSON
 * stable and complete. A new leaf passes this unchanged or the build of /deforum is wrong.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS, findSubcommand, toDeployJson } from '../../../src/bot/commands/index.js';

/** Discord's rules for application command names (lower-case) and the size limits of a command. */
const NAME = /^[-_\p{Ll}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_DESCRIPTION = 100;
const MAX_OPTIONS = 25;
const MAX_TOTAL_CHARS = 8000;

interface OptionJson {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name: string; value: string | number }[];
  options?: OptionJson[];
}

function checkOption(option: OptionJson, path: string): void {
  expect(option.name, path).toMatch(NAME);
  expect(option.description.length, `${path} description`).toBeGreaterThan(0);
  expect(option.description.length, `${path} description`).toBeLessThanOrEqual(MAX_DESCRIPTION);
  expect((option.options ?? []).length, `${path} options`).toBeLessThanOrEqual(MAX_OPTIONS);
  expect((option.choices ?? []).length, `${path} choices`).toBeLessThanOrEqual(25);
  const required = (option.options ?? []).map((o) => o.required === true);
  // Discord refuses a required option after an optional one.
  expect(required.indexOf(false) === -1 || !required.slice(required.indexOf(false)).includes(true), path).toBe(true);
  for (const child of option.options ?? []) checkOption(child, `${path} ${child.name}`);
}

function totalChars(option: OptionJson): number {
  const own = option.name.length + option.description.length;
  const choices = (option.choices ?? []).reduce((sum, c) => sum + c.name.length + String(c.value).length, 0);
  return own + choices + (option.options ?? []).reduce((sum, child) => sum + totalChars(child), 0);
}

describe.each(COMMANDS)('/$name', (command) => {
  const json = command.toJSON() as unknown as OptionJson;

  it('keeps names and descriptions within Discord’s limits', () => {
    checkOption(json, `/${command.name}`);
    expect(totalChars(json)).toBeLessThanOrEqual(MAX_TOTAL_CHARS);
  });

  it.each(command.subcommands)('leaf $group $name is reachable by dispatch and declared once', (leaf) => {
    expect(findSubcommand(command.name, leaf.group ?? null, leaf.name)).toBe(leaf);
    const parent = leaf.group === undefined ? json : json.options?.find((o) => o.name === leaf.group && o.type === 2);
    const declared = parent?.options?.filter((o) => o.name === leaf.name && o.type === 1) ?? [];
    expect(declared).toHaveLength(1);
    const autocompletes = (declared[0]?.options ?? []).some((o) => o.autocomplete === true);
    expect(autocompletes, 'an autocomplete option needs an autocomplete handler').toBe(leaf.autocomplete !== undefined);
  });

  it('declares no leaf that dispatch cannot find', () => {
    const leaves = (json.options ?? []).flatMap((o): [string | null, string][] =>
      o.type === 2 ? (o.options ?? []).map((s) => [o.name, s.name]) : [[null, o.name]],
    );
    expect(leaves).toHaveLength(command.subcommands.length);
    for (const [group, name] of leaves) expect(findSubcommand(command.name, group, name), name).toBeDefined();
  });
});

describe('deploy JSON', () => {
  it('is stable from call to call and lists exactly the registry’s leaves', () => {
    expect(JSON.stringify(toDeployJson())).toBe(JSON.stringify(toDeployJson()));
    const paths = COMMANDS.flatMap((c) =>
      c.subcommands.map((s) => [c.name, s.group, s.name].filter(Boolean).join(' ')),
    );
    expect(paths.sort()).toEqual(
      [
        'deforum admin ban',
        'deforum admin blocklist',
        'deforum admin cancel',
        'deforum admin quota',
        'deforum admin unban',
        'deforum animate',
        'deforum cancel',
        'deforum delete',
        'deforum preset delete',
        'deforum preset list',
        'deforum preset save',
        'deforum preset show',
        'deforum queue',
        'deforum quota',
        'deforum resume',
      ].sort(),
    );
  });
});
