/**
 * The diffusion runtime of `deforum render`: a diffusers ONNX export opened in the inference worker (so the
 * progress bar keeps drawing while a model runs), the FrameGenerator over it with the render's fixed settings,
 * and the depth model when a 3D render warps with depth. Everything opened here is released by `release()`.
 */
import type { FrameGenerator } from '../core/animation/frame-generator.js';
import { generatorOptionsFor, needsDepthModel } from '../core/animation/render-generator-options.js';
import type { DepthModel } from '../core/diffusion/models/depth.js';
import type { DeviceName } from '../core/diffusion/onnx/providers.js';
import { startInferenceWorker } from '../core/diffusion/onnx/worker-host.js';
import { loadComponents } from '../core/diffusion/pipeline/components.js';
import { createDiffusionGenerator } from '../core/diffusion/pipeline/diffusion-generator.js';
import { loadDepthModel } from '../core/diffusion/pipeline/load-optional-models.js';
import type { DeforumSettings } from '../core/settings/schema.js';
import { loadRenderGuidance } from './load-guidance-images.js';

export interface FrameGeneratorOptions {
  device: DeviceName;
  onWarning: (message: string) => void;
}

export interface LoadedFrameGenerator {
  generate: FrameGenerator;
  /** Loaded for 3D with `use_depth_warping` only; null otherwise. */
  depthModel: DepthModel | null;
  release(): Promise<void>;
}

export async function loadFrameGenerator(
  modelsDir: string,
  settings: DeforumSettings,
  options: FrameGeneratorOptions,
): Promise<LoadedFrameGenerator> {
  // Read before any model loads, so a missing guidance image stops the run at once.
  const guidance = await loadRenderGuidance(settings);
  const host = startInferenceWorker({ device: options.device, onWarning: options.onWarning });
  try {
    const components = await loadComponents(modelsDir, host);
    const depth = needsDepthModel(settings)
      ? await loadDepthModel(modelsDir, host, { midasWeight: settings.midas_weight })
      : null;
    const generate = createDiffusionGenerator(
      components,
      generatorOptionsFor(settings, { guidance, onWarning: options.onWarning }),
    );
    return {
      generate,
      depthModel: depth?.model ?? null,
      async release() {
        await depth?.release();
        await components.release();
        await host.close();
      },
    };
  } catch (error) {
    // Closing the host ends every session it opened, including those of a half-finished load.
    await host.close();
    throw error;
  }
}
