/**
 * The `data` of a modal submit, mirroring the modal the bot showed (action rows or labels, in its order) and
 * refusing what Discord's client would not let a user send: unknown fields, or a required or too-short or too-long
 * value. Fields the test leaves out keep the value the bot prefilled. With no modal shown under that custom_id,
 * the fields become one action row each.
 */
import { isJson, type Json } from './json.js';

function textInputs(modal: Json): Json[] {
  const rows = Array.isArray(modal['components']) ? (modal['components'] as unknown[]) : [];
  return rows.flatMap((row) => {
    if (!isJson(row)) return [];
    if (isJson(row['component'])) return [row['component']];
    return Array.isArray(row['components']) ? (row['components'] as unknown[]).filter(isJson) : [];
  });
}

/** What the user sends for an input: what the test typed, else the text the bot prefilled (left unchanged). */
function effectiveValue(input: Json, fields: Record<string, string>): string {
  const typed = fields[String(input['custom_id'])];
  if (typed !== undefined) return typed;
  return typeof input['value'] === 'string' ? input['value'] : '';
}

function checkValues(customId: string, modal: Json, fields: Record<string, string>): void {
  const inputs = textInputs(modal).filter((input) => input['type'] === 4);
  const ids = inputs.map((input) => String(input['custom_id']));
  for (const name of Object.keys(fields)) {
    if (!ids.includes(name))
      throw new Error(`Modal ${customId} has no text input "${name}" (it has: ${ids.join(', ')}).`);
  }
  for (const input of inputs) {
    const id = String(input['custom_id']);
    const value = effectiveValue(input, fields);
    const min = typeof input['min_length'] === 'number' ? input['min_length'] : 0;
    const max = typeof input['max_length'] === 'number' ? input['max_length'] : 4000;
    if (input['required'] !== false && value === '') {
      throw new Error(`Discord would not submit modal ${customId}: the required field "${id}" is empty.`);
    }
    if (value !== '' && (value.length < min || value.length > max)) {
      throw new Error(
        `Discord would not submit modal ${customId}: "${id}" must be ${min}–${max} characters, got ${value.length}.`,
      );
    }
  }
}

const submitted = (input: Json, fields: Record<string, string>): Json => ({
  type: 4,
  ...(input['id'] === undefined ? {} : { id: input['id'] }),
  custom_id: input['custom_id'],
  value: effectiveValue(input, fields),
});

export function modalSubmitData(customId: string, shown: Json | undefined, fields: Record<string, string>): Json {
  if (!shown) {
    const components = Object.entries(fields).map(([id, value]) => ({
      type: 1,
      components: [{ type: 4, custom_id: id, value }],
    }));
    return { custom_id: customId, components };
  }
  checkValues(customId, shown, fields);
  const rows = Array.isArray(shown['components']) ? (shown['components'] as unknown[]).filter(isJson) : [];
  const components = rows.map((row) => {
    const id = row['id'] === undefined ? {} : { id: row['id'] };
    if (isJson(row['component'])) return { type: row['type'], ...id, component: submitted(row['component'], fields) };
    const inner = Array.isArray(row['components']) ? (row['components'] as unknown[]).filter(isJson) : [];
    return { type: row['type'], ...id, components: inner.map((input) => submitted(input, fields)) };
  });
  return { custom_id: customId, components };
}
