/**
 * A minimal OpenEXR writer for `bit_depth_output` 32 (spec §2): the notebook hands OpenCV a float32 image in 0…1
 * (reordered to BGR, which OpenCV maps back to the R, G, B channels of the file). We write the same values as a
 * single-part scanline file: three FLOAT channels stored in the alphabetical order EXR requires (B, G, R), no
 * compression, one scanline per chunk, increasing y, with the required header attributes and the offset table.
 * OpenCV compresses with ZIP by default; ours is uncompressed (larger files, the same pixel values;
 * docs/deviations.md). Pure: bytes in memory, the caller writes the file.
 */
import type { RawImage } from './raw-image.js';

const MAGIC = 20000630;
/** Version 2, single-part scanline, short names: no flag bits. */
const VERSION = 2;
const PIXEL_TYPE_FLOAT = 2;
const CHANNELS = ['B', 'G', 'R'] as const;
/** Where each EXR channel sits in an RGB pixel. */
const SOURCE_CHANNEL = { B: 2, G: 1, R: 0 } as const;

class ByteWriter {
  private readonly chunks: Uint8Array[] = [];
  length = 0;

  bytes(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  u8(value: number): void {
    this.bytes(Uint8Array.of(value));
  }
  i32(value: number): void {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setInt32(0, value, true);
    this.bytes(bytes);
  }
  f32(value: number): void {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.bytes(bytes);
  }
  text(value: string): void {
    this.bytes(new TextEncoder().encode(`${value}\0`));
  }
  /** One header attribute: name, type name, size, value. */
  attribute(name: string, type: string, value: (w: ByteWriter) => void): void {
    const body = new ByteWriter();
    value(body);
    this.text(name);
    this.text(type);
    this.i32(body.length);
    this.bytes(body.concat());
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

function box(w: ByteWriter, width: number, height: number): void {
  w.i32(0);
  w.i32(0);
  w.i32(width - 1);
  w.i32(height - 1);
}

/** An RGB float image (values as given, normally 0…1) → the bytes of an uncompressed float OpenEXR file. */
export function encodeExr(image: RawImage<'f32'>): Uint8Array {
  const { width, height, channels, data } = image;
  if (channels !== 3) throw new RangeError(`EXR output takes RGB images, got ${channels} channels.`);
  if (width < 1 || height < 1) throw new RangeError(`EXR output needs a non-empty image, got ${width}×${height}.`);
  const header = new ByteWriter();
  header.i32(MAGIC);
  header.i32(VERSION);
  header.attribute('channels', 'chlist', (w) => {
    for (const name of CHANNELS) {
      w.text(name);
      w.i32(PIXEL_TYPE_FLOAT);
      w.u8(0); // pLinear
      w.bytes(new Uint8Array(3)); // reserved
      w.i32(1); // xSampling
      w.i32(1); // ySampling
    }
    w.u8(0);
  });
  header.attribute('compression', 'compression', (w) => w.u8(0)); // NO_COMPRESSION
  header.attribute('dataWindow', 'box2i', (w) => box(w, width, height));
  header.attribute('displayWindow', 'box2i', (w) => box(w, width, height));
  header.attribute('lineOrder', 'lineOrder', (w) => w.u8(0)); // INCREASING_Y
  header.attribute('pixelAspectRatio', 'float', (w) => w.f32(1));
  header.attribute('screenWindowCenter', 'v2f', (w) => {
    w.f32(0);
    w.f32(0);
  });
  header.attribute('screenWindowWidth', 'float', (w) => w.f32(1));
  header.u8(0);

  const lineBytes = width * CHANNELS.length * 4;
  const chunkBytes = 8 + lineBytes;
  const tableStart = header.length;
  const firstChunk = tableStart + 8 * height;
  const out = new Uint8Array(firstChunk + chunkBytes * height);
  out.set(header.concat(), 0);
  const view = new DataView(out.buffer);
  for (let y = 0; y < height; y++) {
    const chunk = firstChunk + y * chunkBytes;
    view.setBigUint64(tableStart + 8 * y, BigInt(chunk), true);
    view.setInt32(chunk, y, true);
    view.setInt32(chunk + 4, lineBytes, true);
    let at = chunk + 8;
    for (const name of CHANNELS) {
      const source = SOURCE_CHANNEL[name];
      for (let x = 0; x < width; x++, at += 4) view.setFloat32(at, data[(y * width + x) * 3 + source] ?? 0, true);
    }
  }
  return out;
}
