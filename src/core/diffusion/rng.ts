/**
 * Every random draw of the runtime goes through an explicit generator, so a seed fixes a render. The reference
 * draws with torch's CPU generator; `torch-generator.ts` reproduces it.
 */
export interface Rng {
  /** Standard normal values, drawn as torch.randn(shape) draws them (float32). */
  randn(shape: readonly number[]): Float32Array;
}
