/**
 * A small copy of a frame for progress messages: the mean of each k×k block, with the smallest whole k that
 * brings both sides to at most `maxSide`. Whole blocks keep it a single pass with no resampling filter; the
 * last partial row and column of blocks are dropped, which a preview never shows.
 */
import { createRawImage, type RawImage } from './raw-image.js';

export function thumbnail(image: RawImage<'u8'>, maxSide: number): RawImage<'u8'> {
  const factor = Math.ceil(Math.max(image.width, image.height) / maxSide);
  if (factor <= 1) return image;
  const { channels } = image;
  const width = Math.max(1, Math.floor(image.width / factor));
  const height = Math.max(1, Math.floor(image.height / factor));
  const out = createRawImage('u8', width, height, channels);
  const rowsIn = Math.min(factor, image.height);
  const colsIn = Math.min(factor, image.width);
  const count = rowsIn * colsIn;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let dy = 0; dy < rowsIn; dy++) {
          const row = (y * factor + dy) * image.width;
          for (let dx = 0; dx < colsIn; dx++) sum += image.data[(row + x * factor + dx) * channels + c] ?? 0;
        }
        out.data[(y * width + x) * channels + c] = Math.round(sum / count);
      }
    }
  }
  return out;
}
