/**
 * Reading the untyped JSON bots send: narrowing helpers shared by the validators and the routes, so a malformed
 * body is treated as Discord treats it (a missing field) rather than crashing the emulator.
 */

export type Json = Record<string, unknown>;

export const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null;
export const asJson = (value: unknown): Json => (isJson(value) ? value : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
