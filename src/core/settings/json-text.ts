/**
 * Parses the text of a settings file as JSON and, when it is not JSON, says where: V8's messages do not always
 * carry a position, so a small scanner finds the first offending character and reports its line and column.
 * Python's json.dump writes NaN/Infinity bare, which is not JSON; the message names that case.
 */
import { DeforumError } from '../errors.js';

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const offset = firstErrorOffset(text.replace(/^\uFEFF/, '')) + (text.startsWith('\uFEFF') ? 1 : 0);
    const { line, column } = lineAndColumn(text, offset);
    const near = text.slice(offset, offset + 12).split('\n')[0] ?? '';
    const hint = /^-?(NaN|Infinity)/.test(near)
      ? ' NaN and Infinity are not JSON (Python writes them); replace them with numbers.'
      : near === ''
        ? ' The file ends too early; look for a missing } or ].'
        : '';
    const reason = `not valid JSON at line ${line}, column ${column}${near === '' ? '' : ` near \`${near}\``}.${hint}`;
    throw new DeforumError({ code: 'settings_unreadable', source, reason }, `${source} is ${reason}`, { cause });
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Offset of the first character where the text stops being JSON (the text is known to be invalid). */
function firstErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new ScanStop(i);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string): void => {
    for (const char of word)
      if (text.charAt(i) === char) i++;
      else fail();
  };
  const string = (): void => {
    i++;
    while (i < text.length && text.charAt(i) !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text.charAt(i) === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (match === null) fail();
    else i += match[0].length;
  };
  const value = (): void => {
    space();
    const char = text.charAt(i);
    if (char === '{') container('}', true);
    else if (char === '[') container(']', false);
    else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else number();
    space();
  };
  const container = (close: string, keyed: boolean): void => {
    i++;
    space();
    if (text.charAt(i) === close) {
      i++;
      return;
    }
    for (;;) {
      if (keyed) {
        space();
        if (text.charAt(i) !== '"') fail();
        string();
        space();
        if (text.charAt(i) !== ':') fail();
        i++;
      }
      value();
      if (text.charAt(i) === ',') i++;
      else if (text.charAt(i) === close) {
        i++;
        return;
      } else fail();
    }
  };
  try {
    value();
    return i;
  } catch (stop) {
    if (stop instanceof ScanStop) return stop.offset;
    throw stop;
  }
}

class ScanStop {
  constructor(readonly offset: number) {}
}
