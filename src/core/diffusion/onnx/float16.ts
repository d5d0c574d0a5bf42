/**
 * Exact IEEE 754 binary16 ↔ binary32 conversion for fp16 model inputs and outputs. Node 20 has no Float16Array,
 * and onnxruntime-node takes float16 tensors as raw Uint16Array bits (runtime-notes C.3).
 * float32 → float16 rounds to nearest, ties to even, as torch's `.half()` does, including subnormals, ±inf and NaN.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const bits = u32[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  const unbiased = exponent - 127;
  if (unbiased > 15) return sign | 0x7c00;
  if (unbiased >= -14) {
    // Normal half: keep 10 mantissa bits, round the 13 dropped ones to nearest even; a carry may bump the exponent.
    const half = ((unbiased + 15) << 10) | (mantissa >>> 13);
    const dropped = mantissa & 0x1fff;
    const roundUp = dropped > 0x1000 || (dropped === 0x1000 && (half & 1) === 1);
    return sign | (half + (roundUp ? 1 : 0));
  }
  if (unbiased < -25) return sign;
  // Subnormal half: the implicit leading 1 becomes explicit and the value is shifted into the 10-bit field.
  const full = mantissa | 0x800000;
  const shift = -unbiased - 14 + 13;
  const half = full >>> shift;
  const dropped = full & ((1 << shift) - 1);
  const midpoint = 1 << (shift - 1);
  const roundUp = dropped > midpoint || (dropped === midpoint && (half & 1) === 1);
  return sign | (half + (roundUp ? 1 : 0));
}

export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function float32ToFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i] ?? 0);
  return out;
}

export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = fromFloat16Bits(bits[i] ?? 0);
  return out;
}
