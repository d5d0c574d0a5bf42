/**
 * What Discord's client lets a user type for a registered command: the group and subcommand must exist, option
 * names must be declared, required options given (except while autocompleting), values of the declared type and
 * one of the declared choices. A test that asks for anything else fails here, as the user could not have sent it.
 */
import { asArray, isJson, type Json } from './json.js';
import type { OptionValue, SlashCommandInvocation } from './types.js';

const TYPE_NAMES: Record<number, string> = { 3: 'string', 4: 'integer', 5: 'boolean', 10: 'number', 11: 'attachment' };

const options = (node: Json | undefined): Json[] => asArray(node?.['options']).filter(isJson);
const names = (list: Json[]): string => list.map((o) => String(o['name'])).join(', ');

function fitsType(type: number, value: OptionValue): boolean {
  if (type === 11) return typeof value === 'object';
  if (type === 5) return typeof value === 'boolean';
  if (type === 4) return typeof value === 'number' && Number.isInteger(value);
  if (type === 10) return typeof value === 'number';
  if (type === 3) return typeof value === 'string';
  return typeof value === 'string';
}

/** The declared subcommand of `command` the invocation names; throws when the user could not have sent it. */
export function checkInvocation(command: Json, o: SlashCommandInvocation, focused?: string): Json {
  const autocompleting = focused !== undefined;
  const path = `/${String(command['name'])}${o.group ? ` ${o.group}` : ''} ${o.subcommand}`;
  const parent = o.group ? options(command).find((opt) => opt['name'] === o.group && opt['type'] === 2) : command;
  if (!parent) throw new Error(`${path}: no subcommand group "${o.group}" (registered: ${names(options(command))}).`);
  const sub = options(parent).find((opt) => opt['name'] === o.subcommand && opt['type'] === 1);
  if (!sub) throw new Error(`${path}: no subcommand "${o.subcommand}" (registered: ${names(options(parent))}).`);
  const declared = options(sub);
  if (autocompleting && !declared.some((opt) => opt['name'] === focused && opt['autocomplete'] === true)) {
    throw new Error(`${path}: option "${focused}" has no autocomplete, so Discord sends no autocomplete for it.`);
  }
  for (const [name, value] of Object.entries(o.options ?? {})) {
    const option = declared.find((opt) => opt['name'] === name);
    if (!option) throw new Error(`${path}: no option "${name}" (registered: ${names(declared)}).`);
    const type = Number(option['type']);
    if (autocompleting && option['autocomplete'] === true) continue;
    if (!fitsType(type, value)) throw new Error(`${path}: option "${name}" takes a ${TYPE_NAMES[type] ?? type}.`);
    const choices = asArray(option['choices']).filter(isJson);
    if (choices.length > 0 && !choices.some((choice) => choice['value'] === value)) {
      throw new Error(`${path}: option "${name}" must be one of ${choices.map((c) => String(c['value'])).join(', ')}.`);
    }
  }
  if (!autocompleting) {
    const missing = declared.filter((opt) => opt['required'] === true && !(String(opt['name']) in (o.options ?? {})));
    if (missing.length > 0) throw new Error(`${path}: required option(s) missing: ${names(missing)}.`);
  }
  return sub;
}
