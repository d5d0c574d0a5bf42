/**
 * Loads a diffusers ONNX export folder into the runtime's components: tokenizer, text encoder, UNet, VAE encoder
 * and decoder, the scheduler config and the VAE scaling factor. The layout is checked before anything is opened
 * and every missing file is named at once; each model's inputs and outputs are then checked against what its
 * component needs (`models/*.ts`), so a wrong export fails at load with the model, tensor and dtype named.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DeforumError } from '../../errors.js';
import { createTextEncoder, type TextEncoder } from '../models/text-encoder.js';
import { createUNet, type UNet } from '../models/unet.js';
import {
  createVaeDecoder,
  createVaeEncoder,
  DEFAULT_VAE_SCALING_FACTOR,
  type VaeDecoder,
  type VaeEncoder,
} from '../models/vae.js';
import type { ModelSession, SessionHost } from '../onnx/model-session.js';
import { createClipTokenizer, type ClipTokenizer } from '../tokenizer/clip-tokenizer.js';
import { clipTokenizerJson } from '../tokenizer/tokenizer-json.js';
import { parseSchedulerConfig, type SchedulerConfig } from './scheduler-config.js';

export interface Components {
  readonly folder: string;
  readonly tokenizer: ClipTokenizer;
  readonly textEncoder: TextEncoder;
  readonly unet: UNet;
  readonly vaeEncoder: VaeEncoder;
  readonly vaeDecoder: VaeDecoder;
  readonly scheduler: SchedulerConfig;
  readonly vaeScalingFactor: number;
  /** Releases every session (the host stays open). */
  release(): Promise<void>;
}

const MODELS = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'] as const;
const SCHEDULER_CONFIG = 'scheduler/scheduler_config.json';

export async function loadComponents(folder: string, host: SessionHost): Promise<Components> {
  checkLayout(folder);
  const scheduler = readScheduler(folder);
  const tokenizer = createClipTokenizer(readTokenizerFiles(folder));
  const vaeScalingFactor = readScalingFactor(folder);
  const sessions: ModelSession[] = [];
  try {
    for (const name of MODELS) sessions.push(await host.open(path.join(folder, name, 'model.onnx'), name));
    const [textSession, unetSession, encoderSession, decoderSession] = sessions as [
      ModelSession,
      ModelSession,
      ModelSession,
      ModelSession,
    ];
    const textEncoder = createTextEncoder(textSession);
    const unet = createUNet(unetSession);
    if (
      textEncoder.hiddenSize !== undefined &&
      unet.contextSize !== undefined &&
      textEncoder.hiddenSize !== unet.contextSize
    ) {
      throw new DeforumError(
        {
          code: 'model_io_mismatch',
          model: 'unet',
          input: 'encoder_hidden_states',
          expected: `width ${textEncoder.hiddenSize} (the text encoder's)`,
          got: `width ${unet.contextSize}`,
        },
        `unet: 'encoder_hidden_states' is ${unet.contextSize} wide but the text encoder gives ${textEncoder.hiddenSize}; ` +
          'the folder mixes components of different models (SD1 is 768, SD2 1024).',
      );
    }
    return {
      folder,
      tokenizer,
      textEncoder,
      unet,
      vaeEncoder: createVaeEncoder(encoderSession, vaeScalingFactor),
      vaeDecoder: createVaeDecoder(decoderSession, vaeScalingFactor),
      scheduler,
      vaeScalingFactor,
      release: async () => {
        await Promise.all(sessions.map((session) => session.release()));
      },
    };
  } catch (error) {
    await Promise.all(sessions.map((session) => session.release()));
    throw error;
  }
}

function checkLayout(folder: string): void {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw invalid(folder, [folder], `The model folder ${folder} does not exist.`);
  }
  const missing = [...MODELS.map((name) => `${name}/model.onnx`), SCHEDULER_CONFIG].filter(
    (file) => !existsSync(path.join(folder, file)),
  );
  const hasJson = existsSync(path.join(folder, 'tokenizer/tokenizer.json'));
  const hasBpeFiles = ['vocab.json', 'merges.txt'].every((file) => existsSync(path.join(folder, 'tokenizer', file)));
  if (!hasJson && !hasBpeFiles)
    missing.push('tokenizer/tokenizer.json (or tokenizer/vocab.json + tokenizer/merges.txt)');
  if (missing.length > 0) {
    throw invalid(
      folder,
      missing,
      `The model folder ${folder} is not a complete diffusers ONNX export: missing ${missing.join(', ')}. ` +
        'Export the model with diffusers (convert_stable_diffusion_checkpoint_to_onnx.py) or optimum-cli export onnx.',
    );
  }
}

function readScheduler(folder: string): SchedulerConfig {
  const result = parseSchedulerConfig(readJson(folder, SCHEDULER_CONFIG));
  if (!result.ok) {
    throw invalid(
      folder,
      [],
      `${SCHEDULER_CONFIG} is not usable: ${result.issues.join('; ')}. ` +
        'Supported: beta_schedule linear | scaled_linear | squaredcos_cap_v2, prediction_type epsilon | v_prediction.',
    );
  }
  return result.value;
}

function readTokenizerFiles(folder: string): Parameters<typeof createClipTokenizer>[0] {
  const configFile = 'tokenizer/tokenizer_config.json';
  const tokenizerConfig = existsSync(path.join(folder, configFile))
    ? (readJson(folder, configFile) as Record<string, unknown>)
    : {};
  if (existsSync(path.join(folder, 'tokenizer/tokenizer.json'))) {
    return { tokenizerJson: readJson(folder, 'tokenizer/tokenizer.json') as object, tokenizerConfig };
  }
  const vocab = readJson(folder, 'tokenizer/vocab.json') as Record<string, number>;
  const merges = readFileSync(path.join(folder, 'tokenizer/merges.txt'), 'utf8');
  return { tokenizerJson: clipTokenizerJson(vocab, merges), tokenizerConfig };
}

function readScalingFactor(folder: string): number {
  for (const file of ['vae_decoder/config.json', 'vae_encoder/config.json', 'vae/config.json']) {
    if (!existsSync(path.join(folder, file))) continue;
    const factor = (readJson(folder, file) as { scaling_factor?: unknown }).scaling_factor;
    if (typeof factor === 'number' && factor > 0) return factor;
  }
  return DEFAULT_VAE_SCALING_FACTOR;
}

function readJson(folder: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as unknown;
  } catch (error) {
    throw invalid(folder, [], `${file} in ${folder} is not valid JSON: ${(error as Error).message}.`);
  }
}

function invalid(folder: string, missing: string[], message: string): DeforumError {
  return new DeforumError({ code: 'model_folder_invalid', folder, missing, reason: message }, message);
}
