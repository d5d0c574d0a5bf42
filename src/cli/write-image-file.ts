/**
 * Writes the loop's images at the bit depth they come with: a `frame:done` or `image:file` event carrying
 * `image16` (a diffused frame with `bit_depth_output` 16) becomes a 16-bit PNG peaking at 65535 (spec §24 item 46,
 * F); one carrying `image32` (32-bit) an OpenEXR file, `.png` replaced by `.exr` (spec §2); everything else an 8-bit PNG, or a JPEG for `.jpg` names (hybrid extra frames, spec §12.3). Folders under
 * the output folder (`hybridframes/`) are created first (item 32, F).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FrameDoneEvent, ImageFileEvent } from '../core/animation/render-events.js';
import { writeJpeg, writePng } from '../core/image/codec.js';
import { encodeExr } from '../core/image/exr.js';

/** Writes a video frame's image to `file`. */
export function writeFrameImage(
  event: Pick<FrameDoneEvent, 'image' | 'image16' | 'image32'>,
  file: string,
): Promise<void> {
  if (event.image32 !== undefined) return writeFile(file.replace(/\.png$/, '.exr'), encodeExr(event.image32));
  return event.image16 === undefined ? writePng(event.image, file) : writePng(event.image16, file, { bitDepth: 16 });
}

/** Writes an `image:file` event under `out`; resolves with the path written. */
export async function writeImageFile(out: string, event: ImageFileEvent): Promise<string> {
  const file = path.join(out, event.file);
  await mkdir(path.dirname(file), { recursive: true });
  if (file.endsWith('.jpg')) await writeJpeg(event.image, file);
  else await writeFrameImage(event, file);
  return file;
}
