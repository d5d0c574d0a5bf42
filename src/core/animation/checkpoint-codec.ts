/**
 * The byte format of a render checkpoint: a small JSON header and the typed arrays it refers to, with no external
 * dependency (the same split as safetensors and numpy's .npz: metadata as text, tensors as raw little-endian
 * bytes). Any JSON value may hold typed arrays; each is replaced in the header by `{ "$blob": i }` and its bytes
 * follow the header, 8-byte aligned. A Float32Array whose every value is exactly a float16 (the loop's samples
 * usually are: the notebook keeps them as float16) is stored in half the bytes and read back bit for bit.
 *
 * Layout: "DFCP" | u32 header length | header JSON (UTF-8) | padding to 8 | blobs, each padded to 8.
 * Typed arrays are written in the machine's byte order, which is little-endian on every platform Node supports
 * for this engine (x64, arm64); the magic is read as bytes, so a big-endian reader would fail on its length check.
 */
import { fromFloat16Bits, toFloat16Bits } from '../diffusion/onnx/float16.js';

export type BinaryValue =
  | null
  | boolean
  | number
  | string
  | Float32Array
  | Float64Array
  | Uint8Array
  | readonly BinaryValue[]
  | { readonly [key: string]: BinaryValue };

type BlobType = 'f32' | 'f32-as-f16' | 'f64' | 'u8';

interface BlobEntry {
  type: BlobType;
  /** Element count. */
  length: number;
}

const MAGIC = [0x44, 0x46, 0x43, 0x50]; // "DFCP"
const ALIGN = 8;

const padded = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/** The checkpoint bytes of `value`; a non-finite number is refused (JSON cannot hold it). */
export function encodeBinaryValue(value: BinaryValue): Uint8Array {
  const blobs: { entry: BlobEntry; bytes: Uint8Array }[] = [];
  const replace = (item: BinaryValue, where: string): unknown => {
    if (item instanceof Float32Array || item instanceof Float64Array || item instanceof Uint8Array) {
      blobs.push(blobOf(item));
      return { $blob: blobs.length - 1 };
    }
    if (typeof item === 'number' && !Number.isFinite(item)) {
      throw new RangeError(`checkpoint value ${where} is ${item}; only finite numbers can be stored`);
    }
    if (Array.isArray(item)) return item.map((element: BinaryValue, i) => replace(element, `${where}[${i}]`));
    if (item !== null && typeof item === 'object') {
      return Object.fromEntries(
        Object.entries(item).map(([key, element]) => [key, replace(element, `${where}.${key}`)]),
      );
    }
    return item;
  };
  const json = replace(value, '$');
  const header = new TextEncoder().encode(JSON.stringify({ blobs: blobs.map((b) => b.entry), value: json }));
  let size = padded(8 + header.length);
  for (const blob of blobs) size += padded(blob.bytes.length);
  const out = new Uint8Array(size);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  let offset = padded(8 + header.length);
  for (const blob of blobs) {
    out.set(blob.bytes, offset);
    offset += padded(blob.bytes.length);
  }
  return out;
}

/** The value `encodeBinaryValue` was given, typed arrays restored; the caller validates its shape. */
export function decodeBinaryValue(bytes: Uint8Array): unknown {
  if (bytes.length < 8 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new RangeError('not a checkpoint file (its first bytes are not "DFCP")');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new RangeError('the checkpoint is truncated inside its header');
  const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  if (!isHeader(header)) throw new RangeError('the checkpoint header is not { blobs, value }');
  let offset = padded(8 + headerLength);
  const arrays = header.blobs.map((entry) => {
    const byteLength =
      entry.length * (entry.type === 'f32' ? 4 : entry.type === 'f64' ? 8 : entry.type === 'u8' ? 1 : 2);
    if (offset + byteLength > bytes.length) throw new RangeError('the checkpoint is truncated inside its data');
    // A copy: the file's buffer may not be aligned for the typed array, and the result must not alias it. Not
    // `bytes.slice`: on a Node Buffer (what readFile gives) that is a view of the whole pooled buffer.
    const raw = new Uint8Array(byteLength);
    raw.set(bytes.subarray(offset, offset + byteLength));
    offset += padded(byteLength);
    return arrayOf(entry.type, raw.buffer);
  });
  const restore = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(restore);
    if (item === null || typeof item !== 'object') return item;
    const blob = (item as { $blob?: unknown }).$blob;
    if (typeof blob === 'number') {
      const array = arrays[blob];
      if (array === undefined) throw new RangeError(`the checkpoint refers to a missing data block ${blob}`);
      return array;
    }
    return Object.fromEntries(Object.entries(item).map(([key, element]) => [key, restore(element)]));
  };
  return restore(header.value);
}

function blobOf(array: Float32Array | Float64Array | Uint8Array): { entry: BlobEntry; bytes: Uint8Array } {
  const { length } = array;
  if (array instanceof Float32Array) {
    const half = exactFloat16(array);
    if (half !== null) return { entry: { type: 'f32-as-f16', length }, bytes: new Uint8Array(half.buffer) };
    return { entry: { type: 'f32', length }, bytes: new Uint8Array(array.buffer, array.byteOffset, array.byteLength) };
  }
  const type = array instanceof Float64Array ? 'f64' : 'u8';
  return { entry: { type, length }, bytes: new Uint8Array(array.buffer, array.byteOffset, array.byteLength) };
}

/** The float16 bits of `values` when every value survives the round trip exactly (sign of zero included). */
function exactFloat16(values: Float32Array): Uint16Array | null {
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    const half = toFloat16Bits(value);
    if (!Object.is(fromFloat16Bits(half), value)) return null;
    bits[i] = half;
  }
  return bits;
}

function arrayOf(type: BlobType, raw: ArrayBuffer): Float32Array | Float64Array | Uint8Array {
  switch (type) {
    case 'f32':
      return new Float32Array(raw);
    case 'f64':
      return new Float64Array(raw);
    case 'u8':
      return new Uint8Array(raw);
    case 'f32-as-f16': {
      const bits = new Uint16Array(raw);
      const out = new Float32Array(bits.length);
      for (let i = 0; i < bits.length; i++) out[i] = fromFloat16Bits(bits[i] as number);
      return out;
    }
  }
}

function isHeader(value: unknown): value is { blobs: BlobEntry[]; value: unknown } {
  if (value === null || typeof value !== 'object' || !('blobs' in value) || !('value' in value)) return false;
  const { blobs } = value;
  return (
    Array.isArray(blobs) &&
    blobs.every(
      (entry: unknown) =>
        entry !== null &&
        typeof entry === 'object' &&
        'type' in entry &&
        'length' in entry &&
        (entry.type === 'f32' || entry.type === 'f32-as-f16' || entry.type === 'f64' || entry.type === 'u8') &&
        Number.isSafeInteger(entry.length) &&
        (entry.length as number) >= 0,
    )
  );
}
