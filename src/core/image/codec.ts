/**
 * The edge where images become files and files become images: the only module that imports sharp.
 * Decoding matches the notebook's `Image.open(path).convert('RGB')`: no EXIF auto-rotation, 8 bits per channel,
 * alpha dropped unless asked for. Inits are stretched to W×H with Lanczos-3 like PIL's `LANCZOS` (spec §24
 * item 36, B: no aspect preservation). 16-bit PNGs peak at 65535, not the notebook's 65025 (item 46, F).
 */
import { writeFile } from 'node:fs/promises';

import sharp from 'sharp';

import { DeforumError } from '../errors.js';
import { rawImageFrom, type ChannelCount, type RawImage } from './raw-image.js';

export interface DecodeOptions {
  /** `drop` (default) gives RGB; `keep` gives RGBA, opaque where the file has no alpha. */
  alpha?: 'drop' | 'keep';
  /** Stretch to this size with Lanczos-3 (the notebook's init handling). */
  size?: { width: number; height: number };
}

export interface PngOptions {
  /** 8 (default) or 16 bits per channel; 16-bit spans 0..65535. */
  bitDepth?: 8 | 16;
  /** zlib level 0..9; DEFAULT_PNG_LEVEL by default. */
  compressionLevel?: number;
}

/**
 * PNG is lossless, so the zlib level trades only encode time for bytes, and a render writes a PNG per frame on a
 * CPU its loop also needs (issue 6, "Speed"). Measured at 512² (sharp's zlib-ng, no row filters, one thread,
 * on photos and on a frame textured like a diffused one): level 2 takes 9–11 ms for 387–665 KB, level 6 (sharp's
 * default) 12–17 ms for 1–3% fewer bytes, level 1 5–7 ms for 10–40% more bytes. Adaptive row filters (the
 * notebook's PIL) save 13–32% of the bytes for 4–7 ms more, and cost 4.5 ms even on a flat frame (0.8 without).
 */
const DEFAULT_PNG_LEVEL = 2;

function describeSource(source: string | Uint8Array): string {
  return typeof source === 'string' ? source : `<${source.byteLength}-byte buffer>`;
}

function asBytes(data: Uint8Array | Uint8ClampedArray): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** Decodes a PNG/JPEG/WebP file or buffer to an 8-bit RGB (or RGBA) image. */
export async function decodeImage(source: string | Uint8Array, options: DecodeOptions = {}): Promise<RawImage<'u8'>> {
  const channels: ChannelCount = options.alpha === 'keep' ? 4 : 3;
  try {
    let pipeline = sharp(source).toColourspace('srgb');
    pipeline = channels === 4 ? pipeline.ensureAlpha(1) : pipeline.removeAlpha();
    if (options.size) {
      pipeline = pipeline.resize(options.size.width, options.size.height, { fit: 'fill', kernel: 'lanczos3' });
    }
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return rawImageFrom(
      'u8',
      info.width,
      info.height,
      channels,
      new Uint8Array(data.buffer, data.byteOffset, data.length),
    );
  } catch (cause) {
    const where = describeSource(source);
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DeforumError(
      { code: 'image_unreadable', source: where, reason },
      `Cannot read the image ${where}: ${reason}. Use a PNG, JPEG or WebP file that opens in an image viewer.`,
      { cause },
    );
  }
}

/** Stretches an 8-bit image to width×height with Lanczos-3. */
export async function resizeImage(image: RawImage<'u8'>, width: number, height: number): Promise<RawImage<'u8'>> {
  const raw = { width: image.width, height: image.height, channels: image.channels };
  const out = await sharp(asBytes(image.data), { raw })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw({ depth: 'uchar' })
    .toBuffer();
  return rawImageFrom('u8', width, height, image.channels, new Uint8Array(out.buffer, out.byteOffset, out.length));
}

/**
 * Sample values for the PNG: u8 as is (or ×257 at 16 bits, so 255 → 65535); f32 on the 0..255 scale is clamped
 * and truncated like the notebook's `astype(np.uint8)` of in-betweens.
 */
function pngSamples(image: RawImage, bitDepth: 8 | 16): Uint8Array | Uint16Array {
  const n = image.data.length;
  if (bitDepth === 8) {
    if (image.format === 'u8') return asBytes(image.data);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.min(255, Math.max(0, Math.trunc(image.data[i] ?? 0)));
    return out;
  }
  const out = new Uint16Array(n);
  if (image.format === 'u8') {
    for (let i = 0; i < n; i++) out[i] = (image.data[i] ?? 0) * 257;
  } else {
    for (let i = 0; i < n; i++) out[i] = Math.trunc(Math.min(1, Math.max(0, (image.data[i] ?? 0) / 255)) * 65535);
  }
  return out;
}

/** Encodes an image as PNG. */
export async function encodePng(image: RawImage, options: PngOptions = {}): Promise<Buffer> {
  const bitDepth = options.bitDepth ?? 8;
  const raw = { width: image.width, height: image.height, channels: image.channels };
  let pipeline = sharp(pngSamples(image, bitDepth), { raw });
  if (bitDepth === 16) pipeline = pipeline.toColourspace(image.channels === 1 ? 'grey16' : 'rgb16');
  return pipeline.png({ compressionLevel: options.compressionLevel ?? DEFAULT_PNG_LEVEL }).toBuffer();
}

/** Encodes an image as PNG and writes it to `filePath`. */
export async function writePng(image: RawImage, filePath: string, options: PngOptions = {}): Promise<void> {
  await writeFile(filePath, await encodePng(image, options));
}

/**
 * Encodes an 8-bit RGB image as JPEG with 4:2:0 chroma, like `cv2.imwrite(path, img)` (libjpeg, quality 95 by
 * default): at quality 95 the golden extracted frames read back identically (video_input.json).
 */
export async function writeJpeg(image: RawImage<'u8'>, filePath: string, quality = 95): Promise<void> {
  await writeFile(filePath, await encodeJpeg(image, quality));
}

/** Encodes an 8-bit image as JPEG (4:2:0), e.g. the small frame previews of the bot's job cards. */
export async function encodeJpeg(image: RawImage<'u8'>, quality = 95): Promise<Buffer> {
  const raw = { width: image.width, height: image.height, channels: image.channels };
  return sharp(asBytes(image.data), { raw }).jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
}

/** Rasterises an SVG document (plots, overlays) to a PNG file. */
export async function writeSvgAsPng(svg: string, filePath: string): Promise<void> {
  await sharp(Buffer.from(svg)).png().toFile(filePath);
}
