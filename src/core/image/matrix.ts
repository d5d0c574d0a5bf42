/**
 * Row-major square matrices as Float64Array, the form the warps pass to each other (numpy's float64 `matmul`
 * in the reference).
 */

/** `a · b` for n×n matrices, summing each dot product left to right like a naive numpy loop. */
export function multiplySquare(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += (a[r * n + k] ?? 0) * (b[k * n + c] ?? 0);
      out[r * n + c] = sum;
    }
  }
  return out;
}

/** The n×n identity. */
export function identity(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}
