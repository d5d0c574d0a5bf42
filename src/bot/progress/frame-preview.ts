/**
 * The latest frame as a job card shows it: a JPEG of at most 512 px a side (e-dream's previews, discord-ux.md),
 * made from the stored PNG. A 512×512 frame stays as it is; larger ones are block-averaged down (thumbnail.ts).
 */
import { decodeImage, encodeJpeg } from '../../core/image/codec.js';
import { thumbnail } from '../../core/image/thumbnail.js';
import type { Storage } from '../../storage/storage.js';

export const PREVIEW_MAX_SIDE = 512;
const PREVIEW_QUALITY = 80;

export async function framePreview(storage: Pick<Storage, 'get'>, frameKey: string): Promise<Buffer> {
  const frame = await decodeImage(await storage.get(frameKey));
  return encodeJpeg(thumbnail(frame, PREVIEW_MAX_SIDE), PREVIEW_QUALITY);
}
