/**
 * Just enough of a WebAssembly assembler to build SIMD kernels in memory: a module with one exported memory and
 * exported functions of i32 parameters, their bodies written as expressions that each push one value. No
 * toolchain is involved (the build has none): each instruction is its encoding from the WebAssembly SIMD
 * specification, and a module that encodes something wrong fails to compile at load.
 */

/** The bytes of instructions that leave one value on the stack (or none, for a statement). */
export type Code = readonly number[];

function uleb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return bytes;
}

function sleb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
    bytes.push(done ? low : low | 0x80);
    if (done) return bytes;
  }
}

const simd = (opcode: number, ...operands: Code[]): Code => [...operands.flat(), 0xfd, ...uleb(opcode)];

/** 16 bytes as one v128 constant. */
function v128Const(bytes: Uint8Array): Code {
  return [0xfd, 0x0c, ...bytes];
}

export const wasm = {
  localGet: (index: number): Code => [0x20, ...uleb(index)],
  localSet: (index: number, value: Code): Code => [...value, 0x21, ...uleb(index)],
  i32Const: (value: number): Code => [0x41, ...sleb(value)],
  i32Add: (a: Code, b: Code): Code => [...a, ...b, 0x6a],
  i32LtU: (a: Code, b: Code): Code => [...a, ...b, 0x49],
  i32GtU: (a: Code, b: Code): Code => [...a, ...b, 0x4b],
  /** i32.store at `address + offset` (4-byte alignment hint; any address works). */
  i32Store: (address: Code, offset: number, value: Code): Code => [...address, ...value, 0x36, 0x02, ...uleb(offset)],
  /** `if (condition) { body }`. */
  ifThen: (condition: Code, body: Code): Code => [...condition, 0x04, 0x40, ...body, 0x0b],
  /** `if (condition) { body } else { otherwise }`. */
  ifElse: (condition: Code, body: Code, otherwise: Code): Code => [
    ...condition,
    0x04,
    0x40,
    ...body,
    0x05,
    ...otherwise,
    0x0b,
  ],
  /** `loop { body; br_if 0 (condition) }`: runs body at least once. */
  doWhile: (body: Code, condition: Code): Code => [0x03, 0x40, ...body, ...condition, 0x0d, 0x00, 0x0b],

  /** v128.load/store at `address + offset` (the 16-byte alignment is a hint: unaligned addresses work too). */
  load: (address: Code, offset: number): Code => [...address, 0xfd, 0x00, 0x04, ...uleb(offset)],
  store: (address: Code, offset: number, value: Code): Code => [
    ...address,
    ...value,
    0xfd,
    0x0b,
    0x04,
    ...uleb(offset),
  ],
  i32x4: (value: number): Code => v128Const(new Uint8Array(Int32Array.of(value, value, value, value).buffer)),
  f32x4: (value: number): Code => v128Const(new Uint8Array(Float32Array.of(value, value, value, value).buffer)),
  f64x2: (value: number): Code => v128Const(new Uint8Array(Float64Array.of(value, value).buffer)),
  /** Bytes 8–15 of `a` moved to 0–7 (the high two f32 lanes, for a promotion); `a` is evaluated twice. */
  highHalf: (a: Code): Code => [...a, ...a, 0xfd, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15],
  /** The low 8 bytes of `a`, then the low 8 bytes of `b`: two demoted halves back into one f32x4. */
  joinLow: (a: Code, b: Code): Code => [...a, ...b, 0xfd, 0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23],

  /** Bytes of `a` (indices 0–15) and `b` (16–31) picked by the 16 constant `lanes`. */
  shuffle: (a: Code, b: Code, lanes: readonly number[]): Code => [...a, ...b, 0xfd, 0x0d, ...lanes],

  and: (a: Code, b: Code): Code => simd(0x4e, a, b),
  /** `a` and not `b`. */
  andNot: (a: Code, b: Code): Code => simd(0x4f, a, b),
  /** i32: 1 if any bit of `a` is set. */
  anyTrue: (a: Code): Code => simd(0x53, a),
  or: (a: Code, b: Code): Code => simd(0x50, a, b),
  xor: (a: Code, b: Code): Code => simd(0x51, a, b),
  not: (a: Code): Code => simd(0x4d, a),
  /** Bits of `a` where `mask` is set, of `b` elsewhere. */
  bitselect: (a: Code, b: Code, mask: Code): Code => simd(0x52, a, b, mask),

  i32x4Splat: (a: Code): Code => simd(0x11, a),
  /** i32: 1 if every 32-bit lane of `a` is non-zero. */
  i32x4AllTrue: (a: Code): Code => simd(0xa3, a),
  i32x4ExtractLane: (a: Code, lane: number): Code => [...simd(0x1b, a), lane],
  /** Bytes widened to 16 bits (low or high eight), and 16-bit lanes to 32 bits, unsigned. */
  i16x8ExtendLowI8x16U: (a: Code): Code => simd(0x89, a),
  i16x8ExtendHighI8x16U: (a: Code): Code => simd(0x8a, a),
  i32x4ExtendLowI16x8U: (a: Code): Code => simd(0xa9, a),
  i32x4ExtendHighI16x8U: (a: Code): Code => simd(0xaa, a),
  /** Signed lanes narrowed to the unsigned range of half their width, saturating; `a` gives the low half. */
  i8x16NarrowI16x8U: (a: Code, b: Code): Code => simd(0x66, a, b),
  i16x8NarrowI32x4U: (a: Code, b: Code): Code => simd(0x86, a, b),
  i32x4Shl: (a: Code, bits: number): Code => simd(0xab, a, [0x41, ...sleb(bits)]),
  i32x4ShrS: (a: Code, bits: number): Code => simd(0xac, a, [0x41, ...sleb(bits)]),
  i32x4ShrU: (a: Code, bits: number): Code => simd(0xad, a, [0x41, ...sleb(bits)]),
  i32x4Add: (a: Code, b: Code): Code => simd(0xae, a, b),
  i32x4Sub: (a: Code, b: Code): Code => simd(0xb1, a, b),
  i32x4Mul: (a: Code, b: Code): Code => simd(0xb5, a, b),
  i32x4MinS: (a: Code, b: Code): Code => simd(0xb6, a, b),
  i32x4MaxS: (a: Code, b: Code): Code => simd(0xb8, a, b),
  i32x4TruncSatF32x4S: (a: Code): Code => simd(0xf8, a),

  f32x4Ne: (a: Code, b: Code): Code => simd(0x42, a, b),
  f32x4Lt: (a: Code, b: Code): Code => simd(0x43, a, b),
  f32x4Gt: (a: Code, b: Code): Code => simd(0x44, a, b),
  f32x4Le: (a: Code, b: Code): Code => simd(0x45, a, b),
  f32x4Ge: (a: Code, b: Code): Code => simd(0x46, a, b),
  f32x4Floor: (a: Code): Code => simd(0x68, a),
  f32x4Trunc: (a: Code): Code => simd(0x69, a),
  /** Rounded to the nearest integer, ties to even. */
  f32x4Nearest: (a: Code): Code => simd(0x6a, a),
  f32x4Abs: (a: Code): Code => simd(0xe0, a),
  f32x4Min: (a: Code, b: Code): Code => simd(0xe8, a, b),
  f32x4Max: (a: Code, b: Code): Code => simd(0xe9, a, b),
  /** `b < a ? b : a` per lane (NaN and −0 in `a` kept). */
  f32x4Pmin: (a: Code, b: Code): Code => simd(0xea, a, b),
  /** `a < b ? b : a` per lane (NaN and −0 in `a` kept). */
  f32x4Pmax: (a: Code, b: Code): Code => simd(0xeb, a, b),
  f32x4Add: (a: Code, b: Code): Code => simd(0xe4, a, b),
  f32x4Sub: (a: Code, b: Code): Code => simd(0xe5, a, b),
  f32x4Mul: (a: Code, b: Code): Code => simd(0xe6, a, b),
  f32x4Div: (a: Code, b: Code): Code => simd(0xe7, a, b),
  f32x4ConvertI32x4S: (a: Code): Code => simd(0xfa, a),
  f32x4ConvertI32x4U: (a: Code): Code => simd(0xfb, a),
  f32x4DemoteF64x2Zero: (a: Code): Code => simd(0x5e, a),

  f64x2Add: (a: Code, b: Code): Code => simd(0xf0, a, b),
  f64x2Sub: (a: Code, b: Code): Code => simd(0xf1, a, b),
  f64x2Mul: (a: Code, b: Code): Code => simd(0xf2, a, b),
  f64x2Div: (a: Code, b: Code): Code => simd(0xf3, a, b),
  f64x2Sqrt: (a: Code): Code => simd(0xef, a),
  /** Lane masks: all ones where the comparison holds. */
  f64x2Eq: (a: Code, b: Code): Code => simd(0x47, a, b),
  f64x2Lt: (a: Code, b: Code): Code => simd(0x49, a, b),
  f64x2Gt: (a: Code, b: Code): Code => simd(0x4a, a, b),
  f64x2Ge: (a: Code, b: Code): Code => simd(0x4c, a, b),
  f64x2PromoteLowF32x4: (a: Code): Code => simd(0x5f, a),
  f64x2ConvertLowI32x4S: (a: Code): Code => simd(0xfe, a),
};

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

