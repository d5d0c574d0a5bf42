import { describe, expect, it } from 'vitest';
import { decodeBinaryValue, encodeBinaryValue } from '../../../src/core/animation/checkpoint-codec.js';
import { decodeCheckpoint } from '../../../src/core/animation/checkpoint.js';

describe('checkpoint codec', () => {
  it('round-trips JSON with typed arrays, bit for bit', () => {
    const f32 = Float32Array.from([0.1, -2.5, 3e-9, -0]);
    const f64 = Float64Array.from([Math.PI, 1 / 3]);
    const u8 = Uint8Array.from([0, 7, 255]);
    const value = { a: 1, b: 'text', c: [true, null, { f32 }], f64, u8, empty: new Float32Array(0) };
    const back = decodeBinaryValue(encodeBinaryValue(value)) as typeof value;
    expect(back).toEqual(value);
    expect(Object.is((back.c[2] as { f32: Float32Array }).f32[3], -0)).toBe(true);
    expect(back.f64).toBeInstanceOf(Float64Array);
  });

  it('reads a checkpoint from a Node Buffer that shares a larger pooled buffer, as readFile can give it', () => {
    const value = { x: Float32Array.from([0.5, 1.25, -3.75]), y: Float64Array.from([Math.E]) };
    const bytes = encodeBinaryValue(value);
    const pooled = Buffer.alloc(bytes.length + 100);
    pooled.set(bytes, 100);
    expect(decodeBinaryValue(pooled.subarray(100))).toEqual(value);
  });

  it('stores a float32 array of float16 values in half the bytes, and any other one whole', () => {
    const n = 4096;
    const halves = Float32Array.from({ length: n }, (_, i) => (i % 2048) / 1024 - 1);
    const fine = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.999);
    const halfSize = encodeBinaryValue({ x: halves }).length;
    const fullSize = encodeBinaryValue({ x: fine }).length;
    expect(halfSize).toBeLessThan(n * 2 + 200);
    expect(fullSize).toBeGreaterThanOrEqual(n * 4);
    expect((decodeBinaryValue(encodeBinaryValue({ x: fine })) as { x: Float32Array }).x).toEqual(fine);
  });

  it('refuses what it cannot store or read', () => {
    expect(() => encodeBinaryValue({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\] is NaN/);
    expect(() => decodeBinaryValue(new TextEncoder().encode('PK\u0003\u0004 a zip'))).toThrow(/not a checkpoint/);
    const bytes = encodeBinaryValue({ x: new Float32Array([1.1, 2.2]) });
    expect(() => decodeBinaryValue(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated inside its data/);
    expect(() => decodeBinaryValue(bytes.subarray(0, 12))).toThrow(/truncated inside its header/);
  });

  it('refuses a checkpoint of another format version, or one missing its state', () => {
    expect(() => decodeCheckpoint(encodeBinaryValue({ version: 0 }))).toThrow(/format version 0; this engine reads 1/);
    expect(() => decodeCheckpoint(encodeBinaryValue({ version: 1, framesDone: 2 }))).toThrow(/malformed at nextStep/);
  });
});
