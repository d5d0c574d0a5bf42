/**
 * The frames the original never writes (spec §24 item 22, fixed here): none with cadence 1, else the last
 * diffused frame k = c·floor((N − 1)/c) onward. Golden tests set these frames aside by this rule on the inputs.
 */
export function droppedByOriginal(maxFrames: number, cadence: number): number[] {
  if (cadence === 1) return [];
  const first = cadence * Math.floor((maxFrames - 1) / cadence);
  return Array.from({ length: maxFrames - first }, (_, i) => first + i);
}