export interface SimdFunction {
  /** Exported under this name. */
  name: string;
  /** i32 parameters: locals 0 … params − 1. */
  params: number;
  /** v128 locals after the parameters. */
  v128Locals: number;
  /** i32 locals after the v128 locals (none if absent). */
  i32Locals?: number;
  body: Code;
}

/** The parts of the WebAssembly JS API used here: @types/node 20 declares no `WebAssembly` global. */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (module: unknown) => { readonly exports: Record<string, unknown> };
};

export interface SimdInstance {
  /** The module's memory as instantiated: valid until `growTo` grows it. */
  readonly memory: ArrayBuffer;
  /** Grows the memory to at least `bytes` (whole pages) and returns its buffer; the previous one is detached. */
  readonly growTo: (bytes: number) => ArrayBuffer;
  /** The functions, by name. */
  readonly functions: Readonly<Record<string, (...args: number[]) => void>>;
}

/** Compiles and instantiates `functions` over one memory of `pages` × 64 KiB. */
export function instantiateSimd(functions: readonly SimdFunction[], pages: number): SimdInstance {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(simdModule(functions, pages)));
  const memory = exports.memory as { buffer: ArrayBuffer; grow: (pages: number) => number };
  return {
    memory: memory.buffer,
    growTo: (bytes) => {
      const missing = Math.ceil((bytes - memory.buffer.byteLength) / PAGE);
      if (missing > 0) memory.grow(missing);
      return memory.buffer;
    },
    functions: Object.fromEntries(
      functions.map((fn) => [fn.name, exports[fn.name] as (...args: number[]) => void] as const),
    ),
  };
}

