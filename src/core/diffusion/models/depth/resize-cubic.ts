/**
 * Bicubic resampling of float planes with half-pixel centres: the resize that both cv2 `INTER_CUBIC` (MiDaS input
 * transform, float32 image) and torch `interpolate(mode='bicubic', align_corners=False)` (MiDaS output, AdaBins
 * `TF.resize`) perform. Both use Keys' kernel with A = −0.75, source x = (dst + 0.5)·in/out − 0.5, taps clamped to
 * the edge pixel, and no antialiasing when shrinking, so one implementation serves both (spec §10).
 */

const A = -0.75;

interface Taps {
  /** Four source indices per output position, already clamped to the edge. */
  index: Int32Array;
  weight: Float64Array;
}

function cubicTaps(inSize: number, outSize: number): Taps {
  const index = new Int32Array(outSize * 4);
  const weight = new Float64Array(outSize * 4);
  // Both references compute the scale and the source position in float32.
  const scale = Math.fround(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    const x = Math.fround(Math.fround(scale * (o + 0.5)) - 0.5);
    const base = Math.floor(x);
    const t = Math.fround(x - base);
    const t1 = t + 1;
    const u = 1 - t;
    const w0 = ((A * t1 - 5 * A) * t1 + 8 * A) * t1 - 4 * A;
    const w1 = ((A + 2) * t - (A + 3)) * t * t + 1;
    const w2 = ((A + 2) * u - (A + 3)) * u * u + 1;
    const taps = [w0, w1, w2, 1 - w0 - w1 - w2];
    for (let k = 0; k < 4; k++) {
      index[o * 4 + k] = Math.min(inSize - 1, Math.max(0, base - 1 + k));
      weight[o * 4 + k] = Math.fround(taps[k] ?? 0);
    }
  }
  return { index, weight };
}

/**
 * Resizes interleaved float samples (`channels` per pixel, row-major) to outWidth×outHeight. Separable: rows
 * first, then columns; the references sum the same 16 products in another order, which changes results only in
 * the last float32 bits.
 */
export function resizeCubic(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  if (width === outWidth && height === outHeight) return Float32Array.from(data);
  const cols = cubicTaps(width, outWidth);
  const rows = cubicTaps(height, outHeight);
  const horizontal = new Float64Array(height * outWidth * channels);
  for (let y = 0; y < height; y++) {
    const rowIn = y * width * channels;
    const rowOut = y * outWidth * channels;
    for (let x = 0; x < outWidth; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) {
          const tap = x * 4 + k;
          sum += (data[rowIn + (cols.index[tap] ?? 0) * channels + c] ?? 0) * (cols.weight[tap] ?? 0);
        }
        horizontal[rowOut + x * channels + c] = sum;
      }
    }
  }
  const out = new Float32Array(outHeight * outWidth * channels);
  const stride = outWidth * channels;
  for (let y = 0; y < outHeight; y++) {
    for (let i = 0; i < stride; i++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) {
        const tap = y * 4 + k;
        sum += (horizontal[(rows.index[tap] ?? 0) * stride + i] ?? 0) * (rows.weight[tap] ?? 0);
      }
      out[y * stride + i] = sum;
    }
  }
  return out;
}
