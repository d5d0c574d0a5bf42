import { describe, expect, it } from 'vitest';
import {
  float16ToFloat32,
  float32ToFloat16,
  fromFloat16Bits,
  toFloat16Bits,
} from '../../../../src/core/diffusion/onnx/float16.js';

describe('float16', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds up past the largest half to infinity
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // exactly half of it: ties to even → 0
    [3 * 2 ** -25, 0x0002], // 1.5 ulp: ties to even → 2
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: ties to even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // halfway, odd below: ties to even (up)
    [0.1, 0x2e66],
  ])('%f ↔ %i', (value, bits) => {
    expect(toFloat16Bits(value)).toBe(bits);
  });

  it('keeps NaN a NaN', () => {
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
  });

  it('round-trips every finite half exactly', () => {
    const bits = Uint16Array.from({ length: 0x10000 }, (_, i) => i).filter((b) => (b & 0x7c00) !== 0x7c00);
    expect(float32ToFloat16(float16ToFloat32(bits))).toEqual(bits);
  });
});
