/**
 * Frame file naming shared by the renderer, resume and the video encoder (spec §21.1): frame f of a run is
 * `{prefix}_{f:05}.png` in the run's output folder, numbered from 0 without gaps, which is what ffmpeg's
 * `%05d` pattern with `-start_number 0` reads back. Pure: names only, no file system.
 */
import path from 'node:path';

const FRAME_DIGITS = 5;

/** `20240101120000_00042.png` for prefix `20240101120000`, frame 42. */
export function frameFileName(prefix: string, frame: number, extension = 'png'): string {
  if (!Number.isInteger(frame) || frame < 0) throw new RangeError(`Frame numbers are integers ≥ 0, got ${frame}.`);
  return `${prefix}_${String(frame).padStart(FRAME_DIGITS, '0')}.${extension}`;
}

/** The ffmpeg input pattern matching `frameFileName` (`{prefix}_%05d.png`). */
export function framePattern(prefix: string, extension = 'png'): string {
  return `${prefix}_%0${FRAME_DIGITS}d.${extension}`;
}

/** Full paths of frames 0…count−1 in `directory`. */
export function framePaths(directory: string, prefix: string, count: number, extension = 'png'): string[] {
  return Array.from({ length: count }, (_, f) => path.join(directory, frameFileName(prefix, f, extension)));
}

/** The frame number in a file name written by `frameFileName`, or null for any other file (depth maps, settings). */
export function parseFrameFileName(prefix: string, fileName: string, extension = 'png'): number | null {
  const match = new RegExp(`^${escapeRegExp(prefix)}_(\\d{${FRAME_DIGITS},})\\.${escapeRegExp(extension)}$`).exec(
    fileName,
  );
  return match?.[1] === undefined ? null : Number(match[1]);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
