/** Frame lists for messages: [0, 1, 2, 7, 9, 10] → "0–2, 7, 9–10", so a long run of frames stays one line. */
export function formatFrameRanges(frames: readonly number[]): string {
  const parts: string[] = [];
  let start = frames[0] ?? 0;
  let previous = start;
  for (const frame of [...frames.slice(1), Number.NaN]) {
    if (frame === previous + 1) {
      previous = frame;
      continue;
    }
    parts.push(start === previous ? String(start) : `${String(start)}–${String(previous)}`);
    start = frame;
    previous = frame;
  }
  return parts.join(', ');
}
