/**
 * Every random draw of the runtime goes through an explicit generator, so a seed fixes a render. The reference
 * draws with torch's CPU generator; `torch-generator.ts` reproduces it.
 */
export interface Rng {
  /** Standard normal values, drawn as torch.randn(shape) draws them (float32). */
  randn(shape: readonly number[]): Float32Array;
  /**
   * Advances the stream exactly as `randn(shape)` would, without computing the values (for draws the reference
   * makes and discards, such as k-diffusion's churn noise at s_churn = 0). Optional: callers fall back to `randn`.
   */
  skipRandn?(shape: readonly number[]): void;
}
