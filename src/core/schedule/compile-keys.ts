/**
 * Turns parsed keyframes into what the expansion needs: a number for number keys, a compiled formula for
 * the others (compiled once per key, evaluated per frame).
 */
import { compileExpression, type CompiledExpression, type ExpressionScope } from './expression/evaluate.js';
import { parseExpression } from './expression/parse.js';
import { isNumberValue, type Keyframe } from './keyframes.js';
import { syntaxError, type ScheduleSource } from './source-error.js';

export type CompiledKey =
  | { readonly frame: number; readonly kind: 'number'; readonly number: number }
  | { readonly frame: number; readonly kind: 'expression'; readonly expression: CompiledExpression };

/** Far longer than any formula a person writes; keeps the per-frame cost of one key bounded. */
export const MAX_VALUE_LENGTH = 2_000;

export function compileKeys(
  keyframes: readonly Keyframe[],
  text: string,
  setting: string,
  scope: ExpressionScope,
): CompiledKey[] {
  return keyframes.map((keyframe) => {
    if (isNumberValue(keyframe.value)) return { frame: keyframe.frame, kind: 'number', number: Number(keyframe.value) };
    const source: ScheduleSource = { setting, text, offset: keyframe.offset };
    if (keyframe.value.length > MAX_VALUE_LENGTH) {
      throw syntaxError(
        source,
        0,
        `the value of frame ${String(keyframe.frame)} is ${String(keyframe.value.length)} characters long`,
        `at most ${String(MAX_VALUE_LENGTH)} characters`,
        'Simplify the formula.',
      );
    }
    return {
      frame: keyframe.frame,
      kind: 'expression',
      expression: compileExpression(parseExpression(keyframe.value, source), scope, source),
    };
  });
}
