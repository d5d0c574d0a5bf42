/**
 * Every problem of a request as one Discord message (≤ 2,000 characters, discord-ux.md "Text limits"), grouped
 * by the field to fix in the modal's order. Long problems are shortened and, when they do not all fit, the
 * message ends by saying how many were left out, so a user never believes the list is complete when it is not.
 */
import type { RequestField, RequestProblem } from './animate-request.js';

export const MAX_MESSAGE_LENGTH = 2000;
const MAX_PROBLEM_LENGTH = 400;

const FIELD_LABELS: Readonly<Record<RequestField, string>> = {
  request: 'Your request',
  preset: 'Preset',
  settings: 'Settings file',
  prompts: 'Prompts',
  negative: 'Negative prompt',
  overrides: 'Overrides',
  max_frames: 'Max frames',
  seed: 'Seed',
  init_image: 'Init image',
  mask: 'Mask',
  video: 'Video',
};

const FIELD_ORDER = Object.keys(FIELD_LABELS) as RequestField[];

export function formatProblems(problems: readonly RequestProblem[]): string {
  const count = problems.length;
  const heading = `Your request has ${count} problem${count === 1 ? '' : 's'}. Fix ${count === 1 ? 'it' : 'them'} and submit again.`;
  const ordered = [...problems].sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field));
  let text = heading;
  let shown = 0;
  for (const [index, problem] of ordered.entries()) {
    const header = ordered[index - 1]?.field === problem.field ? '' : `\n**${FIELD_LABELS[problem.field]}**`;
    const line = `${header}\n• ${shorten(problem.message)}`;
    const left = count - shown - 1;
    const reserve = left > 0 ? leftOutNote(left).length : 0;
    if (text.length + line.length + reserve > MAX_MESSAGE_LENGTH) break;
    text += line;
    shown += 1;
  }
  return shown < count ? text + leftOutNote(count - shown) : text;
}

function leftOutNote(count: number): string {
  return `\n…and ${count} more problem${count === 1 ? '' : 's'} not shown; fix these and submit again to see them.`;
}

function shorten(message: string): string {
  return message.length > MAX_PROBLEM_LENGTH ? `${message.slice(0, MAX_PROBLEM_LENGTH - 1)}…` : message;
}
