/**
 * Reads NumPy `.npy` files (format versions 1–3, little-endian float32/float64/uint8, C order): what the golden
 * cases store for float outputs.
 */
import { readFileSync } from 'node:fs';

export type NpyArray =
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'float64'; shape: number[]; data: Float64Array }
  | { dtype: 'uint8'; shape: number[]; data: Uint8Array };

const MAGIC = '\x93NUMPY';

function headerField(header: string, key: string): string {
  const match = new RegExp(`'${key}'\\s*:\\s*('[^']*'|True|False|\\([^)]*\\))`).exec(header);
  if (!match?.[1]) throw new Error(`npy header has no '${key}': ${header}`);
  return match[1];
}

export function parseNpy(bytes: Uint8Array): NpyArray {
  if (String.fromCharCode(...bytes.subarray(0, 6)) !== MAGIC) throw new Error('Not a .npy file (bad magic).');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6] ?? 0;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLength),
  );
  if (headerField(header, 'fortran_order') !== 'False') throw new Error('Fortran-order .npy files are not supported.');
  const shape = headerField(header, 'shape')
    .replace(/[()\s]/g, '')
    .split(',')
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  // Copy so the typed array is aligned whatever the header length was.
  const body = new Uint8Array(bytes.subarray(headerStart + headerLength));
  const descr = headerField(header, 'descr').slice(1, -1);
  switch (descr) {
    case '<f4':
      return { dtype: 'float32', shape, data: new Float32Array(body.buffer, 0, count) };
    case '<f8':
      return { dtype: 'float64', shape, data: new Float64Array(body.buffer, 0, count) };
    case '|u1':
      return { dtype: 'uint8', shape, data: new Uint8Array(body.buffer, 0, count) };
    default:
      throw new Error(`Unsupported npy dtype ${descr}.`);
  }
}

export function readNpy(filePath: string): NpyArray {
  return parseNpy(readFileSync(filePath));
}
