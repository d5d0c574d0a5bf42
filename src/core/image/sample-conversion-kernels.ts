/**
 * The WebAssembly functions (wasm-simd.ts) that carry samples in and out of the SIMD bicubic rows
 * (grid-sample-simd.ts): the given image's rows to the float32 samples the kernels read, f32(sample + offset), and
 * the kernels' samples to the warp's output, clamped to 0..255 and, for bytes, truncated (NaN → 0), as a scalar
 * `v < 0 ? 0 : v > 255 ? 255 : v` stored into a Float32Array or a Uint8Array gives them. Each works in whole
 * vectors, so it reads and writes up to a vector past its end.
 */
import { wasm as w, type Code, type SimdFunction } from '../diffusion/wasm-simd.js';

const get = w.localGet;

/** widenBytes(from, end, to): bytes from `from` to `end` (rounded up to 16) as f32(byte + offset) from `to` on. */
function widenBytesFunction(offset: Code): Omit<SimdFunction, 'name'> {
  const [FROM, END, TO, BYTES, HALF] = [0, 1, 2, 3, 4];
  const quarter = (half: Code, high: boolean): Code =>
    w.f32x4Add(w.f32x4ConvertI32x4U(high ? w.i32x4ExtendHighI16x8U(half) : w.i32x4ExtendLowI16x8U(half)), offset);
  return {
    params: 3,
    v128Locals: 2,
    body: w.doWhile(
      [
        ...w.localSet(BYTES, w.load(get(FROM), 0)),
        ...w.localSet(HALF, w.i16x8ExtendLowI8x16U(get(BYTES))),
        ...w.store(get(TO), 0, quarter(get(HALF), false)),
        ...w.store(get(TO), 16, quarter(get(HALF), true)),
        ...w.localSet(HALF, w.i16x8ExtendHighI8x16U(get(BYTES))),
        ...w.store(get(TO), 32, quarter(get(HALF), false)),
        ...w.store(get(TO), 48, quarter(get(HALF), true)),
        ...w.localSet(FROM, w.i32Add(get(FROM), w.i32Const(16))),
        ...w.localSet(TO, w.i32Add(get(TO), w.i32Const(64))),
      ],
      w.i32LtU(get(FROM), get(END)),
    ),
  };
}

/** shiftFloats(from, end, to): float32 samples from `from` to `end` (rounded up to 4) plus the offset, from `to` on. */
function shiftFloatsFunction(offset: Code): Omit<SimdFunction, 'name'> {
  const [FROM, END, TO] = [0, 1, 2];
  return {
    params: 3,
    v128Locals: 0,
    body: w.doWhile(
      [
        ...w.store(get(TO), 0, w.f32x4Add(w.load(get(FROM), 0), offset)),
        ...w.localSet(FROM, w.i32Add(get(FROM), w.i32Const(16))),
        ...w.localSet(TO, w.i32Add(get(TO), w.i32Const(16))),
      ],
      w.i32LtU(get(FROM), get(END)),
    ),
  };
}

/** `v < 0 ? 0 : v > 255 ? 255 : v` per lane, NaN and −0 kept as the scalar comparison keeps them. */
const clamp = (v: Code): Code => w.f32x4Pmin(w.f32x4Pmax(v, w.f32x4(0)), w.f32x4(255));

/** clampFloats(ptr, end): the float32 samples from `ptr` to `end` (rounded up to 4) clamped in place. */
function clampFloatsFunction(): Omit<SimdFunction, 'name'> {
  const [PTR, END] = [0, 1];
  return {
    params: 2,
    v128Locals: 0,
    body: w.doWhile(
      [...w.store(get(PTR), 0, clamp(w.load(get(PTR), 0))), ...w.localSet(PTR, w.i32Add(get(PTR), w.i32Const(16)))],
      w.i32LtU(get(PTR), get(END)),
    ),
  };
}

/** clampBytes(from, end, to): the float32 samples from `from` to `end` (rounded up to 16) clamped, as bytes at `to`. */
function clampBytesFunction(): Omit<SimdFunction, 'name'> {
  const [FROM, END, TO] = [0, 1, 2];
  const word = (offset: number): Code => w.i32x4TruncSatF32x4S(clamp(w.load(get(FROM), offset)));
  return {
    params: 3,
    v128Locals: 0,
    body: w.doWhile(
      [
        ...w.store(
          get(TO),
          0,
          w.i8x16NarrowI16x8U(w.i16x8NarrowI32x4U(word(0), word(16)), w.i16x8NarrowI32x4U(word(32), word(48))),
        ),
        ...w.localSet(FROM, w.i32Add(get(FROM), w.i32Const(64))),
        ...w.localSet(TO, w.i32Add(get(TO), w.i32Const(16))),
      ],
      w.i32LtU(get(FROM), get(END)),
    ),
  };
}

/**
 * widenBytes(from, end, to) and shiftFloats(from, end, to), with `offset` the vector to add, and
 * clampFloats(ptr, end) and clampBytes(from, end, to).
 */
export function sampleConversionFunctions(offset: Code): SimdFunction[] {
  return [
    { name: 'widenBytes', ...widenBytesFunction(offset) },
    { name: 'shiftFloats', ...shiftFloatsFunction(offset) },
    { name: 'clampFloats', ...clampFloatsFunction() },
    { name: 'clampBytes', ...clampBytesFunction() },
  ];
}