const PAGE = 65536;

/** A module exporting `memory` and the functions (function i has type i). */
function simdModule(functions: readonly SimdFunction[], pages: number): Uint8Array {
  const I32 = 0x7f;
  const V128 = 0x7b;
  const count = uleb(functions.length);
  const types = functions.flatMap((fn) => [0x60, ...uleb(fn.params), ...new Array<number>(fn.params).fill(I32), 0]);
  const type = section(1, [...count, ...types]);
  const declarations = section(3, [...count, ...functions.flatMap((_, index) => uleb(index))]);
  const memory = section(5, [1, 0, ...uleb(pages)]);
  const exported = functions.flatMap((fn, index) => [...name(fn.name), 0, ...uleb(index)]);
  const exports = section(7, [...uleb(functions.length + 1), ...name('memory'), 2, 0, ...exported]);
  const bodies = functions.flatMap((fn) => {
    const i32Locals = fn.i32Locals ?? 0;
    const locals =
      i32Locals > 0 ? [2, ...uleb(fn.v128Locals), V128, ...uleb(i32Locals), I32] : [1, ...uleb(fn.v128Locals), V128];
    const body = [...locals, ...fn.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const code = section(10, [...count, ...bodies]);
  return Uint8Array.from([...MAGIC_AND_VERSION, ...type, ...declarations, ...memory, ...exports, ...code]);
}

/** `\0asm`, version 1. */
const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
