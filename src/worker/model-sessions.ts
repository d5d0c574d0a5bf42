/**
 * The worker's diffusion runtime, kept across jobs (issue 7 point 5): the model folder is opened in one inference
 * worker on the first job that needs it and stays loaded; each job gets a FrameGenerator over the same components
 * with its own fixed settings (as the CLI's load-frame-generator.ts makes one). The depth model loads on the first
 * 3D job with depth warping, one per MiDaS weight; the export's safety checker, when it has one, with the
 * components. A worker without a models folder never loads anything and serves preview jobs only (it claims none
 * other).
 */
import type { FrameGenerator } from '../core/animation/frame-generator.js';
import { generatorOptionsFor, needsDepthModel } from '../core/animation/render-generator-options.js';
import type { DepthModel } from '../core/diffusion/models/depth.js';
import type { DeviceName } from '../core/diffusion/onnx/providers.js';
import { startInferenceWorker } from '../core/diffusion/onnx/worker-host.js';
import { isGuidanceActive } from '../core/diffusion/guidance/guidance-settings.js';
import { loadComponents, type Components } from '../core/diffusion/pipeline/components.js';
import { createDiffusionGenerator } from '../core/diffusion/pipeline/diffusion-generator.js';
import type { SafetyChecker } from '../core/diffusion/models/safety-checker.js';
import {
  loadDepthModel,
  loadSafetyChecker,
  SAFETY_CHECKER_FILE,
  type LoadedDepthModel,
} from '../core/diffusion/pipeline/load-optional-models.js';
import { DeforumError } from '../core/errors.js';
import type { DeforumSettings } from '../core/settings/schema.js';

export interface JobGenerator {
  generate: FrameGenerator;
  depthModel: DepthModel | null;
  /** The export's safety checker (safety-check.ts), or null when the model folder has none. */
  safetyChecker: SafetyChecker | null;
}

type LoadedSafetyChecker = Awaited<ReturnType<typeof loadSafetyChecker>>;

type Host = ReturnType<typeof startInferenceWorker>;

export class ModelSessions {
  private host: Host | null = null;
  private components: Promise<Components> | null = null;
  private readonly depth = new Map<number, Promise<LoadedDepthModel>>();
  private safety: Promise<LoadedSafetyChecker> | null = null;

  constructor(
    private readonly modelsDir: string | null,
    private readonly device: DeviceName,
    private readonly onWarning: (message: string) => void,
  ) {}

  async generatorFor(settings: DeforumSettings): Promise<JobGenerator> {
    if (this.modelsDir === null) {
      throw new Error('a worker without a models folder claimed a full render; it advertises no models');
    }
    if (isGuidanceActive(settings)) {
      // Guidance images are paths on the submitter's machine; a worker reads nothing that user text names.
      throw new DeforumError(
        {
          code: 'setting_unsupported',
          setting: 'init_mse_scale',
          given: 'non-zero',
          reason: 'guidance images are not uploaded with jobs yet',
        },
        'Conditional guidance (init_mse_scale, colormatch_scale, ...) needs images that queued jobs cannot carry ' +
          'yet; set the guidance scales to 0, or render it with `deforum render`.',
      );
    }
    const components = await this.loadComponents(this.modelsDir);
    const depthModel = needsDepthModel(settings)
      ? (await this.loadDepth(this.modelsDir, settings.midas_weight)).model
      : null;
    const safety = await this.loadSafety(this.modelsDir);
    const generate = createDiffusionGenerator(components, generatorOptionsFor(settings, { onWarning: this.onWarning }));
    return { generate, depthModel, safetyChecker: safety?.checker ?? null };
  }

  async close(): Promise<void> {
    for (const depth of this.depth.values()) await (await depth.catch(() => null))?.release();
    await (await this.safety?.catch(() => null))?.release();
    const components = await this.components?.catch(() => null);
    await components?.release();
    await this.host?.close();
  }

  private loadComponents(folder: string): Promise<Components> {
    if (this.components === null) {
      this.host = startInferenceWorker({ device: this.device, onWarning: this.onWarning });
      const loading = loadComponents(folder, this.host);
      // A failed load is tried again by the next job rather than cached.
      loading.catch(() => {
        if (this.components === loading) this.components = null;
      });
      this.components = loading;
    }
    return this.components;
  }

  private loadDepth(folder: string, midasWeight: number): Promise<LoadedDepthModel> {
    let depth = this.depth.get(midasWeight);
    if (depth === undefined) {
      if (this.host === null) throw new Error('the depth model loads after the components');
      depth = loadDepthModel(folder, this.host, { midasWeight });
      depth.catch(() => this.depth.delete(midasWeight));
      this.depth.set(midasWeight, depth);
    }
    return depth;
  }

  /** Loaded once, after the components; a folder without one is said once, as the models load. */
  private loadSafety(folder: string): Promise<LoadedSafetyChecker> {
    if (this.safety === null) {
      if (this.host === null) throw new Error('the safety checker loads after the components');
      const loading = loadSafetyChecker(folder, this.host).then((loaded) => {
        if (loaded === null) {
          this.onWarning(`${folder} has no ${SAFETY_CHECKER_FILE}: no safety checker, so no job is ever flagged`);
        }
        return loaded;
      });
      loading.catch(() => {
        if (this.safety === loading) this.safety = null;
      });
      this.safety = loading;
    }
    return this.safety;
  }
}
