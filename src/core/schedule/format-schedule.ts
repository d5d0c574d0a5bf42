/**
 * Prints keyframes back as a schedule string in the notebook's own style (`0:(1.0), 30:(0.5)`), so that
 * parsing the printed text gives the same keyframes and therefore the same series.
 */

export function formatSchedule(keyframes: readonly { readonly frame: number; readonly value: string }[]): string {
  return keyframes.map(({ frame, value }) => `${String(frame)}:(${value})`).join(', ');
}
