/**
 * The grid of a prompt's still images (`make_grid`, spec §16): torchvision's `make_grid` with 2 px of black
 * padding around and between images, filled row by row. Fixed (spec §24 item 50, F, docs/deviations.md): the
 * original puts int(count / grid_rows) images in a row, which is 0 (an error) for fewer images than rows and
 * gives more rows than asked otherwise; we put ceil(count / grid_rows) in a row, so there are at most grid_rows rows.
 */
import { createRawImage, type RawImage } from '../../image/raw-image.js';

const PADDING = 2;

export function stillGrid(images: readonly RawImage<'u8'>[], gridRows: number): RawImage<'u8'> {
  const first = images[0];
  if (first === undefined) throw new RangeError('a grid needs at least one image');
  if (!Number.isInteger(gridRows) || gridRows < 1) throw new RangeError(`grid_rows must be ≥ 1, got ${gridRows}`);
  const { width, height, channels } = first;
  const columns = Math.ceil(images.length / gridRows);
  const rows = Math.ceil(images.length / columns);
  const cellWidth = width + PADDING;
  const cellHeight = height + PADDING;
  const grid = createRawImage('u8', columns * cellWidth + PADDING, rows * cellHeight + PADDING, channels);
  const rowBytes = width * channels;
  for (const [i, image] of images.entries()) {
    if (image.width !== width || image.height !== height || image.channels !== channels) {
      throw new RangeError('the images of a grid share one size');
    }
    const left = (i % columns) * cellWidth + PADDING;
    const top = Math.floor(i / columns) * cellHeight + PADDING;
    for (let y = 0; y < height; y++) {
      const target = ((top + y) * grid.width + left) * channels;
      grid.data.set(image.data.subarray(y * rowBytes, (y + 1) * rowBytes), target);
    }
  }
  return grid;
}
