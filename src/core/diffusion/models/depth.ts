/**
 * Depth for the 3D warp: DepthModel.predict of `helpers/depth.py` (notebook v0.7.1, spec §5.3 and §10) around
 * injected networks. MiDaS (DPT-Large) sees the frame through the real MiDaS transform; its inverse depth is
 * bicubic-resized to the frame and turned into a distance-like value `(50 − d) / 19`, then optionally blended
 * `d·w + adabins·(1 − w)` with AdaBins (metres). The result is raw, not normalised to near/far.
 * Where the original quietly falls back to MiDaS alone (AdaBins missing or throwing), we refuse instead
 * (docs/deviations.md, "Depth").
 */
import { DeforumError } from '../../errors.js';
import type { RawImage } from '../../image/raw-image.js';
import { predictAdabins } from './depth/adabins.js';
import type { DepthNetwork, DepthTensor } from './depth/depth-network.js';
import { midasInput } from './depth/midas-transform.js';
import { resizeCubic } from './depth/resize-cubic.js';

export type { DepthNetwork, DepthTensor } from './depth/depth-network.js';

/** One depth value per pixel, row-major, float32 like the original's tensor. */
export interface DepthMap {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

export interface DepthModelOptions {
  /** MiDaS DPT-Large: [1, 3, h, w] normalised to −1…1 in, inverse depth [1, h, w] out. */
  midas: DepthNetwork;
  /** AdaBins NYU: [1, 3, h, w] ImageNet-normalised in, depth [1, 1, h/2, w/2] in metres out. */
  adabins?: DepthNetwork | undefined;
  /** `midas_weight`: 1 or more uses MiDaS alone; below 1 blends with AdaBins (values outside 0…1 extrapolate). */
  midasWeight: number;
}

export interface DepthPrediction {
  depth: DepthMap;
  /** What MiDaS returned, before any resizing. */
  midasRaw: DepthTensor;
  /** What AdaBins' `predict_pil` gave at its input size, or null when MiDaS was used alone. */
  adabinsRaw: DepthTensor | null;
}

export interface DepthModel {
  readonly usesAdabins: boolean;
  predict(image: RawImage): Promise<DepthPrediction>;
}

function midasPlane(output: { data: Float32Array; shape: readonly number[] }): { width: number; height: number } {
  const { shape, data } = output;
  const height = shape.at(-2) ?? 0;
  const width = shape.at(-1) ?? 0;
  if (shape.length < 2 || shape.slice(0, -2).some((d) => d !== 1) || data.length !== width * height || !width) {
    throw new DeforumError(
      {
        code: 'model_io_mismatch',
        model: 'MiDaS',
        input: 'prediction',
        expected: '[1, h, w]',
        got: `[${shape.join(', ')}]`,
      },
      `The MiDaS depth network returned a tensor of shape [${shape.join(', ')}]; expected one inverse-depth map ` +
        '[1, h, w]. Use a DPT/MiDaS export whose single output is the prediction.',
    );
  }
  return { width, height };
}

/**
 * Builds the depth model for a run. Fails up front when `midas_weight` asks for AdaBins and none is given, rather
 * than rendering every frame with a depth the settings did not ask for.
 */
export function createDepthModel(options: DepthModelOptions): DepthModel {
  const { midas, adabins, midasWeight } = options;
  const usesAdabins = midasWeight < 1;
  if (usesAdabins && !adabins) {
    throw new DeforumError(
      { code: 'depth_model_missing', model: 'AdaBins', midasWeight },
      `midas_weight ${midasWeight} blends MiDaS with AdaBins depth, but no AdaBins model is loaded. Set ` +
        'midas_weight to 1.0 to use MiDaS alone, or provide the AdaBins model.',
    );
  }
  const weight = Math.fround(midasWeight);
  const adabinsWeight = Math.fround(1 - midasWeight);

  return {
    usesAdabins,
    async predict(image) {
      const { width, height } = image;
      const adabinsResult = usesAdabins && adabins ? await predictAdabins(image, adabins) : null;
      const input = midasInput(image);
      const midasRaw = await midas(input.data, input.shape);
      const net = midasPlane(midasRaw);
      const resized = resizeCubic(midasRaw.data, net.width, net.height, 1, width, height);
      const depth = new Float32Array(width * height);
      for (let i = 0; i < depth.length; i++) {
        // numpy keeps float32 throughout: (50 − d) / 19, then d·w + a·(1 − w) with w cast to float32.
        const midasDepth = Math.fround(Math.fround(50 - (resized[i] ?? 0)) / 19);
        depth[i] = adabinsResult
          ? Math.fround(midasDepth * weight) + Math.fround((adabinsResult.depth[i] ?? 0) * adabinsWeight)
          : midasDepth;
      }
      return {
        depth: { width, height, data: depth },
        midasRaw: { data: midasRaw.data, shape: [...midasRaw.shape] },
        adabinsRaw: adabinsResult?.raw ?? null,
      };
    },
  };
}
