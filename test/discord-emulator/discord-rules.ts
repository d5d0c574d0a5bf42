/**
 * Discord's documented limits on what a bot sends, checked the way the API does: every problem collected into one
 * 400 Invalid Form Body (50035) with the field paths Discord reports, and oversized uploads refused with 413/40005.
 * Components V2 messages (flag 1 << 15) are not validated beyond their top-level count.
 */
import { entityTooLarge, invalidFormBody, type FieldError } from './api-errors.js';
import type { UploadedFile } from './multipart.js';
import { asArray, asJson, isJson, type Json } from './json.js';

type Path = (string | number)[];

const COMPONENTS_V2_FLAG = 1 << 15;

const textLength = (value: unknown): number => (typeof value === 'string' ? value.length : 0);

function maxLength(problems: FieldError[], path: Path, value: unknown, max: number): void {
  if (typeof value === 'string' && value.length > max) {
    problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  }
}

function maxCount(problems: FieldError[], path: Path, list: unknown[], max: number): void {
  if (list.length > max)
    problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
}

function countBetween(problems: FieldError[], path: Path, list: unknown[], min: number, max: number): void {
  if (list.length < min || list.length > max) {
    problems.push({ path, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between ${min} and ${max} in length.` });
  }
}

function checkEmbeds(problems: FieldError[], path: Path, embeds: unknown[]): void {
  maxCount(problems, path, embeds, 10);
  let totalChars = 0;
  embeds.forEach((embed, i) => {
    if (!isJson(embed)) return;
    maxLength(problems, [...path, i, 'title'], embed['title'], 256);
    maxLength(problems, [...path, i, 'description'], embed['description'], 4096);
    const fields = asArray(embed['fields']);
    maxCount(problems, [...path, i, 'fields'], fields, 25);
    fields.forEach((field, j) => {
      if (!isJson(field)) return;
      maxLength(problems, [...path, i, 'fields', j, 'name'], field['name'], 256);
      maxLength(problems, [...path, i, 'fields', j, 'value'], field['value'], 1024);
      totalChars += textLength(field['name']) + textLength(field['value']);
    });
    totalChars += textLength(embed['title']) + textLength(embed['description']);
    totalChars += textLength(asJson(embed['footer'])['text']) + textLength(asJson(embed['author'])['name']);
  });
  // Discord caps the text of all embeds of one message together.
  if (totalChars > 6000) {
    problems.push({ path, code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  }
}

function checkActionRows(problems: FieldError[], path: Path, rows: unknown[]): void {
  maxCount(problems, path, rows, 5);
  rows.forEach((row, i) => {
    if (!isJson(row)) return;
    const children = asArray(row['components']);
    countBetween(problems, [...path, i, 'components'], children, 1, 5);
    children.forEach((child, j) => {
      if (!isJson(child)) return;
      maxLength(problems, [...path, i, 'components', j, 'custom_id'], child['custom_id'], 100);
      maxLength(problems, [...path, i, 'components', j, 'label'], child['label'], 80);
    });
  });
}

/** A message body (channel message, webhook message, or the `data` of callback types 4 and 7). */
export function messageProblems(body: unknown, path: Path = []): FieldError[] {
  const problems: FieldError[] = [];
  if (!isJson(body)) return problems;
  maxLength(problems, [...path, 'content'], body['content'], 2000);
  checkEmbeds(problems, [...path, 'embeds'], asArray(body['embeds']));
  const flags = typeof body['flags'] === 'number' ? body['flags'] : 0;
  const components = asArray(body['components']);
  if ((flags & COMPONENTS_V2_FLAG) !== 0) {
    maxCount(problems, [...path, 'components'], components, 40);
  } else {
    checkActionRows(problems, [...path, 'components'], components);
  }
  maxCount(problems, [...path, 'attachments'], asArray(body['attachments']), 10);
  return problems;
}

function checkTextInput(problems: FieldError[], path: Path, input: Json): void {
  maxLength(problems, [...path, 'custom_id'], input['custom_id'], 100);
  maxLength(problems, [...path, 'label'], input['label'], 45);
  maxLength(problems, [...path, 'placeholder'], input['placeholder'], 100);
  maxLength(problems, [...path, 'value'], input['value'], 4000);
}

/** The `data` of a modal callback (type 9): title, custom_id, 1–5 rows of text inputs (or labels). */
export function modalProblems(data: unknown, path: Path = ['data']): FieldError[] {
  const problems: FieldError[] = [];
  if (!isJson(data))
    return [{ path, code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' }];
  for (const key of ['title', 'custom_id'] as const) {
    if (typeof data[key] !== 'string' || data[key] === '')
      problems.push({ path: [...path, key], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  }
  maxLength(problems, [...path, 'title'], data['title'], 45);
  maxLength(problems, [...path, 'custom_id'], data['custom_id'], 100);
  const rows = asArray(data['components']);
  countBetween(problems, [...path, 'components'], rows, 1, 5);
  rows.forEach((row, i) => {
    if (!isJson(row)) return;
    const rowPath = [...path, 'components', i];
    if (row['type'] === 18) {
      maxLength(problems, [...rowPath, 'label'], row['label'], 45);
      maxLength(problems, [...rowPath, 'description'], row['description'], 100);
      if (isJson(row['component'])) checkTextInput(problems, [...rowPath, 'component'], row['component']);
      return;
    }
    const children = asArray(row['components']);
    countBetween(problems, [...rowPath, 'components'], children, 1, 1);
    children.forEach((child, j) => {
      if (isJson(child)) checkTextInput(problems, [...rowPath, 'components', j], child);
    });
  });
  return problems;
}

export function assertValid(problems: FieldError[]): void {
  if (problems.length > 0) throw invalidFormBody(problems);
}

/** Autocomplete results (callback type 8): at most 25 choices, names and values up to 100 characters. */
export function choiceProblems(data: Json): FieldError[] {
  const problems: FieldError[] = [];
  const choices = asArray(data['choices']);
  maxCount(problems, ['data', 'choices'], choices, 25);
  choices.forEach((choice, i) => {
    if (!isJson(choice)) return;
    maxLength(problems, ['data', 'choices', i, 'name'], choice['name'], 100);
    maxLength(problems, ['data', 'choices', i, 'value'], choice['value'], 100);
  });
  return problems;
}

export function assertUploadsFit(files: UploadedFile[], limitBytes: number): void {
  if (files.some((file) => file.bytes.length > limitBytes)) throw entityTooLarge();
}
