/**
 * The edge where images become files and files become images: the only module that imports sharp.
 */
import sharp from 'sharp';

/** Rasterises an SVG document (plots, overlays) to a PNG file. */
export async function writeSvgAsPng(svg: string, filePath: string): Promise<void> {
  await sharp(Buffer.from(svg)).png().toFile(filePath);
}
