/**
 * The models beside a diffusers export that a render may use, found in the model folder (or at given paths):
 * - depth: `depth/midas.onnx` (MiDaS/DPT, required for 3D depth warping) and `depth/adabins.onnx` (opened only when
 *   `midas_weight` < 1 asks for it; createDepthModel refuses clearly when it is missing);
 * - safety checker: `safety_checker/model.onnx`, where the diffusers exporter writes it; absent means no checker.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DeforumError } from '../../errors.js';
import { createDepthModel, type DepthModel } from '../models/depth.js';
import { onnxDepthNetwork } from '../models/depth-onnx.js';
import { createSafetyChecker, type SafetyChecker } from '../models/safety-checker.js';
import type { ModelSession, SessionHost } from '../onnx/model-session.js';

export const MIDAS_FILE = 'depth/midas.onnx';
export const ADABINS_FILE = 'depth/adabins.onnx';
export const SAFETY_CHECKER_FILE = 'safety_checker/model.onnx';

export interface DepthModelPaths {
  /** Defaults to `<folder>/depth/midas.onnx`. */
  midas?: string;
  /** Defaults to `<folder>/depth/adabins.onnx`. */
  adabins?: string;
}

export interface LoadedDepthModel {
  readonly model: DepthModel;
  release(): Promise<void>;
}

export async function loadDepthModel(
  folder: string,
  host: SessionHost,
  options: { midasWeight: number; paths?: DepthModelPaths },
): Promise<LoadedDepthModel> {
  const midasPath = options.paths?.midas ?? path.join(folder, MIDAS_FILE);
  const adabinsPath = options.paths?.adabins ?? path.join(folder, ADABINS_FILE);
  if (!existsSync(midasPath)) {
    const message =
      `3D depth warping needs a MiDaS ONNX export at ${midasPath}. Put one there (an optimum DPT export or the ` +
      "MiDaS repo's ONNX file), or turn use_depth_warping off.";
    throw new DeforumError({ code: 'model_folder_invalid', folder, missing: [MIDAS_FILE], reason: message }, message);
  }
  const sessions: ModelSession[] = [await host.open(midasPath, 'MiDaS')];
  const release = async () => {
    await Promise.all(sessions.map((session) => session.release()));
  };
  try {
    const wantsAdabins = options.midasWeight < 1 && existsSync(adabinsPath);
    const adabins = wantsAdabins ? await host.open(adabinsPath, 'AdaBins') : undefined;
    if (adabins !== undefined) sessions.push(adabins);
    const model = createDepthModel({
      midas: onnxDepthNetwork(sessions[0] as ModelSession),
      adabins: adabins === undefined ? undefined : onnxDepthNetwork(adabins),
      midasWeight: options.midasWeight,
    });
    return { model, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** The export's safety checker, or null when the folder has none. */
export async function loadSafetyChecker(
  folder: string,
  host: SessionHost,
): Promise<{ checker: SafetyChecker; release(): Promise<void> } | null> {
  const file = path.join(folder, SAFETY_CHECKER_FILE);
  if (!existsSync(file)) return null;
  const session = await host.open(file, 'safety_checker');
  try {
    return { checker: createSafetyChecker(session), release: () => session.release() };
  } catch (error) {
    await session.release();
    throw error;
  }
}
